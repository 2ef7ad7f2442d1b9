/**
 * Issue 10, the time/leave half: dryRun → planToken, confirm: token applies exactly that plan through one
 * POST /batch (cells changed since are conflicts, not written), confirmation of lowering sets (elicitation or
 * confirmation_required), and the per-day summary of what a write leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays } from '../../src/domain/period.js';
import { logLeaveTime } from '../../src/tools/leave.js';
import { logTimeTool } from '../../src/tools/time.js';
import { connectClient, errorOf, type Connected } from '../helpers/mcp.js';
import { api } from '../helpers/simulator.js';
import { TODAY, week } from '../simulator/demo-calendar.js';
import { clockAt, ok, world, writesOf, type World } from './time-support.js';

type Entry = Record<string, unknown> & { status: string; before: number; after?: number };
type Day = { date: string; weekday: string; total: number; scheduled?: number; warnings: string[] };
type LogOut = {
  entries: Entry[];
  summary: Record<string, number>;
  days: Day[];
  status?: string;
  planToken?: string;
  note?: string;
  dryRun?: boolean;
};
type LeaveOut = { days: Array<Day & { before: number; after?: number; status: string }> } & Omit<
  LogOut,
  'entries' | 'days'
>;

const ENGINE_TESTING = 103;
const MEETINGS = 136;
const TRAINEE = 3;

describe('plan → apply and confirmation (log_time, log_leave_time)', () => {
  let w: World;
  let trainee: Connected;
  beforeAll(async () => {
    w = await world(TODAY);
    // Confirmation is what is tested here: the test helper's default is never.
    trainee = await w.connect('trainee', { env: { ACTITIME_CONFIRM: 'destructive' } });
  });
  afterAll(() => w.close());

  const cell = (date: string, task: number) => w.sim.store.getTime(TRAINEE, date, task);
  const log = (c: Connected, args: Record<string, unknown>) => ok<LogOut>(c, logTimeTool, args);
  const batches = (since: number) =>
    w.sim.requests.slice(since).filter((r) => r.method === 'POST' && r.path === '/batch');

  it('SEC-PL-01 dryRun returns a planToken and writes nothing; confirm applies exactly the planned cells through one POST /batch', async () => {
    const d1 = week(1, 0);
    const d2 = week(1, 1);
    w.sim.store.setTime(TRAINEE, d2, MEETINGS, 45, 'standup');
    const args = {
      entries: [
        { task: String(ENGINE_TESTING), date: d1, duration: 30, comment: 'rig' },
        { task: String(MEETINGS), date: d2, duration: '1h', mode: 'set' },
      ],
    };
    const since = w.sim.requests.length;
    const plan = await log(trainee, { ...args, dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(plan.planToken).toMatch(/^ct_/);
    expect(plan.entries.map((e) => [e.status, e.before, e.after])).toEqual([
      ['planned', 0, 30],
      ['planned', 45, 60],
    ]);
    expect(plan.entries[1]!.commentBefore).toBe('standup');
    expect(writesOf(w.sim, since)).toHaveLength(0);

    const applySince = w.sim.requests.length;
    const out = await log(trainee, { ...args, confirm: plan.planToken });
    expect(out.entries.map((e) => [e.status, e.before, e.after])).toEqual([
      ['applied', 0, 30],
      ['applied', 45, 60],
    ]);
    expect(batches(applySince)).toHaveLength(1);
    expect(writesOf(w.sim, applySince).map((r) => [r.method, r.path, r.body])).toEqual([
      ['PATCH', `/timetrack/${TRAINEE}/${d1}/${ENGINE_TESTING}`, { time: 30, comment: 'rig' }],
      ['PATCH', `/timetrack/${TRAINEE}/${d2}/${MEETINGS}`, { time: 60, comment: 'standup' }],
    ]);
    expect(cell(d1, ENGINE_TESTING)).toEqual({ time: 30, comment: 'rig' });
    expect(cell(d2, MEETINGS)).toEqual({ time: 60, comment: 'standup' });
  });

  it('SEC-PL-02 a cell changed by another user between plan and apply is a conflict and is not written; the untouched one is', async () => {
    const d1 = week(1, 2);
    const d2 = week(1, 3);
    const args = {
      entries: [
        { task: String(ENGINE_TESTING), date: d1, duration: 60, mode: 'set' },
        { task: String(MEETINGS), date: d2, duration: 20 },
      ],
    };
    const plan = await log(trainee, { ...args, dryRun: true });
    // The admin changes the second cell meanwhile.
    const changed = await api(w.sim, 'PATCH', `/timetrack/${TRAINEE}/${d2}/${MEETINGS}`, {
      user: 'admin',
      body: { time: 15, comment: 'theirs' },
    });
    expect(changed.status).toBeLessThan(300);

    const since = w.sim.requests.length;
    const out = await log(trainee, { ...args, confirm: plan.planToken });
    expect(out.entries[0]).toMatchObject({ status: 'applied', after: 60 });
    expect(out.entries[1]).toMatchObject({
      status: 'conflict',
      current: 15,
      expected: 0,
      error: { kind: 'conflict' },
    });
    expect(out.entries[1]!.after).toBeUndefined();
    expect(writesOf(w.sim, since).map((r) => r.path)).toEqual([
      `/timetrack/${TRAINEE}/${d1}/${ENGINE_TESTING}`,
    ]);
    expect(cell(d2, MEETINGS)).toEqual({ time: 15, comment: 'theirs' });
    expect(out.summary).toEqual({ applied: 1, conflict: 1 });
  });

  it('SEC-PL-03 a replayed token, or one for other arguments, is refused and nothing is written (the latter stays usable)', async () => {
    const d = week(1, 4);
    const args = { entries: [{ task: String(MEETINGS), date: d, duration: 10 }] };
    const plan = await log(trainee, { ...args, dryRun: true });
    const since0 = w.sim.requests.length;
    const other = await trainee.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: String(MEETINGS), date: d, duration: 11 }], confirm: plan.planToken },
    });
    expect(errorOf(other)).toMatchObject({ kind: 'conflict', field: 'confirm' });
    expect(String(errorOf(other).message)).toContain('other arguments');
    expect(String(errorOf(other).hint)).toMatch(/unchanged/);
    expect(writesOf(w.sim, since0)).toHaveLength(0);
    // Refused for other arguments, the token is not spent: the original call still applies it, once.
    const since = w.sim.requests.length;
    await log(trainee, { ...args, confirm: plan.planToken });
    expect(writesOf(w.sim, since)).toHaveLength(1);
    const again = await trainee.client.callTool({
      name: 'log_time',
      arguments: { ...args, confirm: plan.planToken },
    });
    expect(String(errorOf(again).message)).toContain('already used');
    expect(writesOf(w.sim, since)).toHaveLength(1);

    const plan2 = await log(trainee, { ...args, dryRun: true });
    await log(trainee, { ...args, confirm: plan2.planToken });
    const replay = await trainee.client.callTool({
      name: 'log_time',
      arguments: { ...args, confirm: plan2.planToken },
    });
    expect(errorOf(replay)).toMatchObject({ kind: 'conflict', field: 'confirm' });
    expect(cell(d, MEETINGS)?.time).toBe(20); // the first plan and plan2, each applied once
  });

  it('SEC-PL-04 an expired token (11 minutes later on the server clock) is refused, nothing written', async () => {
    let skew = 0;
    const base = clockAt(`${TODAY}T12:00:00Z`);
    const c = await connectClient({
      simulator: w.sim,
      user: 'trainee',
      now: () => base() + skew,
      env: { ACTITIME_CONFIRM: 'destructive' },
    });
    try {
      const d = week(2, 0);
      const args = { entries: [{ task: String(MEETINGS), date: d, duration: 10 }] };
      const plan = await log(c, { ...args, dryRun: true });
      skew = 11 * 60_000;
      const since = w.sim.requests.length;
      const res = await c.client.callTool({
        name: 'log_time',
        arguments: { ...args, confirm: plan.planToken },
      });
      expect(String(errorOf(res).message)).toContain('expired');
      expect(writesOf(w.sim, since)).toHaveLength(0);
      expect(cell(d, MEETINGS)).toBeUndefined();
    } finally {
      await c.close();
    }
  });

  it('SEC-PL-05 a lowering set without elicitation → confirmation_required, no PATCH; confirm applies it', async () => {
    const d = week(2, 1);
    w.sim.store.setTime(TRAINEE, d, MEETINGS, 120, 'long');
    const args = { entries: [{ task: String(MEETINGS), date: d, duration: 30, mode: 'set' }] };
    const since = w.sim.requests.length;
    const asked = await log(trainee, args);
    expect(asked).toMatchObject({ status: 'confirmation_required' });
    expect(asked.planToken).toMatch(/^ct_/);
    expect(asked.note).toContain('nothing was written');
    expect(asked.entries[0]).toMatchObject({
      status: 'planned',
      before: 120,
      after: 30,
      commentBefore: 'long',
    });
    expect(w.sim.requests.slice(since).filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(cell(d, MEETINGS)?.time).toBe(120);

    const out = await log(trainee, { ...args, confirm: asked.planToken });
    expect(out.entries[0]).toMatchObject({ status: 'applied', before: 120, after: 30 });
    expect(out.status).toBeUndefined();
    expect(cell(d, MEETINGS)).toEqual({ time: 30, comment: 'long' });

    // Raising is not confirmed under the default policy.
    const up = await log(trainee, {
      entries: [{ task: String(MEETINGS), date: d, duration: 90, mode: 'set' }],
    });
    expect(up.entries[0]).toMatchObject({ status: 'applied', after: 90 });
  });

  it('SEC-PL-06 with elicitation: accept applies the plan, decline and cancel write nothing and say so', async () => {
    const questions: string[] = [];
    let answer: 'accept' | 'decline' | 'cancel' = 'accept';
    const c = await w.connect('trainee', {
      env: { ACTITIME_CONFIRM: 'destructive' },
      capabilities: { elicitation: { form: {} } },
      onElicit: (req) => {
        questions.push(String((req.params as { message?: string }).message));
        return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: answer };
      },
    });
    const d = week(2, 2);
    w.sim.store.setTime(TRAINEE, d, MEETINGS, 100);
    const clear = { entries: [{ task: String(MEETINGS), date: d, duration: 0, mode: 'set' }] };

    answer = 'decline';
    let since = w.sim.requests.length;
    const declined = await log(c, clear);
    expect(declined).toMatchObject({ status: 'declined' });
    expect(declined.note).toContain('declined');
    expect(declined.planToken).toBeUndefined();
    expect(writesOf(w.sim, since)).toHaveLength(0);

    answer = 'cancel';
    const cancelled = await log(c, clear);
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(writesOf(w.sim, since)).toHaveLength(0);
    expect(cell(d, MEETINGS)?.time).toBe(100);

    answer = 'accept';
    since = w.sim.requests.length;
    const accepted = await log(c, clear);
    expect(accepted.status).toBeUndefined();
    expect(accepted.entries[0]).toMatchObject({ status: 'applied', before: 100, after: 0 });
    expect(batches(since)).toHaveLength(1);
    expect(cell(d, MEETINGS)).toBeUndefined();
    expect(questions).toHaveLength(3);
    expect(questions[0]).toContain(`${d} Our Company / `);
    expect(questions[0]).toContain('1:40 → 0:00');
  });

  it('SEC-PL-07 ACTITIME_CONFIRM=never applies a clearing set at once; =writes asks even for an add', async () => {
    const never = await w.connect('trainee', { env: { ACTITIME_CONFIRM: 'never' } });
    const d = week(2, 3);
    w.sim.store.setTime(TRAINEE, d, MEETINGS, 50);
    const out = await log(never, {
      entries: [{ task: String(MEETINGS), date: d, duration: 0, mode: 'set' }],
    });
    expect(out.entries[0]).toMatchObject({ status: 'applied', after: 0 });
    expect(cell(d, MEETINGS)).toBeUndefined();

    const writes = await w.connect('trainee', { env: { ACTITIME_CONFIRM: 'writes' } });
    const since = w.sim.requests.length;
    const asked = await log(writes, { entries: [{ task: String(MEETINGS), date: d, duration: 5 }] });
    expect(asked.status).toBe('confirmation_required');
    expect(writesOf(w.sim, since)).toHaveLength(0);
  });

  it('SEC-PL-08 days: weekday, total (time + leave) after the write, schedule and warnings, one schedule read', async () => {
    const yesterday = addDays(TODAY, -1); // a Tuesday
    const saturday = week(-1, 5);
    const future = week(1, 4); // Friday next week
    const user = w.sim.store.users.get(TRAINEE)!;
    const since = w.sim.requests.length;
    const out = await log(trainee, {
      entries: [
        { task: String(MEETINGS), date: yesterday, duration: 600 },
        { task: String(MEETINGS), date: saturday, duration: 15 },
        { task: String(MEETINGS), date: future, duration: 5 },
      ],
    });
    expect(out.summary).toEqual({ applied: 3 });
    expect(w.sim.requests.slice(since).filter((r) => r.path === `/users/${TRAINEE}/schedule`)).toHaveLength(
      1,
    );
    const dayTotal = (date: string) =>
      [...(w.sim.store.getDay(TRAINEE, date)?.values() ?? [])].reduce((s, r) => s + r.time, 0) +
      [...(w.sim.store.userLeaveDays(TRAINEE)?.get(date)?.values() ?? [])].reduce((s, m) => s + m, 0);
    expect(out.days).toEqual([
      {
        date: saturday,
        weekday: 'Sat',
        total: dayTotal(saturday),
        scheduled: 0,
        warnings: ['non_working_day'],
      },
      {
        date: yesterday,
        weekday: 'Tue',
        total: dayTotal(yesterday),
        scheduled: w.sim.store.scheduleFor(user, yesterday),
        warnings: ['over_schedule'],
      },
      {
        date: future,
        weekday: 'Fri',
        total: dayTotal(future),
        scheduled: w.sim.store.scheduleFor(user, future),
        warnings: ['future_date'],
      },
    ]);
  });

  it('SEC-PL-09 log_leave_time: dryRun → planToken, a concurrent change is a conflict; a lowering set needs confirming', async () => {
    const d1 = week(3, 0);
    const d2 = week(3, 1);
    const range = `${d1}..${d2}`;
    const args = { leaveType: 'Vacation', date: range, duration: 120 };
    const plan = await ok<LeaveOut>(trainee, logLeaveTime, { ...args, dryRun: true });
    expect(plan.planToken).toMatch(/^ct_/);
    expect(plan.days.map((d) => [d.date, d.weekday, d.status, d.after, d.total])).toEqual([
      [d1, 'Mon', 'planned', 120, 120],
      [d2, 'Tue', 'planned', 120, 120],
    ]);
    w.sim.store.setLeave(TRAINEE, d2, 2, 60);
    const since = w.sim.requests.length;
    const out = await ok<LeaveOut>(trainee, logLeaveTime, { ...args, confirm: plan.planToken });
    expect(batches(since)).toHaveLength(1);
    expect(writesOf(w.sim, since).map((r) => [r.path, r.body])).toEqual([
      [`/leavetime/${TRAINEE}/${d1}/2`, { leaveTime: 120 }],
    ]);
    expect(out.days[0]).toMatchObject({ status: 'applied', after: 120, total: 120, scheduled: 480 });
    expect(out.days[1]).toMatchObject({ status: 'conflict', error: { kind: 'conflict' }, total: 60 });
    expect(w.sim.store.getLeave(TRAINEE, d2, 2)).toBe(60);

    const lower = { leaveType: 'Vacation', date: d1, duration: 0, mode: 'set' };
    const s2 = w.sim.requests.length;
    const asked = await ok<LeaveOut>(trainee, logLeaveTime, lower);
    expect(asked.status).toBe('confirmation_required');
    expect(writesOf(w.sim, s2)).toHaveLength(0);
    const done = await ok<LeaveOut>(trainee, logLeaveTime, { ...lower, confirm: asked.planToken });
    expect(done.days[0]).toMatchObject({ status: 'applied', before: 120, after: 0 });
    expect(w.sim.store.getLeave(TRAINEE, d1, 2) ?? 0).toBe(0);
  });
});
