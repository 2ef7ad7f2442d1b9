/**
 * Calendar dates as the server writes them (`YYYY-MM-DD`), counted in whole days in UTC: the dates are already
 * resolved in the user's zone, so here a date is only a day number and no local clock may shift it.
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DateRange {
  from: string;
  to: string;
}

/** Whether `text` is a real calendar date in `YYYY-MM-DD` form (no 2026-02-30). */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  return toDate(dayNumber(text)) === text;
}

/** Days since 1970-01-01 (negative before). */
function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0–99 as written.
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.round(d.getTime() / DAY_MS);
}

function toDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return toDate(dayNumber(date) + days);
}

/** Days from `from` to `to`, both counted. */
export function rangeLength(range: DateRange): number {
  return dayNumber(range.to) - dayNumber(range.from) + 1;
}

/** The range of the same length just before (-1) or after (+1) `range`. */
export function shiftRange(range: DateRange, direction: -1 | 1): DateRange {
  const length = rangeLength(range);
  return direction < 0
    ? { from: addDays(range.from, -length), to: addDays(range.from, -1) }
    : { from: addDays(range.to, 1), to: addDays(range.to, length) };
}

/** 0 = Sunday … 6 = Saturday, as Date.getUTCDay. */
export function weekdayOf(date: string): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

/** The formatters for a locale the host named; an unknown or malformed tag falls back to the default. */
function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const utc = { ...options, timeZone: 'UTC' };
  try {
    return new Intl.DateTimeFormat(locale, utc);
  } catch {
    return new Intl.DateTimeFormat(undefined, utc);
  }
}

/** Column heading of a day: short weekday and short date in the host's locale, e.g. `Mon` and `11/23`. */
export function dayHeading(date: string, locale?: string): { weekday: string; day: string } {
  const at = new Date(dayNumber(date) * DAY_MS);
  return {
    weekday: formatter(locale, { weekday: 'short' }).format(at),
    day: formatter(locale, { month: 'numeric', day: 'numeric' }).format(at),
  };
}
