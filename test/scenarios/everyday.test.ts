/**
 * Everyday requests, each played as the calls an assistant would choose from tools/list, the resources and the
 * prompts, against a fresh simulator whose "today" is Wednesday 2026-11-04 (noon UTC). Each scenario checks the
 * end state in the simulator's store (or that nothing was written), the figures the assistant got back, and
 * that it needed no more than maxCalls calls. The runner prints calls and result characters per scenario.
 */
import { describe, expect, it } from 'vitest';

import type { LogTimeResult } from '../../src/domain/log-time.js';

import { registeredScenarios, reportScenarios, scenario, TODAY, type Json } from './runner.js';
import { cell, inProject, leave, logged, ofCustomer, T, U, week, YESTERDAY } from './support.js';

/** What log_time and copy_time answer, as the domain types it, plus the tool layer's confirmation fields. */
type LogOut = LogTimeResult & { status?: string; planToken?: string };
type Period = { from: string; to: string; timeZone: string; weekStart: number };
type SummaryRow = Record<string, string | number>;
type SummaryOut = { period: Period; rows: SummaryRow[]; total: { minutes: number; hm: string } };

/** Everyone a manager sees: herself and her team (docs/actitime-model.md §5). */
const MANAGER_SEES = [U.manager, U.trainee, U.jsmith, U.akowalski, U.pwhite];
const LAST_WEEK = { from: week(-1), to: week(-1, 6) };

describe('everyday requests, played as an assistant would', () => {
  reportScenarios();

  // ---------------------------------------------------------------------------------------------- time entry

  scenario(
    {
      n: '01',
      role: 'employee',
      words: 'log 1h30 on Engine integration testing for yesterday',
      user: 'trainee',
      maxCalls: 2,
    },
    async (s) => {
      const before = cell(s.sim, U.trainee, YESTERDAY, T.engineTesting);
      const out = await s.ok<LogOut>('log_time', {
        entries: [{ task: 'Engine integration testing', date: 'yesterday', duration: '1h30' }],
      });
      expect(out.entries).toMatchObject([
        {
          task: 'Big Bang Company / Spaceship building / Engine integration testing',
          date: YESTERDAY,
          minutes: 90,
          before,
          after: before + 90,
          status: 'applied',
        },
      ]);
      // End state: exactly +90 on that one cell, by one atomic delta.
      expect(cell(s.sim, U.trainee, YESTERDAY, T.engineTesting)).toBe(before + 90);
      expect(s.writes().map((r) => [r.method, r.path, r.body])).toEqual([
        ['PATCH', `/timetrack/${U.trainee}/${YESTERDAY}/${T.engineTesting}/time`, { delta: 90 }],
      ]);
    },
  );

  scenario(
    { n: '02', role: 'employee', words: 'what did I log last week?', user: 'trainee', maxCalls: 1 },
    async (s) => {
      const sheet = await s.ok<{
        period: Period;
        days: Array<{ date: string; logged: number; missing: number }>;
        projects: Array<{ path: string; total: number }>;
        totals: { logged: number; missing: number; scheduled: number; loggedHm: string };
      }>('get_timesheet', { period: 'last week' });
      expect(sheet.period).toMatchObject({ ...LAST_WEEK, timeZone: 'America/New_York', weekStart: 1 });
      const total = logged(s.sim, [U.trainee], LAST_WEEK.from, LAST_WEEK.to);
      expect(sheet.totals).toMatchObject({ logged: total, scheduled: 2400, missing: 2400 - total });
      expect(total).toBe(1740);
      expect(sheet.totals.loggedHm).toBe('29:00');
      // The two gaps of the seed: Tuesday 300 of 480, Thursday nothing.
      expect(sheet.days.filter((d) => d.missing > 0).map((d) => [d.date, d.logged])).toEqual([
        [week(-1, 1), 300],
        [week(-1, 3), 0],
      ]);
      expect(sheet.projects.find((p) => p.path === 'Big Bang Company / Spaceship building')?.total).toBe(
        logged(s.sim, [U.trainee], LAST_WEEK.from, LAST_WEEK.to, inProject(s.sim, 13)),
      );
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '03',
      role: 'manager',
      words: "who hasn't filled in their timesheet last week?",
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<{
        period: Period;
        users: Array<{ name: string; missing: number; days: Array<{ date: string; missing: number }> }>;
        totals: { usersChecked: number; usersWithGaps: number; missing: number };
      }>('find_missing_time', { period: 'last week' });
      expect(out.period).toMatchObject(LAST_WEEK);
      expect(out.users.map((u) => [u.name, u.missing])).toEqual([
        ['Tom Green', 660],
        ['Anna Kowalski', 60],
      ]);
      expect(out.users[0]!.days.map((d) => [d.date, d.missing])).toEqual([
        [week(-1, 1), 180],
        [week(-1, 3), 480],
      ]);
      expect(out.totals).toMatchObject({ usersChecked: 5, usersWithGaps: 2, missing: 720 });
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '04',
      role: 'manager',
      words: 'hours per project last month, per person',
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<SummaryOut>('summarize_time', {
        period: 'last month',
        groupBy: ['project', 'user'],
      });
      expect(out.period).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
      expect(out.total.minutes).toBe(logged(s.sim, MANAGER_SEES, '2026-10-01', '2026-10-31'));
      expect(out.rows.reduce((sum, r) => sum + Number(r.minutes), 0)).toBe(out.total.minutes);
      const tom = out.rows.find(
        (r) => r.project === 'Big Bang Company / Spaceship building' && r.user === 'Tom Green',
      );
      expect(tom?.minutes).toBe(logged(s.sim, [U.trainee], '2026-10-01', '2026-10-31', inProject(s.sim, 13)));
      expect(tom).toMatchObject({ minutes: 4380, hm: '73:00' });
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '05',
      role: 'manager',
      words: 'how many hours has each of us logged this year?',
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<SummaryOut>('summarize_time', { period: 'this year', groupBy: ['user'] });
      expect(out.period).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
      const byName: Record<string, number> = {
        'Mary Brown': U.manager,
        'Tom Green': U.trainee,
        'John A. Smith': U.jsmith,
        'Anna Kowalski': U.akowalski,
        'Paul White': U.pwhite,
      };
      expect(out.rows.map((r) => r.user).sort()).toEqual(Object.keys(byName).sort());
      for (const row of out.rows) {
        expect(row.minutes, String(row.user)).toBe(
          logged(s.sim, [byName[String(row.user)]!], '2026-01-01', '2026-12-31'),
        );
      }
      expect(out.total).toMatchObject({ minutes: 82350, hm: '1372:30' });
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    { n: '06', role: 'manager', words: 'hours per customer in 2026-Q3', user: 'manager', maxCalls: 1 },
    async (s) => {
      const out = await s.ok<SummaryOut>('summarize_time', { period: '2026-Q3', groupBy: ['customer'] });
      expect(out.period).toMatchObject({ from: '2026-07-01', to: '2026-09-30' });
      const ids: Record<string, number> = {
        'Big Bang Company': 6,
        'Galaxy Corporation': 7,
        'Our Company': 9,
      };
      expect(out.rows.map((r) => r.customer)).toEqual(Object.keys(ids));
      for (const row of out.rows) {
        expect(row.minutes, String(row.customer)).toBe(
          logged(
            s.sim,
            MANAGER_SEES,
            '2026-07-01',
            '2026-09-30',
            ofCustomer(s.sim, ids[String(row.customer)]!),
          ),
        );
      }
      expect(out.total).toMatchObject({ minutes: 35490, hm: '591:30' });
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '07',
      role: 'employee',
      words: 'how much did I work in November, per project?',
      user: 'trainee',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<SummaryOut>('summarize_time', {
        period: 'november',
        users: ['me'],
        groupBy: ['project'],
      });
      // "november" is the November that has begun: this one, up to its end.
      expect(out.period).toMatchObject({
        from: '2026-11-01',
        to: '2026-11-30',
        timeZone: 'America/New_York',
      });
      expect(out.total.minutes).toBe(logged(s.sim, [U.trainee], '2026-11-01', '2026-11-30'));
      expect(out.total).toMatchObject({ minutes: 960, hm: '16:00' });
      expect(out.rows.map((r) => [r.project, r.minutes])).toEqual([
        ['Big Bang Company / Spaceship building', 600],
        ['Our Company / Internal activities', 360],
      ]);
      expect(s.writes()).toEqual([]);
    },
  );

  // ---------------------------------------------------------------------------------------------- work items

  scenario(
    {
      n: '08',
      role: 'admin',
      words: 'create a project "Apollo" for Galaxy Corporation, with a task "Kick-off"',
      user: 'admin',
      maxCalls: 3,
    },
    async (s) => {
      const project = await s.ok<{ id: number; path: string; customerId: number }>('create_project', {
        name: 'Apollo',
        customer: 'Galaxy Corporation',
      });
      expect(project).toMatchObject({ path: 'Galaxy Corporation / Apollo', customerId: 7 });
      const task = await s.ok<{ id: number; path: string; status: string }>('create_task', {
        name: 'Kick-off',
        project: project.id,
      });
      expect(task).toMatchObject({ path: 'Galaxy Corporation / Apollo / Kick-off', status: 'open' });
      // End state: one new project of customer 7 holding one new task.
      expect(s.sim.store.projects.get(project.id)).toMatchObject({
        name: 'Apollo',
        customerId: 7,
        archived: false,
      });
      expect(s.sim.store.tasks.get(task.id)).toMatchObject({ name: 'Kick-off', projectId: project.id });
      expect([...s.sim.store.tasks.values()].filter((t) => t.projectId === project.id)).toHaveLength(1);
      expect(s.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /projects', 'POST /tasks']);
    },
  );

  scenario(
    {
      n: '09',
      role: 'admin',
      words: 'rename Hull welding to "Hull welding (phase 1)" and close it',
      user: 'admin',
      maxCalls: 2,
    },
    async (s) => {
      const out = await s.ok<{ changed: string[]; before: Json; after: Json }>('update_work_item', {
        kind: 'task',
        ref: 'Hull welding',
        changes: { name: 'Hull welding (phase 1)', status: 'completed' },
      });
      expect(out.before).toMatchObject({ name: 'Hull welding', status: 'open' });
      expect(out.after).toMatchObject({ name: 'Hull welding (phase 1)', status: 'completed' });
      const task = s.sim.store.tasks.get(T.hullWelding)!;
      expect(task.name).toBe('Hull welding (phase 1)');
      expect(s.sim.store.workflowStatuses.get(task.workflowStatusId)?.type).toBe('completed');
      expect(s.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /tasks/${T.hullWelding}`]);
    },
  );

  // ---------------------------------------------------------------------------------------------- leave

  scenario(
    {
      n: '10',
      role: 'employee',
      words: 'book vacation from 21 to 24 December',
      user: 'trainee',
      maxCalls: 2,
    },
    async (s) => {
      const out = await s.ok<{ days: Array<{ date: string; after: number; status: string }>; summary: Json }>(
        'log_leave_time',
        { leaveType: 'Vacation', date: '2026-12-21..2026-12-24', duration: 'full day' },
      );
      expect(out.summary).toEqual({ applied: 4 });
      const days = ['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24'];
      expect(out.days.map((d) => [d.date, d.after, d.status])).toEqual(days.map((d) => [d, 480, 'applied']));
      // End state: 480 minutes of Vacation (type 2) on each of the four days, nothing on the 25th.
      for (const d of days) expect(leave(s.sim, U.trainee, d, 2), d).toBe(480);
      expect(leave(s.sim, U.trainee, '2026-12-25', 2)).toBe(0);
      expect(s.writes().filter((r) => r.method === 'PATCH')).toHaveLength(4);
    },
  );

  scenario(
    { n: '11', role: 'employee', words: 'what leave do I have?', user: 'trainee', maxCalls: 2 },
    async (s) => {
      // No balances in the API (the instructions say so); the taken and booked leave of the year is what exists.
      const out = await s.ok<{
        period: Period;
        rows: Array<{ date: string; type: string; minutes: number }>;
        totals: Json;
      }>('get_leave_time', { period: 'this year', users: ['me'] });
      expect(out.period).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
      expect(out.rows).toEqual([
        expect.objectContaining({ date: week(-2, 3), type: 'Sick Leave', minutes: 480 }),
      ]);
      expect(out.totals).toMatchObject({ minutes: 480, byType: { 'Sick Leave': 480 } });
      expect(leave(s.sim, U.trainee, week(-2, 3), 1)).toBe(480);
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '12',
      role: 'employee',
      words: 'take this Friday afternoon off (4 hours)',
      user: 'trainee',
      maxCalls: 2,
    },
    async (s) => {
      // A careful assistant plans first: "this friday" is the Friday of the current week, here still to come.
      const plan = await s.ok<{ days: Array<{ date: string }>; planToken: string }>('log_leave_time', {
        leaveType: 'Time Off',
        date: 'this friday',
        duration: '4h',
        dryRun: true,
      });
      expect(plan.days.map((d) => d.date)).toEqual([week(0, 4)]);
      expect(s.writes()).toEqual([]);
      const applied = await s.ok<{ days: Array<{ date: string; after: number; status: string }> }>(
        'log_leave_time',
        {
          leaveType: 'Time Off',
          date: 'this friday',
          duration: '4h',
          confirm: plan.planToken,
        },
      );
      expect(applied.days).toMatchObject([{ date: week(0, 4), after: 240, status: 'applied' }]);
      expect(leave(s.sim, U.trainee, week(0, 4), 3)).toBe(240);
      expect(leave(s.sim, U.trainee, week(-1, 4), 3)).toBe(0);
      expect(s.writes()).toHaveLength(1);
    },
  );

  // ---------------------------------------------------------------------------------------------- corrections

  scenario(
    {
      n: '13',
      role: 'employee',
      words: 'I put 3h on Test 10 yesterday, it was only 1h: fix it',
      user: 'trainee',
      maxCalls: 3,
    },
    async (s) => {
      expect(cell(s.sim, U.trainee, YESTERDAY, T.test10)).toBe(180);
      const args = { entries: [{ task: 'Test 10', date: 'yesterday', duration: '1h', mode: 'set' }] };
      // Lowering logged time asks first (ACTITIME_CONFIRM=destructive, a client without elicitation).
      const asked = await s.ok<LogOut & { note: string }>('log_time', args);
      expect(asked.status).toBe('confirmation_required');
      expect(asked.entries).toMatchObject([{ before: 180, after: 60, status: 'planned' }]);
      expect(s.writes()).toEqual([]);
      // The user agrees: the same arguments with the token.
      const done = await s.ok<LogOut>('log_time', { ...args, confirm: asked.planToken });
      expect(done.entries).toMatchObject([{ before: 180, after: 60, status: 'applied' }]);
      expect(cell(s.sim, U.trainee, YESTERDAY, T.test10)).toBe(60);
      expect(s.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
        `PATCH /timetrack/${U.trainee}/${YESTERDAY}/${T.test10}`,
      ]);
    },
  );

  scenario(
    {
      n: '14',
      role: 'employee',
      words: 'yesterday 2h of my Test 10 time was really Hull welding: move it',
      user: 'trainee',
      maxCalls: 3,
    },
    async (s) => {
      const day = s.sim.store.dayTotal(U.trainee, YESTERDAY);
      const welding = cell(s.sim, U.trainee, YESTERDAY, T.hullWelding);
      const args = {
        entries: [
          { task: 'Test 10', date: 'yesterday', duration: '1h', mode: 'set' },
          { task: 'Hull welding', date: 'yesterday', duration: '2h' },
        ],
      };
      const asked = await s.ok<LogOut>('log_time', args);
      expect(asked.status).toBe('confirmation_required');
      expect(s.writes()).toEqual([]);
      const done = await s.ok<LogOut>('log_time', { ...args, confirm: asked.planToken });
      expect(done.summary).toEqual({ applied: 2 });
      expect(cell(s.sim, U.trainee, YESTERDAY, T.test10)).toBe(60);
      expect(cell(s.sim, U.trainee, YESTERDAY, T.hullWelding)).toBe(welding + 120);
      expect(s.sim.store.dayTotal(U.trainee, YESTERDAY)).toBe(day);
      expect(s.writes()).toHaveLength(2);
    },
  );

  scenario(
    {
      n: '15',
      role: 'employee',
      words: 'log 2h on Meetings today… oops, wrong: undo that',
      user: 'trainee',
      maxCalls: 3,
    },
    async (s) => {
      await s.ok<LogOut>('log_time', { entries: [{ task: 'Meetings', duration: '2h' }] });
      expect(cell(s.sim, U.trainee, TODAY, T.meetings)).toBe(120);
      const undone = await s.ok<{ status: string; cells: Array<{ before: number; after: number }> }>(
        'undo_change',
        { change: 'last' },
      );
      expect(undone.status).toBe('undone');
      expect(undone.cells).toMatchObject([{ before: 120, after: 0 }]);
      // End state: the cell is empty again, as before the change.
      expect(cell(s.sim, U.trainee, TODAY, T.meetings)).toBe(0);
      expect(s.sim.store.getTime(U.trainee, TODAY, T.meetings)).toBeUndefined();
      expect(s.writes()).toHaveLength(2);
    },
  );

  scenario(
    {
      n: '16',
      role: 'employee',
      words:
        'plan 2h Unit testing workshop and 1h Security awareness training ("module 3") for today, show me, then enter it',
      user: 'trainee',
      maxCalls: 2,
    },
    async (s) => {
      const entries = [
        { task: 'Unit testing workshop', duration: '2h' },
        { task: 'Security awareness training', duration: '1h', comment: 'module 3' },
      ];
      const plan = await s.ok<LogOut & { dryRun: boolean; days: Array<{ total: number }> }>('log_time', {
        entries,
        dryRun: true,
      });
      expect(plan.dryRun).toBe(true);
      expect(plan.entries.map((e) => [e.taskId, e.date, e.after, e.status])).toEqual([
        [T.unitTestingWorkshop, TODAY, 120, 'planned'],
        [T.securityTraining, TODAY, 60, 'planned'],
      ]);
      expect(plan.days[0]!.total).toBe(180);
      expect(s.writes()).toEqual([]);
      const done = await s.ok<LogOut>('log_time', { entries, confirm: plan.planToken });
      expect(done.summary).toEqual({ applied: 2 });
      expect(cell(s.sim, U.trainee, TODAY, T.unitTestingWorkshop)).toBe(120);
      expect(s.sim.store.getTime(U.trainee, TODAY, T.securityTraining)).toEqual({
        time: 60,
        comment: 'module 3',
      });
    },
  );

  scenario(
    {
      n: '17',
      role: 'employee',
      words: 'log 1h on testing in Training yesterday',
      user: 'trainee',
      maxCalls: 3,
    },
    async (s) => {
      const err = await s.fail('log_time', {
        entries: [{ task: 'Training / testing', date: 'yesterday', duration: '1h' }],
      });
      expect(err).toMatchObject({ kind: 'ambiguous', field: 'entries[0].task' });
      const candidates = err.candidates as Array<{ id: number; path: string }>;
      expect(candidates.map((c) => c.path)).toEqual([
        'Our Company / Training / Penetration testing course',
        'Our Company / Training / Unit testing workshop',
      ]);
      expect(s.writes()).toEqual([]);
      // The user picks the workshop; the retry names it by the candidate's id.
      const pick = candidates.find((c) => c.path.endsWith('Unit testing workshop'))!;
      const done = await s.ok<LogOut>('log_time', {
        entries: [{ task: pick.id, date: 'yesterday', duration: '1h' }],
      });
      expect(done.entries).toMatchObject([{ taskId: T.unitTestingWorkshop, after: 60, status: 'applied' }]);
      expect(cell(s.sim, U.trainee, YESTERDAY, T.unitTestingWorkshop)).toBe(60);
      expect(cell(s.sim, U.trainee, YESTERDAY, T.penetrationCourse)).toBe(0);
      expect(s.writes()).toHaveLength(1);
    },
  );

  // ---------------------------------------------------------------------------------------------- refusals

  scenario(
    {
      n: '18',
      role: 'employee',
      words: 'add 30 minutes of Meetings on Monday 12 October',
      user: 'trainee',
      maxCalls: 1,
    },
    async (s) => {
      const day = week(-3);
      expect(day).toBe('2026-10-12');
      const before = cell(s.sim, U.trainee, day, T.meetings);
      // Nothing written at all: an error result that still carries the entry's status and error.
      const out = (await s.fail('log_time', {
        entries: [{ task: 'Meetings', date: day, duration: '30m' }],
      })) as unknown as LogOut;
      expect(out.summary).toEqual({ refused: 1 });
      expect(out.entries[0]).toMatchObject({ status: 'refused', error: { reason: 'timetrack_approved' } });
      expect(String(out.entries[0]!.error!.hint)).toContain('reject');
      // Refused before sending: nothing reached actiTIME, the cell is unchanged.
      expect(s.writes()).toEqual([]);
      expect(cell(s.sim, U.trainee, day, T.meetings)).toBe(before);
    },
  );

  scenario(
    {
      n: '19',
      role: 'employee',
      words: 'log 1h on Meetings today (server configured read-only)',
      user: 'trainee',
      maxCalls: 1,
      env: { ACTITIME_READ_ONLY: 'true' },
    },
    async (s) => {
      // tools/list offers no write tool; an assistant working from an older list gets "unknown tool".
      expect(s.listed.has('log_time')).toBe(false);
      expect([...s.listed].every((name) => !/^(log|create|update|delete|undo|manage|set)_/.test(name))).toBe(
        true,
      );
      const err = await s.fail(
        'log_time',
        { entries: [{ task: 'Meetings', duration: '1h' }] },
        { unlisted: true },
      );
      expect(String(err.message)).toContain('Unknown tool: log_time');
      expect(s.sim.requests).toEqual([]);
      expect(cell(s.sim, U.trainee, TODAY, T.meetings)).toBe(0);
    },
  );

  // ---------------------------------------------------------------------------------------------- look-ups

  scenario(
    { n: '20', role: 'employee', words: 'which tasks are about the hull?', user: 'trainee', maxCalls: 1 },
    async (s) => {
      const out = await s.ok<{
        items: Array<{ id: number; path: string; status: string }>;
        hasMore: boolean;
      }>('search_tasks', { words: 'hull' });
      expect(out.items.map((i) => [i.id, i.path, i.status])).toEqual([
        [T.hullDesign, 'Big Bang Company / Spaceship building / Hull design', 'completed'],
        [T.hullWelding, 'Big Bang Company / Spaceship building / Hull welding', 'open'],
      ]);
      expect(out.hasMore).toBe(false);
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '21',
      role: 'manager',
      words: "show me Anna's timesheet for last week",
      user: 'manager',
      maxCalls: 2,
    },
    async (s) => {
      const sheet = await s.ok<{
        user: { id: number; name: string };
        days: Array<{ date: string; missing: number }>;
        totals: { scheduled: number; logged: number; missing: number };
      }>('get_timesheet', { user: 'Anna', period: 'last week' });
      expect(sheet.user).toEqual({ id: U.akowalski, name: 'Anna Kowalski' });
      expect(sheet.totals).toMatchObject({
        scheduled: 1200,
        logged: logged(s.sim, [U.akowalski], LAST_WEEK.from, LAST_WEEK.to),
        missing: 60,
      });
      expect(sheet.days.filter((d) => d.missing > 0).map((d) => d.date)).toEqual([week(-1, 2)]);
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '22',
      role: 'manager',
      words: 'Tom forgot last Thursday: put 8h of Meetings (internal) on it for him',
      user: 'manager',
      maxCalls: 2,
    },
    async (s) => {
      const thursday = week(-1, 3);
      expect(s.sim.store.dayTotal(U.trainee, thursday)).toBe(0);
      // The manager sees "Meetings" in two customers' projects: nothing is written, the candidates come back.
      const ambiguous = await s.fail('log_time', {
        entries: [{ task: 'Meetings', user: 'Tom Green', date: 'last thursday', duration: '8h' }],
      });
      expect(ambiguous).toMatchObject({ kind: 'ambiguous', field: 'entries[0].task' });
      const paths = (ambiguous.candidates as Array<{ path: string }>).map((c) => c.path);
      expect(paths).toContain('Our Company / Internal activities / Meetings');
      expect(s.writes()).toEqual([]);
      const out = await s.ok<LogOut>('log_time', {
        entries: [
          {
            task: 'Internal activities / Meetings',
            user: 'Tom Green',
            date: 'last thursday',
            duration: '8h',
          },
        ],
      });
      expect(out.entries).toMatchObject([
        { userId: U.trainee, date: thursday, after: 480, status: 'applied' },
      ]);
      expect(cell(s.sim, U.trainee, thursday, T.meetings)).toBe(480);
      expect(s.sim.store.dayTotal(U.manager, thursday)).toBe(logged(s.sim, [U.manager], thursday, thursday));
      expect(s.writes().map((r) => r.path)).toEqual([
        `/timetrack/${U.trainee}/${thursday}/${T.meetings}/time`,
      ]);
    },
  );

  scenario(
    {
      n: '23',
      role: 'manager',
      words: 'what did the team log on Star map last week?',
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<{
        rows: Array<{ userId: number; taskId: number; minutes: number }>;
        totals: { minutes: number };
        hasMore: boolean;
      }>('get_time_entries', { period: 'last week', projects: ['Star map'] });
      expect(out.hasMore).toBe(false);
      expect(out.rows.every((r) => s.sim.store.tasks.get(r.taskId)?.projectId === 10)).toBe(true);
      expect(out.totals.minutes).toBe(
        logged(s.sim, MANAGER_SEES, LAST_WEEK.from, LAST_WEEK.to, inProject(s.sim, 10)),
      );
      expect(out.totals.minutes).toBeGreaterThan(0);
      expect(s.writes()).toEqual([]);
    },
  );

  // ---------------------------------------------------------------------------------------------- prompts, resources

  scenario(
    {
      n: '24',
      role: 'employee',
      words: 'log my day: 3h hull welding, 1h of meetings, the rest on the unit testing workshop',
      user: 'trainee',
      maxCalls: 3,
    },
    async (s) => {
      // The user picks the log_my_day prompt; the assistant follows its steps.
      const steps = await s.prompt('log_my_day', {
        account: '3h hull welding, 1h of meetings, the rest on the unit testing workshop',
        day: 'today',
      });
      expect(steps).toContain('get_timesheet');
      const sheet = await s.ok<{ days: Array<{ scheduled: number; logged: number; missing: number }> }>(
        'get_timesheet',
        { period: 'today' },
      );
      expect(sheet.days).toMatchObject([{ scheduled: 480, logged: 0, missing: 480 }]);
      // "The rest" is what the schedule leaves: 480 - 180 - 60 = 240. The user confirms the table in chat.
      const rest = sheet.days[0]!.missing - 180 - 60;
      const out = await s.ok<LogOut>('log_time', {
        entries: [
          { task: 'Hull welding', duration: '3h' },
          { task: 'Meetings', duration: '1h' },
          { task: 'Unit testing workshop', duration: rest },
        ],
      });
      expect(out.summary).toEqual({ applied: 3 });
      expect(cell(s.sim, U.trainee, TODAY, T.hullWelding)).toBe(180);
      expect(cell(s.sim, U.trainee, TODAY, T.meetings)).toBe(60);
      expect(cell(s.sim, U.trainee, TODAY, T.unitTestingWorkshop)).toBe(240);
      expect(s.sim.store.dayTotal(U.trainee, TODAY)).toBe(480);
    },
  );

  scenario(
    {
      n: '25',
      role: 'employee',
      words: 'how far behind am I this week?',
      user: 'trainee',
      maxCalls: 1,
    },
    async (s) => {
      const sheet = await s.read<{
        period: Period;
        days: Array<{ date: string; missing: number }>;
        totals: { logged: number; missing: number };
      }>('actitime://timesheet/me/2026-W45');
      expect(sheet.period).toMatchObject({ from: week(0), to: week(0, 6) });
      // Days after today are not "missing"; today is.
      expect(sheet.days.filter((d) => d.missing > 0).map((d) => d.date)).toEqual([TODAY]);
      expect(sheet.totals).toMatchObject({
        logged: logged(s.sim, [U.trainee], week(0), week(0, 6)),
        missing: 480,
      });
      expect(s.writes()).toEqual([]);
    },
  );

  // ---------------------------------------------------------------------------------------------- opt-in toolsets

  scenario(
    {
      n: '26',
      role: 'admin',
      words: 'add an "In review" workflow status and put Test 10 in it',
      user: 'admin',
      maxCalls: 2,
      env: { ACTITIME_TOOLSETS: 'time,leave,work,users,reference,workflow' },
    },
    async (s) => {
      const created = await s.ok<{ status: { id: number; name: string; type: string } }>(
        'manage_workflow_status',
        {
          action: 'create',
          name: 'In review',
          type: 'open',
        },
      );
      expect(created.status).toMatchObject({ name: 'In review', type: 'open' });
      const out = await s.ok<{ after: Json }>('update_work_item', {
        kind: 'task',
        ref: 'Test 10',
        changes: { workflowStatus: 'In review' },
      });
      expect(out.after).toEqual({ workflowStatus: 'In review' });
      expect(s.sim.store.workflowStatuses.get(created.status.id)).toMatchObject({
        name: 'In review',
        type: 'open',
      });
      expect(s.sim.store.tasks.get(T.test10)?.workflowStatusId).toBe(created.status.id);
    },
  );

  scenario(
    {
      n: '27',
      role: 'admin',
      words: "lock last month's time-track for everyone",
      user: 'admin',
      maxCalls: 1,
      env: { ACTITIME_TOOLSETS: 'time,leave,work,users,reference,admin' },
    },
    async (s) => {
      const out = await s.ok<{ action: string; from: string; to: string; users: string }>(
        'set_timetrack_lock',
        {
          action: 'lock',
          period: 'last month',
        },
      );
      expect(out).toMatchObject({ action: 'locked', from: '2026-10-01', to: '2026-10-31', users: 'all' });
      for (const userId of [U.trainee, U.akowalski]) {
        expect(s.sim.store.isLocked(userId, '2026-10-01')).toBe(true);
        expect(s.sim.store.isLocked(userId, '2026-10-31')).toBe(true);
        expect(s.sim.store.isLocked(userId, '2026-11-01')).toBe(false);
      }
      expect(s.writes().map((r) => [r.method, r.path, r.body])).toEqual([
        ['POST', '/timetrack/lock', { dateFrom: '2026-10-01', dateTo: '2026-10-31' }],
      ]);
    },
  );

  const asked: string[] = [];
  scenario(
    {
      n: '28',
      role: 'admin',
      words: 'delete the unused "Testing" task of Spaceship building',
      user: 'admin',
      maxCalls: 2,
      env: { ACTITIME_TOOLSETS: 'time,leave,work,users,reference,admin' }, // delete_work_item is opt-in
      // A client with elicitation: the server asks the user itself, and the user says yes.
      elicit: (request) => {
        asked.push(request.params.message);
        return { action: 'accept', content: { confirm: true } };
      },
    },
    async (s) => {
      const out = await s.ok<{ deleted: { id: number; path: string }; cascaded: { minutes: number } }>(
        'delete_work_item',
        { kind: 'task', ref: 'Spaceship building / Testing' },
      );
      expect(out.deleted).toMatchObject({
        id: T.plainTesting,
        path: 'Big Bang Company / Spaceship building / Testing',
      });
      expect(out.cascaded.minutes).toBe(0);
      expect(asked).toEqual([
        'Delete task "Big Bang Company / Spaceship building / Testing": 0 min of logged time. Apply this change?',
      ]);
      expect(s.sim.store.tasks.has(T.plainTesting)).toBe(false);
      expect(s.sim.store.tasks.has(T.test10)).toBe(true);
      expect(s.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /tasks/${T.plainTesting}`]);
    },
  );

  scenario(
    {
      n: '29',
      role: 'employee',
      words: 'the hour of Meetings on Monday was a mistake: clear it',
      user: 'trainee',
      maxCalls: 3,
    },
    async (s) => {
      const monday = week(0);
      expect(cell(s.sim, U.trainee, monday, T.meetings)).toBe(60);
      const asked = await s.ok<LogOut>('log_time', {
        entries: [{ task: 'Meetings', date: 'monday', duration: 0, mode: 'set' }],
      });
      expect(asked.status).toBe('confirmation_required');
      expect(asked.entries).toMatchObject([
        { task: 'Our Company / Internal activities / Meetings', date: monday, before: 60, after: 0 },
      ]);
      // The user agrees. An assistant that sends the plan back as the plan showed it (the resolved path and date,
      // the same cell) is refused: the token is bound to the arguments' text, not to the plan.
      const resolved = { task: asked.entries[0]!.task, date: monday, duration: 0, mode: 'set' };
      const refused = await s.fail('log_time', { entries: [resolved], confirm: asked.planToken });
      expect(refused).toMatchObject({ kind: 'conflict', field: 'confirm' });
      expect(String(refused.message)).toContain('issued for other arguments');
      expect(s.writes()).toEqual([]);
      // The refusal spent nothing: the hint says to resend the original arguments, which applies the plan.
      expect(String(refused.hint)).toMatch(/unchanged/);
      const done = await s.ok<LogOut>('log_time', {
        entries: [{ task: 'Meetings', date: 'monday', duration: 0, mode: 'set' }],
        confirm: asked.planToken,
      });
      expect(done.entries).toMatchObject([{ before: 60, after: 0, status: 'applied' }]);
      expect(s.sim.store.getTime(U.trainee, monday, T.meetings)).toBeUndefined();
      expect(s.writes()).toHaveLength(1);
    },
  );

  // ------------------------------------------------------------------------------------------ copy and team

  scenario(
    {
      n: '30',
      role: 'employee',
      words: 'I did the same as on Monday yesterday and today: fill those days in',
      user: 'trainee',
      maxCalls: 1,
    },
    async (s) => {
      const monday = week(0);
      const targets = [week(0, 1), week(0, 2)];
      const source = new Map(
        [...(s.sim.store.getDay(U.trainee, monday) ?? new Map())].map(([t, r]) => [t, r.time]),
      );
      expect(source.size).toBeGreaterThan(0);
      const emptyBefore = targets.filter((d) => s.sim.store.dayTotal(U.trainee, d) === 0);
      const before = new Map(targets.map((d) => [d, s.sim.store.dayTotal(U.trainee, d)]));
      const out = await s.ok<LogOut & { copied: { filled: Array<{ date: string }> } }>('copy_time', {
        from: 'monday',
        to: 'yesterday..today',
      });
      expect(out.copied.filled.map((f) => f.date)).toEqual(emptyBefore);
      expect(emptyBefore.length).toBeGreaterThan(0);
      for (const d of targets) {
        if (emptyBefore.includes(d)) {
          for (const [task, minutes] of source) expect(cell(s.sim, U.trainee, d, task)).toBe(minutes);
        } else expect(s.sim.store.dayTotal(U.trainee, d)).toBe(before.get(d));
      }
      expect(s.writes()).toHaveLength(emptyBefore.length * source.size);
    },
  );

  scenario(
    {
      n: '31',
      role: 'manager',
      words: 'how much did my team log last week, per person?',
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const team = MANAGER_SEES.filter((id) => id !== U.manager);
      const out = await s.ok<SummaryOut>('summarize_time', {
        period: 'last week',
        groupBy: ['user'],
        users: ['my team'],
      });
      expect(out.total.minutes).toBe(logged(s.sim, team, LAST_WEEK.from, LAST_WEEK.to));
      expect(out.rows.map((r) => r.user)).not.toContain('Mary Brown');
      expect(s.writes()).toEqual([]);
    },
  );

  it('has at least 20 scenarios', () => {
    expect(registeredScenarios()).toBeGreaterThanOrEqual(20);
  });
});
