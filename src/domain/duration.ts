/**
 * Durations as people type them → integer minutes, the only unit actiTIME knows (SEC-IN-04).
 *
 * Accepted: a number of minutes (`90`, or the string `"90"`), `90m`, `90 min`, `1h`, `1.5h`, `1,5h`, `1h30m`,
 * `1h 30m`, `1h30`, `1 h 30 min`, `1:30` (h:mm). With `signed`, a leading `+` or `-` makes a delta (`+30m`, `-0:15`).
 * Fractional results (`1.33h`) round to the nearest minute.
 */
import { z } from 'zod';

import { ToolError } from './errors.js';

export const MINUTES_PER_DAY = 1440;

export interface DurationOptions {
  /** Accept 0 (e.g. "clear this cell"). Default false. */
  allowZero?: boolean;
  /** Accept a leading sign and negative values (deltas). Default false. */
  signed?: boolean;
  /** Largest magnitude in minutes. Default 1440 (one day). */
  max?: number;
}

const HOURS_MINUTES =
  /^(?:(\d{1,4}(?:[.,]\d{1,4})?)\s*h(?:ours?|rs?)?)?\s*(?:(\d{1,5})\s*(?:m(?:in(?:utes?|s)?)?)?)?$/;
const CLOCK = /^(\d{1,2}):([0-5]\d)$/;
const PLAIN = /^\d{1,5}$/;

export const DURATION_EXAMPLES = 'use minutes (90) or a duration such as 1h30m, 1.5h, 90m or 1:30';

/** Minutes, or the reason the input is not an acceptable duration (a phrase without the field name). */
export function checkDuration(
  input: string | number,
  options: DurationOptions = {},
): { minutes: number } | { problem: string } {
  const { allowZero = false, signed = false, max = MINUTES_PER_DAY } = options;
  let minutes: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { problem: 'must be a finite number of minutes' };
    if (!Number.isInteger(input)) return { problem: `must be a whole number of minutes, got ${input}` };
    if (input < 0 && !signed) return { problem: 'must not be negative' };
    minutes = input;
  } else {
    const notDuration = { problem: `"${shorten(input)}" is not a duration; ${DURATION_EXAMPLES}` };
    let text = input.trim().toLowerCase();
    if (text.length === 0 || text.length > 40) return notDuration;
    let sign = 1;
    if (text.startsWith('+') || text.startsWith('-')) {
      if (!signed) return text.startsWith('-') ? { problem: 'must not be negative' } : notDuration;
      sign = text.startsWith('-') ? -1 : 1;
      text = text.slice(1).trim();
    }
    const value = unsigned(text);
    if (value === undefined) return notDuration;
    minutes = sign * value;
  }
  const magnitude = Math.abs(minutes);
  if (magnitude === 0 && !allowZero) return { problem: 'must be more than 0 minutes' };
  if (magnitude > max) {
    return { problem: `${formatMinutes(minutes)} is more than ${formatMinutes(max)} (${max} minutes)` };
  }
  return { minutes: minutes === 0 ? 0 : minutes }; // never -0
}

/** Like checkDuration, but throws a validation ToolError naming `field`. */
export function parseDuration(
  input: string | number,
  options: DurationOptions & { field?: string } = {},
): number {
  const result = checkDuration(input, options);
  if ('minutes' in result) return result.minutes;
  const field = options.field ?? 'minutes';
  throw new ToolError('validation', `${field}: ${result.problem}`, { field, hint: DURATION_EXAMPLES });
}

function unsigned(text: string): number | undefined {
  if (PLAIN.test(text)) return Number(text);
  const clock = CLOCK.exec(text);
  if (clock) return Number(clock[1]) * 60 + Number(clock[2]);
  const hm = HOURS_MINUTES.exec(text);
  if (hm && (hm[1] !== undefined || hm[2] !== undefined)) {
    const hours = hm[1] === undefined ? 0 : Number(hm[1].replace(',', '.'));
    const mins = hm[2] === undefined ? 0 : Number(hm[2]);
    return Math.round(hours * 60 + mins);
  }
  return undefined;
}

function shorten(text: string): string {
  return text.length > 20 ? text.slice(0, 20) + '…' : text;
}

/** 90 → `1:30`, -15 → `-0:15`. */
export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(Math.round(minutes));
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A zod input for a duration: a number of minutes or a duration string, turned into integer minutes during
 * input validation, so a bad value is refused, naming the field, before any request is sent (SEC-IN-01/04).
 */
export function durationInput(options: DurationOptions & { description?: string } = {}) {
  const { description, ...rest } = options;
  const max = rest.max ?? MINUTES_PER_DAY;
  const min = rest.signed ? -max : 0;
  // The union alone reports a fraction such as 1.5 (likely meant as hours) as a bare "Invalid input", and the
  // bounds as "Too big: expected number to be <=1440"; these say what to send instead.
  const outOfRange = (iss: { input?: unknown }): string => {
    const result = typeof iss.input === 'number' ? checkDuration(iss.input, rest) : undefined;
    return result && 'problem' in result ? result.problem : `must be between ${min} and ${max} minutes`;
  };
  return z
    .union(
      [
        z.number().int().min(min, { error: outOfRange }).max(max, { error: outOfRange }),
        z.string().min(1).max(40),
      ],
      {
        error: (iss) =>
          typeof iss.input === 'number'
            ? `must be a whole number of minutes, got ${iss.input}; for hours write e.g. "${iss.input}h"`
            : `not a duration; ${DURATION_EXAMPLES}`,
      },
    )
    .transform((value, ctx) => {
      const result = checkDuration(value, rest);
      if ('minutes' in result) return result.minutes;
      ctx.addIssue({ code: 'custom', message: result.problem });
      return z.NEVER;
    })
    .describe(
      description ??
        `Duration: minutes as a number, or text such as "1h30m", "1.5h", "90m", "1:30"` +
          (rest.signed ? '; signed for a change: "+30m", "-15m"' : ''),
    );
}
