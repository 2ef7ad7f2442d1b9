/**
 * One user's timesheet for a period: a day × task grid in minutes, totals per day, task and project, leave per
 * day, the schedule, and what is missing or over it. Three reads at once, whatever the size of the period: GET
 * /timetrack (with the tasks, projects and customers it references, so no task is looked up one by one), GET
 * /leavetime and GET /users/{id}/schedule (cached for a minute), each following `nextDateFrom` where the API
 * pages.
 *
 * Approval: actiTIME flags each user-day that holds time (`approved`). A week is approved as a whole, so a day
 * without time takes the flag of the recorded days of its week (the company's week); a week without any time
 * is `null` (unknown). Locks cannot be read through the API at all (docs/actitime-model.md §2.7), so the timesheet says `locked: null`
 * rather than guessing, and never probes with a write.
 *
 * Missing time counts only up to today: a day still to come is not "missing" yet.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { listAllLeavetime } from '../actitime/resources/leavetime.js';
import { listAllTimetrack } from '../actitime/resources/timetrack.js';
import { getSchedules } from '../actitime/resources/users.js';
import type { LeavetimeList, TimetrackList, User } from '../actitime/schemas.js';
import { formatMinutes } from './duration.js';
import { addDays, eachDate, weekdayOf } from './period.js';

export type PeriodEcho = {
  from: string;
  to: string;
  timeZone: string;
  weekStart: number;
};

export type TimesheetDay = {
  date: string;
  scheduled: number;
  logged: number;
  leave: number;
  missing: number;
  overtime: number;
  loggedHm: string;
  /** true/false as actiTIME flags the week; null when the week holds no time to tell. */
  approved: boolean | null;
};

export type TimesheetTask = {
  id: number;
  /** `Customer / Project / Task`. */
  path: string;
  /** Minutes per day, aligned with `days`. */
  minutes: number[];
  total: number;
  totalHm: string;
};

export type Timesheet = {
  user: { id: number; name: string };
  period: PeriodEcho;
  days: TimesheetDay[];
  tasks: TimesheetTask[];
  projects: Array<{ id: number; path: string; total: number; totalHm: string }>;
  leave: Array<{ id: number; name: string; minutes: number[]; total: number }>;
  totals: {
    scheduled: number;
    logged: number;
    leave: number;
    missing: number;
    overtime: number;
    loggedHm: string;
  };
  /** Always null: the API does not show locks; a write to a locked day is refused with timetrack_locked. */
  locked: null;
};

/** A user's display name: full name, else the parts, else the username. */
export function nameOf(u: Pick<User, 'id' | 'fullName' | 'firstName' | 'lastName' | 'username'>): string {
  const full = u.fullName ?? [u.firstName, u.lastName].filter((p) => p != null && p !== '').join(' ');
  return full !== '' ? full : (u.username ?? `user ${u.id}`);
}

/** First day of the company week that holds `date`. */
export function weekStartOf(date: string, weekStart: number): string {
  return addDays(date, -((weekdayOf(date) - weekStart + 7) % 7));
}

/** Missing and overtime of one day; a day after `today` is never missing. */
export function balance(
  date: string,
  scheduled: number,
  logged: number,
  leave: number,
  today: string,
): { missing: number; overtime: number } {
  const done = logged + leave;
  return {
    missing: date <= today ? Math.max(0, scheduled - done) : 0,
    overtime: Math.max(0, done - scheduled),
  };
}

/** `user|date` → summed minutes. */
export type DayTotals = Map<string, number>;
export const dayKey = (userId: number, date: string): string => `${userId}|${date}`;

export function timeTotals(list: TimetrackList): DayTotals {
  const out: DayTotals = new Map();
  for (const day of list.data) {
    const k = dayKey(day.userId, day.date);
    out.set(k, (out.get(k) ?? 0) + day.records.reduce((s, r) => s + r.time, 0));
  }
  return out;
}

export function leaveTotals(list: LeavetimeList): DayTotals {
  const out: DayTotals = new Map();
  for (const r of list.data) {
    const k = dayKey(r.userId, r.date);
    out.set(k, (out.get(k) ?? 0) + r.leaveTime);
  }
  return out;
}

/**
 * Approval per user-week from the recorded days: `user|weekStart` → true when any recorded day of that week is
 * approved, false when the week has time and none of it is.
 */
export function approvalByWeek(list: TimetrackList, weekStart: number): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const day of list.data) {
    const k = dayKey(day.userId, weekStartOf(day.date, weekStart));
    out.set(k, (out.get(k) ?? false) || day.approved);
  }
  return out;
}

export interface TimesheetOptions {
  user: User;
  period: PeriodEcho;
  /** Today in the user's zone (`YYYY-MM-DD`): later days are not missing. */
  today: string;
  signal?: AbortSignal;
}

/** Reads and builds one user's timesheet (three requests, more only if the API pages). */
export async function buildTimesheet(client: ActitimeClient, options: TimesheetOptions): Promise<Timesheet> {
  const { user, period } = options;
  const call = options.signal ? { signal: options.signal } : {};
  // Whole weeks are read so that approval can be told for days without time.
  const readFrom = weekStartOf(period.from, period.weekStart);
  const readTo = addDays(weekStartOf(period.to, period.weekStart), 6);
  const [time, leave, schedule] = await Promise.all([
    listAllTimetrack(
      client,
      {
        dateFrom: readFrom,
        dateTo: readTo,
        userIds: [user.id],
        includeReferenced: ['tasks', 'projects', 'customers'],
      },
      call,
    ),
    listAllLeavetime(
      client,
      { dateFrom: period.from, dateTo: period.to, userIds: [user.id], includeReferenced: ['leaveTypes'] },
      call,
    ),
    getSchedules(client, [user.id], period.from, period.to, call),
  ]);
  return assembleTimesheet(options, time, leave, scheduleByDate(schedule.get(user.id)!));
}

/** `date` → scheduled minutes, keyed by the dates the server says it answered for. */
export function scheduleByDate(schedule: {
  dateFrom: string;
  schedule: readonly number[];
}): Map<string, number> {
  return new Map(schedule.schedule.map((m, i) => [addDays(schedule.dateFrom, i), m]));
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Pure assembly from the three answers (exported for tests). */
export function assembleTimesheet(
  options: Omit<TimesheetOptions, 'signal'>,
  time: TimetrackList,
  leave: LeavetimeList,
  schedule: ReadonlyMap<string, number>,
): Timesheet {
  const { user, period, today } = options;
  const dates = eachDate(period.from, period.to);
  const index = new Map(dates.map((d, i) => [d, i]));
  const tasksMap = time.tasks;
  const projectsMap = time.projects;
  const customersMap = time.customers;
  const leaveTypesMap = leave.leaveTypes;
  const approval = approvalByWeek(
    { ...time, data: time.data.filter((d) => d.userId === user.id) },
    period.weekStart,
  );

  const taskRows = new Map<number, TimesheetTask & { projectId: number | undefined }>();
  for (const day of time.data) {
    if (day.userId !== user.id) continue;
    const i = index.get(day.date);
    if (i === undefined) continue;
    for (const rec of day.records) {
      let row = taskRows.get(rec.taskId);
      if (!row) {
        const t = tasksMap?.[String(rec.taskId)];
        const projectId = typeof t?.projectId === 'number' ? t.projectId : undefined;
        const p = projectId === undefined ? undefined : projectsMap?.[String(projectId)];
        const customerId = typeof t?.customerId === 'number' ? t.customerId : p?.customerId;
        const c = typeof customerId === 'number' ? customersMap?.[String(customerId)] : undefined;
        const path = [
          str(t?.customerName) ?? str(c?.name),
          str(t?.projectName) ?? str(p?.name),
          str(t?.name) ?? `task ${rec.taskId}`,
        ]
          .filter((s): s is string => s !== undefined)
          .join(' / ');
        row = { id: rec.taskId, path, minutes: dates.map(() => 0), total: 0, totalHm: '', projectId };
        taskRows.set(rec.taskId, row);
      }
      row.minutes[i] = (row.minutes[i] ?? 0) + rec.time;
      row.total += rec.time;
    }
  }

  const leaveRows = new Map<number, Timesheet['leave'][number]>();
  for (const r of leave.data) {
    if (r.userId !== user.id) continue;
    const i = index.get(r.date);
    if (i === undefined) continue;
    let row = leaveRows.get(r.leaveTypeId);
    if (!row) {
      const name = str(leaveTypesMap?.[String(r.leaveTypeId)]?.name) ?? `leave type ${r.leaveTypeId}`;
      row = { id: r.leaveTypeId, name, minutes: dates.map(() => 0), total: 0 };
      leaveRows.set(r.leaveTypeId, row);
    }
    row.minutes[i] = (row.minutes[i] ?? 0) + r.leaveTime;
    row.total += r.leaveTime;
  }

  const tasks = [...taskRows.values()].sort((a, b) => a.path.localeCompare(b.path) || a.id - b.id);
  const days: TimesheetDay[] = dates.map((date, i) => {
    const logged = tasks.reduce((s, t) => s + (t.minutes[i] ?? 0), 0);
    const leaveMinutes = [...leaveRows.values()].reduce((s, l) => s + (l.minutes[i] ?? 0), 0);
    const scheduled = schedule.get(date) ?? 0;
    const week = approval.get(dayKey(user.id, weekStartOf(date, period.weekStart)));
    return {
      date,
      scheduled,
      logged,
      leave: leaveMinutes,
      ...balance(date, scheduled, logged, leaveMinutes, today),
      loggedHm: formatMinutes(logged),
      approved: week === undefined ? null : week,
    };
  });

  const projects = new Map<number, { id: number; path: string; total: number; totalHm: string }>();
  for (const t of tasks) {
    const pid = t.projectId ?? -t.id; // unknown project: one row per task rather than a false merge
    const path = t.path.includes(' / ') ? t.path.slice(0, t.path.lastIndexOf(' / ')) : t.path;
    const row = projects.get(pid) ?? { id: t.projectId ?? 0, path, total: 0, totalHm: '' };
    row.total += t.total;
    projects.set(pid, row);
  }

  const sum = (f: (d: TimesheetDay) => number) => days.reduce((s, d) => s + f(d), 0);
  const logged = sum((d) => d.logged);
  return {
    user: { id: user.id, name: nameOf(user) },
    period: { from: period.from, to: period.to, timeZone: period.timeZone, weekStart: period.weekStart },
    days,
    tasks: tasks.map(({ projectId: _p, ...t }) => ({ ...t, totalHm: formatMinutes(t.total) })),
    projects: [...projects.values()]
      .map((p) => ({ ...p, totalHm: formatMinutes(p.total) }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    leave: [...leaveRows.values()].sort((a, b) => a.id - b.id),
    totals: {
      scheduled: sum((d) => d.scheduled),
      logged,
      leave: sum((d) => d.leave),
      missing: sum((d) => d.missing),
      overtime: sum((d) => d.overtime),
      loggedHm: formatMinutes(logged),
    },
    locked: null,
  };
}
