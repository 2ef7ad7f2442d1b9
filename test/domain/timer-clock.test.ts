import { describe, expect, it } from 'vitest';

import { ToolError } from '../../src/domain/errors.js';
import { atProblem, localIso, resolveAt, roundedMinutes, splitByDay } from '../../src/domain/timer-clock.js';

const NY = 'America/New_York';
/** Wednesday 2026-10-07, 16:05 in New York (EDT, UTC−4). */
const NOW = Date.parse('2026-10-07T20:05:30Z');
const at = (spec: string, now = NOW, timeZone = NY) => localIso(resolveAt(spec, { timeZone, now }), timeZone);

describe('resolveAt: what `at` means, in the user’s zone', () => {
  it.each([
    ['now', '2026-10-07T16:05:30-04:00'],
    ['', '2026-10-07T16:05:30-04:00'],
    ['9:15', '2026-10-07T09:15:00-04:00'],
    ['09:15', '2026-10-07T09:15:00-04:00'],
    ['9.15', '2026-10-07T09:15:00-04:00'],
    ['9:15am', '2026-10-07T09:15:00-04:00'],
    ['9:15 AM', '2026-10-07T09:15:00-04:00'],
    ['12:30pm', '2026-10-07T12:30:00-04:00'],
    ['12am', '2026-10-07T00:00:00-04:00'],
    ['3pm', '2026-10-07T15:00:00-04:00'],
    ['today 14:00', '2026-10-07T14:00:00-04:00'],
    ['yesterday 17:30', '2026-10-06T17:30:00-04:00'],
    ['yesterday at 5pm', '2026-10-06T17:00:00-04:00'],
    ['2026-10-05 08:00', '2026-10-05T08:00:00-04:00'],
    ['15 minutes ago', '2026-10-07T15:50:30-04:00'],
    ['15 min ago', '2026-10-07T15:50:30-04:00'],
    ['1h ago', '2026-10-07T15:05:30-04:00'],
    ['1h30m ago', '2026-10-07T14:35:30-04:00'],
    ['16:06', '2026-10-07T16:05:30-04:00'], // the current minute on the user's clock is now
  ])('%j → %s', (spec, expected) => {
    expect(at(spec)).toBe(expected);
  });

  it('a clock time later than now is refused (no timer starts or stops in the future), with the way to say yesterday', () => {
    let error: unknown;
    try {
      resolveAt('17:30', { timeZone: NY, now: NOW });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({
      kind: 'validation',
      field: 'at',
      message: 'at: 17:30 is later than now (16:05 in America/New_York)',
      hint: 'a timer cannot start or stop in the future; for the evening before write "yesterday 17:30"',
    });
  });

  it.each(['9', 'teatime', '25:00', '9:60', '13pm', '0am', 'tomorrow 9:00', '2026-02-30 09:00', 'soon ago'])(
    '%j is not a time: refused at input validation already',
    (spec) => {
      expect(atProblem(spec)).toBeDefined();
      expect(() => resolveAt(spec, { timeZone: NY, now: NOW })).toThrow(ToolError);
    },
  );

  it('every clock time of a day passes input validation (the zone and the future are checked later)', () => {
    for (const spec of ['0:00', '23:59', '11:59pm', 'yesterday 23:59', 'now', '5 min ago'])
      expect(atProblem(spec)).toBeUndefined();
  });

  it('a clock time the daylight-saving change skips moves forward; one it repeats is the first', () => {
    // 2026-03-08: 02:00 → 03:00 in New York; 2026-11-01: 02:00 → 01:00.
    expect(at('2:30', Date.parse('2026-03-08T15:00:00Z'))).toBe('2026-03-08T03:30:00-04:00');
    expect(at('1:30', Date.parse('2026-11-01T15:00:00Z'))).toBe('2026-11-01T01:30:00-04:00');
  });
});

describe('roundedMinutes and splitByDay: the minutes a timer logs', () => {
  it('whole minutes, half up', () => {
    expect([29_999, 30_000, 89_999, 90_000, 3_600_000].map(roundedMinutes)).toEqual([0, 1, 1, 2, 60]);
  });

  it('splits at midnight in the zone, and the days add up to the rounded total', () => {
    const start = Date.parse('2026-10-07T23:30:40-04:00');
    const end = Date.parse('2026-10-08T01:10:10-04:00');
    const days = splitByDay(start, end, NY);
    expect(days).toEqual([
      { date: '2026-10-07', minutes: 29 },
      { date: '2026-10-08', minutes: 71 },
    ]);
    expect(days.reduce((n, d) => n + d.minutes, 0)).toBe(roundedMinutes(end - start));
  });

  it('the same instants are one day in another zone', () => {
    const start = Date.parse('2026-10-08T03:30:00Z');
    const end = Date.parse('2026-10-08T05:00:00Z');
    expect(splitByDay(start, end, 'Europe/London')).toEqual([{ date: '2026-10-08', minutes: 90 }]);
    expect(splitByDay(start, end, NY).map((d) => d.date)).toEqual(['2026-10-07', '2026-10-08']);
  });

  it('a day left with under half a minute is not an entry; under half a minute in all is nothing', () => {
    const start = Date.parse('2026-10-07T23:59:45-04:00');
    expect(splitByDay(start, Date.parse('2026-10-08T00:10:00-04:00'), NY)).toEqual([
      { date: '2026-10-08', minutes: 10 },
    ]);
    expect(splitByDay(start, start + 29_000, NY)).toEqual([]);
  });

  it('a 23-hour day (daylight saving) counts its real minutes', () => {
    const start = Date.parse('2026-03-07T22:00:00-05:00');
    const end = Date.parse('2026-03-09T02:00:00-04:00');
    expect(splitByDay(start, end, NY)).toEqual([
      { date: '2026-03-07', minutes: 120 },
      { date: '2026-03-08', minutes: 23 * 60 },
      { date: '2026-03-09', minutes: 120 },
    ]);
  });
});
