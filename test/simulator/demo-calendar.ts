/**
 * Dates of the demo seed for the pinned `today` the resource tests use (a Wednesday), so expectations can name
 * real days. W0 = Monday of today's week; week(k, d) = day d (0 = Monday) of week W0 + k.
 */
import { addDays } from '../../src/simulator/dates.js';

export const TODAY = '2026-10-07';
export const W0 = '2026-10-05';
export const week = (k: number, day = 0): string => addDays(W0, 7 * k + day);

/** Holidays: Wednesday of W-3 and of W+2. */
export const HOLIDAYS = [week(-3, 2), week(2, 2)];
/** Locked: W-8 Monday … W-6 Sunday, every user. */
export const LOCKED_FROM = week(-8);
export const LOCKED_TO = week(-6, 6);

/**
 * A clock that starts at 12:00 UTC on TODAY and then runs in real time: every seeded time-zone group (New York,
 * London) is on TODAY, whatever the hour the tests run at.
 */
export function noonClock(date = TODAY): () => number {
  const start = Date.parse(`${date}T12:00:00Z`);
  const real = Date.now();
  return () => start + (Date.now() - real);
}
