import { describe, expect, it } from 'vitest';
import { BusyError } from '../../src/actitime/errors.js';
import { getCustomer } from '../../src/actitime/resources/customers.js';
import { setTimeCell } from '../../src/actitime/resources/timetrack.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { api } from '../helpers/simulator.js';
import { said } from '../helpers/errors.js';
import { testClock } from '../helpers/clock.js';
import { loopTurnWatch, waitFor } from '../helpers/wait.js';
import {
  gaps,
  recordBudgetHolds,
  SCALED_LIMITS,
  settle,
  UNIT,
  harnessPerTest,
  type Harness,
} from './support.js';

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
    // The first write is held at the simulator, the other two wait in the write lane.
    await waitFor(
      () => h.hits(/^\/timetrack\/trainee\//, 'PATCH').length === 1 && c.limiter.counts.queued === 2,
      {
        message: 'one write at the simulator, two queued',
      },
    );
    await getCustomer(c, 6);
    const read = h.hits('/customers/6')[0]!;
    await Promise.all(writes);
    const patches = h.hits(/^\/timetrack\/trainee\//, 'PATCH');
    expect(patches).toHaveLength(3);
    // The read went while the first write was still held (300 ms) and before the queued writes: it waited for
    // none of them. Ordering, not elapsed time: the hold and the spacing are timers, and load delays them as
    // much as it delays the read.
    expect(read.arrivedAt).toBeLessThan(patches[0]!.finishedAt!);
    expect(read.arrivedAt).toBeLessThan(patches[1]!.arrivedAt);
  });

  it('REL-TH-04 beyond highWater calls fail fast with "server busy", nothing dropped silently', async () => {
    const c = h.client({ limits: { maxConcurrent: 1, highWater: 5 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 30, times: 20 });
    const turn = loopTurnWatch();
    const calls = Array.from({ length: 12 }, () =>
      settle(getCustomer(c, 6)).then((r) => ({ ...r, atOnce: !turn.turned() })),
    );
    const results = await Promise.all(calls);
    const ok = results.filter((r) => r.ok);
    const busy = results.filter((r) => !r.ok);
    expect(ok.length + busy.length).toBe(12);
    expect(busy.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    for (const b of busy) {
      expect(b.ok ? undefined : b.error).toBeInstanceOf(BusyError);
      expect(b.ok ? '' : said(b.error)).toBe('server busy, try again');
      // Refused on admission, before the event loop ran anything else (no queue wait, whatever the load).
      expect(b.atOnce).toBe(true);
    }
    // Every admitted call waited its turn behind the 30 ms answers: none of them was answered at once.
    for (const o of ok) expect(o.atOnce).toBe(false);
    expect(h.hits('/customers/6')).toHaveLength(ok.length);
  });

  it('REL-TH-07 X-Ratelimit-Remaining 0 on a success makes the next request wait for the reset', async () => {
    const c = h.client();
    const holds = recordBudgetHolds(c);
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
    // The client decided to hold the next request exactly for the reset (2 units), not longer …
    expect(holds.filter((x) => x.remaining === 0)).toEqual([
      { remaining: 0, resetSeconds: 2, holdMs: 2 * UNIT },
    ]);
    // … and held it at least that long on the wire.
    expect(second.arrivedAt - first.arrivedAt).toBeGreaterThanOrEqual(2 * UNIT);
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });
});

describe("the simulator's own X-Ratelimit-* at a scaled time unit (REL-TH-07, SEC-CR-03)", () => {
  // Two requests per 4-unit window; Reset: n means n × UNIT ms. The simulator's windows run on a test clock,
  // so the Reset it reports does not depend on how fast this machine reached the window's last request.
  const WINDOW = 4 * UNIT;
  const clock = testClock();
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next), {
    limits: { ...SCALED_LIMITS, perSecond: 2, secondWindowMs: WINDOW },
    now: clock.now,
  });

  it('REL-TH-07 Remaining 0 computed by the simulator (another client shares the account): the next request waits for the scaled reset', async () => {
    const opened = Date.UTC(2026, 9, 7, 9, 0);
    clock.set(opened);
    expect((await api(h.sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
    const c = h.client();
    const holds = recordBudgetHolds(c);
    // 0.6 units into the window: the window's last request gets Remaining 0 and Reset 4 (3.4 units, rounded up).
    clock.set(opened + 30);
    await getCustomer(c, 6);
    const first = h.hits('/customers/6')[0]!;
    // From here the simulator's clock runs in real time: its window ends 3.4 real units after that request.
    clock.runFrom(first.arrivedAt);
    await getCustomer(c, 7);
    const second = h.hits('/customers/7')[0]!;
    // The client held the next request for the whole reported reset …
    expect(holds.filter((x) => x.remaining === 0)).toEqual([
      { remaining: 0, resetSeconds: 4, holdMs: 4 * UNIT },
    ]);
    expect(second.arrivedAt - first.arrivedAt).toBeGreaterThanOrEqual(4 * UNIT);
    // … so by the simulator's own clock it came after the window's end: no 429.
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(second.status).toBe(200);
  });
});
