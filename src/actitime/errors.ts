/**
 * Every failure the client can raise. None of them ever holds a credential: messages are built from our own
 * templates plus actiTIME's `message`, and `cause` is never attached (undici errors can carry request options).
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
  | 'invalid_request';

export abstract class ActitimeError extends Error {
  abstract readonly kind: ActitimeErrorKind;
  /**
   * True when a non-idempotent request may have reached actiTIME before failing: the caller must re-read before
   * trying again. Set by the client, never guessed by tools.
   */
  maybeApplied = false;

  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, message: this.message, maybeApplied: this.maybeApplied };
  }
}

/** An actiTIME error body `{key, message, fields?}`; unknown keys are kept as they are. */
export class ActitimeApiError extends ActitimeError {
  readonly kind = 'api' as const;
  constructor(
    readonly status: number,
    /** Full key as sent, e.g. `api.error.customer_exists`; `unknown` when the body had none. */
    readonly key: string,
    message: string,
    readonly fields?: string,
  ) {
    super(message);
    this.name = 'ActitimeApiError';
  }
  /** The key without the `api.error.` prefix. */
  get shortKey(): string {
    return this.key.replace(/^api\.error\./, '');
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, key: this.key, fields: this.fields };
  }
}

export class NetworkError extends ActitimeError {
  readonly kind = 'network' as const;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code };
  }
}

export class ConfigError extends ActitimeError {
  readonly kind = 'config' as const;
  constructor(
    message: string,
    /** The setting to fix, e.g. `ACTITIME_URL`. */
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), setting: this.setting };
  }
}

export class TimeoutError extends ActitimeError {
  readonly kind = 'timeout' as const;
  constructor(message = 'actiTIME did not answer in time') {
    super(message);
    this.name = 'TimeoutError';
  }
}

export class CancelledError extends ActitimeError {
  readonly kind = 'cancelled' as const;
  constructor(message = 'the request was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export class RateLimitedError extends ActitimeError {
  readonly kind = 'rate_limited' as const;
  constructor(
    message: string,
    /** How long actiTIME asked us to wait, in ms, when known. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** The local queue is full (limiter highWater): fail fast instead of queueing without bound. */
export class BusyError extends ActitimeError {
  readonly kind = 'busy' as const;
  constructor(message = 'server busy, try again') {
    super(message);
    this.name = 'BusyError';
  }
}

export class UnexpectedResponseError extends ActitimeError {
  readonly kind = 'unexpected_response' as const;
  constructor(
    message = 'unexpected response from actiTIME',
    /** The first field that failed validation, when the body parsed but did not match. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UnexpectedResponseError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

export class ResponseTooLargeError extends ActitimeError {
  readonly kind = 'response_too_large' as const;
  constructor(readonly limitBytes: number) {
    super(`actiTIME response exceeded ${limitBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/** A request the client refuses to build (e.g. a path segment such as `..`); nothing was sent. */
export class InvalidRequestError extends ActitimeError {
  readonly kind = 'invalid_request' as const;
  constructor(
    message: string,
    /** The offending argument, when known. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InvalidRequestError';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

export function isActitimeError(err: unknown): err is ActitimeError {
  return err instanceof ActitimeError;
}
