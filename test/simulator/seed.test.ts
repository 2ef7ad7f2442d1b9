import { describe, expect, it } from 'vitest';
import { dateRange, isoDayOfWeek } from '../../src/simulator/dates.js';
import {
  applySeed,
  INJECTION_TASK_ID,
  PLAIN_TESTING_TASK_ID,
  REPEATED_NAME_TASK_IDS,
} from '../../src/simulator/seed.js';
import { Store } from '../../src/simulator/store.js';
import { DEFAULT_LIMITS } from '../../src/simulator/rate-limit.js';
import { HOLIDAYS, LOCKED_FROM, LOCKED_TO, noonClock, TODAY, W0, week } from './demo-calendar.js';
import { loadYearOfTime, YEAR_DAYS } from '../helpers/store-load.js';

function makeStore(today = TODAY, seed: 'demo' | 'empty' = 'demo'): Store {
  return new Store({
    seed,
    today,
    now: noonClock(today),
    limits: { ...DEFAULT_LIMITS },
    apiBaseUrl: 'http://127.0.0.1:1/api/v1',
    applySeed,
  });
}

/** Everything the seed produced, as plain data. */
function snapshot(store: Store) {
  const days: unknown[] = [];
  const leave: unknown[] = [];
  for (const u of store.users.values()) {
    for (const [date, day] of store.userDays(u.id) ?? []) days.push([u.id, date, [...day]]);
    for (const [date, day] of store.userLeaveDays(u.id) ?? []) leave.push([u.id, date, [...day]]);
  }
  const approved: string[] = [];
  const locked: string[] = [];
  for (const u of store.users.values())
    for (const d of dateRange(week(-9), week(3))) {
      if (store.isApproved(u.id, d)) approved.push(`${u.id}|${d}`);
      if (store.isLocked(u.id, d)) locked.push(`${u.id}|${d}`);
    }
  const plain = (m: Map<number, unknown>) =>
    JSON.stringify([...m.values()], (_k, v: unknown) => (v instanceof Set ? [...(v as Set<unknown>)] : v));
  return {
    info: store.info,
    customers: plain(store.customers),
    projects: plain(store.projects),
    tasks: plain(store.tasks),
    users: plain(store.users),
    comments: plain(store.comments),
    holidays: [...store.holidays],
    days,
    leave,
    approved,
    locked,
  };
}

function dayMinutes(store: Store, userId: number, date: string): { time: number; leave: number } {
  let time = 0;
  let leave = 0;
  for (const r of store.getDay(userId, date)?.values() ?? []) time += r.time;
  for (const m of store.userLeaveDays(userId)?.get(date)?.values() ?? []) leave += m;
  return { time, leave };
}

describe('model §5 demo seed', () => {
  it('is deterministic: two stores for the same today hold identical data', () => {
    expect(snapshot(makeStore())).toEqual(snapshot(makeStore()));
  });

  it('depends on today: another today shifts the history', () => {
    const a = snapshot(makeStore('2026-10-07'));
    const b = snapshot(makeStore('2026-10-14'));
    expect(a.days).not.toEqual(b.days);
    expect(a.customers).not.toEqual(b.customers); // created timestamps are relative to today
  });

  it('reset() restores the seed after changes', () => {
    const store = makeStore();
    const before = snapshot(store);
    store.setTime(3, TODAY, 143, 60);
    store.deleteCustomer(6);
    store.reset();
    expect(snapshot(store)).toEqual(before);
  });

  it('keeps the public ids and names', () => {
    const s = makeStore();
    expect(s.customers.get(6)?.name).toBe('Big Bang Company');
    expect(s.customers.get(7)?.name).toBe('Galaxy Corporation');
    expect(s.customers.get(9)?.name).toBe('Our Company');
    expect(s.customers.get(11)).toMatchObject({ name: 'Joda Consulting Inc', archived: true });
    expect([...s.projects.values()].map((p) => [p.id, p.customerId, p.name])).toEqual(
      expect.arrayContaining([
        [13, 6, 'Spaceship building'],
        [14, 6, 'Launch pad'],
        [15, 6, 'Flight testing'],
        [10, 7, 'Star map'],
        [17, 7, 'Mobile app'],
        [23, 9, 'Internal activities'],
        [24, 9, 'Training'],
        [25, 11, 'Legacy migration'],
      ]),
    );
    expect(s.tasks.get(143)).toMatchObject({
      name: 'Test 10',
      projectId: 13,
      workflowStatusId: 1,
      typeOfWorkId: 1,
    });
    expect(s.tasks.get(136)).toMatchObject({ name: 'Meetings', projectId: 23, typeOfWorkId: 15 });
    expect(s.tasks.has(80)).toBe(true);
    expect(s.tasks.size).toBe(49);
    const completed = [...s.tasks.values()].filter(
      (t) => s.workflowStatuses.get(t.workflowStatusId)?.type === 'completed',
    );
    expect(completed.length / s.tasks.size).toBeGreaterThan(0.2);
    expect(completed.length / s.tasks.size).toBeLessThan(0.4);
    expect([...s.tasks.values()].filter((t) => /testing/i.test(t.name)).length).toBeGreaterThanOrEqual(21);
    expect([...s.workflowStatuses.values()].map((w) => w.name)).toEqual(['New', 'In Progress', 'Completed']);
    expect(s.typesOfWork.get(1)).toMatchObject({
      name: 'engineering',
      default: true,
      billable: true,
      rate: 110,
    });
    expect(s.typesOfWork.get(15)).toMatchObject({ name: 'management', billable: false, rate: null });
    expect(s.leaveTypes.get(1)).toEqual({
      id: 1,
      name: 'Sick Leave',
      balance: 'Sick',
      rateFactor: 1,
      archived: false,
    });
    expect(s.timeZoneGroups.get(-1)).toMatchObject({
      name: 'New York',
      timeZoneId: 'America/New_York',
      default: true,
    });
    expect(s.timeZoneGroups.get(2)).toMatchObject({ name: 'London', timeZoneId: 'Europe/London' });
  });

  it('repeats "Meetings", "Testing", "Design" and "Documentation" in projects of different customers, without history', () => {
    const s = makeStore();
    const where = (name: string) =>
      [...s.tasks.values()]
        .filter((t) => t.name === name)
        .map((t) => [t.id, s.projects.get(t.projectId)?.name, s.taskCustomerId(t)]);
    expect(where('Meetings')).toEqual([
      [136, 'Internal activities', 9],
      [84, 'Star map', 7],
    ]);
    expect(where('Testing')).toEqual([
      [PLAIN_TESTING_TASK_ID, 'Spaceship building', 6],
      [96, 'Mobile app', 7],
    ]);
    expect(where('Design')).toEqual([
      [97, 'Mobile app', 7],
      [116, 'Launch pad', 6],
    ]);
    expect(where('Documentation')).toEqual([
      [85, 'Star map', 7],
      [130, 'Flight testing', 6],
    ]);
    expect([...REPEATED_NAME_TASK_IDS].sort((a, b) => a - b)).toEqual([84, 85, 96, 97, 116, 130]);
    // Ids fill gaps: the next task created still gets the id it got before these were added.
    expect(Math.max(...s.tasks.keys())).toBe(152);
    for (const u of s.users.values())
      for (const day of s.userDays(u.id)?.values() ?? [])
        for (const id of REPEATED_NAME_TASK_IDS) expect(day.has(id)).toBe(false);
  });

  it('seeds users 1–8 with their roles, teams, assignments and login rules', () => {
    const s = makeStore();
    const rows = [...s.users.values()].map((u) => [
      u.id,
      u.username,
      s.fullName(u),
      u.role,
      u.departmentId,
      u.timeZoneGroupId,
    ]);
    expect(rows).toEqual([
      [1, 'admin', 'System Administrator', 'admin', 5, -1],
      [2, 'manager', 'Mary Brown', 'manager', 5, 2],
      [3, 'trainee', 'Tom Green', 'regular', 6, -1],
      [4, 'jsmith', 'John A. Smith', 'regular', 6, -1],
      [5, 'akowalski', 'Anna Kowalski', 'regular', 7, 2],
      [6, 'pwhite', 'Paul White', 'regular', -1, -1],
      [7, 'rgray', 'Rita Gray', 'regular', 6, -1],
      [8, 'nnew', 'Nina Newman', 'regular', 7, 2],
    ]);
    expect(s.findLoginUser('admin')?.password).toBe('manager');
    expect(s.findLoginUser('TRAINEE')?.password).toBe('trainee');
    expect([...(s.users.get(2)?.team ?? [])]).toEqual([3, 4, 5, 6]);
    expect([...(s.users.get(2)?.scopeCustomerIds ?? [])]).toEqual([6, 7, 9]);
    expect([...(s.users.get(4)?.assignment.projectIds ?? [])]).toEqual([13, 14, 15, 23]);
    expect(s.users.get(6)?.assignment.allScope).toBe(true);
    const canLogin = [...s.users.values()].map((u) => s.canAuthorize(u));
    expect(canLogin).toEqual([true, true, true, true, true, true, false, false]);
    expect(s.users.get(7)).toMatchObject({ active: false, releaseDate: week(0, 2 - 21) });
    expect(s.users.get(8)?.hired).toBe('2026-10-21');
  });

  it('schedules 480 Mon–Fri (240 for user 5), 0 at weekends and on the two holidays', () => {
    const s = makeStore();
    const u3 = s.users.get(3)!;
    const u5 = s.users.get(5)!;
    expect(dateRange(week(-1), week(-1, 6)).map((d) => s.scheduleFor(u3, d))).toEqual([
      480, 480, 480, 480, 480, 0, 0,
    ]);
    expect(dateRange(week(-1), week(-1, 6)).map((d) => s.scheduleFor(u5, d))).toEqual([
      240, 240, 240, 240, 240, 0, 0,
    ]);
    expect(HOLIDAYS.every((d) => isoDayOfWeek(d) === 3)).toBe(true);
    for (const d of HOLIDAYS) expect(s.scheduleFor(u3, d)).toBe(0);
    expect([...s.holidays].sort()).toEqual(HOLIDAYS);
  });

  it('has 8 weeks of time on working days only, 1–3 tasks a day, comments on about a third', () => {
    const s = makeStore();
    let records = 0;
    let commented = 0;
    for (const u of s.users.values()) {
      for (const [date, day] of s.userDays(u.id) ?? []) {
        expect(date >= week(-8)).toBe(true);
        expect(date <= TODAY).toBe(true);
        expect(s.scheduleFor(u, date)).toBeGreaterThan(0);
        expect(day.size).toBeGreaterThanOrEqual(1);
        expect(day.size).toBeLessThanOrEqual(3); // docs/actitime-model.md §5: 1–3 tasks per user-day, the Monday meeting included
        for (const [taskId, r] of day) {
          expect(taskId).not.toBe(INJECTION_TASK_ID);
          records++;
          if (r.comment !== undefined) {
            expect(r.comment).not.toBe('');
            commented++;
          }
        }
        expect(s.dayTotal(u.id, date)).toBeLessThanOrEqual(s.scheduleFor(u, date));
      }
    }
    expect(records).toBeGreaterThan(300);
    expect(commented / records).toBeGreaterThan(0.2);
    expect(commented / records).toBeLessThan(0.45);
    expect(s.getDay(3, TODAY)).toBeUndefined(); // the trainee's today is empty
    expect(s.userDays(8)).toBeUndefined(); // not hired yet
    const ritaDays = [...(s.userDays(7)?.keys() ?? [])];
    expect(ritaDays.length).toBeGreaterThan(0);
    expect(ritaDays.every((d) => d <= (s.users.get(7)?.releaseDate ?? ''))).toBe(true);
  });

  it('leaves deterministic gaps in the previous week and keeps the current and previous weeks full otherwise', () => {
    const s = makeStore();
    const gaps: string[] = [];
    for (const u of s.users.values()) {
      for (const d of dateRange(week(-1), TODAY)) {
        const scheduled = s.scheduleFor(u, d);
        const { time, leave } = dayMinutes(s, u.id, d);
        if (time + leave < scheduled) gaps.push(`${u.username} ${d} ${time + leave}/${scheduled}`);
      }
    }
    expect(gaps).toEqual([
      `trainee ${week(-1, 1)} 300/480`,
      `trainee ${week(-1, 3)} 0/480`,
      `trainee ${TODAY} 0/480`,
      `akowalski ${week(-1, 2)} 180/240`,
    ]);
  });

  it('approves W-8…W-3 for users 3–6 except W-4 of user 4, locks W-8…W-6, leaves W-2…W0 open', () => {
    const s = makeStore();
    for (const userId of [3, 4, 5, 6]) {
      for (let k = -8; k <= 0; k++) {
        const expected = k <= -3 && !(userId === 4 && k === -4);
        expect(s.isApproved(userId, week(k, 2)), `user ${userId} week ${k}`).toBe(expected);
      }
    }
    expect(s.isApproved(1, week(-5))).toBe(false);
    expect(s.isApproved(2, week(-5))).toBe(false);
    for (const u of s.users.values()) {
      expect(s.isLocked(u.id, LOCKED_FROM)).toBe(true);
      expect(s.isLocked(u.id, LOCKED_TO)).toBe(true);
      expect(s.isLocked(u.id, week(-5))).toBe(false);
      expect(s.isLocked(u.id, week(-1, 1))).toBe(false);
      expect(s.isLocked(u.id, TODAY)).toBe(false);
    }
    expect(W0 <= TODAY).toBe(true);
  });

  it('seeds leave as tabled, never on holidays, and no time on full leave days', () => {
    const s = makeStore();
    const rows: string[] = [];
    for (const u of s.users.values())
      for (const [date, day] of s.userLeaveDays(u.id) ?? [])
        for (const [lt, m] of day) rows.push(`${u.id} ${date} ${lt} ${m}`);
    expect(rows.sort()).toEqual(
      [
        `3 ${week(-2, 3)} 1 480`,
        ...[0, 1, 2, 3, 4].map((d) => `4 ${week(-5, d)} 2 480`),
        `5 ${week(-2, 1)} 3 120`,
        `6 ${week(1, 4)} 2 480`,
      ].sort(),
    );
    expect(s.getDay(3, week(-2, 3))).toBeUndefined();
    expect(dayMinutes(s, 5, week(-2, 1))).toEqual({ time: 120, leave: 120 });
  });

  it('project 10 has approved time (so deleting it needs revokeApprovedWeeks)', () => {
    const s = makeStore();
    expect(s.approvedWeeksOf(s.tasksOfProjects(new Set([10]))).length).toBeGreaterThan(0);
  });

  it('has comments on customer 6, project 13 and task 143, and no hooks', () => {
    const s = makeStore();
    const count = (target: string, id: number) =>
      [...s.comments.values()].filter((c) => c.target === target && c.targetId === id).length;
    expect(count('customer', 6)).toBeGreaterThanOrEqual(2);
    expect(count('project', 13)).toBeGreaterThanOrEqual(2);
    expect(count('task', 143)).toBeGreaterThanOrEqual(2);
    expect(s.hooks.list()).toEqual([]);
  });

  it('seeds (for the output-sanitising checks) a task named with instruction-like text and U+200B, U+202E, U+E0041', () => {
    const name = makeStore().tasks.get(INJECTION_TASK_ID)?.name ?? '';
    expect(name).toMatch(/ignore previous instructions/i);
    expect(name).toContain('\u200B');
    expect(name).toContain('\u202E');
    expect(name).toContain('\u{E0041}');
  });

  it('the empty seed holds only the admin and mandatory defaults', () => {
    const s = makeStore(TODAY, 'empty');
    expect([...s.users.keys()]).toEqual([1]);
    expect(s.customers.size + s.projects.size + s.tasks.size).toBe(0);
    expect(s.departments.get(-1)?.default).toBe(true);
    expect(s.timeZoneGroups.get(-1)?.default).toBe(true);
    expect([...s.typesOfWork.values()].some((t) => t.default)).toBe(true);
    expect(new Set([...s.workflowStatuses.values()].map((w) => w.type))).toEqual(
      new Set(['open', 'completed']),
    );
  });

  // How fast it loads is a row of `npm run bench` (bench/run.ts): a wall-clock ceiling here would measure the
  // CI machine's load as much as the store.
  it('loads a large data set: a year of time on 200 tasks', () => {
    const s = makeStore(TODAY, 'empty');
    loadYearOfTime(s);
    const days = YEAR_DAYS;
    expect(s.cellsOfTask(1)).toHaveLength(days.length);
    expect(s.cellsOfTask(2)).toHaveLength(0);
    expect(s.dayTotal(1, '2025-06-02')).toBe(10 * 30);
    expect(s.approvedWeeksOf([1])).toEqual([]);
  });
});
