/**
 * The period grammar: what "this week" or "2026-W47" means for one user, as an inclusive range of calendar
 * dates. "Today" is taken in the user's time zone (their actiTIME time-zone group); weeks start on the
 * company's first day of the week (GET /info format.dayOfWeekStart, 0 = Sunday … 6 = Saturday), except ISO weeks,
 * which are Monday–Sunday by definition.
 *
 * Only "now" depends on the zone. Every later step is calendar arithmetic on dates held in UTC, so daylight
 * saving changes cannot shift a day (a 23- or 25-hour day is still one date).
 *
 * Weekday names: `monday` = the most recent Monday, today included (time is mostly logged after the fact);
 * `this monday` = the Monday of the current week, past or coming (what "book leave this friday" means);
 * `last monday` = the Monday before today (never today); `next monday` = the Monday after today (never today). Month names alike: `november` = the
 * most recent November that has begun (this one included), `november 2025` that year's. A range joins any two
 * specs (`2026-11..2026-12`, `monday to today`, `from 2026-01-05 to friday`): the first one's start to the
 * second one's end. `since X` runs from X's start to today.
 *
 * Whose "today": the caller's, in every tool, also when reading another user's time: "yesterday" is what the
 * person asking means (a manager in London asking about a colleague in New York means London's yesterday).
 */
import { DateTime } from 'luxon';

import { ToolError } from './errors.js';

export interface PeriodOptions {
  /** IANA zone of the user, e.g. `Europe/London`. */
  timeZone: string;
  /** First day of the week: 0 = Sunday … 6 = Saturday (actiTIME's format.dayOfWeekStart). */
  weekStart: number;
  /** The present moment; defaults to Date.now(). */
  now?: Date | number;
  /** Input field name used in errors. Default `period`. */
  field?: string;
  /** Longest accepted range in days. Default 366 (SEC-IN-03). */
  maxDays?: number;
}

export interface Period {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  to: string;
  /** Number of days, from and to included. */
  days: number;
  timeZone: string;
  weekStart: number;
}

export const MAX_PERIOD_DAYS = 366;
const MIN_DATE = '1970-01-01';
const MAX_DATE = '3000-12-31';

export const PERIOD_EXAMPLES =
  'today, yesterday, this/last/next week|month|quarter|year, last 7 days, since monday, friday (the latest), ' +
  'this/last/next friday, YYYY-MM-DD, 2026-W47, 2026-11, november, nov 2025, 2026-Q3, Q3, 2026, A..B or A to B';

const DATE_HINT = 'use a date (YYYY-MM-DD), today, yesterday or a weekday (friday, this friday, last friday)';

const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};

const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
};

type Day = DateTime; // always a UTC midnight: a calendar date, not an instant

/** Resolves a period spec to an inclusive date range; throws ToolError('validation') naming the field. */
export function parsePeriod(spec: string, options: PeriodOptions): Period {
  const field = options.field ?? 'period';
  const maxDays = options.maxDays ?? MAX_PERIOD_DAYS;
  const weekStart = checkWeekStart(options.weekStart);
  const today = todayIn(options.timeZone, options.now, field);
  const text = spec.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text.length === 0 || text.length > 64) throw notUnderstood(spec, field);

  const [from, to] = rangeOf(text, today, weekStart, field, spec);
  if (to < from) {
    throw new ToolError('validation', `${field}: the start ${iso(from)} is after the end ${iso(to)}`, {
      field,
      hint: 'give the earlier date first',
    });
  }
  for (const d of [from, to]) {
    if (iso(d) < MIN_DATE || iso(d) > MAX_DATE) {
      throw new ToolError('validation', `${field}: ${iso(d)} is outside ${MIN_DATE}…${MAX_DATE}`, { field });
    }
  }
  const days = Math.round(to.diff(from, 'days').days) + 1;
  if (days > maxDays) {
    throw new ToolError('validation', `${field}: ${days} days is longer than the ${maxDays}-day maximum`, {
      field,
      hint: 'split the request into shorter periods',
    });
  }
  return { from: iso(from), to: iso(to), days, timeZone: options.timeZone, weekStart };
}

/** Resolves a spec that names one day (`today`, `yesterday`, `friday`, `2026-11-20`) to `YYYY-MM-DD`. */
export function resolveDate(spec: string, options: PeriodOptions): string {
  const field = options.field ?? 'date';
  let period: Period;
  try {
    period = parsePeriod(spec, { ...options, field });
  } catch (err) {
    // A day was asked for: the hint lists days, not the whole period grammar.
    if (err instanceof ToolError && err.hint?.startsWith('use one of'))
      throw notADay(spec, field, 'is not a date I understand');
    throw err;
  }
  if (period.days !== 1) throw notADay(spec, field, `is ${period.days} days, expected a single day`);
  return period.from;
}

/** Today's date (`YYYY-MM-DD`) in a zone. */
export function todayDate(timeZone: string, now?: Date | number): string {
  return iso(todayIn(timeZone, now, 'timeZone'));
}

/**
 * The calendar date an epoch-ms date value stands for (docs/actitime-model.md §1.5): midnight in the company's
 * zone when it is one there, else a UTC midnight's own date, else the date in the company's zone.
 */
export function dateOfEpoch(ms: number, companyZone: string): string {
  const local = DateTime.fromMillis(ms, { zone: companyZone });
  if (local.isValid && local.hour === 0 && local.minute === 0 && local.second === 0) return local.toISODate();
  const utc = DateTime.fromMillis(ms, { zone: 'utc' });
  if (utc.hour === 0 && utc.minute === 0 && utc.second === 0) return utc.toISODate()!;
  return (local.isValid ? local : utc).toISODate()!;
}

/** True when `text` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text, { zone: 'utc' }).isValid;
}

/** Every date from `from` to `to` inclusive (both `YYYY-MM-DD`). */
export function eachDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = day(from); iso(d) <= to; d = d.plus({ days: 1 })) out.push(iso(d));
  return out;
}

/** `date` plus `n` days (n may be negative). */
export function addDays(date: string, n: number): string {
  return iso(day(date).plus({ days: n }));
}

/** 0 = Sunday … 6 = Saturday, like actiTIME's dayOfWeekStart. */
export function weekdayOf(date: string): number {
  return day(date).weekday % 7;
}

function rangeOf(text: string, today: Day, weekStart: number, field: string, spec: string): [Day, Day] {
  switch (text) {
    case 'today':
      return [today, today];
    case 'yesterday':
      return single(today.minus({ days: 1 }));
    case 'tomorrow':
      return single(today.plus({ days: 1 }));
    case 'this week':
    case 'current week':
      return week(startOfWeek(today, weekStart));
    case 'last week':
    case 'previous week':
      return week(startOfWeek(today, weekStart).minus({ days: 7 }));
    case 'next week':
      return week(startOfWeek(today, weekStart).plus({ days: 7 }));
    case 'this month':
    case 'current month':
      return month(today.startOf('month'));
    case 'last month':
    case 'previous month':
      return month(today.startOf('month').minus({ months: 1 }));
    case 'next month':
      return month(today.startOf('month').plus({ months: 1 }));
    case 'this quarter':
    case 'current quarter':
      return quarter(today.startOf('quarter'));
    case 'last quarter':
    case 'previous quarter':
      return quarter(today.startOf('quarter').minus({ months: 3 }));
    case 'next quarter':
      return quarter(today.startOf('quarter').plus({ months: 3 }));
    case 'this year':
    case 'current year':
      return year(today.startOf('year'));
    case 'last year':
    case 'previous year':
      return year(today.startOf('year').minus({ years: 1 }));
    case 'next year':
      return year(today.startOf('year').plus({ years: 1 }));
  }

  const since = /^since (.+)$/.exec(text);
  if (since && since[1] !== undefined) {
    const [start] = rangeOf(since[1], today, weekStart, field, spec);
    return [start, today];
  }

  let m = /^(last|past|next) (\d{1,4}) days?$/.exec(text);
  if (m) {
    const n = Number(m[2]);
    if (n < 1) throw notUnderstood(spec, field);
    return m[1] === 'next' ? [today, today.plus({ days: n - 1 })] : [today.minus({ days: n - 1 }), today];
  }

  m = /^(?:(last|next|this) )?([a-z]+)$/.exec(text);
  if (m && m[2] !== undefined && WEEKDAYS[m[2]] !== undefined) {
    const target = WEEKDAYS[m[2]]!;
    const back = (today.weekday % 7) - target;
    const sinceLast = (back + 7) % 7; // 0 when today is that weekday
    if (m[1] === 'next') return single(today.plus({ days: 7 - sinceLast }));
    if (m[1] === 'last') return single(today.minus({ days: sinceLast === 0 ? 7 : sinceLast }));
    if (m[1] === 'this') {
      const start = startOfWeek(today, weekStart);
      return single(start.plus({ days: (target - weekStart + 7) % 7 }));
    }
    return single(today.minus({ days: sinceLast }));
  }

  m = /^(?:from )?(.+?)(?: ?\.\. ?| to | ?– ?)(.+)$/.exec(text);
  if (m && m[1] !== undefined && m[2] !== undefined) {
    const [start] = rangeOf(m[1], today, weekStart, field, spec);
    const [, end] = rangeOf(m[2], today, weekStart, field, spec);
    return [start, end];
  }

  m = /^(\d{4})$/.exec(text);
  if (m) return year(DateTime.fromObject({ year: Number(m[1]), month: 1, day: 1 }, { zone: 'utc' }));

  m = /^(?:(\d{4})[- ]?q([1-4])|q([1-4])(?: (\d{4}))?)$/.exec(text);
  if (m) {
    const y = Number(m[1] ?? m[4] ?? today.year);
    const q = Number(m[2] ?? m[3]);
    return quarter(DateTime.fromObject({ year: y, month: 3 * q - 2, day: 1 }, { zone: 'utc' }));
  }

  m = /^([a-z]+)(?:,? (\d{4}))?$/.exec(text);
  if (m && m[1] !== undefined && MONTHS[m[1]] !== undefined) {
    const n = MONTHS[m[1]]!;
    // Without a year: the most recent such month that has begun, this one included.
    const y = m[2] !== undefined ? Number(m[2]) : n <= today.month ? today.year : today.year - 1;
    return month(DateTime.fromObject({ year: y, month: n, day: 1 }, { zone: 'utc' }));
  }

  m = /^(\d{4})-w(\d{2})$/.exec(text);
  if (m) {
    const start = DateTime.fromObject(
      { weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 },
      { zone: 'utc' },
    );
    if (!start.isValid || start.weekNumber !== Number(m[2])) {
      throw new ToolError('validation', `${field}: ${spec.trim()} is not an ISO week of that year`, {
        field,
      });
    }
    return week(start);
  }

  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: 'utc' });
    if (!start.isValid)
      throw new ToolError('validation', `${field}: ${spec.trim()} is not a month`, { field });
    return month(start);
  }

  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return single(parseDay(text, field, spec));
  throw notUnderstood(spec, field);
}

function parseDay(text: string, field: string, spec: string): Day {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw notUnderstood(spec, field);
  const d = DateTime.fromISO(text, { zone: 'utc' });
  if (!d.isValid) {
    throw new ToolError('validation', `${field}: ${text} is not a real calendar date`, {
      field,
      hint: 'dates are YYYY-MM-DD',
    });
  }
  return d;
}

function todayIn(timeZone: string, now: Date | number | undefined, field: string): Day {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  if (!local.isValid) {
    throw new ToolError('validation', `unknown time zone "${short(timeZone)}"`, {
      field: field === 'period' ? 'timeZone' : field,
    });
  }
  return DateTime.fromObject({ year: local.year, month: local.month, day: local.day }, { zone: 'utc' });
}

function checkWeekStart(weekStart: number): number {
  if (!Number.isInteger(weekStart) || weekStart < 0 || weekStart > 6) {
    throw new ToolError('validation', `weekStart must be 0 (Sunday) … 6 (Saturday), got ${weekStart}`, {
      field: 'weekStart',
    });
  }
  return weekStart;
}

function startOfWeek(d: Day, weekStart: number): Day {
  return d.minus({ days: ((d.weekday % 7) - weekStart + 7) % 7 });
}

const single = (d: Day): [Day, Day] => [d, d];
const week = (start: Day): [Day, Day] => [start, start.plus({ days: 6 })];
const month = (start: Day): [Day, Day] => [start, start.endOf('month').startOf('day')];
const quarter = (start: Day): [Day, Day] => [start, start.plus({ months: 2 }).endOf('month').startOf('day')];
const year = (start: Day): [Day, Day] => [start, start.endOf('year').startOf('day')];
const day = (date: string): Day => DateTime.fromISO(date, { zone: 'utc' });
const iso = (d: Day): string => d.toISODate() ?? 'invalid';
const short = (s: string): string => (s.length > 40 ? s.slice(0, 40) + '…' : s);

function notADay(spec: string, field: string, what: string): ToolError {
  return new ToolError('validation', `${field}: "${short(spec.trim())}" ${what}`, { field, hint: DATE_HINT });
}

function notUnderstood(spec: string, field: string): ToolError {
  return new ToolError('validation', `${field}: "${short(spec.trim())}" is not a period I understand`, {
    field,
    hint: `use one of: ${PERIOD_EXAMPLES}`,
  });
}
