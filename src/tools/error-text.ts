/**
 * The one place where the sentences about actiTIME and client failures are written. Errors arrive as data
 * (src/actitime/errors.ts: kind, reason, status, the key and message as actiTIME sent them, host, wait, limit,
 * maybeApplied); this module turns them into `{message, hint, …}` for the assistant. "actiTIME said" quotes
 * only text actiTIME itself sent, and the "may or may not have been applied" sentence is added exactly once.
 */
import {
  ActitimeApiError,
  CallBudgetError,
  CancelledError,
  ConfigError,
  InvalidRequestError,
  NetworkError,
  RateLimitedError,
  ResponseTooLargeError,
  TimeoutError,
  UnexpectedResponseError,
  UnsupportedError,
  type ActitimeError,
  type InvalidRequestReason,
} from '../actitime/errors.js';
import { formatMs } from '../actitime/http.js';
import { capUntrusted } from '../domain/sanitize.js';
import { redact } from '../logger.js';

/** How much of actiTIME's own message reaches the model. */
export const UPSTREAM_MESSAGE_MAX = 300;

export const MAYBE_APPLIED = 'The change may or may not have been applied; re-read before retrying';
export const MAYBE_APPLIED_HINT = 're-read the data before retrying';

export interface ErrorFields {
  status?: number;
  key?: string;
  kind?: string;
  message: string;
  field?: string;
  candidates?: Array<{ id: number | string; path: string }>;
  hint?: string;
  retryAfterSeconds?: number;
  maybeApplied?: true;
}

interface Words {
  message: string;
  hint: string;
}

/** By actiTIME's short key first, then by status; each says what to do next. */
const API_WORDS: Record<string, Words> = {
  authentication_failed: {
    message: 'authentication failed, check ACTITIME_USERNAME/ACTITIME_PASSWORD',
    hint: 'fix the credentials in the server configuration and restart it; nothing more is sent with these',
  },
  user_cannot_be_authorized: {
    message: 'actiTIME does not let this user sign in (disabled, not activated, or hired in the future)',
    hint: 'check ACTITIME_USERNAME, or ask an actiTIME administrator to enable the account',
  },
  ip_banned: {
    message: 'actiTIME temporarily banned this address after failed sign-ins',
    hint: 'wait about a minute, then check ACTITIME_USERNAME/ACTITIME_PASSWORD',
  },
  invalid_auth_scheme: {
    message: 'actiTIME refused the authentication scheme',
    hint: 'check that ACTITIME_URL points at an actiTIME REST API (…/api/v1)',
  },
  access_denied: {
    message: 'access denied: the user lacks the permission or cannot see the object',
    hint: 'ask an actiTIME administrator for the permission, or pick an object within your scope',
  },
  object_not_found: {
    message: 'not found: no object with that id (or it is empty)',
    hint: 'look the object up again (ids change when objects are deleted)',
  },
  unknown_resource: {
    message: 'this actiTIME version does not offer the endpoint',
    hint: 'the feature is not available on this actiTIME server',
  },
  method_not_allowed: {
    message: 'this actiTIME version does not allow the operation',
    hint: 'the feature is not available on this actiTIME server',
  },
  mandatory_field: { message: 'a required field is missing', hint: 'supply the named field' },
  string_length: { message: 'a name is empty or longer than 255 characters', hint: 'use 1–255 characters' },
  invalid_argument: {
    message: 'actiTIME could not accept an argument',
    hint: 'check dates (YYYY-MM-DD), numbers and that each day stays within 0–24 h',
  },
  customer_exists: {
    message: 'a customer with this name already exists',
    hint: 'use the existing customer or choose another name',
  },
  project_exists: {
    message: 'a project with this name already exists for this customer',
    hint: 'use the existing project or choose another name',
  },
  task_exists: {
    message: 'a task with this name already exists in this project',
    hint: 'use the existing task or choose another name',
  },
  workflow_status_exists: {
    message: 'a workflow status with this name already exists',
    hint: 'use the existing status or choose another name',
  },
  day_limit_exceeded: {
    message: 'the day would have more than 24 hours of time and leave',
    hint: 'reduce the time so the day stays within 24 h',
  },
  timetrack_locked: {
    message: 'the day is locked',
    hint: 'the day is locked; ask an administrator to unlock it',
  },
  timetrack_approved: {
    message: 'the week is approved',
    hint: 'ask a manager to reject (reopen) the week before changing its time',
  },
  workflow_status_in_use: {
    message: 'the workflow status is used by tasks',
    hint: 'move those tasks to another status first',
  },
  last_workflow_status: {
    message: 'this is the last workflow status of its type',
    hint: 'create another status of the same type first',
  },
  approved_time_exists: {
    message: 'the object has approved time',
    hint: 'confirm that approved weeks may be revoked, then retry with revokeApprovedWeeks: true',
  },
  batch_too_large: {
    message: 'too many operations in one batch',
    hint: 'split the change into smaller parts',
  },
  too_many_requests: {
    message: 'actiTIME rate limit reached',
    hint: 'wait a little and try again',
  },
  unsupported_media_type: {
    message: 'actiTIME refused the request format',
    hint: 'this is a bug in actitime-mcp',
  },
  internal: {
    message: 'actiTIME had an internal error',
    hint: 'try again later; if it was a change, re-read before retrying',
  },
};

function byStatus(status: number): Words {
  if (status === 400) return { message: 'actiTIME refused the request', hint: 'check the arguments' };
  if (status === 401) return API_WORDS.authentication_failed!;
  if (status === 403) return API_WORDS.access_denied!;
  if (status === 404) return API_WORDS.object_not_found!;
  if (status === 409)
    return { message: 'the change conflicts with the current state', hint: 're-read and retry' };
  if (status === 429) return API_WORDS.too_many_requests!;
  if (status >= 500) return API_WORDS.internal!;
  return { message: `actiTIME answered HTTP ${status}`, hint: 'check the arguments' };
}

function apiFields(err: ActitimeApiError): ErrorFields {
  // Duplicate names arrive as 400 or 403 depending on the server: the key (or its message) decides, not the
  // status.
  const words = API_WORDS[err.meaning] ?? byStatus(err.status);
  const said =
    err.upstreamMessage === undefined ? '' : capUntrusted(redact(err.upstreamMessage), UPSTREAM_MESSAGE_MAX);
  return {
    status: err.status,
    ...(err.key === undefined ? {} : { key: capUntrusted(err.key, 100) }),
    message: said === '' ? words.message : `${words.message}. actiTIME said: ${JSON.stringify(said)}`,
    ...(err.fields ? { field: capUntrusted(err.fields, 100) } : {}),
    hint: words.hint,
  };
}

const INVALID_REQUEST: Record<InvalidRequestReason, (e: InvalidRequestError) => string> = {
  not_integer: () => 'invalid id: not an integer',
  not_a_segment: () => 'invalid id: not a path segment',
  empty: () => 'invalid id: empty',
  dot_segment: () => 'invalid id: dot segment',
  too_long: () => 'invalid id: too long',
  forbidden_character: () => 'invalid id: contains a character that is not allowed (/ \\ ? # % or control)',
  empty_path: () => 'invalid request: empty path',
  not_finite: (e) => `invalid value for ${e.field ?? 'a parameter'}`,
  empty_list: (e) => `${e.field ?? 'a list'} is an empty list`,
  body_not_allowed: () => 'invalid request: this method carries no body',
  out_of_range: (e) => `the resulting time ${e.value ?? '?'} is outside 0…1440 minutes`,
};

const FEATURE_NAMES: Record<UnsupportedError['feature'], string> = {
  'timetrack.delta': 'time delta',
  'leavetime.delta': 'leave delta',
};

function clientWords(err: ActitimeError): Words & { retryAfterSeconds?: number; field?: string } {
  if (err instanceof NetworkError) {
    const at = err.host === undefined ? 'actiTIME' : `actiTIME at ${err.host}`;
    const hint = 'check ACTITIME_URL and that actiTIME is reachable, then try again';
    if (err.reason === 'refused') return { message: `cannot reach ${at}`, hint };
    if (err.reason === 'reset') return { message: `the connection to ${at} was interrupted`, hint };
    return { message: 'the request to actiTIME failed unexpectedly', hint };
  }
  if (err instanceof TimeoutError) {
    if (err.scope === 'call') {
      return {
        message:
          err.afterMs === undefined
            ? 'the call ran out of time'
            : `the call did not finish within its ${formatMs(err.afterMs)} deadline`,
        hint: 'actiTIME is slow; try again in a moment, or narrow the request',
      };
    }
    return {
      message:
        err.afterMs === undefined
          ? 'actiTIME did not answer in time'
          : `actiTIME did not answer within ${formatMs(err.afterMs)}`,
      hint: 'actiTIME is slow or unreachable; try again in a moment',
    };
  }
  if (err instanceof CancelledError) {
    const message =
      err.reason === 'closed'
        ? 'the server is shutting down'
        : err.reason === 'call_ended'
          ? 'the call ended'
          : 'the call was cancelled';
    return { message, hint: 'nothing more was sent for this call' };
  }
  if (err instanceof RateLimitedError) {
    const seconds = err.retryAfterSeconds;
    const realSeconds =
      err.retryAfterMs !== undefined && Number.isFinite(err.retryAfterMs)
        ? Math.max(1, Math.ceil(err.retryAfterMs / 1000))
        : undefined;
    if (err.capSeconds !== undefined && seconds !== undefined) {
      return {
        message: `actiTIME asked to wait ${seconds} s before the next request, longer than the ${err.capSeconds} s this server waits`,
        hint: 'try again in a few minutes; if it repeats, actiTIME (or a proxy in front of it) sends a wrong Retry-After',
      };
    }
    return {
      message:
        seconds === undefined
          ? 'actiTIME rate limit reached'
          : `actiTIME rate limit; retry after ~${seconds} s`,
      hint:
        realSeconds === undefined
          ? 'wait a little, then try again'
          : `wait about ${realSeconds} s, then try again`,
      ...(realSeconds === undefined ? {} : { retryAfterSeconds: realSeconds }),
    };
  }
  if (err.kind === 'busy') {
    return { message: 'server busy, try again', hint: 'too many calls are queued; try again in a moment' };
  }
  if (err instanceof UnexpectedResponseError) {
    const what: Record<UnexpectedResponseError['reason'], string> = {
      html: 'HTML instead of JSON',
      malformed_json: 'malformed JSON',
      schema: `field ${err.field ?? '?'}`,
      batch_length: 'a batch answer of the wrong length',
      paging: `paging by ${err.field ?? '?'} does not end`,
    };
    return {
      message: `unexpected response from actiTIME (${what[err.reason]})`,
      hint: 'check that ACTITIME_URL points at an actiTIME REST API (…/api/v1)',
      ...(err.field === undefined ? {} : { field: err.field }),
    };
  }
  if (err instanceof ResponseTooLargeError) {
    return {
      message: `actiTIME response exceeded ${err.limitBytes} bytes`,
      hint: 'narrow the request: a shorter period, a filter, or a smaller limit',
    };
  }
  if (err instanceof ConfigError) {
    const p = err.problem;
    const message =
      p === undefined
        ? err.message
        : p.reason === 'dns'
          ? `cannot resolve the actiTIME host ${p.host}; check ACTITIME_URL`
          : p.reason === 'tls'
            ? `the TLS certificate of ${p.host} is not trusted (${p.code}); check ACTITIME_URL`
            : `actiTIME answered with a redirect (HTTP ${p.status}); check ACTITIME_URL`;
    const setting = err.setting;
    return {
      message,
      hint:
        setting === undefined
          ? 'fix the server configuration and restart it'
          : `fix ${setting} in the server configuration and restart it`,
      ...(setting === undefined ? {} : { field: setting }),
    };
  }
  if (err instanceof UnsupportedError) {
    return {
      message: `this actiTIME server has no ${FEATURE_NAMES[err.feature]} endpoint (an older version)`,
      hint: 'read the cell and set the new total instead (mode set)',
    };
  }
  if (err instanceof CallBudgetError) {
    return {
      message:
        err.needed === undefined
          ? `this call needed more than the ${err.limit} requests to actiTIME one call may send`
          : `this call would need about ${err.needed} requests to actiTIME, more than the ${err.limit} one call may send`,
      hint: 'narrow it: fewer users, entries or names, a department, or a shorter period',
    };
  }
  return { message: 'the request to actiTIME failed', hint: 'try again later' };
}

/** The assistant's view of an actiTIME or client error. */
export function actitimeErrorFields(err: ActitimeError): ErrorFields {
  if (err instanceof InvalidRequestError) {
    // Refused before sending (e.g. an id that is not one path segment): for the caller, a bad argument.
    return {
      kind: 'validation',
      message: INVALID_REQUEST[err.reason](err),
      ...(err.field ? { field: capUntrusted(err.field, 100) } : {}),
      hint: 'fix the named argument and call again',
    };
  }
  const base: ErrorFields =
    err instanceof ActitimeApiError
      ? apiFields(err)
      : (() => {
          const w = clientWords(err);
          return {
            kind: err.kind,
            message: capUntrusted(redact(w.message), 400),
            ...(w.field === undefined ? {} : { field: capUntrusted(w.field, 100) }),
            ...(w.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: w.retryAfterSeconds }),
            hint: w.hint,
          };
        })();
  if (!err.maybeApplied) return base;
  return {
    ...base,
    message: `${base.message}. ${MAYBE_APPLIED}`,
    hint: MAYBE_APPLIED_HINT,
    maybeApplied: true,
  };
}

// ---- notes on results that succeeded ------------------------------------------------------------------------

/**
 * Said once in a result whose additions went out as absolute totals because the server has no delta endpoint
 * (docs/actitime-model.md §4): read-then-set is not atomic, and the entries it concerns carry `emulated: true`.
 */
export function emulatedDeltaNote(feature: UnsupportedError['feature']): string {
  return (
    `this actiTIME server has no ${FEATURE_NAMES[feature]} endpoint (an older version), so the entries marked ` +
    'emulated were written as new totals from the values read before writing; a change someone else made to ' +
    'those cells in between would have been replaced'
  );
}

/** An applied write whose new value neither the answer nor a read-back showed: `after` is the expected one. */
export const UNREAD_AFTER_WRITE = {
  message: 'saved, but actiTIME answered without the new value and re-reading the cell failed',
  hint: '"after" is the expected value; re-read the cell if another person or tool may have changed it too',
} as const;

/** Why an optional part of a result is missing (src/tools/optional-part.ts), in one line. */
export function unavailableReason(
  why: 'refused' | 'absent' | 'page' | 'unreadable',
  err?: ActitimeApiError,
): string {
  const answer =
    err === undefined
      ? ''
      : ` (HTTP ${err.status}${err.key === undefined ? '' : ` ${capUntrusted(err.key, 100)}`})`;
  switch (why) {
    case 'refused':
      return `not available: actiTIME refused this part for your account${answer}`;
    case 'absent':
      return `not available: this actiTIME version does not offer it${answer}`;
    case 'page':
      return 'not available: actiTIME answered with a web page instead of data (an older version)';
    case 'unreadable':
      return "not available: actiTIME's answer for this part could not be read";
  }
}
