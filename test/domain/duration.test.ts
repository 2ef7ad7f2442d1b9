import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { ToolError } from '../../src/domain/errors.js';
import { checkDuration, durationInput, formatMinutes, parseDuration } from '../../src/domain/duration.js';
import { cpuTimeMs } from '../helpers/cpu.js';

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    [90, 90],
    ['90m', 90],
    ['90 min', 90],
    ['90 minutes', 90],
    ['1h', 60],
    ['1 hour', 60],
    ['2 hours', 120],
    ['1.5h', 90],
    ['1,5h', 90],
    ['1h30m', 90],
    ['1h 30m', 90],
    ['1h30', 90],
    ['1 h 30 min', 90],
    ['1H30M', 90],
    ['1:30', 90],
    ['0:05', 5],
    ['24h', 1440],
    ['1.33h', 80],
  ])('reads %j as %i minutes', (input, minutes) => {
    expect(parseDuration(input)).toBe(minutes);
  });

  it('reads signed deltas only when allowed', () => {
    expect(parseDuration('+30m', { signed: true })).toBe(30);
    expect(parseDuration('-15m', { signed: true })).toBe(-15);
    expect(parseDuration('-0:15', { signed: true })).toBe(-15);
    expect(parseDuration(-45, { signed: true })).toBe(-45);
    expect(() => parseDuration('-15m')).toThrow(/must not be negative/);
    expect(() => parseDuration(-15)).toThrow(/must not be negative/);
    expect(() => parseDuration('+15m')).toThrow(/not a duration/);
  });

  it('SEC-IN-04 refuses nonsense, zero where not allowed, fractions of a minute and more than 24 h', () => {
    const cases: Array<[string | number, RegExp]> = [
      ['abc', /not a duration/],
      ['', /not a duration/],
      ['1:75', /not a duration/],
      ['h', /not a duration/],
      ['1.5', /not a duration/],
      ['90s', /not a duration/],
      ['1e3', /not a duration/],
      ['0', /more than 0/],
      [0, /more than 0/],
      ['0h', /more than 0/],
      [1.5, /whole number/],
      [Number.NaN, /finite/],
      [Number.POSITIVE_INFINITY, /finite/],
      ['1441', /more than 24:00/],
      ['25h', /more than 24:00/],
      [100000, /more than 24:00/],
      ['x'.repeat(1000), /not a duration/],
    ];
    for (const [input, re] of cases) {
      let caught: unknown;
      try {
        parseDuration(input, { field: 'minutes' });
      } catch (err) {
        caught = err;
      }
      expect(caught, String(input)).toBeInstanceOf(ToolError);
      expect((caught as ToolError).kind).toBe('validation');
      expect((caught as ToolError).field).toBe('minutes');
      expect((caught as ToolError).message).toMatch(re);
    }
  });

  it('accepts 0 when asked to and honours a custom maximum', () => {
    expect(parseDuration(0, { allowZero: true })).toBe(0);
    expect(parseDuration('-0', { allowZero: true, signed: true })).toBe(0);
    expect(Object.is(parseDuration('-0', { allowZero: true, signed: true }), -0)).toBe(false);
    expect(checkDuration('3h', { max: 120 })).toEqual({ problem: '3:00 is more than 2:00 (120 minutes)' });
  });

  it('parses pathological input quickly', () => {
    // CPU time, not elapsed time: the same budget, which load on other cores cannot use up (about 1 ms here;
    // a backtracking pattern on these inputs would take seconds).
    const cpuMs = cpuTimeMs(() => {
      for (let i = 0; i < 100; i++) checkDuration('1'.repeat(39) + 'h');
      checkDuration('9'.repeat(100_000));
    });
    expect(cpuMs).toBeLessThan(100);
  });
});

describe('formatMinutes', () => {
  it('formats h:mm', () => {
    expect(formatMinutes(0)).toBe('0:00');
    expect(formatMinutes(5)).toBe('0:05');
    expect(formatMinutes(90)).toBe('1:30');
    expect(formatMinutes(1440)).toBe('24:00');
    expect(formatMinutes(-15)).toBe('-0:15');
  });
});

describe('durationInput (zod)', () => {
  const schema = z.object({ minutes: durationInput() });
  it('turns text into minutes while validating input', () => {
    expect(schema.parse({ minutes: '1h30m' })).toEqual({ minutes: 90 });
    expect(schema.parse({ minutes: 45 })).toEqual({ minutes: 45 });
  });

  it('SEC-IN-04 reports the field path for a bad duration', () => {
    const bad = schema.safeParse({ minutes: '3 days' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['minutes']);
    expect(bad.error?.issues[0]?.message).toContain('not a duration');
    expect(schema.safeParse({ minutes: 2000 }).success).toBe(false);
    expect(schema.safeParse({ minutes: 0 }).success).toBe(false);
    expect(z.object({ d: durationInput({ signed: true }) }).parse({ d: '-30m' })).toEqual({ d: -30 });
  });

  it('SEC-IN-04 a fraction, an out-of-range number or a wrong type gets an actionable message', () => {
    const signed = z.object({ d: durationInput({ signed: true }) });
    const message = (v: unknown) => signed.safeParse({ d: v }).error?.issues[0]?.message;
    // Before: a bare "Invalid input" for 1.5 (which a model usually means as hours) and for true.
    expect(message(1.5)).toBe('must be a whole number of minutes, got 1.5; for hours write e.g. "1.5h"');
    expect(message(2000)).toBe('33:20 is more than 24:00 (1440 minutes)');
    expect(message(-2000)).toContain('more than 24:00');
    expect(message(true)).toMatch(/^not a duration; use minutes \(90\)/);
    expect(schema.safeParse({ minutes: -5 }).error?.issues[0]?.message).toBe('must not be negative');
  });

  it('advertises a JSON Schema accepting a number or a string, with a description', () => {
    const json = z.toJSONSchema(schema, { io: 'input' }) as {
      properties: Record<string, Record<string, unknown>>;
    };
    const prop = json.properties.minutes!;
    expect(prop.anyOf).toEqual([
      expect.objectContaining({ type: 'integer' }),
      expect.objectContaining({ type: 'string' }),
    ]);
    expect(String(prop.description)).toContain('1h30m');
  });
});
