import { describe, expect, it } from 'vitest';

import { ToolError } from '../../src/domain/errors.js';
import {
  addDays,
  eachDate,
  isCalendarDate,
  parsePeriod,
  resolveDate,
  weekdayOf,
} from '../../src/domain/period.js';

const MONDAY = 1;
const SUNDAY = 0;
// Friday 2026-11-20, 12:00 UTC.
const NOON = Date.UTC(2026, 10, 20, 12, 0);

function period(spec: string, opts: { tz?: string; weekStart?: number; now?: number } = {}) {
  const p = parsePeriod(spec, {
    timeZone: opts.tz ?? 'UTC',
    weekStart: opts.weekStart ?? MONDAY,
    now: opts.now ?? NOON,
  });
  return [p.from, p.to];
}

function refusal(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return err as ToolError;
  }
  throw new Error('expected a refusal');
}

describe('parsePeriod: relative days in the user’s time zone', () => {
  it('gives a user ahead of UTC their local date when it is 23:30 UTC', () => {
    const late = Date.UTC(2026, 10, 20, 23, 30); // Fri 23:30 UTC = Sat 12:30 in Auckland, Sat 08:30 in Tokyo
    expect(period('today', { tz: 'Pacific/Auckland', now: late })).toEqual(['2026-11-21', '2026-11-21']);
    expect(period('today', { tz: 'Asia/Tokyo', now: late })).toEqual(['2026-11-21', '2026-11-21']);
    expect(period('today', { tz: 'UTC', now: late })).toEqual(['2026-11-20', '2026-11-20']);
    expect(period('yesterday', { tz: 'Pacific/Auckland', now: late })).toEqual(['2026-11-20', '2026-11-20']);
  });

  it('gives a user behind UTC the previous date shortly after midnight UTC', () => {
    const early = Date.UTC(2026, 10, 21, 2, 0); // Sat 02:00 UTC = Fri 21:00 in New York
    expect(period('today', { tz: 'America/New_York', now: early })).toEqual(['2026-11-20', '2026-11-20']);
    expect(period('tomorrow', { tz: 'America/New_York', now: early })).toEqual(['2026-11-21', '2026-11-21']);
  });

  it('refuses an unknown time zone', () => {
    const err = refusal(() => parsePeriod('today', { timeZone: 'Mars/Olympus', weekStart: 1, now: NOON }));
    expect(err.kind).toBe('validation');
    expect(err.message).toContain('Mars/Olympus');
  });
});

describe('parsePeriod: weeks', () => {
  it('starts this week on Monday or on Sunday as the company says', () => {
    expect(period('this week', { weekStart: MONDAY })).toEqual(['2026-11-16', '2026-11-22']);
    expect(period('this week', { weekStart: SUNDAY })).toEqual(['2026-11-15', '2026-11-21']);
    expect(period('last week', { weekStart: MONDAY })).toEqual(['2026-11-09', '2026-11-15']);
    expect(period('last week', { weekStart: SUNDAY })).toEqual(['2026-11-08', '2026-11-14']);
    expect(period('next week', { weekStart: SUNDAY })).toEqual(['2026-11-22', '2026-11-28']);
    expect(period('this week', { weekStart: 6 })).toEqual(['2026-11-14', '2026-11-20']); // Saturday start
  });

  it('treats the week-start day itself as the first day of its week', () => {
    const sunday = Date.UTC(2026, 10, 22, 12);
    expect(period('this week', { weekStart: SUNDAY, now: sunday })).toEqual(['2026-11-22', '2026-11-28']);
    expect(period('this week', { weekStart: MONDAY, now: sunday })).toEqual(['2026-11-16', '2026-11-22']);
  });

  it('keeps seven whole dates across the March DST change in New York', () => {
    // Clocks go forward on Sunday 2026-03-08; "now" is just after, at 03:30 EDT.
    const afterSpringForward = Date.UTC(2026, 2, 8, 7, 30);
    const p = parsePeriod('this week', {
      timeZone: 'America/New_York',
      weekStart: SUNDAY,
      now: afterSpringForward,
    });
    expect([p.from, p.to, p.days]).toEqual(['2026-03-08', '2026-03-14', 7]);
    const m = parsePeriod('this week', {
      timeZone: 'America/New_York',
      weekStart: MONDAY,
      now: afterSpringForward,
    });
    expect([m.from, m.to, m.days]).toEqual(['2026-03-02', '2026-03-08', 7]);
    expect(eachDate(m.from, m.to)).toHaveLength(7);
  });

  it('keeps seven whole dates across the November DST change in New York', () => {
    // Clocks go back on Sunday 2026-11-01 at 02:00 EDT (UTC-4 → UTC-5).
    const beforeFallBack = Date.UTC(2026, 10, 1, 3, 30); // Sat 2026-10-31 23:30 EDT
    expect(period('today', { tz: 'America/New_York', now: beforeFallBack })).toEqual([
      '2026-10-31',
      '2026-10-31',
    ]);
    expect(period('next week', { tz: 'America/New_York', weekStart: SUNDAY, now: beforeFallBack })).toEqual([
      '2026-11-01',
      '2026-11-07',
    ]);
    const afterFallBack = Date.UTC(2026, 10, 2, 4, 59); // Sun 2026-11-01 23:59 EST
    const p = parsePeriod('this week', {
      timeZone: 'America/New_York',
      weekStart: SUNDAY,
      now: afterFallBack,
    });
    expect([p.from, p.to, p.days]).toEqual(['2026-11-01', '2026-11-07', 7]);
  });

  it('reads ISO weeks as Monday–Sunday whatever the company week start', () => {
    expect(period('2026-W47', { weekStart: SUNDAY })).toEqual(['2026-11-16', '2026-11-22']);
    expect(period('2026-w01')).toEqual(['2025-12-29', '2026-01-04']);
    expect(period('2026-W53')).toEqual(['2026-12-28', '2027-01-03']); // 2026 has 53 ISO weeks
  });

  it('refuses ISO weeks that do not exist', () => {
    expect(refusal(() => period('2025-W53')).field).toBe('period'); // 2025 has 52
    expect(refusal(() => period('2026-W00')).kind).toBe('validation');
    expect(refusal(() => period('2026-W54')).kind).toBe('validation');
  });
});

describe('parsePeriod: months, ranges, day counts, weekday names', () => {
  it('resolves months', () => {
    expect(period('this month')).toEqual(['2026-11-01', '2026-11-30']);
    expect(period('last month')).toEqual(['2026-10-01', '2026-10-31']);
    expect(period('next month')).toEqual(['2026-12-01', '2026-12-31']);
    expect(period('2028-02')).toEqual(['2028-02-01', '2028-02-29']);
    expect(period('2026-02')).toEqual(['2026-02-01', '2026-02-28']);
    const january = Date.UTC(2027, 0, 10);
    expect(period('last month', { now: january })).toEqual(['2026-12-01', '2026-12-31']);
  });

  it('resolves explicit dates and ranges', () => {
    expect(period('2026-11-03')).toEqual(['2026-11-03', '2026-11-03']);
    expect(period('2026-11-03..2026-11-09')).toEqual(['2026-11-03', '2026-11-09']);
    expect(period(' 2026-11-03 .. 2026-11-09 ')).toEqual(['2026-11-03', '2026-11-09']);
    expect(period('2026-11-03 to 2026-11-09')).toEqual(['2026-11-03', '2026-11-09']);
  });

  it('resolves last/next N days, today included', () => {
    expect(period('last 7 days')).toEqual(['2026-11-14', '2026-11-20']);
    expect(period('past 1 day')).toEqual(['2026-11-20', '2026-11-20']);
    expect(period('next 3 days')).toEqual(['2026-11-20', '2026-11-22']);
  });

  it('resolves weekday names: most recent including today; last/next exclude today', () => {
    // NOON is a Friday.
    expect(period('friday')).toEqual(['2026-11-20', '2026-11-20']);
    expect(period('Monday')).toEqual(['2026-11-16', '2026-11-16']);
    expect(period('sat')).toEqual(['2026-11-14', '2026-11-14']);
    expect(period('last friday')).toEqual(['2026-11-13', '2026-11-13']);
    expect(period('last thursday')).toEqual(['2026-11-19', '2026-11-19']);
    expect(period('next friday')).toEqual(['2026-11-27', '2026-11-27']);
    expect(period('next saturday')).toEqual(['2026-11-21', '2026-11-21']);
  });

  it('resolves "this <weekday>" to that day of the current week, past or coming', () => {
    // NOON is Friday 2026-11-20; the week runs Monday 16 – Sunday 22 (Sunday 15 – Saturday 21 from Sunday).
    expect(period('this saturday')).toEqual(['2026-11-21', '2026-11-21']);
    expect(period('this monday')).toEqual(['2026-11-16', '2026-11-16']);
    expect(period('this sunday')).toEqual(['2026-11-22', '2026-11-22']);
    expect(period('this sunday', { weekStart: 0 })).toEqual(['2026-11-15', '2026-11-15']);
    expect(period('this friday')).toEqual(['2026-11-20', '2026-11-20']);
  });
});

describe('parsePeriod: refusals (SEC-IN-03)', () => {
  it('SEC-IN-03 refuses dates that are not real calendar dates, naming the field', () => {
    for (const spec of ['2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2025-02-29']) {
      const err = refusal(() =>
        parsePeriod(spec, { timeZone: 'UTC', weekStart: 1, now: NOON, field: 'dateFrom' }),
      );
      expect(err.kind).toBe('validation');
      expect(err.field).toBe('dateFrom');
      expect(err.message).toContain('not a real calendar date');
    }
    expect(period('2028-02-29')).toEqual(['2028-02-29', '2028-02-29']);
  });

  it('SEC-IN-03 refuses reversed ranges and ranges over 366 days', () => {
    expect(refusal(() => period('2026-11-09..2026-11-03')).message).toContain('after the end');
    expect(period('2024-01-01..2024-12-31')).toEqual(['2024-01-01', '2024-12-31']); // 366 days, leap year
    expect(refusal(() => period('2025-01-01..2026-01-02')).message).toContain('366-day maximum');
    expect(refusal(() => period('last 367 days')).message).toContain('366-day maximum');
  });

  it('SEC-IN-03 refuses other formats and nonsense with a hint listing the grammar', () => {
    for (const spec of [
      '',
      '20261120',
      '2026/11/20',
      '11/20/2026',
      'next decade',
      'last 0 days',
      'fortnight',
      '2026-11-20T10:00',
    ]) {
      const err = refusal(() => period(spec));
      expect(err.kind).toBe('validation');
      expect(err.hint).toContain('YYYY-MM-DD');
    }
    expect(refusal(() => period('x'.repeat(10_000))).kind).toBe('validation');
  });

  it('refuses a bad week start', () => {
    expect(refusal(() => period('this week', { weekStart: 7 })).field).toBe('weekStart');
  });
});

describe('resolveDate and date helpers', () => {
  const opts = { timeZone: 'Asia/Tokyo', weekStart: MONDAY, now: NOON };
  it('resolves single days and refuses ranges', () => {
    expect(resolveDate('today', opts)).toBe('2026-11-20');
    expect(resolveDate('yesterday', opts)).toBe('2026-11-19');
    expect(resolveDate('2026-01-31', opts)).toBe('2026-01-31');
    const err = refusal(() => resolveDate('this week', opts));
    expect(err.field).toBe('date');
    expect(err.message).toContain('7 days');
  });

  it('does calendar arithmetic', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(eachDate('2026-10-30', '2026-11-02')).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02',
    ]);
    expect(weekdayOf('2026-11-22')).toBe(0);
    expect(weekdayOf('2026-11-20')).toBe(5);
  });
});

describe('parsePeriod: years, quarters, month names, since and ranges of any two specs', () => {
  // Wednesday 2026-12-02, 12:00 UTC.
  const DEC2 = Date.UTC(2026, 11, 2, 12);
  const at = (spec: string) => period(spec, { now: DEC2 });

  it.each([
    ['this year', '2026-01-01', '2026-12-31'],
    ['last year', '2025-01-01', '2025-12-31'],
    ['next year', '2027-01-01', '2027-12-31'],
    ['2024', '2024-01-01', '2024-12-31'],
    ['2026-Q3', '2026-07-01', '2026-09-30'],
    ['2026 q1', '2026-01-01', '2026-03-31'],
    ['Q2', '2026-04-01', '2026-06-30'],
    ['q4 2025', '2025-10-01', '2025-12-31'],
    ['this quarter', '2026-10-01', '2026-12-31'],
    ['last quarter', '2026-07-01', '2026-09-30'],
    ['next quarter', '2027-01-01', '2027-03-31'],
    ['November', '2026-11-01', '2026-11-30'],
    ['december', '2026-12-01', '2026-12-31'],
    ['January', '2026-01-01', '2026-01-31'],
    ['nov 2025', '2025-11-01', '2025-11-30'],
    ['September, 2024', '2024-09-01', '2024-09-30'],
    ['2026-11', '2026-11-01', '2026-11-30'],
    ['last 30 days', '2026-11-03', '2026-12-02'],
    ['since monday', '2026-11-30', '2026-12-02'],
    ['since last friday', '2026-11-27', '2026-12-02'],
    ['since 2026-11-01', '2026-11-01', '2026-12-02'],
    ['2026-11..2026-12', '2026-11-01', '2026-12-31'],
    ['monday to today', '2026-11-30', '2026-12-02'],
    ['from 2026-01-05 to friday', '2026-01-05', '2026-11-27'],
    ['2026-11-02 .. 2026-11-06', '2026-11-02', '2026-11-06'],
  ])('%s → %s … %s', (spec, from, to) => {
    expect(at(spec)).toEqual([from, to]);
  });

  it('a month name without a year is the most recent one that has begun', () => {
    const jan15 = Date.UTC(2027, 0, 15, 12);
    expect(period('december', { now: jan15 })).toEqual(['2026-12-01', '2026-12-31']);
    expect(period('january', { now: jan15 })).toEqual(['2027-01-01', '2027-01-31']);
  });

  it('a year is in reach of the 366-day cap, two are not, and the refusal says how to split', () => {
    expect(period('2024')).toEqual(['2024-01-01', '2024-12-31']); // a leap year: 366 days
    const err = refusal(() => at('2025-01-01..2026-12-31'));
    expect(err.message).toMatch(/730 days is longer than the 366-day maximum/);
    expect(err.hint).toMatch(/split/);
  });

  it('unknown words are refused with the forms that work', () => {
    const err = refusal(() => at('fortnight'));
    expect(err.message).toMatch(/"fortnight" is not a period I understand/);
    expect(err.hint).toMatch(/2026-Q3/);
    expect(err.hint).toMatch(/november/);
    expect(refusal(() => at('2026-Q5')).message).toMatch(/not a period/);
  });
});
