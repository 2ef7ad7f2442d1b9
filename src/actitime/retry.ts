/**
 * Pure retry policy (docs/reliability.md, "Writes that cannot double-apply"): which failures may be retried for which request, and how long to wait.
 * No I/O and no clock of its own: time and randomness come in as arguments.
 */
import { ActitimeApiError, ActitimeError, NetworkError, TimeoutError } from './errors.js';

/** safe = GET; idempotent = set-style write (same body ⇒ same state); unsafe = create, delta, delete, … */
export type RequestSafety = 'safe' | 'idempotent' | 'unsafe';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export function requestSafety(method: HttpMethod, idempotent?: boolean): RequestSafety {
  if (method === 'GET') return 'safe';
  const flagged = idempotent ?? (method === 'PUT' || method === 'PATCH');
  return flagged ? 'idempotent' : 'unsafe';
}

/**
 * - `not_sent`: the server explicitly refused (429) or the connection was never made: nothing was applied.
 * - `ambiguous`: the request may have been processed (5xx, timeout, connection reset after sending).
 * - `fatal`: never retried (401, other 4xx, configuration, cancellation, bad responses).
 */
export type Failure =
  | { kind: 'not_sent'; reason: 'rate_limited' | 'refused' }
  | { kind: 'ambiguous'; reason: 'server_error' | 'timeout' | 'reset' }
  | { kind: 'fatal' };

/** Connection-level codes that prove the request never left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNREFUSED_LOCAL',
]);

export function classifyFailure(err: unknown): Failure {
  if (err instanceof ActitimeApiError) {
    if (err.status === 429) return { kind: 'not_sent', reason: 'rate_limited' };
    if (err.status >= 500) return { kind: 'ambiguous', reason: 'server_error' };
    return { kind: 'fatal' };
  }
  if (err instanceof TimeoutError) return { kind: 'ambiguous', reason: 'timeout' };
  if (err instanceof NetworkError) {
    return err.code && NOT_SENT_CODES.has(err.code)
      ? { kind: 'not_sent', reason: 'refused' }
      : { kind: 'ambiguous', reason: 'reset' };
  }
  return { kind: 'fatal' };
}

export interface RetryState {
  /** Attempts made so far, including the one that just failed (≥ 1). */
  attempts: number;
  /** Retries already spent on ambiguous failures. */
  ambiguousRetries: number;
}

/**
 * The retry table of docs/reliability.md ("Writes that cannot double-apply"). `maxRetries` bounds every kind; set-style writes get at most one retry after an ambiguous
 * failure (repeating the same absolute value cannot double-apply); unsafe requests none.
 */
export function shouldRetry(
  safety: RequestSafety,
  failure: Failure,
  state: RetryState,
  maxRetries: number,
): boolean {
  if (failure.kind === 'fatal') return false;
  if (state.attempts > maxRetries) return false;
  if (failure.kind === 'not_sent') return true;
  if (safety === 'safe') return true;
  if (safety === 'idempotent') return state.ambiguousRetries < 1;
  return false;
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/**
 * Wait before retry n (1 = first retry): equal jitter in [base·2ⁿ⁻¹·0.5, base·2ⁿ⁻¹), never below base, never
 * above cap. The floor makes the first retry exactly base; from the second on the band is [base·2ⁿ⁻², base·2ⁿ⁻¹).
 */
export function backoffDelayMs(retry: number, opts: BackoffOptions, random: () => number): number {
  const n = Math.max(1, Math.floor(retry));
  const ceiling = opts.baseMs * 2 ** (n - 1);
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = ceiling * (0.5 + 0.5 * r);
  return Math.round(Math.min(opts.capMs, Math.max(opts.baseMs, jittered)));
}

export interface RetryAfterOptions {
  /** Wall clock (epoch ms), for HTTP-date values. */
  nowMs: number;
}

const DELAY_SECONDS = /^\s*(\d{1,12})(?:\.\d+)?\s*$/;
const HTTP_DATE = /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s/i;

/**
 * Retry-After in actiTIME seconds: delay-seconds or an HTTP-date. Negative, non-numeric or unparsable values
 * are `undefined` (treated as missing, REL-RL-05). Large values are returned as they are: whether to believe
 * them is the client's decision (its maxRetryAfterMs), and the error names what the server asked for.
 */
export function parseRetryAfter(
  value: string | undefined | null,
  opts: RetryAfterOptions,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.length > 100 ? '' : value;
  let seconds: number | undefined;
  const m = DELAY_SECONDS.exec(text);
  if (m?.[1] !== undefined) seconds = Number(text.trim());
  else if (HTTP_DATE.test(text)) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) seconds = Math.max(0, at - opts.nowMs) / 1000;
  }
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return seconds;
}

/** X-Ratelimit-Remaining / -Reset as numbers; undefined when absent or not a plain non-negative integer. */
export function parseRateHeaders(
  remaining: string | undefined,
  reset: string | undefined,
): { remaining: number; resetSeconds: number } | undefined {
  const r = remaining !== undefined && /^\s*\d{1,9}\s*$/.test(remaining) ? Number(remaining) : undefined;
  const s = reset !== undefined && /^\s*\d{1,6}(?:\.\d+)?\s*$/.test(reset) ? Number(reset) : undefined;
  if (r === undefined || s === undefined) return undefined;
  return { remaining: r, resetSeconds: s };
}

/** Marks an error from a write that may have reached actiTIME; the formatter says what that means. */
export function markMaybeApplied<E extends ActitimeError>(err: E): E {
  err.maybeApplied = true;
  return err;
}
