import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { addDays } from '../../src/domain/period.js';
import { PLAIN_TESTING_TASK_ID } from '../../src/simulator/seed.js';
import {
  findMissingTimeTool,
  getTimeEntries,
  getTimesheet,
  logTimeTool,
  TIMESHEET_MAX_DAYS,
} from '../../src/tools/time.js';
import { errorOf, type Connected } from '../helpers/mcp.js';
import { api } from '../helpers/simulator.js';
import { untilIdle, waitFor } from '../helpers/wait.js';
import { LOCKED_FROM, TODAY, week } from '../simulator/demo-calendar.js';
import { ok, refused, world, writesOf, type World } from './time-support.js';
import type { LogTimeResult } from '../../src/domain/log-time.js';
import type { TimesheetDay } from '../../src/domain/timesheet.js';

/** What log_time answers, as the domain types it. */
type LogOut = LogTimeResult;
type Sheet = {
  user: { id: number; name: string };
  period: { from: string; to: string; timeZone: string; weekStart: number };
  days: TimesheetDay[];
  tasks: Array<{ id: number; path: string; minutes: number[]; total: number; totalHm: string }>;
  projects: Array<{ id: number; path: string; total: number }>;
  leave: Array<{ id: number; name: string; minutes: number[]; total: number }>;
  totals: Record<string, number | string>;
  locked: null;
};

const ENGINE_TESTING = 103; // Big Bang Company / Spaceship building / Engine integration testing
const MEETINGS = 136;
const MOBILE_TESTING = 96; // Galaxy Corporation / Mobile app / Testing (the other "Testing" is 109)
const YESTERDAY = addDays(TODAY, -1);

function cellOf(sim: World['sim'], userId: number, date: string, taskId: number): number {
  return sim.store.getTime(userId, date, taskId)?.time ?? 0;
}

describe('time tools against the simulator (seed pinned to TODAY, noon UTC)', () => {
  let w: World;
  let trainee: Connected;
  let admin: Connected;

  beforeAll(async () => {
    w = await world(TODAY);
    trainee = await w.connect('trainee');
    admin = await w.connect('admin');
  });
  afterAll(() => w.close());
  beforeEach(() => w.sim.faults.clear());

  const log = (c: Connected, entries: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
    ok<LogOut>(c, logTimeTool, { entries, ...extra });
  const sheet = (c: Connected, args: Record<string, unknown> = {}) => ok<Sheet>(c, getTimesheet, args);

  it('"Spaceship building / Testing" names the task exactly, even though other tasks there contain "testing"', async () => {
    const before = w.sim.requests.length;
    const result = await trainee.client.callTool({
      name: 'log_time',
      arguments: {
        entries: [{ task: 'Spaceship building / Testing', date: 'yesterday', duration: '1h30' }],
        dryRun: true,
      },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const entries = (result.structuredContent as { entries: Array<{ task: string; taskId: number }> })
      .entries;
    expect(entries.map((e) => e.task)).toEqual(['Big Bang Company / Spaceship building / Testing']);
    expect(writesOf(w.sim, before)).toHaveLength(0);
  });

  it('an ambiguous task name ("Training / testing") → ambiguous with candidates, 0 writes', async () => {
    const before = w.sim.requests.length;
    const result = await trainee.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: 'Training / testing', date: 'yesterday', duration: '1h30' }] },
    });
    const error = errorOf(result);
    expect(error.kind).toBe('ambiguous');
    expect(error.field).toBe('entries[0].task');
    const paths = (error.candidates as Array<{ id: number; path: string }>).map((c) => c.path);
    expect(paths).toContain('Our Company / Training / Unit testing workshop');
    expect(paths.length).toBeGreaterThan(1);
    expect(writesOf(w.sim, before)).toHaveLength(0);
  });

  it('a bare "Testing", held by projects of two customers → ambiguous with both paths, nothing sent but reads', async () => {
    const before = w.sim.requests.length;
    const cells = [PLAIN_TESTING_TASK_ID, MOBILE_TESTING].map((id) => cellOf(w.sim, 1, YESTERDAY, id));
    const result = await admin.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: 'Testing', date: 'yesterday', duration: '1h' }] },
    });
    const error = errorOf(result);
    expect(error).toMatchObject({ kind: 'ambiguous', field: 'entries[0].task' });
    expect(error.message).toBe('entries[0].task: "Testing" matches 2 tasks; none was chosen');
    expect(error.candidates).toEqual([
      { id: MOBILE_TESTING, path: 'Galaxy Corporation / Mobile app / Testing' },
      { id: PLAIN_TESTING_TASK_ID, path: 'Big Bang Company / Spaceship building / Testing' },
    ]);
    const sent = w.sim.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.method === 'GET')).toBe(true);
    expect(sent.filter((r) => r.path.startsWith('/timetrack'))).toHaveLength(0);
    expect([PLAIN_TESTING_TASK_ID, MOBILE_TESTING].map((id) => cellOf(w.sim, 1, YESTERDAY, id))).toEqual(
      cells,
    );
  });

  it.each([
    ['Mobile app / Testing', MOBILE_TESTING, 'Galaxy Corporation / Mobile app / Testing'],
    [
      'Big Bang Company / Spaceship building / Testing',
      PLAIN_TESTING_TASK_ID,
      'Big Bang Company / Spaceship building / Testing',
    ],
  ])(
    'the path-qualified "%s" names one of the repeated "Testing" tasks and writes it once',
    async (task, id, path) => {
      const date = week(2, 3);
      const before = w.sim.requests.length;
      const other = id === MOBILE_TESTING ? PLAIN_TESTING_TASK_ID : MOBILE_TESTING;
      const start = cellOf(w.sim, 1, date, id);
      const otherStart = cellOf(w.sim, 1, date, other);
      const out = await log(admin, [{ task, date, duration: 45 }]);
      expect(out.entries).toHaveLength(1);
      expect(out.entries[0]).toMatchObject({ task: path, taskId: id, after: start + 45, status: 'applied' });
      const writes = writesOf(w.sim, before);
      expect(writes.map((r) => [r.method, r.body])).toEqual([['PATCH', { delta: 45 }]]);
      expect(writes[0]!.path).toMatch(new RegExp(`/${id}(/|$)`));
      expect(cellOf(w.sim, 1, date, id)).toBe(start + 45);
      expect(cellOf(w.sim, 1, date, other)).toBe(otherStart);
    },
  );

  it('an unknown task → not_found, 0 writes', async () => {
    const before = w.sim.requests.length;
    const result = await trainee.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: 'Spaceship building / Quantum teleport', duration: 30 }] },
    });
    expect(errorOf(result).kind).toBe('not_found');
    expect(writesOf(w.sim, before)).toHaveLength(0);
  });

  it('log 1h30 yesterday, then add 30 more minutes: the timesheet shows exactly 120 more on that cell and day', async () => {
    const cellBefore = cellOf(w.sim, 3, YESTERDAY, ENGINE_TESTING);
    const first = await sheet(trainee, { period: 'this week' });
    expect(first.period).toMatchObject({
      timeZone: 'America/New_York',
      weekStart: 1,
      from: week(0),
      to: week(0, 6),
    });
    const i = first.days.findIndex((d) => d.date === YESTERDAY);
    expect(i).toBeGreaterThanOrEqual(0);
    const rowBefore = first.tasks.find((t) => t.id === ENGINE_TESTING)?.minutes[i] ?? 0;
    expect(rowBefore).toBe(cellBefore);
    const dayBefore = first.days[i]!.logged;

    const before = w.sim.requests.length;
    const a = await log(trainee, [
      { task: 'Spaceship building / Engine integration testing', date: 'yesterday', duration: '1h30' },
    ]);
    expect(a.entries[0]).toMatchObject({
      task: 'Big Bang Company / Spaceship building / Engine integration testing',
      taskId: ENGINE_TESTING,
      userId: 3,
      date: YESTERDAY,
      mode: 'add',
      minutes: 90,
      before: cellBefore,
      after: cellBefore + 90,
      status: 'applied',
    });
    // The write is the atomic delta, and the "before" came from ONE list read, not a cell read.
    const writes = writesOf(w.sim, before);
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /timetrack/3/${YESTERDAY}/${ENGINE_TESTING}/time`,
    ]);
    expect(writes[0]!.body).toEqual({ delta: 90 });
    const reads = w.sim.requests.slice(before).filter((r) => r.method === 'GET' && r.path === '/timetrack');
    expect(reads).toHaveLength(1);

    const b = await log(trainee, [
      { task: 'Spaceship building / Engine integration testing', date: 'yesterday', duration: '30m' },
    ]);
    expect(b.entries[0]).toMatchObject({
      before: cellBefore + 90,
      after: cellBefore + 120,
      status: 'applied',
    });

    const second = await sheet(trainee, { period: 'this week' });
    const rowAfter = second.tasks.find((t) => t.id === ENGINE_TESTING)!.minutes[i];
    expect(rowAfter! - rowBefore).toBe(120);
    expect(second.days[i]!.logged - dayBefore).toBe(120);
    expect((second.totals.logged as number) - (first.totals.logged as number)).toBe(120);
    expect(cellOf(w.sim, 3, YESTERDAY, ENGINE_TESTING)).toBe(cellBefore + 120);
  });

  it('SEC-OUT-05 get_timesheet agrees with the store: grid, schedule, leave, missing, approval; 3 reads, tasks referenced', async () => {
    const before = w.sim.requests.length;
    const out = await sheet(admin, { user: 'trainee', period: `${week(-2)}..${week(-2, 6)}` });
    const sent = w.sim.requests.slice(before);
    const lists = sent.filter((r) => ['/timetrack', '/leavetime', '/users/3/schedule'].includes(r.path));
    expect(lists.map((r) => r.path).sort()).toEqual(['/leavetime', '/timetrack', '/users/3/schedule']);
    expect(lists.find((r) => r.path === '/timetrack')!.query.includeReferenced).toBe(
      'tasks,projects,customers',
    );
    // No task is looked up one by one.
    expect(sent.filter((r) => r.path.startsWith('/tasks'))).toHaveLength(0);

    const user = w.sim.store.users.get(3)!;
    for (const [i, d] of out.days.entries()) {
      const day = w.sim.store.getDay(3, d.date);
      const logged = [...(day?.values() ?? [])].reduce((s, r) => s + r.time, 0);
      const leave = w.sim.store.getLeave(3, d.date, 1) ?? 0;
      const scheduled = w.sim.store.scheduleFor(user, d.date);
      expect(d, d.date).toMatchObject({
        logged,
        leave,
        scheduled,
        missing: Math.max(0, scheduled - logged - leave),
        overtime: Math.max(0, logged + leave - scheduled),
      });
      for (const t of out.tasks) expect(t.minutes[i]).toBe(day?.get(t.id)?.time ?? 0);
    }
    // W-2 is not approved for the trainee; Sick Leave on Thursday.
    expect(out.days.every((d) => d.approved === false)).toBe(true);
    expect(out.leave).toEqual([
      {
        id: 1,
        name: 'Sick Leave',
        minutes: out.days.map((d) => (d.date === week(-2, 3) ? 480 : 0)),
        total: 480,
      },
    ]);
    expect(out.locked).toBeNull();
    expect(out.tasks.every((t) => t.path.split(' / ').length === 3)).toBe(true);
  });

  it('approval: an approved week shows approved true on every day, empty weekend days included', async () => {
    const out = await sheet(admin, { user: 'trainee', period: `${week(-3)}..${week(-3, 6)}` });
    expect(out.days.map((d) => d.approved)).toEqual(Array(7).fill(true));
    // The holiday (Wednesday of W-3) is scheduled 0.
    expect(out.days[2]).toMatchObject({ date: week(-3, 2), scheduled: 0 });
  });

  it('days after today are not missing', async () => {
    const out = await sheet(trainee, { period: 'this week' });
    for (const d of out.days) if (d.date > TODAY) expect(d.missing, d.date).toBe(0);
    const today = out.days.find((d) => d.date === TODAY)!;
    expect(today.logged).toBe(0); // the seed keeps the trainee's today empty
    expect(today.missing).toBe(today.scheduled);
  });

  it('add twice = sum; set twice = same value', async () => {
    const date = week(1, 1);
    const start = cellOf(w.sim, 1, date, MEETINGS);
    await log(admin, [{ task: String(MEETINGS), date, duration: 45 }]);
    await log(admin, [{ task: String(MEETINGS), date, duration: 45 }]);
    expect(cellOf(w.sim, 1, date, MEETINGS)).toBe(start + 90);

    const s1 = await log(admin, [
      { task: String(MEETINGS), date, duration: '2h', mode: 'set', comment: 'weekly' },
    ]);
    const s2 = await log(admin, [
      { task: String(MEETINGS), date, duration: '2h', mode: 'set', comment: 'weekly' },
    ]);
    expect(s1.entries[0]).toMatchObject({ after: 120, status: 'applied' });
    expect(s2.entries[0]).toMatchObject({ before: 120, after: 120, status: 'applied' });
    expect(w.sim.store.getTime(1, date, MEETINGS)).toEqual({ time: 120, comment: 'weekly' });
  });

  it('add with a comment: the delta, then the comment on the value the delta returned', async () => {
    const date = week(1, 2);
    const before = w.sim.requests.length;
    const out = await log(admin, [{ task: String(MEETINGS), date, duration: 30, comment: 'planning' }]);
    expect(out.entries[0]).toMatchObject({ after: 30, status: 'applied', comment: 'planning' });
    const writes = writesOf(w.sim, before);
    expect(writes.map((r) => r.body)).toEqual([{ delta: 30 }, { time: 30, comment: 'planning' }]);
    expect(w.sim.store.getTime(1, date, MEETINGS)).toEqual({ time: 30, comment: 'planning' });
  });

  it('20 concurrent adds to one cell sum exactly', async () => {
    const date = week(1, 3);
    const start = cellOf(w.sim, 1, date, MEETINGS);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => log(admin, [{ task: String(MEETINGS), date, duration: 15 }])),
    );
    expect(results.every((r) => r.entries[0]!.status === 'applied')).toBe(true);
    expect(cellOf(w.sim, 1, date, MEETINGS)).toBe(start + 300);
    // Every after is distinct: each delta saw a different running total.
    expect(new Set(results.map((r) => r.entries[0]!.after)).size).toBe(20);
  });

  it('an approved week is refused before writing (0 PATCH requests)', async () => {
    const date = week(-3, 1); // approved for the trainee, has time
    const before = w.sim.requests.length;
    const out = await refused<LogOut>(trainee, logTimeTool, {
      entries: [{ task: String(MEETINGS), date, duration: 30 }],
    });
    expect(out.entries[0]).toMatchObject({
      status: 'refused',
      error: { kind: 'precheck', reason: 'timetrack_approved' },
    });
    expect(out.entries[0]!.error!.message).toMatch(/approved/);
    expect(out.entries[0]!.error!.hint).toMatch(/manager/);
    expect(writesOf(w.sim, before)).toHaveLength(0);
    expect(w.sim.requests.slice(before).filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('more than 24 h on a day is refused before writing', async () => {
    const date = week(1, 4);
    const before = w.sim.requests.length;
    const out = await log(
      admin,
      [
        { task: String(MEETINGS), date, duration: '20h' },
        { task: '137', date, duration: '5h' },
      ],
      { dryRun: true },
    );
    expect(out.dryRun).toBe(true);
    expect(out.entries.map((e) => e.status)).toEqual(['planned', 'refused']);
    expect(out.entries[1]!.error).toMatchObject({ kind: 'precheck', reason: 'day_limit_exceeded' });
    expect(writesOf(w.sim, before)).toHaveLength(0);
  });

  it('a locked day is refused by actiTIME (no pre-check can see locks): no successful write, key and hint shown', async () => {
    const date = addDays(LOCKED_FROM, 1); // locked for everyone, not approved for the admin
    const start = cellOf(w.sim, 1, date, MEETINGS);
    const before = w.sim.requests.length;
    const out = await refused<LogOut>(admin, logTimeTool, {
      entries: [{ task: String(MEETINGS), date, duration: 30 }],
    });
    expect(out.entries[0]).toMatchObject({
      status: 'refused',
      error: { status: 400, key: 'api.error.timetrack_locked' },
    });
    expect(out.entries[0]!.error!.hint).toMatch(/unlock/);
    const writes = writesOf(w.sim, before);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.status).toBe(400);
    expect(cellOf(w.sim, 1, date, MEETINGS)).toBe(start);
  });

  it('a batch with a partial failure reports each entry; the others are applied once', async () => {
    const locked = addDays(LOCKED_FROM, 2);
    const d1 = week(2, 0);
    const d2 = week(2, 1);
    const start = [cellOf(w.sim, 1, d1, MEETINGS), cellOf(w.sim, 1, d2, MEETINGS)];
    const before = w.sim.requests.length;
    const out = await log(admin, [
      { task: String(MEETINGS), date: d1, duration: 60 },
      { task: String(MEETINGS), date: locked, duration: 60 },
      { task: String(MEETINGS), date: d2, duration: 90, mode: 'set' },
    ]);
    expect(out.entries.map((e) => e.status)).toEqual(['applied', 'refused', 'applied']);
    expect(out.entries[1]!.error).toMatchObject({ key: 'api.error.timetrack_locked' });
    expect(out.summary).toEqual({ applied: 2, refused: 1 });
    const batches = w.sim.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/batch');
    expect(batches).toHaveLength(1);
    expect(writesOf(w.sim, before).map((r) => r.batchOf)).toEqual([
      batches[0]!.seq,
      batches[0]!.seq,
      batches[0]!.seq,
    ]);
    expect(cellOf(w.sim, 1, d1, MEETINGS)).toBe(start[0]! + 60);
    expect(cellOf(w.sim, 1, d2, MEETINGS)).toBe(90);
  });

  it('a batch that may have been applied is reported per entry as maybe_applied, and not retried', async () => {
    const d = week(3, 0);
    w.sim.faults.inject({ method: 'POST', path: '/batch', status: 503 });
    const before = w.sim.requests.length;
    const out = await log(admin, [
      { task: String(MEETINGS), date: d, duration: 15 },
      { task: '137', date: d, duration: 15 },
    ]);
    expect(out.entries.map((e) => e.status)).toEqual(['maybe_applied', 'maybe_applied']);
    expect(out.entries[0]!.error!.hint).toMatch(/re-read/);
    expect(w.sim.requests.slice(before).filter((r) => r.path === '/batch')).toHaveLength(1);
  });

  it('a single delta answered 503 is maybe_applied with exactly one attempt', async () => {
    const d = week(3, 1);
    w.sim.faults.inject({
      method: 'PATCH',
      path: new RegExp(`^/timetrack/1/${d}/${MEETINGS}/time$`),
      status: 503,
    });
    const before = w.sim.requests.length;
    const out = await log(admin, [{ task: String(MEETINGS), date: d, duration: 15 }]);
    expect(out.entries[0]).toMatchObject({ status: 'maybe_applied', error: { maybeApplied: true } });
    expect(writesOf(w.sim, before)).toHaveLength(1);
  });

  it('get_time_entries: rows by whole days with totals, hasMore and next', async () => {
    const out = await ok<{
      period: { from: string; to: string };
      rows: Array<{
        date: string;
        userId: number;
        taskId: number;
        task: string;
        minutes: number;
        approved: boolean;
      }>;
      users: Record<string, string>;
      totals: { rows: number; minutes: number };
      hasMore: boolean;
      next?: string;
    }>(admin, getTimeEntries, { users: ['trainee', 'jsmith'], period: 'last week', limit: 5 });
    expect(out.rows.length).toBeGreaterThan(0);
    expect(out.hasMore).toBe(true);
    const lastDate = out.rows[out.rows.length - 1]!.date;
    expect(out.next).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}\\.\\.${week(-1, 6)}$`));
    expect(out.next!.slice(0, 10) > lastDate).toBe(true);
    expect(out.users).toEqual({ '3': 'Tom Green', '4': 'John A. Smith' });
    for (const r of out.rows) {
      expect(r.minutes).toBe(w.sim.store.getTime(r.userId, r.date, r.taskId)?.time);
      expect(r.task.split(' / ')).toHaveLength(3);
    }
    expect(out.totals).toMatchObject({
      rows: out.rows.length,
      minutes: out.rows.reduce((s, r) => s + r.minutes, 0),
    });

    // Asking for the rest continues where the rows stopped.
    const rest = await ok<{ rows: Array<{ date: string }>; hasMore: boolean }>(admin, getTimeEntries, {
      users: ['trainee', 'jsmith'],
      period: out.next,
      limit: 1000,
    });
    expect(rest.hasMore).toBe(false);
    expect(rest.rows[0]!.date).toBe(out.next!.slice(0, 10));
  });

  it('get_time_entries filters by project name and approval', async () => {
    const before = w.sim.requests.length;
    const out = await ok<{ rows: Array<{ taskId: number; approved: boolean }> }>(admin, getTimeEntries, {
      projects: ['Spaceship building'],
      period: `${week(-4)}..${week(-3, 6)}`,
      approved: true,
    });
    const list = w.sim.requests.slice(before).find((r) => r.path === '/timetrack')!;
    expect(list.query).toMatchObject({ projectIds: '13', approved: 'true' });
    expect(out.rows.length).toBeGreaterThan(0);
    for (const r of out.rows) {
      expect(w.sim.store.tasks.get(r.taskId)!.projectId).toBe(13);
      expect(r.approved).toBe(true);
    }
  });

  it('find_missing_time for last week returns the seeded gaps with the minutes the store implies', async () => {
    const out = await ok<{
      period: { from: string; to: string };
      users: Array<{
        id: number;
        name: string;
        missing: number;
        days: Array<{ date: string; missing: number; scheduled: number; logged: number; leave: number }>;
      }>;
      totals: { usersChecked: number; usersWithGaps: number; missing: number };
    }>(admin, findMissingTimeTool, {});
    expect(out.period).toMatchObject({ from: week(-1), to: week(-1, 6) });

    // Expectations from the store: every active user, every day of last week.
    const expected: Array<{ id: number; date: string; missing: number }> = [];
    for (const u of w.sim.store.users.values()) {
      if (!u.active) continue;
      for (let d = 0; d < 7; d++) {
        const date = week(-1, d);
        const missing = w.sim.store.scheduleFor(u, date) - w.sim.store.dayTotal(u.id, date);
        if (missing > 0) expected.push({ id: u.id, date, missing });
      }
    }
    const got = out.users.flatMap((u) => u.days.map((d) => ({ id: u.id, date: d.date, missing: d.missing })));
    expect(got.sort((a, b) => a.id - b.id || a.date.localeCompare(b.date))).toEqual(expected);
    // The seed's gaps, by name: trainee Tuesday and Thursday, akowalski Wednesday.
    expect(expected.map((e) => `${e.id}|${e.date}`)).toEqual([
      `3|${week(-1, 1)}`,
      `3|${week(-1, 3)}`,
      `5|${week(-1, 2)}`,
    ]);
    // Worst first.
    expect(out.users.map((u) => u.id)).toEqual([3, 5]);
    expect(out.totals.missing).toBe(expected.reduce((s, e) => s + e.missing, 0));
    expect(out.totals.usersChecked).toBe([...w.sim.store.users.values()].filter((u) => u.active).length);
  });

  it('find_missing_time lists everyone checked with their totals, and counts those without gaps', async () => {
    const out = await ok<{
      people: Array<{ id: number; scheduled: number; logged: number; leave: number; missing: number }>;
      totals: { usersChecked: number; usersWithGaps: number; usersWithoutGaps: number };
    }>(admin, findMissingTimeTool, {});
    const active = [...w.sim.store.users.values()].filter((u) => u.active);
    expect(out.people.map((p) => p.id).sort()).toEqual(active.map((u) => u.id).sort());
    for (const p of out.people) {
      const u = w.sim.store.users.get(p.id)!;
      let scheduled = 0;
      let missing = 0;
      for (let d = 0; d < 7; d++) {
        const date = week(-1, d);
        scheduled += w.sim.store.scheduleFor(u, date);
        missing += Math.max(0, w.sim.store.scheduleFor(u, date) - w.sim.store.dayTotal(u.id, date));
      }
      expect(p.scheduled, `user ${p.id}`).toBe(scheduled);
      expect(p.missing, `user ${p.id}`).toBe(missing);
    }
    expect(
      out.people
        .filter((p) => p.missing > 0)
        .map((p) => p.id)
        .sort(),
    ).toEqual([3, 5]);
    expect(out.totals.usersWithoutGaps).toBe(active.length - 2);
    expect(out.totals.usersWithGaps + out.totals.usersWithoutGaps).toBe(out.totals.usersChecked);
  });

  it('find_missing_time: one time list and one leave list for all users, one schedule per user', async () => {
    const before = w.sim.requests.length;
    await ok(admin, findMissingTimeTool, {
      users: ['trainee', 'akowalski', 'jsmith'],
      period: 'last 30 days',
    });
    const sent = w.sim.requests.slice(before);
    expect(sent.filter((r) => r.path === '/timetrack')).toHaveLength(1);
    expect(sent.filter((r) => r.path === '/leavetime')).toHaveLength(1);
    expect(sent.find((r) => r.path === '/timetrack')!.query.userIds).toBe('3,5,4');
    expect(
      sent
        .filter((r) => r.path.endsWith('/schedule'))
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/users/3/schedule', '/users/4/schedule', '/users/5/schedule']);
  });

  it('find_missing_time by department, with progress notifications', async () => {
    const progress: number[] = [];
    const result = await admin.client.callTool(
      { name: 'find_missing_time', arguments: { department: 'Engineering', period: 'last week' } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as {
      users: Array<{ id: number }>;
      totals: { usersChecked: number };
    };
    // Engineering (6): trainee and jsmith are active; rgray is disabled.
    expect(out.totals.usersChecked).toBe(2);
    expect(out.users.map((u) => u.id)).toEqual([3]);
    expect(progress.length).toBe(4); // two lists + two schedules
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('SEC-IN-03 SEC-IN-04 SEC-IN-05 bad dates, durations, ranges and comments are refused naming the field, 0 requests', async () => {
    const c = await w.connect('trainee');
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['log_time', { entries: [{ task: '103', date: '2026-02-30', duration: 30 }] }, 'entries[0].date'],
      ['log_time', { entries: [{ task: '103', date: '2026-13-01', duration: 30 }] }, 'entries[0].date'],
      ['log_time', { entries: [{ task: '103', date: 'last week', duration: 30 }] }, 'entries[0].date'],
      ['log_time', { entries: [{ task: '103', duration: 1441 }] }, 'entries[0].duration'],
      ['log_time', { entries: [{ task: '103', duration: '25h' }] }, 'entries[0].duration'],
      ['log_time', { entries: [{ task: '103', duration: '-1h', mode: 'set' }] }, 'entries[0].duration'],
      ['log_time', { entries: [{ task: '103', duration: 0 }] }, 'entries[0].duration'],
      ['log_time', { entries: [{ task: '103', duration: 30, comment: 'bell\u0007' }] }, 'entries[0].comment'],
      [
        'log_time',
        { entries: [{ task: '103', duration: 30, comment: 'x'.repeat(1001) }] },
        'entries[0].comment',
      ],
      ['log_time', { entries: [] }, 'entries'],
      ['log_time', { entries: Array.from({ length: 101 }, () => ({ task: '103', duration: 1 })) }, 'entries'],
      ['get_time_entries', { period: '2025-01-01..2026-06-30' }, 'period'],
      ['get_time_entries', { period: '2026-10-10..2026-10-01' }, 'period'],
      ['get_time_entries', { limit: 5000 }, 'limit'],
      ['find_missing_time', { period: 'the other day' }, 'period'],
      ['get_timesheet', { period: `${week(-12)}..${week(0)}` }, 'period'],
    ];
    const before = w.sim.requests.length;
    for (const [name, args, field] of cases) {
      const error = errorOf(await c.client.callTool({ name, arguments: args }));
      expect(error.kind, `${name} ${JSON.stringify(args).slice(0, 80)}`).toBe('validation');
      expect(error.field, `${name} ${JSON.stringify(args).slice(0, 80)}`).toBe(field);
    }
    expect(w.sim.requests.length).toBe(before);
    expect(TIMESHEET_MAX_DAYS).toBeLessThan(7 * 12);
  });

  it('the wire carries exactly what the store shows after a set with a comment and a delete (set 0)', async () => {
    const d = week(3, 2);
    await log(admin, [{ task: String(MEETINGS), date: d, duration: '1:15', mode: 'set', comment: 'x' }]);
    expect(w.sim.store.getTime(1, d, MEETINGS)).toEqual({ time: 75, comment: 'x' });
    // The test clients run with ACTITIME_CONFIRM=never (test/helpers/mcp.ts); confirmation has its own tests.
    const out = await log(admin, [{ task: String(MEETINGS), date: d, duration: 0, mode: 'set' }]);
    expect(out.entries[0]).toMatchObject({ before: 75, after: 0, status: 'applied' });
    expect(w.sim.store.getTime(1, d, MEETINGS)).toBeUndefined();
    const cell = await api(w.sim, 'GET', `/timetrack/1/${d}/${MEETINGS}`, { user: 'admin' });
    expect(cell.status).toBe(404);
  });
});

describe('dates in the user’s time zone', () => {
  it('at 23:30 UTC a user in a group ahead of UTC (London, BST) logs "today" on their local date', async () => {
    const w = await world(TODAY, `${TODAY}T23:30:00Z`);
    try {
      const anna = await w.connect('akowalski');
      const before = w.sim.requests.length;
      const out = await ok<LogOut>(anna, logTimeTool, { entries: [{ task: 'Offline mode', duration: 30 }] });
      const tomorrow = addDays(TODAY, 1);
      expect(out.timeZone).toBe('Europe/London');
      expect(out.entries[0]).toMatchObject({ date: tomorrow, status: 'applied', after: 30 });
      expect(writesOf(w.sim, before).map((r) => r.path)).toEqual([`/timetrack/5/${tomorrow}/92/time`]);

      // The same instant is still TODAY in New York.
      const tom = await w.connect('trainee');
      const t = await ok<LogOut>(tom, logTimeTool, { entries: [{ task: 'Meetings', duration: 15 }] });
      expect(t.entries[0]).toMatchObject({ date: TODAY, status: 'applied' });
      const sheet = await ok<Sheet>(anna, getTimesheet, { period: 'today' });
      expect(sheet.period).toMatchObject({ from: tomorrow, to: tomorrow, timeZone: 'Europe/London' });
    } finally {
      await w.close();
    }
  });

  it('a DST week: seven consecutive days, "today" and "yesterday" across the change', async () => {
    // 04:30 UTC on Monday 2 November 2026 is 23:30 on Sunday 1 November in New York (EST since 06:00 UTC).
    const w = await world('2026-11-02', '2026-11-02T04:30:00Z');
    try {
      const tom = await w.connect('trainee');
      const out = await ok<LogOut>(tom, logTimeTool, {
        entries: [
          { task: 'Meetings', duration: 15 },
          { task: 'Meetings', date: 'yesterday', duration: 15 },
        ],
      });
      expect(out.entries.map((e) => e.date)).toEqual(['2026-11-01', '2026-10-31']);
      const sheet = await ok<Sheet>(tom, getTimesheet, { period: 'this week' });
      expect(sheet.days.map((d) => d.date)).toEqual([
        '2026-10-26',
        '2026-10-27',
        '2026-10-28',
        '2026-10-29',
        '2026-10-30',
        '2026-10-31',
        '2026-11-01',
      ]);
      const user = w.sim.store.users.get(3)!;
      expect(sheet.days.map((d) => d.scheduled)).toEqual(
        sheet.days.map((d) => w.sim.store.scheduleFor(user, d.date)),
      );
      expect(sheet.days.slice(5).map((d) => d.logged)).toEqual([15, 15]);
      // London is already on Monday 2 November.
      const anna = await w.connect('akowalski');
      const a = await ok<Sheet>(anna, getTimesheet, { period: 'today' });
      expect(a.period.from).toBe('2026-11-02');
    } finally {
      await w.close();
    }
  });

  it('week start Sunday vs Monday (GET /info format.dayOfWeekStart)', async () => {
    const w = await world(TODAY);
    try {
      const monday = await w.connect('trainee');
      const m = await ok<Sheet>(monday, getTimesheet, { period: 'this week' });
      expect(m.period).toMatchObject({ from: week(0), to: week(0, 6), weekStart: 1 });

      const info = (await api(w.sim, 'GET', '/info', { user: 'admin' })).body as {
        format: Record<string, unknown>;
      };
      w.sim.faults.inject({
        method: 'GET',
        path: '/info',
        status: 200,
        body: { ...info, format: { ...info.format, dayOfWeekStart: 0 } },
      });
      const sunday = await w.connect('trainee');
      const s = await ok<Sheet>(sunday, getTimesheet, { period: 'this week' });
      expect(s.period).toMatchObject({ from: addDays(week(0), -1), to: addDays(week(0), 5), weekStart: 0 });
      expect(s.days[0]!.date).toBe('2026-10-04'); // a Sunday
      const missing = await ok<{ period: { from: string; to: string } }>(sunday, findMissingTimeTool, {
        users: ['me'],
      });
      expect(missing.period).toMatchObject({ from: addDays(week(-1), -1), to: addDays(week(-1), 5) });
    } finally {
      await w.close();
    }
  });
});

describe('cancellation through tools', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(TODAY);
  });
  afterAll(() => w.close());

  /** Records the id of every tools/call the client sends and every message it receives. */
  function tap(c: Connected) {
    const t = c.client.transport!;
    const received: unknown[] = [];
    const callIds: Array<string | number> = [];
    const onmessage = t.onmessage;
    t.onmessage = (message, extra) => {
      received.push(message);
      onmessage?.(message, extra);
    };
    const send = t.send.bind(t);
    t.send = (message, options) => {
      if ('method' in message && message.method === 'tools/call' && 'id' in message) callIds.push(message.id);
      return send(message, options);
    };
    const answered = (id: string | number) =>
      received.some((m) => typeof m === 'object' && m !== null && 'id' in m && m.id === id);
    return { callIds, answered };
  }

  const held = [
    {
      tool: 'get_timesheet',
      args: { period: 'this week' },
      fault: { method: 'GET', path: '/timetrack' },
      match: (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/timetrack',
    },
    {
      tool: 'log_time',
      args: { entries: [{ task: String(MEETINGS), date: week(4, 0), duration: 15 }] },
      fault: { method: 'PATCH', path: /\/time$/ },
      match: (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.endsWith('/time'),
    },
  ];
  for (const { tool, args, fault, match } of held) {
    it(`REL-CX-01 ${tool} cancelled while actiTIME holds the answer: connection closed before the answer, no retry, no result`, async () => {
      const c = await w.connect('admin');
      await ok(c, getTimesheet, { period: 'last week' }); // sign-in and calendar out of the way
      const { callIds, answered } = tap(c);
      const start = cellOf(w.sim, 1, week(4, 0), MEETINGS);
      w.sim.faults.inject({ ...fault, delayMs: 5000 });
      const mark = w.sim.requests.length;
      const logMark = c.logs.length;
      const ac = new AbortController();
      const call = c.client.callTool({ name: tool, arguments: args }, undefined, { signal: ac.signal });
      await waitFor(() => w.sim.requests.slice(mark).some(match), { message: 'the held request' });
      const request = w.sim.requests.slice(mark).find(match)!;
      ac.abort();
      await expect(call).rejects.toThrow();
      await waitFor(() => request.abortedAt !== undefined, { message: 'the connection to close' });
      // Closed by the cancel while actiTIME still held the answer (5 s): no status was ever sent.
      expect(request.status).toBeUndefined();
      // No retry: once the tool's handler has ended and the client is idle, nothing more can be sent for it.
      await waitFor(() => c.logs.slice(logMark).some((l) => l.includes(`tool ${tool} `)), {
        message: 'the handler to end',
      });
      await untilIdle(c.actitime, w.sim);
      expect(w.sim.requests.slice(mark).filter(match)).toHaveLength(1);
      expect(callIds).toHaveLength(1);
      expect(answered(callIds[0]!)).toBe(false);
      expect(cellOf(w.sim, 1, week(4, 0), MEETINGS)).toBe(start);
      w.sim.faults.clear();
    });
  }

  it('REL-CX-04 a cancel that arrives after the result is ignored: no crash, no error logged', async () => {
    const c = await w.connect('admin');
    const { callIds, answered } = tap(c);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    };
    try {
      const ac = new AbortController();
      const first = await c.client.callTool(
        {
          name: 'log_time',
          arguments: { entries: [{ task: String(MEETINGS), date: week(4, 1), duration: 15 }] },
        },
        undefined,
        { signal: ac.signal },
      );
      expect(first.isError).toBeFalsy();
      expect(answered(callIds[0]!)).toBe(true);
      ac.abort();
      await c.client.notification({
        method: 'notifications/cancelled',
        params: { requestId: callIds[0]!, reason: 'too late' },
      });
      // Messages are handled in order: by the time this call is answered, the late cancel has been handled.
      const again = await ok<Sheet>(c, getTimesheet, { period: `${week(4)}..${week(4, 6)}` });
      expect(again.days[1]!.logged).toBe(cellOf(w.sim, 1, week(4, 1), MEETINGS));
      expect(cellOf(w.sim, 1, week(4, 1), MEETINGS)).toBe(15);
    } finally {
      process.stderr.write = write;
    }
    expect(c.logs.filter((l) => / error: /.test(l))).toEqual([]);
    expect(stderr.join('')).not.toMatch(/error/i);
  });
});

describe('large lists through get_time_entries', () => {
  it('SEC-OUT-02 rows are capped by count and size with hasMore/next; following next returns every record once', async () => {
    const w = await world(TODAY);
    try {
      const from = week(-8);
      const to = week(-1, 6);
      const tasks = [...w.sim.store.tasks.keys()].slice(0, 30);
      for (let d = 0; d < 56; d++) {
        const date = addDays(from, d);
        for (const t of tasks)
          w.sim.store.setTime(6, date, t, 5, 'a fairly long comment to make every row heavier');
      }
      let expected = 0;
      for (const [date, day] of w.sim.store.userDays(6) ?? [])
        if (date >= from && date <= to) expected += day.size;
      const admin = await w.connect('admin');
      let period = `${from}..${to}`;
      const seen = new Set<string>();
      for (let page = 0; page < 50; page++) {
        const result = await admin.client.callTool({
          name: 'get_time_entries',
          arguments: { users: ['pwhite'], period, limit: 1000 },
        });
        expect(result.isError).toBeFalsy();
        expect(getTimeEntries.outputSchema.safeParse(result.structuredContent).success).toBe(true);
        const text = (result.content as Array<{ text: string }>)[0]!.text;
        expect(text.length).toBeLessThan(100_000);
        const out = result.structuredContent as {
          rows: Array<{ date: string; taskId: number }>;
          hasMore: boolean;
          next?: string;
        };
        expect(out.rows.length).toBeLessThanOrEqual(1000);
        for (const r of out.rows) {
          const k = `${r.date}|${r.taskId}`;
          expect(seen.has(k), k).toBe(false);
          seen.add(k);
        }
        if (!out.hasMore) break;
        expect(out.next).toBeDefined();
        period = out.next!;
      }
      expect(seen.size).toBe(expected);
    } finally {
      await w.close();
    }
  });

  it('time on a completed task is accepted (actiTIME does not refuse it, so neither do we)', async () => {
    const w = await world(TODAY);
    try {
      const tom = await w.connect('trainee');
      const out = await ok<LogOut>(tom, logTimeTool, { entries: [{ task: 'Hull design', duration: 30 }] });
      expect(w.sim.store.workflowStatuses.get(w.sim.store.tasks.get(101)!.workflowStatusId)!.type).toBe(
        'completed',
      );
      expect(out.entries[0]).toMatchObject({ taskId: 101, status: 'applied', after: 30 });
    } finally {
      await w.close();
    }
  });
});
