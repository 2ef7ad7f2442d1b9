import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTimeDelta, getTimeCell } from '../../src/actitime/resources/timetrack.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { busiestWindow } from '../helpers/rate.js';
import { expectNoSecrets, harness, type Harness } from './support.js';

/**
 * REL-TH-06 at the client level, against the simulator's DEFAULT limits (100/s, 1000/min, real 1 s windows) and
 * timeUnitMs 1000: the slow test of the REL-TH group.
 *
 * Asserted here is what holds exactly on any machine: no 429 on the wire, every write applied exactly once, and
 * no 1 s window (sliding, counted from the simulator's log) holding more than the limit. The achieved rate
 * ("≥ 90 % of the allowed rate") and the budget utilisation moved to `npm run bench` (bench/run.ts): they
 * measure how fast this machine ran the client, and on a busy 2-core CI runner they fell below any fixed
 * threshold that still meant something, failing runs where the client behaved perfectly.
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

  it('REL-TH-06 300 concurrent writes: zero 429, each applied exactly once, no window over the limit', async () => {
    const c = h.client({ timeUnitMs: 1000 });
    const P = h.sim.limits.perSecond;
    const W = h.sim.limits.secondWindowMs;
    expect([P, W, h.sim.limits.perMinute]).toEqual([100, 1000, 1000]);
    await getMe(c);
    // getMe's request stays in the client's budget (and in the simulator's window): the run must cope with it.
    h.sim.clearRequests();

    const dates = Array.from({ length: 10 }, (_, i) => `2026-10-${String(10 + i).padStart(2, '0')}`);
    const N = 300;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => addTimeDelta(c, 'pwhite', dates[i % dates.length]!, 143, 1)),
    );
    expect(results).toHaveLength(N);

    const writes = h.sim.requests.filter((r) => r.method === 'PATCH');
    expect(writes).toHaveLength(N);
    expect(h.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(writes.every((r) => r.status === 200)).toBe(true);
    expect(c.stats.retries).toBe(0);
    // Arrivals are logged after the client sent and before it got the answer, so the client's sliding budget
    // bounds them exactly: load can spread them out, never crowd them.
    expect(
      busiestWindow(
        writes.map((r) => r.arrivedAt),
        W,
      ),
    ).toBeLessThanOrEqual(P);

    // Exactly once: each cell got exactly its 30 deltas of +1 minute.
    h.sim.clearRequests();
    const cells = await Promise.all(dates.map((d) => getTimeCell(c, 'pwhite', d, 143)));
    expect(cells.map((cell) => cell.time)).toEqual(dates.map(() => N / dates.length));
  }, 30_000);
});
