/**
 * Errors are data, words are written in one place (docs/reliability.md): every client error class and reason,
 * turned into what the assistant reads, compared whole. "actiTIME said" appears only for text actiTIME sent;
 * "may or may not have been applied" appears once.
 */
import { describe, expect, it } from 'vitest';

import {
  ActitimeApiError,
  BusyError,
  CallBudgetError,
  CancelledError,
  ConfigError,
  endpointError,
  InvalidRequestError,
  NetworkError,
  RateLimitedError,
  ResponseTooLargeError,
  TimeoutError,
  UnexpectedResponseError,
  UnsupportedError,
  type ActitimeError,
} from '../../src/actitime/errors.js';
import { apiErrorFromBody } from '../../src/actitime/http.js';
import { actitimeErrorFields, MAYBE_APPLIED } from '../../src/tools/error-text.js';

const maybe = <E extends ActitimeError>(err: E): E => {
  err.maybeApplied = true;
  return err;
};

describe('the words for every error (SEC-OUT-08)', () => {
  it.each<[string, ActitimeError, Record<string, unknown>]>([
    [
      'an actiTIME error with its key and message',
      apiErrorFromBody(400, {
        key: 'api.error.project_exists',
        message: 'Project with specified name already exists',
      }),
      {
        status: 400,
        key: 'api.error.project_exists',
        message:
          'a project with this name already exists for this customer. actiTIME said: "Project with specified name already exists"',
        hint: 'use the existing project or choose another name',
      },
    ],
    [
      'an actiTIME error without a message: nothing is put in actiTIME’s mouth',
      apiErrorFromBody(409, {}),
      { status: 409, message: 'the change conflicts with the current state', hint: 're-read and retry' },
    ],
    [
      'an unknown key falls back on the status, keeping the key as sent',
      apiErrorFromBody(400, { key: 'api.error.brand_new', message: 'Something new' }),
      {
        status: 400,
        key: 'api.error.brand_new',
        message: 'actiTIME refused the request. actiTIME said: "Something new"',
        hint: 'check the arguments',
      },
    ],
    [
      'a 5xx write that may have been applied says so once',
      maybe(apiErrorFromBody(503, { key: 'api.error.internal', message: 'down' })),
      {
        status: 503,
        key: 'api.error.internal',
        message: `actiTIME had an internal error. actiTIME said: "down". ${MAYBE_APPLIED}`,
        hint: 're-read the data before retrying',
        maybeApplied: true,
      },
    ],
    [
      'a refused connection',
      new NetworkError('refused', 'at.example:443', 'ECONNREFUSED'),
      {
        kind: 'network',
        message: 'cannot reach actiTIME at at.example:443',
        hint: 'check ACTITIME_URL and that actiTIME is reachable, then try again',
      },
    ],
    [
      'a reset after sending a write',
      maybe(new NetworkError('reset', 'at.example:443', 'ECONNRESET')),
      {
        kind: 'network',
        message: `the connection to actiTIME at at.example:443 was interrupted. ${MAYBE_APPLIED}`,
        hint: 're-read the data before retrying',
        maybeApplied: true,
      },
    ],
    [
      'an attempt timeout',
      new TimeoutError('attempt', 15_000),
      {
        kind: 'timeout',
        message: 'actiTIME did not answer within 15 s',
        hint: 'actiTIME is slow or unreachable; try again in a moment',
      },
    ],
    [
      'the call deadline',
      new TimeoutError('call', 50_000),
      {
        kind: 'timeout',
        message: 'the call did not finish within its 50 s deadline',
        hint: 'actiTIME is slow; try again in a moment, or narrow the request',
      },
    ],
    [
      'a cancel by the client',
      new CancelledError('caller'),
      { kind: 'cancelled', message: 'the call was cancelled', hint: 'nothing more was sent for this call' },
    ],
    [
      'a shutdown',
      new CancelledError('closed'),
      {
        kind: 'cancelled',
        message: 'the server is shutting down',
        hint: 'nothing more was sent for this call',
      },
    ],
    [
      'a rate limit with a wait',
      new RateLimitedError(2_000, 2),
      {
        kind: 'rate_limited',
        message: 'actiTIME rate limit; retry after ~2 s',
        retryAfterSeconds: 2,
        hint: 'wait about 2 s, then try again',
      },
    ],
    [
      'a Retry-After beyond the cap',
      new RateLimitedError(9_999_999_999_000, 9_999_999_999, 120),
      {
        kind: 'rate_limited',
        message:
          'actiTIME asked to wait 9999999999 s before the next request, longer than the 120 s this server waits',
        hint: 'try again in a few minutes; if it repeats, actiTIME (or a proxy in front of it) sends a wrong Retry-After',
      },
    ],
    [
      'a full local queue',
      new BusyError(),
      {
        kind: 'busy',
        message: 'server busy, try again',
        hint: 'too many calls are queued; try again in a moment',
      },
    ],
    [
      'an HTML page instead of JSON',
      new UnexpectedResponseError('html'),
      {
        kind: 'unexpected_response',
        message: 'unexpected response from actiTIME (HTML instead of JSON)',
        hint: 'check that ACTITIME_URL points at an actiTIME REST API (…/api/v1)',
      },
    ],
    [
      'a body that fails the schema',
      new UnexpectedResponseError('schema', 'items.1.id'),
      {
        kind: 'unexpected_response',
        message: 'unexpected response from actiTIME (field items.1.id)',
        field: 'items.1.id',
        hint: 'check that ACTITIME_URL points at an actiTIME REST API (…/api/v1)',
      },
    ],
    [
      'a response over the byte cap',
      new ResponseTooLargeError(4096),
      {
        kind: 'response_too_large',
        message: 'actiTIME response exceeded 4096 bytes',
        hint: 'narrow the request: a shorter period, a filter, or a smaller limit',
      },
    ],
    [
      'an unresolvable host',
      endpointError({ reason: 'dns', host: 'acme.invalid' }),
      {
        kind: 'config',
        message: 'cannot resolve the actiTIME host acme.invalid; check ACTITIME_URL',
        field: 'ACTITIME_URL',
        hint: 'fix ACTITIME_URL in the server configuration and restart it',
      },
    ],
    [
      'a redirect',
      endpointError({ reason: 'redirect', status: 302 }),
      {
        kind: 'config',
        message: 'actiTIME answered with a redirect (HTTP 302); check ACTITIME_URL',
        field: 'ACTITIME_URL',
        hint: 'fix ACTITIME_URL in the server configuration and restart it',
      },
    ],
    [
      'a startup setting keeps its own sentence',
      new ConfigError('ACTITIME_USERNAME is not set', 'ACTITIME_USERNAME'),
      {
        kind: 'config',
        message: 'ACTITIME_USERNAME is not set',
        field: 'ACTITIME_USERNAME',
        hint: 'fix ACTITIME_USERNAME in the server configuration and restart it',
      },
    ],
    [
      'an id that is not one path segment',
      new InvalidRequestError('dot_segment', 'id'),
      {
        kind: 'validation',
        message: 'invalid id: dot segment',
        field: 'id',
        hint: 'fix the named argument and call again',
      },
    ],
    [
      'an older server without the delta endpoint',
      new UnsupportedError('leavetime.delta'),
      {
        kind: 'unsupported',
        message: 'this actiTIME server has no leave delta endpoint (an older version)',
        hint: 'read the cell and set the new total instead (mode set)',
      },
    ],
    [
      'a call over its request budget, known up front',
      new CallBudgetError(500, 1209),
      {
        kind: 'call_budget',
        message: 'this call would need about 1209 requests to actiTIME, more than the 500 one call may send',
        hint: 'narrow it: fewer users, entries or names, a department, or a shorter period',
      },
    ],
  ])('%s', (_label, err, expected) => {
    expect(actitimeErrorFields(err)).toEqual(expected);
    // Below the tools the message is a diagnostic, never the assistant's sentence (startup settings aside,
    // whose sentence is for the operator's stderr).
    if (!(err instanceof ConfigError) || err.problem)
      expect(err.message).not.toContain(String(expected.message));
  });

  it('SEC-OUT-08 the key is kept exactly as actiTIME sent it; a missing key stays missing', () => {
    expect(new ActitimeApiError(400, 'api.error.customer_exists').key).toBe('api.error.customer_exists');
    expect(apiErrorFromBody(500, 'oops').key).toBeUndefined();
    expect(actitimeErrorFields(apiErrorFromBody(500, 'oops'))).toEqual({
      status: 500,
      message: 'actiTIME had an internal error',
      hint: 'try again later; if it was a change, re-read before retrying',
    });
  });
});
