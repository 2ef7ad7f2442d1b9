import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TODAY, week } from '../simulator/demo-calendar.js';
import { ok, world, type World } from '../tools/time-support.js';
import { logTimeTool } from '../../src/tools/time.js';
import type { Connected } from '../helpers/mcp.js';

/**
 * REL-TH-06 through the tools: 300 writes issued at once as 30 concurrent log_time calls of 10 entries each,
 * against the simulator's DEFAULT limits (100/s, 1000/min, real 1 s and 60 s windows) and the client's default
 * time unit. Each call also reads (task, time-track list, leave list), and every request counts against the same
 * budget, so the rate is measured over all of them:
 * - rate = requests / (first → last arrival), as in the client-level test; ≥ 90 % of the allowed 100/s;
 * - utilisation = requests / what the server allowed from the first arrival to the end of the last one's
 *   window; ≥ 85 % (the client-level test explains the headroom);
 * - the write rate (batch operations only) is printed alongside.
 * Exactly once: all 30 calls add 1 minute to the same 10 cells, so each cell must end at exactly +30.
 */
describe('proactive budget through tools (REL-TH-06)', () => {
  let w: World;
  let c: Connected;
  beforeAll(async () => {
    w = await world(TODAY);
    c = await w.connect('admin');
  });
  afterAll(() => w.close());

  it('REL-TH-06 300 writes through concurrent log_time calls: zero 429, applied exactly once, ≥ 90% of the allowed rate', async () => {
    const P = w.sim.limits.perSecond;
    const W = w.sim.limits.secondWindowMs;
    expect([P, W, w.sim.limits.perMinute, w.sim.limits.minuteWindowMs]).toEqual([100, 1000, 1000, 60_000]);
    const TASK = 143;
    const dates = Array.from({ length: 10 }, (_, i) => week(3 + Math.floor(i / 5), i % 5));
    const start = dates.map((d) => w.sim.store.getTime(1, d, TASK)?.time ?? 0);

    // Sign-in, calendar, the task and /info out of the way; then a fresh one-second window.
    await ok(c, logTimeTool, {
      entries: [{ task: String(TASK), date: week(5, 0), duration: 1 }],
      dryRun: true,
    });
    await new Promise((r) => setTimeout(r, W + 50));
    const mark = w.sim.requests.length;

    const CALLS = 30;
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: CALLS }, () =>
        ok<{ entries: Array<{ status: string }> }>(c, logTimeTool, {
          entries: dates.map((date) => ({ task: String(TASK), date, duration: 1 })),
        }),
      ),
    );
    const wall = performance.now() - t0;

    const sent = w.sim.requests.slice(mark);
    const writes = sent.filter((r) => r.method === 'PATCH' && r.batchOf !== undefined);
    const counted = sent.filter((r) => !(r.method === 'POST' && r.path === '/batch')); // a batch counts per op
    const tooMany = sent.filter((r) => r.status === 429).length;
    const N = counted.length;
    const arrivals = counted.map((r) => r.arrivedAt).sort((a, b) => a - b);
    const span = arrivals[N - 1]! - arrivals[0]!;
    const rate = (N / span) * 1000;
    const writeArrivals = writes.map((r) => r.arrivedAt).sort((a, b) => a - b);
    const writeRate = (writes.length / (writeArrivals[writes.length - 1]! - writeArrivals[0]!)) * 1000;
    // Budget used over the span plus the last window, as in the client-level test.
    const utilisation = N / ((P * (span + W)) / W);
    let busiest = 0;
    for (let i = 0, j = 0; i < N; i++) {
      while (arrivals[i]! - arrivals[j]! >= W) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    console.error(
      `REL-TH-06 (tools): ${writes.length} writes in ${CALLS} log_time calls; ${N} requests counted against the budget ` +
        `(${N - writes.length} reads); wall ${(wall / 1000).toFixed(2)} s; first→last arrival ${(span / 1000).toFixed(2)} s; ` +
        `${rate.toFixed(1)} req/s (${((rate / P) * 100).toFixed(1)}% of ${P}/s); writes ${writeRate.toFixed(1)}/s; ` +
        `budget utilisation ${(utilisation * 100).toFixed(1)}%; busiest ${W} ms window ${busiest}; 429 responses ${tooMany}`,
    );

    expect(results.every((r) => r.entries.every((e) => e.status === 'applied'))).toBe(true);
    expect(writes).toHaveLength(300);
    expect(writes.every((r) => r.status === 200)).toBe(true);
    expect(tooMany).toBe(0);
    expect(busiest).toBeLessThanOrEqual(P);
    expect(rate).toBeGreaterThanOrEqual(0.9 * P);
    expect(utilisation).toBeGreaterThanOrEqual(0.85);
    // Exactly once: the store holds +30 on each cell.
    expect(dates.map((d, i) => (w.sim.store.getTime(1, d, TASK)?.time ?? 0) - start[i]!)).toEqual(
      dates.map(() => CALLS),
    );
  }, 60_000);
});
