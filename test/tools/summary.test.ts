/**
 * summarize_time over the simulator: "hours per project last month, per person" in one call, checked against
 * totals computed here from the raw time-track list the simulator serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, type Connected } from '../helpers/mcp.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const NOW = Date.parse('2026-12-02T15:00:00Z');

interface Raw {
  data: Array<{ userId: number; date: string; records: Array<{ taskId: number; time: number }> }>;
  tasks: Record<string, { projectName: string; customerName: string; typeOfWorkId: number }>;
  users: Record<string, { fullName: string }>;
  typesOfWork: Record<string, { billable: boolean }>;
}

type Row = {
  project?: string;
  user?: string;
  week?: string;
  minutes: number;
  hm: string;
  billable: number;
  nonBillable: number;
};

describe('summarize_time', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  let raw: Raw;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: '2026-12-02' });
    c = await connectClient({ simulator: sim, now: () => NOW });
    raw = (
      await api(
        sim,
        'GET',
        '/timetrack?dateFrom=2026-11-01&dateTo=2026-11-30&includeReferenced=tasks,users,typesOfWork',
        { user: 'admin' },
      )
    ).body as Raw;
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('answers hours per project last month per person in one call, matching the raw list', async () => {
    sim.clearRequests();
    const res = await c.client.callTool({
      name: 'summarize_time',
      arguments: { period: 'last month', groupBy: ['project', 'user'] },
    });
    expect(res.isError).toBeFalsy();
    const out = res.structuredContent as {
      rows: Row[];
      subtotals: Row[];
      total: Row;
      period: { from: string; to: string };
    };
    expect(out.period).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });

    const expected = new Map<string, number>();
    let all = 0;
    let billable = 0;
    for (const day of raw.data)
      for (const r of day.records) {
        const t = raw.tasks[String(r.taskId)]!;
        const key = `${t.customerName} / ${t.projectName}|${raw.users[String(day.userId)]!.fullName}`;
        expected.set(key, (expected.get(key) ?? 0) + r.time);
        all += r.time;
        if (raw.typesOfWork[String(t.typeOfWorkId)]?.billable) billable += r.time;
      }
    const got = new Map(out.rows.map((r) => [`${r.project}|${r.user}`, r.minutes]));
    expect(got).toEqual(expected);
    expect(all).toBeGreaterThan(0);
    expect(out.total).toMatchObject({ minutes: all, billable, nonBillable: all - billable });
    expect(out.total.hm).toBe(`${Math.floor(all / 60)}:${String(all % 60).padStart(2, '0')}`);
    expect(out.subtotals.reduce((s, r) => s + r.minutes, 0)).toBe(all);
    for (const r of out.rows) expect(r.billable + r.nonBillable).toBe(r.minutes);
    // One tool call: the user lookups and the time-track walk, no per-row requests.
    expect(sim.requests.length).toBeLessThanOrEqual(6);
  });

  it('narrows to users and groups by week in the company week', async () => {
    const res = await c.client.callTool({
      name: 'summarize_time',
      arguments: { period: 'November', groupBy: ['week'], users: ['me'] },
    });
    const out = res.structuredContent as { rows: Row[]; total: Row };
    const mine = raw.data
      .filter((d) => d.userId === 1)
      .flatMap((d) => d.records)
      .reduce((s, r) => s + r.time, 0);
    expect(out.total.minutes).toBe(mine);
    expect(out.rows.map((r) => r.week)).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
  });

  it('refuses an unknown group key, naming the field, before any request', async () => {
    sim.clearRequests();
    const res = await c.client.callTool({ name: 'summarize_time', arguments: { groupBy: ['month'] } });
    expect(res.isError).toBe(true);
    expect(JSON.stringify(res.content)).toMatch(/groupBy/);
    expect(sim.requests).toEqual([]);
  });
});
