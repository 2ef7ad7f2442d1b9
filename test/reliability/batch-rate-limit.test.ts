/**
 * 429 inside POST /batch (docs/reliability.md, "Rate limits"): an operation refused with 429 did nothing, so it is
 * sent again once the window has passed, within the call's deadline; whatever is still refused comes back
 * `not_applied` ("safe to send again"), never `refused`. Another client on the same account is what makes the
 * server refuse: here the test's own raw requests, or a second server process.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { runBatch, type BatchOp } from '../../src/actitime/resources/batch.js';
import { getInfo } from '../../src/actitime/resources/info.js';
import { connectClient, ensureBuilt, spawnStdio, textOf, type Connected } from '../helpers/mcp.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { harness, type Harness } from './support.js';

/** 10 per 2-second window, so the scenario below fits one window on the busiest machine. */
const TIGHT = { perSecond: 10, secondWindowMs: 2000, timeUnitMs: 1000 };
const DATES = ['2026-10-20', '2026-10-21', '2026-10-22', '2026-10-23', '2026-10-26', '2026-10-27'];

const subOps = (sim: SimulatorHandle) => sim.requests.filter((r) => r.batchOf !== undefined);

/** Another client on the same account spends `n` requests of the current window. */
async function spend(sim: SimulatorHandle, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    expect((await api(sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
}

describe('429 inside /batch (REL-RL-09, REL-TH-06)', () => {
  let h: Harness | undefined;
  let c: Connected | undefined;
  afterEach(async () => {
    await c?.close();
    await h?.close();
    c = undefined;
    h = undefined;
  });

  it('REL-RL-09 operations refused with 429 inside a batch are sent again after the window, once each', async () => {
    h = await harness({ today: '2026-10-07', limits: TIGHT });
    const client = h.client({ timeUnitMs: 1000, limits: { perSecond: 10 } });
    await getInfo(client); // signed in, batch size known: 1 request of the window
    await spend(h.sim, 7); // 8 of 10 used
    const ops: BatchOp[] = DATES.map((date) => ({
      method: 'PATCH',
      path: ['timetrack', 'trainee', date, 143, 'time'],
      body: { delta: 15 },
      idempotent: false,
    }));
    const outcomes = await runBatch(client, ops);
    expect(outcomes.map((o) => o.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(outcomes.some((o) => o.notApplied)).toBe(false);
    const subs = subOps(h.sim);
    // First pass: 2 fit the window, 4 refused; then exactly those 4 again, in a new window.
    expect(subs.map((r) => r.status)).toEqual([200, 200, 429, 429, 429, 429, 200, 200, 200, 200]);
    expect(subs.slice(6).map((r) => r.path)).toEqual(subs.slice(2, 6).map((r) => r.path));
    const windowStart = h.sim.requests[0]!.arrivedAt;
    expect(subs[6]!.arrivedAt).toBeGreaterThanOrEqual(windowStart + TIGHT.secondWindowMs - 1);
    // Applied exactly once each.
    for (const date of DATES) expect(h.sim.store.getTime(3, date, 143)?.time).toBe(15);
  });

  it('REL-RL-09 log_time: entries refused with 429 inside the batch end applied; none is reported refused', async () => {
    const sim = await startTestSimulator({ today: '2026-10-07' });
    c = await connectClient({ simulator: sim });
    try {
      // Sign-in, calendar, the task and the batch size out of the way.
      await c.client.callTool({
        name: 'log_time',
        arguments: { entries: [{ task: 143, date: DATES[0], duration: 1 }], dryRun: true },
      });
      const mark = sim.requests.length;
      // Another client on the account spent the window in between: 3 of the 6 operations are turned away.
      sim.faults.inject({ inBatch: true, method: 'PATCH', path: /\/time$/, status: 429, times: 3 });
      const result = await c.client.callTool({
        name: 'log_time',
        arguments: { entries: DATES.map((date) => ({ task: 143, date, duration: 20 })) },
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      const out = result.structuredContent as { entries: Array<{ status: string }>; summary: unknown };
      expect(out.summary).toEqual({ applied: 6 });
      const subs = sim.requests.slice(mark).filter((r) => r.batchOf !== undefined);
      // 6 operations, 3 turned away, then exactly those 3 again.
      expect(subs.map((r) => r.status)).toEqual([429, 429, 429, 200, 200, 200, 200, 200, 200]);
      expect(subs.slice(6).map((r) => r.path)).toEqual(subs.slice(0, 3).map((r) => r.path));
      for (const date of DATES) expect(sim.store.getTime(1, date, 143)?.time).toBe(20);
    } finally {
      await c.close();
      c = undefined;
      await sim.close();
    }
  });

  it('REL-RL-09 still refused when no retry is left: not_applied ("safe to send again"), nothing written', async () => {
    const sim = await startTestSimulator({ today: '2026-10-07' });
    c = await connectClient({ simulator: sim, client: { maxRetries: 0 } });
    try {
      await c.client.callTool({
        name: 'log_time',
        arguments: { entries: [{ task: 143, date: DATES[0], duration: 1 }], dryRun: true },
      });
      sim.faults.inject({ inBatch: true, method: 'PATCH', path: /\/time$/, status: 429, times: 3 });
      const result = await c.client.callTool({
        name: 'log_time',
        arguments: { entries: DATES.map((date) => ({ task: 143, date, duration: 20 })) },
      });
      const out = result.structuredContent as {
        entries: Array<{ date: string; status: string; error?: Record<string, unknown> }>;
      };
      expect(out.entries.map((e) => e.status)).toEqual([
        'not_applied',
        'not_applied',
        'not_applied',
        'applied',
        'applied',
        'applied',
      ]);
      const notApplied = out.entries.filter((e) => e.status === 'not_applied');
      expect(notApplied[0]!.error).toEqual({
        status: 429,
        key: 'api.error.too_many_requests',
        message: 'actiTIME rate limit reached. actiTIME said: "Too many requests"',
        hint: 'nothing was written for this entry; it is safe to send it again',
      });
      for (const e of out.entries) {
        expect(sim.store.getTime(1, e.date, 143)?.time ?? 0).toBe(e.status === 'applied' ? 20 : 0);
      }
    } finally {
      await c.close();
      c = undefined;
      await sim.close();
    }
  });

  it('REL-TH-06 two server processes writing 300 batched entries on one account: each applied exactly once, none refused', async () => {
    ensureBuilt();
    const sim = await startTestSimulator({ today: '2026-10-07' });
    const env = {
      ACTITIME_URL: sim.baseUrl,
      ACTITIME_USERNAME: 'admin',
      ACTITIME_PASSWORD: 'manager',
      ACTITIME_LOG_LEVEL: 'warn',
    };
    const processes = await Promise.all([spawnStdio([], env), spawnStdio([], env)]);
    const cells = Array.from({ length: 10 }, (_, i) => `2026-10-${String(12 + i).padStart(2, '0')}`);
    try {
      const CALLS = 3;
      const PER_CALL = 50;
      const results = await Promise.all(
        processes.flatMap((p) =>
          Array.from({ length: CALLS }, () =>
            p.client.callTool(
              {
                name: 'log_time',
                arguments: {
                  entries: Array.from({ length: PER_CALL }, (_, i) => ({
                    task: 143,
                    date: cells[i % cells.length],
                    duration: 1,
                  })),
                },
              },
              undefined,
              { timeout: 59_000 },
            ),
          ),
        ),
      );
      const statuses = results.flatMap((r) => {
        expect(r.isError, textOf(r)).toBeFalsy();
        return (r.structuredContent as { entries: Array<{ status: string }> }).entries.map((e) => e.status);
      });
      const refusedInside = subOps(sim).filter((r) => r.status === 429).length;
      const refusedWhole = sim.requests.filter((r) => r.batchOf === undefined && r.status === 429).length;
      console.error(
        `REL-TH-06 (two processes): ${statuses.length} entries; 429 inside batches ${refusedInside}, ` +
          `429 for whole requests ${refusedWhole}; statuses ${JSON.stringify(count(statuses))}`,
      );
      expect(statuses).toHaveLength(2 * CALLS * PER_CALL);
      expect(count(statuses)).toEqual({ applied: 300 });
      // Exactly once: 2 processes × 3 calls × 5 entries of +1 on each cell.
      for (const date of cells) expect(sim.store.getTime(1, date, 143)?.time).toBe(30);
    } finally {
      await Promise.all(processes.map((p) => p.close()));
      await sim.close();
    }
  }, 90_000);
});

function count(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
