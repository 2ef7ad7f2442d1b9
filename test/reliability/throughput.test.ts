import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTimeDelta, getTimeCell } from '../../src/actitime/resources/timetrack.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { expectNoSecrets, harness, now, type Harness } from './support.js';

/**
 * REL-TH-06 at the client level, against the simulator's DEFAULT limits (100/s, 1000/min, real 1 s windows) and
 * timeUnitMs 1000: the slow test of the REL-TH group.
 *
 * Two measures of the achieved rate are printed and asserted:
 * - rate = N / (first→last arrival): the literal "requests per second achieved"; must be ≥ 90% of P per W.
 * - utilisation: N requests need at least N/P windows of the server's budget (P per W), so over the span from
 *   the first arrival to the end of the last arrival's window, (span + W), the server allowed P·(span + W)/W
 *   requests; utilisation = N / that. A perfect pacer scores 100 %. The client's own intake puts its latency
 *   into it: bottleneck accepts queued jobs one at a time, a few ms each (timer hops), which spreads the first
 *   window's burst, and each later window mirrors the first as its budget frees. CPU contention on the test
 *   machine lowers it further; asserted ≥ 85 % for that headroom, typically 90–93 % here.
 */
describe('proactive budget (REL-TH-06, SEC-CR-03)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    expectNoSecrets(h.logs); // SEC-CR-03
    await h.close();
  });

  it('REL-TH-06 300 concurrent writes: zero 429, each applied exactly once, ≥ 90% of the allowed rate', async () => {
    const c = h.client({ timeUnitMs: 1000 });
    const P = h.sim.limits.perSecond;
    const W = h.sim.limits.secondWindowMs;
    expect([P, W, h.sim.limits.perMinute]).toEqual([100, 1000, 1000]);
    await getMe(c);
    h.sim.clearRequests();
    // Let the window opened by getMe end, so the run starts on a fresh budget.
    await new Promise((r) => setTimeout(r, W + 50));

    const dates = Array.from({ length: 10 }, (_, i) => `2026-10-${String(10 + i).padStart(2, '0')}`);
    const N = 300;
    const started = now();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => addTimeDelta(c, 'pwhite', dates[i % dates.length]!, 143, 1)),
    );
    const elapsed = now() - started;
    expect(results).toHaveLength(N);

    const writes = h.sim.requests.filter((r) => r.method === 'PATCH');
    expect(writes).toHaveLength(N);
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(writes.every((r) => r.status === 200)).toBe(true);
    expect(c.stats.retries).toBe(0);

    const arrivals = writes.map((r) => r.arrivedAt).sort((a, b) => a - b);
    const span = arrivals[N - 1]! - arrivals[0]!;
    let busiest = 0;
    for (let i = 0, j = 0; i < N; i++) {
      while (arrivals[i]! - arrivals[j]! >= W) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const utilisation = N / ((P * (span + W)) / W);
    const rate = (N / span) * 1000;
    const minimalSpan = Math.floor((N - 1) / P) * W;
    // Printed for the record (REL-TH-06 figures).
    console.log(
      `REL-TH-06: ${N} writes, limits ${P}/${W} ms; wall ${Math.round(elapsed)} ms; first→last arrival ${Math.round(span)} ms ` +
        `(minimum possible ${minimalSpan} ms); busiest ${W} ms window ${busiest}; 429s 0; ` +
        `rate ${rate.toFixed(1)} req/s (${((rate / P) * 100).toFixed(1)}% of the allowed ${P}/s); ` +
        `budget utilisation ${(utilisation * 100).toFixed(1)}%`,
    );
    expect(busiest).toBeLessThanOrEqual(P);
    expect(rate).toBeGreaterThanOrEqual(0.9 * P);
    expect(utilisation).toBeGreaterThanOrEqual(0.85);

    // Exactly once: each cell got exactly its 30 deltas of +1 minute.
    h.sim.clearRequests();
    const cells = await Promise.all(dates.map((d) => getTimeCell(c, 'pwhite', d, 143)));
    expect(cells.map((cell) => cell.time)).toEqual(dates.map(() => N / dates.length));
  }, 30_000);
});
