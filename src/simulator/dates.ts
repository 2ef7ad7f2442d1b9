/**
 * Calendar helpers for the simulator. Dates are `YYYY-MM-DD` strings throughout; plain calendar arithmetic runs
 * on UTC epoch days (no zone involved), and anything that depends on a time zone goes through luxon.
 */
import { DateTime } from 'luxon';

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in `YYYY-MM-DD` form, or undefined. */
export function parseDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d)
    return undefined;
  return value;
}

/** Days since 1970-01-01 (UTC calendar). */
export function toEpochDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/** b − a in days. */
export function daysBetween(a: string, b: string): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** ISO day of week: 1 = Monday … 7 = Sunday. */
export function isoDayOfWeek(date: string): number {
  const dow = new Date(toEpochDay(date) * DAY_MS).getUTCDay(); // 0 = Sunday
  return dow === 0 ? 7 : dow;
}

/**
 * First day of the week containing `date`, for a week starting on `dayOfWeekStart` (0 = Sunday … 6 = Saturday,
 * as in GET /info format.dayOfWeekStart).
 */
export function weekStart(date: string, dayOfWeekStart = 1): string {
  const dow = new Date(toEpochDay(date) * DAY_MS).getUTCDay();
  const back = (dow - dayOfWeekStart + 7) % 7;
  return addDays(date, -back);
}

/** Epoch ms of 00:00 UTC on that date (the task `deadline` wire form). */
export function dateToUtcMs(date: string): number {
  return toEpochDay(date) * DAY_MS;
}

/** Epoch ms of 00:00 on that date in an IANA zone (UTC midnight when the zone is unknown). */
export function midnightInZone(date: string, zone: string): number {
  const dt = DateTime.fromISO(date, { zone });
  return dt.isValid ? dt.toMillis() : dateToUtcMs(date);
}

/** The calendar date at instant `ms` in an IANA zone. */
export function dateInZone(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  const iso = dt.isValid ? dt.toISODate() : null;
  return iso ?? new Date(ms).toISOString().slice(0, 10);
}

/** The current UTC calendar date at instant `ms`. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Inclusive list of dates from..to (empty when to < from). */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  const a = toEpochDay(from);
  const b = toEpochDay(to);
  for (let d = a; d <= b; d++) out.push(fromEpochDay(d));
  return out;
}

export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
