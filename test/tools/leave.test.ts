import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getLeaveTime, logLeaveTime } from '../../src/tools/leave.js';
import { errorOf, type Connected } from '../helpers/mcp.js';
import { HOLIDAYS, LOCKED_FROM, TODAY, week } from '../simulator/demo-calendar.js';
import { ok, refused, world, writesOf, type World } from './time-support.js';

type LeaveRows = {
  period: { from: string; to: string; timeZone: string };
  rows: Array<{ date: string; userId: number; leaveTypeId: number; type: string; minutes: number }>;
  users: Record<string, string>;
  totals: { rows: number; minutes: number; hm: string; byType: Record<string, number> };
  hasMore: boolean;
};
type LogLeave = {
  user: { id: number; name: string };
  leaveType: { id: number; name: string };
  mode: string;
  days: Array<{
    date: string;
    minutes: number;
    before: number;
    after?: number;
    status: string;
    error?: { key?: string; message: string; hint?: string };
  }>;
  summary: Record<string, number>;
  period: { from: string; to: string };
  dryRun?: boolean;
};

describe('leave tools against the simulator', () => {
  let w: World;
  let admin: Connected;
  let trainee: Connected;
  beforeAll(async () => {
    w = await world(TODAY);
    admin = await w.connect('admin');
    trainee = await w.connect('trainee');
  });
  afterAll(() => w.close());

  /** Every leave record in the store within from..to, in the API's order. */
  function storeLeave(from: string, to: string, userIds?: number[]) {
    const out: Array<{ date: string; userId: number; leaveTypeId: number; minutes: number }> = [];
    for (const u of w.sim.store.users.values()) {
      if (userIds && !userIds.includes(u.id)) continue;
      for (const [date, day] of w.sim.store.userLeaveDays(u.id) ?? []) {
        if (date < from || date > to) continue;
        for (const [leaveTypeId, minutes] of day) out.push({ date, userId: u.id, leaveTypeId, minutes });
      }
    }
    return out.sort(
      (a, b) => a.date.localeCompare(b.date) || a.userId - b.userId || a.leaveTypeId - b.leaveTypeId,
    );
  }

  it('get_leave_time lists the seeded leave with names and totals (SEC-OUT-05)', async () => {
    const from = week(-6);
    const to = week(1, 6);
    const out = await ok<LeaveRows>(admin, getLeaveTime, { period: `${from}..${to}` });
    expect(
      out.rows.map(({ date, userId, leaveTypeId, minutes }) => ({ date, userId, leaveTypeId, minutes })),
    ).toEqual(storeLeave(from, to));
    const names = Object.fromEntries([...w.sim.store.leaveTypes.values()].map((t) => [t.id, t.name]));
    for (const r of out.rows) expect(r.type).toBe(names[r.leaveTypeId]);
    expect(out.users).toMatchObject({ '3': 'Tom Green', '4': 'John A. Smith' });
    expect(out.totals.minutes).toBe(out.rows.reduce((s, r) => s + r.minutes, 0));
    expect(out.totals.byType.Vacation).toBe(
      out.rows.filter((r) => r.leaveTypeId === 2).reduce((s, r) => s + r.minutes, 0),
    );
    expect(out.hasMore).toBe(false);
  });

  it('get_leave_time filters by leave type name and user; sends ids', async () => {
    const before = w.sim.requests.length;
    const out = await ok<LeaveRows>(admin, getLeaveTime, {
      period: `${week(-6)}..${week(1, 6)}`,
      leaveTypes: ['vacation'],
      users: ['jsmith'],
    });
    const list = w.sim.requests.slice(before).find((r) => r.path === '/leavetime')!;
    expect(list.query).toMatchObject({ leaveTypeIds: '2', userIds: '4' });
    expect(out.rows.map((r) => r.date)).toEqual([0, 1, 2, 3, 4].map((d) => week(-5, d)));
  });

  it('a regular user sees only their own leave by default', async () => {
    const out = await ok<LeaveRows>(trainee, getLeaveTime, { period: `${week(-6)}..${week(1, 6)}` });
    expect(new Set(out.rows.map((r) => r.userId))).toEqual(new Set([3]));
  });

  it('log_leave_time "full day" sets the day’s scheduled minutes; repeating it changes nothing', async () => {
    const date = week(1, 2);
    const before = w.sim.requests.length;
    const a = await ok<LogLeave>(trainee, logLeaveTime, {
      leaveType: 'Vacation',
      date,
      duration: 'full day',
    });
    const scheduled = w.sim.store.scheduleFor(w.sim.store.users.get(3)!, date);
    expect(a).toMatchObject({ mode: 'set', leaveType: { id: 2, name: 'Vacation' }, user: { id: 3 } });
    expect(a.days).toEqual([
      {
        date,
        minutes: scheduled,
        before: 0,
        after: scheduled,
        status: 'applied',
        // The day's summary (issue 10): a Wednesday next week, exactly its schedule.
        weekday: 'Wed',
        total: scheduled,
        scheduled,
        warnings: ['future_date'],
      },
    ]);
    expect(writesOf(w.sim, before).map((r) => [r.method, r.path, r.body])).toEqual([
      ['PATCH', `/leavetime/3/${date}/2`, { leaveTime: scheduled }],
    ]);
    const b = await ok<LogLeave>(trainee, logLeaveTime, {
      leaveType: 'Vacation',
      date,
      duration: 'full day',
    });
    expect(b.days[0]).toMatchObject({ before: scheduled, after: scheduled, status: 'applied' });
    expect(w.sim.store.getLeave(3, date, 2)).toBe(scheduled);
  });

  it('a range writes only scheduled days (holiday and weekend skipped) in one batch', async () => {
    const from = week(2);
    const to = week(2, 6);
    const before = w.sim.requests.length;
    const out = await ok<LogLeave>(trainee, logLeaveTime, {
      leaveType: 'Vacation',
      date: `${from}..${to}`,
      duration: 'full day',
    });
    const user = w.sim.store.users.get(3)!;
    const working = [0, 1, 2, 3, 4, 5, 6]
      .map((d) => week(2, d))
      .filter((d) => w.sim.store.scheduleFor(user, d) > 0);
    expect(working).not.toContain(HOLIDAYS[1]);
    expect(out.days.map((d) => d.date)).toEqual(working);
    expect(out.days.every((d) => d.status === 'applied')).toBe(true);
    expect(out.summary).toEqual({ applied: working.length, skipped: 7 - working.length });
    const batch = w.sim.requests.slice(before).filter((r) => r.path === '/batch');
    expect(batch).toHaveLength(1);
    for (const d of working) expect(w.sim.store.getLeave(3, d, 2)).toBe(w.sim.store.scheduleFor(user, d));
    expect(w.sim.store.getLeave(3, HOLIDAYS[1]!, 2)).toBeUndefined();
  });

  it('add is the atomic delta; an approved week does not block leave', async () => {
    const date = week(-3, 0); // approved for the trainee
    const start = w.sim.store.getLeave(3, date, 3) ?? 0;
    const before = w.sim.requests.length;
    const out = await ok<LogLeave>(trainee, logLeaveTime, { leaveType: 'Time Off', date, duration: '1h' });
    expect(out.days[0]).toMatchObject({ before: start, after: start + 60, status: 'applied' });
    expect(writesOf(w.sim, before).map((r) => [r.path, r.body])).toEqual([
      [`/leavetime/3/${date}/3/time`, { delta: 60 }],
    ]);
  });

  it('the 24 h day limit is checked before sending; a locked day is refused by actiTIME', async () => {
    const busy = week(-1, 0); // a full day of time
    const before = w.sim.requests.length;
    const out = await refused<LogLeave>(trainee, logLeaveTime, {
      leaveType: 'Time Off',
      date: busy,
      duration: '17h',
    });
    expect(out.days[0]).toMatchObject({
      status: 'refused',
      error: { kind: 'precheck', reason: 'day_limit_exceeded' },
    });
    expect(writesOf(w.sim, before)).toHaveLength(0);

    const locked = LOCKED_FROM;
    const mark = w.sim.requests.length;
    const l = await refused<LogLeave>(admin, logLeaveTime, {
      leaveType: 'Time Off',
      date: locked,
      duration: 30,
    });
    expect(l.days[0]).toMatchObject({ status: 'refused', error: { key: 'api.error.timetrack_locked' } });
    expect(writesOf(w.sim, mark).map((r) => r.status)).toEqual([400]);
    expect(w.sim.store.getLeave(1, locked, 3)).toBeUndefined();
  });

  it('dryRun plans without writing', async () => {
    const before = w.sim.requests.length;
    const out = await ok<LogLeave>(trainee, logLeaveTime, {
      leaveType: 'Sick Leave',
      date: week(3, 1),
      duration: 'full day',
      dryRun: true,
    });
    expect(out.dryRun).toBe(true);
    expect(out.days[0]).toMatchObject({ status: 'planned', after: 480 });
    expect(writesOf(w.sim, before)).toHaveLength(0);
  });

  it('unknown or ambiguous names and bad arguments: an error naming the field, nothing written', async () => {
    const before = w.sim.requests.length;
    const e1 = errorOf(
      await trainee.client.callTool({
        name: 'log_leave_time',
        arguments: { leaveType: 'Sabbatical', duration: 60 },
      }),
    );
    expect(e1).toMatchObject({ kind: 'not_found', field: 'leaveType' });
    expect(writesOf(w.sim, before)).toHaveLength(0);

    const mark = w.sim.requests.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ leaveType: 'Vacation', duration: 0 }, 'duration'],
      [{ leaveType: 'Vacation', duration: '-1h', mode: 'set' }, 'duration'],
      [{ leaveType: 'Vacation', duration: '25h' }, 'duration'],
      [{ leaveType: 'Vacation', duration: 'half day' }, 'duration'],
      [{ leaveType: 'Vacation', duration: 60, date: '2026-02-29' }, 'date'],
      [{ leaveType: 'Vacation', duration: 60, date: '2026-01-01..2026-12-31' }, 'date'],
      [{ duration: 60 }, 'leaveType'],
    ];
    for (const [args, field] of cases) {
      const e = errorOf(await trainee.client.callTool({ name: 'log_leave_time', arguments: args }));
      expect(e.kind, JSON.stringify(args)).toBe('validation');
      expect(e.field, JSON.stringify(args)).toBe(field);
    }
    const e3 = errorOf(
      await trainee.client.callTool({ name: 'get_leave_time', arguments: { period: 'someday' } }),
    );
    expect(e3).toMatchObject({ kind: 'validation', field: 'period' });
    expect(w.sim.requests.length).toBe(mark);
  });
});
