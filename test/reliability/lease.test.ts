/**
 * The leased concurrency slots (src/actitime/lease.ts) on the wire: requests started together reach the
 * simulator together, and a burst far larger than the budget still never puts more requests in a window than
 * the limits allow, as the simulator's own log counts them.
 */
import { describe, expect, it } from 'vitest';
import { getCustomer } from '../../src/actitime/resources/customers.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { busiestWindow } from '../helpers/rate.js';
import { waitFor } from '../helpers/wait.js';
import { harness, harnessPerTest, type Harness } from './support.js';

describe('leased slots: concurrent starts (REL-TH-01, SEC-CR-03)', () => {
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next));

  it('REL-TH-01 6 requests started together with maxConcurrent 6 are all at the simulator at once', async () => {
    const c = h.client({ limits: { maxConcurrent: 6 } });
    await getMe(c);
    // Each is held at the simulator long enough that the last can arrive before the first is answered.
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 200, times: 6 });
    await Promise.all(Array.from({ length: 6 }, () => getCustomer(c, 6)));
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(6);
    // In arrival order the simulator counted 1, 2, …, 6 in flight: none waited for another's answer.
    expect(hits.map((r) => r.inFlight)).toEqual([1, 2, 3, 4, 5, 6]);
    const firstAnswered = Math.min(...hits.map((r) => r.finishedAt!));
    for (const r of hits) expect(r.arrivedAt).toBeLessThan(firstAnswered);
  });

  it('REL-TH-01 an idle pool hands its lease back; the next burst takes one new lease and goes out together', async () => {
    const c = h.client({ limits: { maxConcurrent: 4 } }, { leaseIdleMs: 20 });
    await getMe(c);
    expect(c.limiter.slots.leasesTaken).toBe(1);
    await waitFor(() => c.limiter.slots.leased === 0, { message: 'the idle lease handed back' });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 200, times: 8 });
    await Promise.all(Array.from({ length: 8 }, () => getCustomer(c, 6)));
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(8);
    // The first four together (one lease of all four slots), the next four as the first answers free them.
    expect(hits.slice(0, 4).map((r) => r.inFlight)).toEqual([1, 2, 3, 4]);
    expect(Math.max(...hits.map((r) => r.inFlight))).toBe(4);
    // One new lease for all eight: the slots passed from request to request without a bottleneck job each.
    expect(c.limiter.slots.leasesTaken).toBe(2);
    expect(c.limiter.counts).toEqual({ queued: 0, running: 0 });
  });
});

describe('leased slots never stretch the rate budget (REL-TH-06, SEC-CR-03)', () => {
  // 100 per 20 ms and 1000 per 1.2 s: actiTIME's limits at a time unit of 20 ms, so 1,500 requests need the
  // minute window twice.
  const UNIT = 20;
  const limits = { perSecond: 100, perMinute: 1000 };

  it('REL-TH-06 a burst of 1,500 reads: zero 429, no window of the log over either limit', async () => {
    const h = await harness({
      limits: { ...limits, secondWindowMs: UNIT, minuteWindowMs: 60 * UNIT, timeUnitMs: UNIT },
    });
    try {
      const c = h.client({ timeUnitMs: UNIT, limits: { ...limits, highWater: 2000 } });
      await getMe(c);
      const N = 1500;
      const results = await Promise.all(Array.from({ length: N }, () => getCustomer(c, 6)));
      expect(results).toHaveLength(N);
      const reads = h.hits(/^\/customers\//);
      expect(reads).toHaveLength(N);
      expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
      expect(c.stats.retries).toBe(0);
      const arrivals = h.sim.requests.map((r) => r.arrivedAt);
      expect(busiestWindow(arrivals, UNIT)).toBeLessThanOrEqual(limits.perSecond);
      expect(busiestWindow(arrivals, 60 * UNIT)).toBeLessThanOrEqual(limits.perMinute);
      // Slots stayed leased through the whole burst: a handful of bottleneck jobs for 1,500 requests.
      expect(c.limiter.slots.leasesTaken).toBeLessThanOrEqual(3);
    } finally {
      await h.close();
    }
  }, 30_000);
});
