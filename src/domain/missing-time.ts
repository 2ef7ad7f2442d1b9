/**
 * Who has not logged their scheduled time: per user, the days where logged time + leave < schedule, worst
 * first. The work is proportional to users × days but the requests are not: ONE time-track list and ONE leave
 * list for all users (following `nextDateFrom`), and the schedules (the API has no multi-user schedule) as
 * GET operations of POST /batch, all three at once: one round trip for any team the rate limit can take in
 * one go. Each operation still counts against the rate limit, and a schedule read within the last minute
 * comes from the cache (getSchedules). A team larger than the call's request budget is refused up front with a
 * hint to narrow it, rather than half-read.
 */
import { scopeOf } from '../actitime/call-scope.js';
import type { ActitimeClient } from '../actitime/client.js';
import { listAllLeavetime } from '../actitime/resources/leavetime.js';
import { listAllTimetrack } from '../actitime/resources/timetrack.js';
import { getSchedules } from '../actitime/resources/users.js';
import type { User } from '../actitime/schemas.js';
import { formatMinutes } from './duration.js';
import { eachDate } from './period.js';
import {
  balance,
  dayKey,
  leaveTotals,
  nameOf,
  scheduleByDate,
  timeTotals,
  type PeriodEcho,
} from './timesheet.js';

export type MissingDay = {
  date: string;
  scheduled: number;
  logged: number;
  leave: number;
  missing: number;
};

export type UserGaps = {
  id: number;
  name: string;
  /** Minutes missing over the period. */
  missing: number;
  missingHm: string;
  /** Days with a gap, in date order (left out past the result cap; `dayCount` still counts them). */
  days?: MissingDay[];
  dayCount: number;
};

/** One line per checked user, gaps or not: what a per-person summary needs. */
export type PersonTotals = {
  id: number;
  name: string;
  scheduled: number;
  logged: number;
  leave: number;
  missing: number;
};

export type MissingTimeReport = {
  period: PeriodEcho;
  /** Last day checked when the period runs past today (later days cannot be missing yet). */
  checkedTo?: string;
  /** Users with a gap, most missing first. */
  users: UserGaps[];
  /** Every checked user, in the order asked (or listed), with the period's totals up to `checkedTo`. */
  people: PersonTotals[];
  totals: {
    usersChecked: number;
    usersWithGaps: number;
    usersWithoutGaps: number;
    missing: number;
    missingHm: string;
  };
  /** Days listed across users are capped; true when some users' `days` were left out. */
  truncated?: true;
};

export interface MissingTimeOptions {
  users: readonly User[];
  /**
   * True when `users` is everyone the caller may see: the lists are then asked without `userIds` (a long id list
   * would only repeat what the API does by default).
   */
  allVisible: boolean;
  period: PeriodEcho;
  /** Today in the caller's zone: days after it are not missing yet. */
  today: string;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => Promise<void>;
}

/** Days listed in one report; beyond it users keep their totals only. */
export const MAX_LISTED_DAYS = 1000;

export async function findMissingTime(
  client: ActitimeClient,
  options: MissingTimeOptions,
): Promise<MissingTimeReport> {
  const { users, period, today } = options;
  const call = options.signal ? { signal: options.signal } : {};
  // Nothing after today can be missing: do not read it.
  const to = period.to < today ? period.to : today;
  if (users.length === 0 || to < period.from) {
    const totals = {
      usersChecked: users.length,
      usersWithGaps: 0,
      usersWithoutGaps: users.length,
      missing: 0,
      missingHm: '0:00',
    };
    const people = users.map((u) => ({
      id: u.id,
      name: nameOf(u),
      scheduled: 0,
      logged: 0,
      leave: 0,
      missing: 0,
    }));
    return { period, ...(to < period.to ? { checkedTo: to } : {}), users: [], people, totals };
  }

  // One schedule per user plus the two lists: a call that cannot afford them is refused before sending any.
  scopeOf(options.signal)?.require(users.length + 2);
  const userIds = options.allVisible ? undefined : users.map((u) => u.id);
  const total = users.length + 2;
  let done = 0;
  const tick = async (): Promise<void> => {
    done += 1;
    await options.progress?.(done, total);
  };
  const [time, leave, schedules] = await Promise.all([
    listAllTimetrack(client, { dateFrom: period.from, dateTo: to, userIds }, call).then(async (r) => {
      await tick();
      return r;
    }),
    listAllLeavetime(client, { dateFrom: period.from, dateTo: to, userIds }, call).then(async (r) => {
      await tick();
      return r;
    }),
    getSchedules(
      client,
      users.map((u) => u.id),
      period.from,
      to,
      call,
    ).then(async (all) => {
      const out = users.map((u) => scheduleByDate(all.get(u.id)!));
      for (let i = 0; i < users.length; i++) await tick();
      return out;
    }),
  ]);

  const logged = timeTotals(time);
  const onLeave = leaveTotals(leave);
  const dates = eachDate(period.from, to);
  const rows: UserGaps[] = [];
  const people: PersonTotals[] = [];
  users.forEach((u, i) => {
    const schedule = schedules[i]!;
    const days: MissingDay[] = [];
    const person: PersonTotals = { id: u.id, name: nameOf(u), scheduled: 0, logged: 0, leave: 0, missing: 0 };
    for (const date of dates) {
      const scheduled = schedule.get(date) ?? 0;
      const l = logged.get(dayKey(u.id, date)) ?? 0;
      const lv = onLeave.get(dayKey(u.id, date)) ?? 0;
      const { missing } = balance(date, scheduled, l, lv, today);
      person.scheduled += scheduled;
      person.logged += l;
      person.leave += lv;
      person.missing += missing;
      if (missing > 0) days.push({ date, scheduled, logged: l, leave: lv, missing });
    }
    people.push(person);
    if (days.length === 0) return;
    const missing = days.reduce((s, d) => s + d.missing, 0);
    rows.push({
      id: u.id,
      name: nameOf(u),
      missing,
      missingHm: formatMinutes(missing),
      days,
      dayCount: days.length,
    });
  });
  rows.sort((a, b) => b.missing - a.missing || a.name.localeCompare(b.name) || a.id - b.id);

  let listed = 0;
  let truncated = false;
  for (const row of rows) {
    if (listed + row.dayCount > MAX_LISTED_DAYS) {
      delete row.days;
      truncated = true;
    } else listed += row.dayCount;
  }
  const missing = rows.reduce((s, r) => s + r.missing, 0);
  return {
    period,
    ...(to < period.to ? { checkedTo: to } : {}),
    users: rows,
    people,
    totals: {
      usersChecked: users.length,
      usersWithGaps: rows.length,
      usersWithoutGaps: users.length - rows.length,
      missing,
      missingHm: formatMinutes(missing),
    },
    ...(truncated ? { truncated: true as const } : {}),
  };
}
