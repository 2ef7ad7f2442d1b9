import { describe, expect, it } from 'vitest';
import {
  ActitimeApiError,
  CancelledError,
  ConfigError,
  NetworkError,
  TimeoutError,
  UnexpectedResponseError,
} from '../../src/actitime/errors.js';
import {
  backoffDelayMs,
  classifyFailure,
  markMaybeApplied,
  parseRateHeaders,
  parseRetryAfter,
  requestSafety,
  shouldRetry,
  type Failure,
  type RequestSafety,
} from '../../src/actitime/retry.js';

const api = (status: number) => new ActitimeApiError(status, 'api.error.x', 'x');

describe('retry policy (docs/reliability.md)', () => {
  it('derives safety from method and the idempotent flag', () => {
    expect(requestSafety('GET')).toBe('safe');
    expect(requestSafety('GET', false)).toBe('safe');
    expect(requestSafety('PATCH')).toBe('idempotent');
    expect(requestSafety('PATCH', false)).toBe('unsafe');
    expect(requestSafety('PUT')).toBe('idempotent');
    expect(requestSafety('POST')).toBe('unsafe');
    expect(requestSafety('POST', true)).toBe('idempotent');
    expect(requestSafety('DELETE')).toBe('unsafe');
  });

  it('classifies failures by whether the request can have reached the server', () => {
    expect(classifyFailure(api(429))).toEqual({ kind: 'not_sent', reason: 'rate_limited' });
    expect(classifyFailure(new NetworkError('refused', 'h', 'ECONNREFUSED'))).toEqual({
      kind: 'not_sent',
      reason: 'refused',
    });
    expect(classifyFailure(new NetworkError('refused', 'h', 'UND_ERR_CONNECT_TIMEOUT')).kind).toBe(
      'not_sent',
    );
    expect(classifyFailure(api(500))).toEqual({ kind: 'ambiguous', reason: 'server_error' });
    expect(classifyFailure(api(503))).toEqual({ kind: 'ambiguous', reason: 'server_error' });
    expect(classifyFailure(new TimeoutError())).toEqual({ kind: 'ambiguous', reason: 'timeout' });
    expect(classifyFailure(new NetworkError('reset', 'h', 'ECONNRESET'))).toEqual({
      kind: 'ambiguous',
      reason: 'reset',
    });
    expect(classifyFailure(new NetworkError('reset', 'h', 'UND_ERR_SOCKET'))).toEqual({
      kind: 'ambiguous',
      reason: 'reset',
    });
    for (const status of [400, 401, 403, 404, 405, 409, 415, 422])
      expect(classifyFailure(api(status))).toEqual({ kind: 'fatal' });
    expect(classifyFailure(new ConfigError('x', 'ACTITIME_URL'))).toEqual({ kind: 'fatal' });
    expect(classifyFailure(new CancelledError())).toEqual({ kind: 'fatal' });
    expect(classifyFailure(new UnexpectedResponseError('html'))).toEqual({ kind: 'fatal' });
    expect(classifyFailure(new Error('boom'))).toEqual({ kind: 'fatal' });
  });

  const notSent: Failure = { kind: 'not_sent', reason: 'rate_limited' };
  const ambiguous: Failure = { kind: 'ambiguous', reason: 'server_error' };
  const fatal: Failure = { kind: 'fatal' };
  const first = { attempts: 1, ambiguousRetries: 0 };

  it.each<[RequestSafety, Failure, boolean]>([
    ['safe', notSent, true],
    ['safe', ambiguous, true],
    ['safe', fatal, false],
    ['idempotent', notSent, true],
    ['idempotent', ambiguous, true],
    ['idempotent', fatal, false],
    ['unsafe', notSent, true],
    ['unsafe', ambiguous, false],
    ['unsafe', fatal, false],
  ])('REL-RT-03 %s request, %o → retry %s on the first failure', (safety, failure, expected) => {
    expect(shouldRetry(safety, failure, first, 3)).toBe(expected);
  });

  it('REL-RT-03 retries a set-style write at most once after an ambiguous failure, but 429s up to maxRetries', () => {
    expect(shouldRetry('idempotent', ambiguous, { attempts: 2, ambiguousRetries: 1 }, 3)).toBe(false);
    expect(shouldRetry('idempotent', notSent, { attempts: 3, ambiguousRetries: 1 }, 3)).toBe(true);
    expect(shouldRetry('safe', ambiguous, { attempts: 3, ambiguousRetries: 2 }, 3)).toBe(true);
  });

  it('REL-RL-06 stops after 1 + maxRetries attempts whatever the failure', () => {
    expect(shouldRetry('safe', notSent, { attempts: 3, ambiguousRetries: 0 }, 3)).toBe(true);
    expect(shouldRetry('safe', notSent, { attempts: 4, ambiguousRetries: 0 }, 3)).toBe(false);
    expect(shouldRetry('safe', ambiguous, { attempts: 1, ambiguousRetries: 0 }, 0)).toBe(false);
  });

  it('REL-RT-01 backoff band: retry n waits in [base·2ⁿ⁻¹·0.5, base·2ⁿ⁻¹], never below base, capped', () => {
    const opts = { baseMs: 100, capMs: 1000 };
    const low = (n: number) => backoffDelayMs(n, opts, () => 0);
    const high = (n: number) => backoffDelayMs(n, opts, () => 0.999);
    expect([1, 2, 3, 4, 5, 6].map(low)).toEqual([100, 100, 200, 400, 800, 1000]);
    expect([1, 2, 3, 4, 5].map(high)).toEqual([100, 200, 400, 800, 1000]);
    for (let n = 1; n <= 8; n++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
        const d = backoffDelayMs(n, opts, () => r);
        const ceiling = 100 * 2 ** (n - 1);
        expect(d).toBeGreaterThanOrEqual(Math.min(1000, Math.max(100, ceiling * 0.5)));
        expect(d).toBeLessThanOrEqual(Math.min(1000, ceiling));
      }
    }
    // A random source outside [0, 1) cannot push the delay out of the band.
    expect(backoffDelayMs(3, opts, () => 7)).toBe(400);
    expect(backoffDelayMs(3, opts, () => -1)).toBe(200);
  });

  it('REL-RL-02 parses Retry-After as seconds or HTTP-date, in actiTIME seconds', () => {
    const now = Date.UTC(2026, 9, 7, 12, 0, 0);
    const opts = { nowMs: now };
    expect(parseRetryAfter('2', opts)).toBe(2);
    expect(parseRetryAfter(' 3 ', opts)).toBe(3);
    expect(parseRetryAfter('0', opts)).toBe(0);
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), opts)).toBe(3);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), opts)).toBe(0);
    expect(parseRetryAfter(undefined, opts)).toBeUndefined();
  });

  it('REL-RL-05 treats garbage Retry-After as missing and returns huge values as sent (the client decides)', () => {
    const opts = { nowMs: Date.now() };
    for (const bad of [
      '-5',
      'abc',
      '1e12',
      '',
      '  ',
      '12abc',
      'NaN',
      'Infinity',
      '0x10',
      'Mon, 99 Foo 2026',
      'x'.repeat(10_000),
    ]) {
      expect(parseRetryAfter(bad, opts), bad).toBeUndefined();
    }
    expect(parseRetryAfter('86400', opts)).toBe(86_400);
    expect(parseRetryAfter('9999999999', opts)).toBe(9_999_999_999);
  });

  it('parses X-Ratelimit headers only when both are plain numbers', () => {
    expect(parseRateHeaders('0', '2')).toEqual({ remaining: 0, resetSeconds: 2 });
    expect(parseRateHeaders('57', '1')).toEqual({ remaining: 57, resetSeconds: 1 });
    expect(parseRateHeaders(undefined, '2')).toBeUndefined();
    expect(parseRateHeaders('-1', '2')).toBeUndefined();
    expect(parseRateHeaders('3', 'soon')).toBeUndefined();
  });

  it('REL-RT-02 marks a possibly applied write once, with the re-read advice', () => {
    const err = markMaybeApplied(markMaybeApplied(api(500)));
    expect(err.maybeApplied).toBe(true);
    // Data only: the sentence is the formatter's (test/tools/error-text.test.ts), never appended here.
    expect(err.message).toBe('HTTP 500 api.error.x');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ maybeApplied: true, status: 500 });
  });
});
