/**
 * Every failure the client can raise, as data: what happened (kind, reason), the facts around it (status, the
 * key and message exactly as actiTIME sent them, host, wait, limit…) and whether a write may have been applied.
 * The sentences an assistant reads are written from these fields in one place, src/tools/error-text.ts; the
 * `message` of an error here is a terse diagnostic for logs only.
 *
 * None of them ever holds a credential: `cause` is never attached (undici errors can carry request options).
 */
export type ActitimeErrorKind =
  | 'api'
  | 'network'
  | 'config'
  | 'timeout'
  | 'cancelled'
  | 'rate_limited'
  | 'busy'
  | 'unexpected_response'
  | 'response_too_large'
  | 'invalid_request'
  | 'unsupported'
  | 'call_budget';

export abstract class ActitimeError extends Error {
  abstract readonly kind: ActitimeErrorKind;
  /**
   * True when a write may have reached actiTIME before failing: the caller must re-read before trying again.
   * Set by the client (markMaybeApplied), never guessed by tools.
   */
  maybeApplied = false;

  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, message: this.message, maybeApplied: this.maybeApplied };
  }
}

/** An actiTIME error answer: the status, and `{key, message, fields?}` from its body when it had one. */
export class ActitimeApiError extends ActitimeError {
  readonly kind = 'api' as const;
  constructor(
    readonly status: number,
    /** The key exactly as sent, e.g. `api.error.customer_exists`; undefined when the body had none. */
    readonly key: string | undefined,
    /** actiTIME's own `message`, cleaned and capped; undefined when it sent none. */
    readonly upstreamMessage?: string,
    readonly fields?: string,
  ) {
    super(`HTTP ${status}${key === undefined ? '' : ` ${key}`}`);
    this.name = 'ActitimeApiError';
  }
  /** The key without the `api.error.` prefix; `''` when there was none. */
  get shortKey(): string {
    return (this.key ?? '').replace(/^api\.error\./, '');
  }
  /**
   * The case this answer stands for, as a short key of the model's table (docs/actitime-model.md §1.11): the key
   * itself when it is one of them, else recognised from the status and message, because a server may send one
   * generic key for every validation error (quirk `generic-errors`); `''` when neither tells.
   */
  get meaning(): string {
    return meaningOf(this.status, this.shortKey, this.upstreamMessage);
  }
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      key: this.key,
      upstreamMessage: this.upstreamMessage,
      fields: this.fields,
    };
  }
}

/** Short keys of the model's error table (docs/actitime-model.md §1.11). */
const KNOWN_KEYS = new Set([
  'invalid_auth_scheme',
  'mandatory_field',
  'string_length',
  'invalid_argument',
  'customer_exists',
  'project_exists',
  'task_exists',
  'workflow_status_exists',
  'day_limit_exceeded',
  'timetrack_locked',
  'timetrack_approved',
  'workflow_status_in_use',
  'last_workflow_status',
  'approved_time_exists',
  'batch_too_large',
  'authentication_failed',
  'user_cannot_be_authorized',
  'access_denied',
  'ip_banned',
  'object_not_found',
  'unknown_resource',
  'method_not_allowed',
  'unsupported_media_type',
  'too_many_requests',
  'internal',
]);

/**
 * Messages that name their case, most specific first. Only `customer_exists` is documented; the other phrases
 * are the model's, so a server that words them differently falls back to the status.
 */
const MESSAGE_MEANINGS: ReadonlyArray<[RegExp, string]> = [
  [/\bcustomer\b.*\balready exists\b/i, 'customer_exists'],
  [/\bproject\b.*\balready exists\b/i, 'project_exists'],
  [/\btask\b.*\balready exists\b/i, 'task_exists'],
  [/\bworkflow status\b.*\balready exists\b/i, 'workflow_status_exists'],
  [/\bmandatory field\b/i, 'mandatory_field'],
  [/\bstring length\b/i, 'string_length'],
  [/\bcannot parse\b/i, 'invalid_argument'],
  [/\b24 hours\b|\bday limit\b/i, 'day_limit_exceeded'],
  [/\blocked\b/i, 'timetrack_locked'],
  [/\brevokeApprovedWeeks\b|\bapproved time\b/i, 'approved_time_exists'],
  [/\bapproved\b/i, 'timetrack_approved'],
  [/\bused by tasks\b/i, 'workflow_status_in_use'],
  [/\blast workflow status\b/i, 'last_workflow_status'],
  [/\btoo many operations\b/i, 'batch_too_large'],
  [/\bdoes not have access\b|\blacks permissions?\b/i, 'access_denied'],
  [/\bdoes not exist\b/i, 'object_not_found'],
];

function meaningOf(status: number, shortKey: string, message: string | undefined): string {
  if (KNOWN_KEYS.has(shortKey)) return shortKey;
  if (message === undefined || status < 400 || status >= 500) return '';
  return MESSAGE_MEANINGS.find(([pattern]) => pattern.test(message))?.[1] ?? '';
}
/**
 * - `refused`: no connection was made (nothing was sent);
 * - `reset`: the connection broke after the request may have been sent;
 * - `failed`: an unexpected failure inside the client.
 */
export type NetworkReason = 'refused' | 'reset' | 'failed';

export class NetworkError extends ActitimeError {
  readonly kind = 'network' as const;
  constructor(
    readonly reason: NetworkReason,
    /** host[:port] of actiTIME. */
    readonly host?: string,
    /** The socket error code, e.g. ECONNREFUSED. */
    readonly code?: string,
  ) {
    super(
      `network ${reason}${code === undefined ? '' : ` (${code})`}${host === undefined ? '' : ` at ${host}`}`,
    );
    this.name = 'NetworkError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, host: this.host, code: this.code };
  }
}

/**
 * A setting that cannot work. At startup `message` is the sentence for the operator (stderr). At run time the
 * transport raises it with a `problem` instead, and the sentence is written from that.
 */
export type ConfigProblem =
  | { reason: 'dns'; host: string }
  | { reason: 'tls'; host: string; code: string }
  | { reason: 'redirect'; status: number };

export class ConfigError extends ActitimeError {
  readonly kind = 'config' as const;
  constructor(
    message: string,
    /** The setting to fix, e.g. `ACTITIME_URL`. */
    readonly setting?: string,
    readonly problem?: ConfigProblem,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), setting: this.setting, problem: this.problem };
  }
}

/** A run-time configuration failure found by the transport (DNS, TLS, redirect): always about ACTITIME_URL. */
export function endpointError(problem: ConfigProblem): ConfigError {
  return new ConfigError(`actiTIME endpoint: ${problem.reason}`, 'ACTITIME_URL', problem);
}

/** `attempt`: one HTTP attempt took too long; `call`: the whole call ran out of its deadline. */
export type TimeoutScope = 'attempt' | 'call';

export class TimeoutError extends ActitimeError {
  readonly kind = 'timeout' as const;
  constructor(
    readonly scope: TimeoutScope = 'attempt',
    /** The limit that was reached, in ms. */
    readonly afterMs?: number,
  ) {
    super(`timeout (${scope}${afterMs === undefined ? '' : `, ${Math.round(afterMs)} ms`})`);
    this.name = 'TimeoutError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), scope: this.scope, afterMs: this.afterMs };
  }
}

/** `caller`: the MCP client cancelled; `closed`: the client is shutting down; `call_ended`: the call is over. */
export type CancelReason = 'caller' | 'closed' | 'call_ended';

export class CancelledError extends ActitimeError {
  readonly kind = 'cancelled' as const;
  constructor(readonly reason: CancelReason = 'caller') {
    super(`cancelled (${reason})`);
    this.name = 'CancelledError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

export class RateLimitedError extends ActitimeError {
  readonly kind = 'rate_limited' as const;
  constructor(
    /** How long to wait before the next request may succeed, in ms, when known. */
    readonly retryAfterMs?: number,
    /** The same in actiTIME's seconds (as sent in Retry-After or X-Ratelimit-Reset). */
    readonly retryAfterSeconds?: number,
    /** Set when actiTIME asked for a wait longer than the client believes (maxRetryAfterMs), in seconds. */
    readonly capSeconds?: number,
  ) {
    super(`rate limited${retryAfterSeconds === undefined ? '' : `; wait ${retryAfterSeconds} s`}`);
    this.name = 'RateLimitedError';
  }
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      retryAfterMs: this.retryAfterMs,
      retryAfterSeconds: this.retryAfterSeconds,
      capSeconds: this.capSeconds,
    };
  }
}

/** The local queue is full (limiter highWater): fail fast instead of queueing without bound. */
export class BusyError extends ActitimeError {
  readonly kind = 'busy' as const;
  constructor() {
    super('local request queue full');
    this.name = 'BusyError';
  }
}

/** What was wrong with a 2xx answer (or a list that never ends). */
export type UnexpectedReason = 'html' | 'malformed_json' | 'schema' | 'batch_length' | 'paging';

export class UnexpectedResponseError extends ActitimeError {
  readonly kind = 'unexpected_response' as const;
  constructor(
    readonly reason: UnexpectedReason,
    /** The first field that failed validation, or the paging field that misbehaved. */
    readonly field?: string,
  ) {
    super(`unexpected response (${reason}${field === undefined ? '' : `: ${field}`})`);
    this.name = 'UnexpectedResponseError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, field: this.field };
  }
}

export class ResponseTooLargeError extends ActitimeError {
  readonly kind = 'response_too_large' as const;
  constructor(readonly limitBytes: number) {
    super(`response over ${limitBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limitBytes: this.limitBytes };
  }
}

/** Why the client refused to build a request. */
export type InvalidRequestReason =
  | 'not_integer'
  | 'not_a_segment'
  | 'empty'
  | 'dot_segment'
  | 'too_long'
  | 'forbidden_character'
  | 'empty_path'
  | 'not_finite'
  | 'empty_list'
  | 'body_not_allowed'
  | 'out_of_range';

/** A request the client refuses to build (e.g. a path segment such as `..`); nothing was sent. */
export class InvalidRequestError extends ActitimeError {
  readonly kind = 'invalid_request' as const;
  constructor(
    readonly reason: InvalidRequestReason,
    /** The offending argument, when known. */
    readonly field?: string,
    /** The offending value when it is safe to show (a number). */
    readonly value?: number,
  ) {
    super(`invalid request (${reason}${field === undefined ? '' : `: ${field}`})`);
    this.name = 'InvalidRequestError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, field: this.field, value: this.value };
  }
}

/** An endpoint family this (older) actiTIME server lacks, e.g. the time delta endpoint. */
export type Feature = 'timetrack.delta' | 'leavetime.delta';

export class UnsupportedError extends ActitimeError {
  readonly kind = 'unsupported' as const;
  constructor(readonly feature: Feature) {
    super(`unsupported endpoint ${feature}`);
    this.name = 'UnsupportedError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), feature: this.feature };
  }
}

/**
 * One tool call may spend only part of the account's budget (docs/reliability.md, "one call, one budget"): a
 * call that needs more is refused before (or instead of) sending the excess.
 */
export class CallBudgetError extends ActitimeError {
  readonly kind = 'call_budget' as const;
  constructor(
    /** Requests one call may send. */
    readonly limit: number,
    /** Requests the call would need, when known up front. */
    readonly needed?: number,
  ) {
    super(`call budget of ${limit} requests exceeded${needed === undefined ? '' : ` (needs ${needed})`}`);
    this.name = 'CallBudgetError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limit: this.limit, needed: this.needed };
  }
}

export function isActitimeError(err: unknown): err is ActitimeError {
  return err instanceof ActitimeError;
}
