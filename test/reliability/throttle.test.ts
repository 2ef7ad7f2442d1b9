import { describe, expect, it } from 'vitest';
import { BusyError } from '../../src/actitime/errors.js';
import { getCustomer } from '../../src/actitime/resources/customers.js';
import { setTimeCell } from '../../src/actitime/resources/timetrack.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { api } from '../helpers/simulator.js';
import { gaps, now, SCALED_LIMITS, settle, UNIT, harnessPerTest, type Harness } from './support.js';
import { said } from '../helpers/errors.js';

describe('throttling and concurrency (REL-TH, SEC-CR-03)', () => {
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next));

  it('REL-TH-01 20 concurrent reads with maxConcurrent 4: at most 4 in flight, all complete', async () => {
    const c = h.client({ limits: { maxConcurrent: 4 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 40, times: 20 });
    const results = await Promise.all(Array.from({ length: 20 }, () => getCustomer(c, 6)));
    expect(results.every((r) => r.id === 6)).toBe(true);
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(20);
    expect(h.sim.maxInFlight()).toBe(4);
    expect(Math.max(...hits.map((r) => r.inFlight))).toBeLessThanOrEqual(4);
  });

  it('REL-TH-02 concurrent writes never overlap and start at least writeMinTimeMs apart', async () => {
    const c = h.client({ limits: { writeMinTimeMs: 100 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'PATCH', path: /^\/timetrack\/trainee\//, delayMs: 30, times: 3 });
    await Promise.all(
      ['2026-10-08', '2026-10-09', '2026-10-12'].map((d) => setTimeCell(c, 'trainee', d, 143, { time: 45 })),
    );
    const writes = h.hits(/^\/timetrack\/trainee\//, 'PATCH');
    expect(writes).toHaveLength(3);
    writes.slice(1).forEach((w, i) => expect(w.arrivedAt).toBeGreaterThanOrEqual(writes[i]!.finishedAt!));
    for (const gap of gaps(writes)) expect(gap).toBeGreaterThanOrEqual(99);
  });

  it('REL-TH-03 a read is not starved behind queued slow writes', async () => {
    const c = h.client({ limits: { writeMinTimeMs: 100, maxConcurrent: 4 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'PATCH', path: /^\/timetrack\/trainee\//, delayMs: 300, times: 3 });
    const writes = ['2026-10-08', '2026-10-09', '2026-10-12'].map((d) =>
      setTimeCell(c, 'trainee', d, 143, { time: 30 }),
    );
    await new Promise((r) => setTimeout(r, 20));
    const readStarted = now();
    await getCustomer(c, 6);
    const read = h.hits('/customers/6')[0]!;
    expect(read.arrivedAt - readStarted).toBeLessThan(100);
    await Promise.all(writes);
    const patches = h.hits(/^\/timetrack\/trainee\//, 'PATCH');
    expect(read.arrivedAt).toBeLessThan(patches[1]!.arrivedAt);
  });

  it('REL-TH-04 beyond highWater calls fail fast with "server busy", nothing dropped silently', async () => {
    const c = h.client({ limits: { maxConcurrent: 1, highWater: 5 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 30, times: 20 });
    const started = now();
    const calls = Array.from({ length: 12 }, () => {
      const t0 = now();
      return settle(getCustomer(c, 6)).then((r) => ({ ...r, ms: now() - t0 }));
    });
    const results = await Promise.all(calls);
    const ok = results.filter((r) => r.ok);
    const busy = results.filter((r) => !r.ok);
    expect(ok.length + busy.length).toBe(12);
    expect(busy.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    for (const b of busy) {
      expect(b.ok ? undefined : b.error).toBeInstanceOf(BusyError);
      expect(b.ok ? '' : said(b.error)).toBe('server busy, try again');
      expect(b.ms).toBeLessThan(20);
    }
    expect(h.hits('/customers/6')).toHaveLength(ok.length);
    expect(now() - started).toBeLessThan(2000);
  });

  it('REL-TH-07 X-Ratelimit-Remaining 0 on a success makes the next request wait for the reset', async () => {
    const c = h.client();
    await getMe(c);
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      passThroughHeaders: { 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': '2' },
    });
    await getCustomer(c, 6);
    await getCustomer(c, 7);
    const first = h.hits('/customers/6')[0]!;
    const second = h.hits('/customers/7')[0]!;
    expect(second.arrivedAt - first.arrivedAt).toBeGreaterThanOrEqual(2 * UNIT);
    expect(second.arrivedAt - first.arrivedAt).toBeLessThan(2 * UNIT * 1.6);
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });
});

describe("the simulator's own X-Ratelimit-* at a scaled time unit (REL-TH-07, SEC-CR-03)", () => {
  // Two requests per 4-unit window; Reset: n means n × UNIT ms.
  const WINDOW = 4 * UNIT;
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next), {
    limits: { ...SCALED_LIMITS, perSecond: 2, secondWindowMs: WINDOW },
  });

  it('REL-TH-07 Remaining 0 computed by the simulator (another client shares the account): the next request waits for the scaled reset', async () => {
    expect((await api(h.sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
    const windowEnds = h.sim.requests[0]!.arrivedAt + WINDOW;
    const c = h.client();
    await getCustomer(c, 6); // the window's last request: Remaining 0, Reset = the units left, rounded up
    await getCustomer(c, 7);
    const first = h.hits('/customers/6')[0]!;
    const second = h.hits('/customers/7')[0]!;
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(second.arrivedAt).toBeGreaterThanOrEqual(windowEnds - 1);
    expect(second.arrivedAt - first.arrivedAt).toBeLessThan((windowEnds - first.arrivedAt + UNIT) * 1.5);
  });
});
