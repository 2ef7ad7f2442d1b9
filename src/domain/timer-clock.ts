/**
 * The clock arithmetic of timers (docs/timers.md): what an `at` argument means as an instant, how much of a
 * timer's time is logged (whole minutes, half up), and how it is split at midnight in the user's time zone.
 *
 * `at`: `now`; a clock time `9:15`, `09:15`, `9:15am`, `5pm`, optionally after `today`, `yesterday` or a
 * `YYYY-MM-DD` (`yesterday 17:30`), taken in the user's zone; or a duration before now: `15 min ago`,
 * `1h30m ago`. A bare clock time means today: one later than now is refused (a timer neither starts nor
 * stops in the future), with a hint to write `yesterday …` for the evening before. A clock time that does
 * not exist in the zone (the hour skipped by a daylight-saving change) moves forward, as luxon does.
 */
import { DateTime } from 'luxon';

import { parseDuration } from './duration.js';
import { ToolError } from './errors.js';
import { addDays, todayDate } from './period.js';

export interface AtOptions {
  timeZone: string;
  /** The present moment (epoch ms). */
  now: number;
  field?: string;
}

/** A clock time this close ahead of now is still "now": the minute the user reads on their own clock. */
const FUTURE_SLACK_MS = 60_000;

const MINUTE_MS = 60_000;

const CLOCK =
  /^(?:(today|yesterday|\d{4}-\d{2}-\d{2})(?:\s+at)?\s+)?(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/;
const AGO = /^(.+?)\s+ago$/;

export const AT_HINT =
  'use now, a clock time such as "9:15", "9:15am" or "yesterday 17:30", or "15 min ago" (your time zone)';

/** The instant `spec` names for the user; throws ToolError('validation') naming the field. */
export function resolveAt(spec: string, options: AtOptions): number {
  const field = options.field ?? 'at';
  const text = spec.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === '' || text === 'now') return options.now;
  const ago = AGO.exec(text);
  if (ago) {
    const minutes = parseDuration(ago[1]!, { field, allowZero: true });
    return options.now - minutes * MINUTE_MS;
  }
  const at = clockTime(text, options.timeZone, options.now, field, spec);
  if (at > options.now + FUTURE_SLACK_MS) {
    throw new ToolError(
      'validation',
      `${field}: ${spec.trim()} is later than now (${localClock(options.now, options.timeZone)} in ${options.timeZone})`,
      {
        field,
        hint: 'a timer cannot start or stop in the future; for the evening before write "yesterday 17:30"',
      },
    );
  }
  return Math.min(at, options.now);
}

/** Whether `spec` is in the grammar at all (input validation: no zone, no clock needed). */
export function atProblem(spec: string): string | undefined {
  try {
    // The last second of a day: every clock time of that day lies before it.
    resolveAt(spec, { timeZone: 'UTC', now: Date.parse('2100-01-01T23:59:59Z'), field: 'at' });
    return undefined;
  } catch (err) {
    if (err instanceof ToolError) return err.message.replace(/^at: /, '');
    throw err;
  }
}

function clockTime(text: string, zone: string, now: number, field: string, spec: string): number {
  const m = CLOCK.exec(text);
  const hour = m ? Number(m[2]) : NaN;
  const minute = m?.[3] === undefined ? 0 : Number(m[3]);
  const meridiem = m?.[4]?.[0];
  // A bare number is minutes or hours only to a guesser: a clock time needs ":mm" or am/pm.
  const valid =
    m !== null &&
    (m[3] !== undefined || meridiem !== undefined) &&
    minute < 60 &&
    (meridiem === undefined ? hour < 24 : hour >= 1 && hour <= 12);
  if (!valid) throw notAnInstant(spec, field);
  const h = meridiem === undefined ? hour : (hour % 12) + (meridiem === 'p' ? 12 : 0);
  const today = todayDate(zone, now);
  const day =
    m[1] === undefined || m[1] === 'today' ? today : m[1] === 'yesterday' ? addDays(today, -1) : m[1];
  const local = DateTime.fromISO(day, { zone }).set({ hour: h, minute, second: 0, millisecond: 0 });
  if (!local.isValid) throw notAnInstant(spec, field);
  return local.toMillis();
}

function notAnInstant(spec: string, field: string): ToolError {
  const shown = spec.trim().length > 40 ? `${spec.trim().slice(0, 40)}…` : spec.trim();
  return new ToolError('validation', `${field}: "${shown}" is not a time I understand`, {
    field,
    hint: AT_HINT,
  });
}

/** Elapsed whole minutes, rounded half up: 59.5 s → 1, 29 s → 0. */
export function roundedMinutes(ms: number): number {
  return Math.floor(Math.max(0, ms) / MINUTE_MS + 0.5);
}

/**
 * The minutes of [start, end] per calendar day of `zone`, days without a rounded minute left out. The cuts at
 * each midnight are rounded like the total, so the days always add up to roundedMinutes(end − start).
 */
export function splitByDay(
  start: number,
  end: number,
  zone: string,
): Array<{ date: string; minutes: number }> {
  const out: Array<{ date: string; minutes: number }> = [];
  let day = DateTime.fromMillis(start, { zone }).startOf('day');
  let cut = 0;
  while (day.toMillis() < end) {
    const next = day.plus({ days: 1 });
    const upTo =
      next.toMillis() >= end ? roundedMinutes(end - start) : roundedMinutes(next.toMillis() - start);
    if (upTo > cut) out.push({ date: day.toISODate()!, minutes: upTo - cut });
    cut = upTo;
    day = next;
  }
  return out;
}

/** An instant as ISO 8601 in the user's zone, to the second: `2026-10-07T09:15:00-04:00`. */
export function localIso(ms: number, zone: string): string {
  const local = DateTime.fromMillis(ms, { zone });
  return (local.isValid ? local : DateTime.fromMillis(ms, { zone: 'utc' }))
    .set({ millisecond: 0 })
    .toISO({ suppressMilliseconds: true })!;
}

/** `16:05`: the wall clock in the zone. */
export function localClock(ms: number, zone: string): string {
  const local = DateTime.fromMillis(ms, { zone });
  return (local.isValid ? local : DateTime.fromMillis(ms, { zone: 'utc' })).toFormat('HH:mm');
}
