/**
 * ActitimeClient: the single way to talk to actiTIME. request() = path encoding → limiter → one HTTP attempt →
 * retry policy → zod parse. It knows nothing about MCP; resources/*.ts wrap it per endpoint.
 *
 * Safety rules enforced here rather than by callers (docs/reliability.md):
 * - a write is retried only where it cannot double-apply (retry.ts); otherwise the error says it may have been
 *   applied (`maybeApplied`);
 * - until a 2xx answer has proven the credentials, requests go one at a time, and one 401 stops all further
 *   requests with them: a wrong password costs exactly one failed sign-in per process, whatever 5xx, 429 or
 *   timeouts came first, so this process can never collect the three failed logins that ban the IP;
 * - `ip_banned` stops all requests for the ban's duration;
 * - a request made with a call scope's signal (call-scope.ts) shares that call's deadline and request budget;
 * - a Retry-After beyond `maxRetryAfterMs` fails the call at once and pauses the others no longer than that.
 */
import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { logger as defaultLogger, forgetSecret, registerSecret, type Logger } from '../logger.js';
import { CACHED_RESOURCES, ReferenceCache } from './cache.js';
import { createPool, resolveClientConfig, type ClientConfig, type ResolvedClientConfig } from './config.js';
import {
  ActitimeApiError,
  ActitimeError,
  CancelledError,
  InvalidRequestError,
  NetworkError,
  RateLimitedError,
  ResponseTooLargeError,
  TimeoutError,
  UnexpectedResponseError,
} from './errors.js';
import { CallScope, scopeOf } from './call-scope.js';
import { HttpTransport, formatMs, type AttemptResult } from './http.js';
import { RequestLimiter, rateLimitedError } from './limiter.js';
import { buildPath, buildQuery, type PathSegment, type Query } from './path.js';
import type { SharedBudget } from './shared-budget.js';
import {
  backoffDelayMs,
  classifyFailure,
  markMaybeApplied,
  parseRateHeaders,
  parseRetryAfter,
  requestSafety,
  shouldRetry,
  type Failure,
  type HttpMethod,
} from './retry.js';
import { firstIssuePath } from './schemas.js';
import { LinkedSignal, abortableSleep, raceAbort } from './signals.js';

export type { HttpMethod } from './retry.js';

export interface RequestOptions<T = unknown> {
  method: HttpMethod;
  /** Segments after `/api/v1`; each is percent-encoded as exactly one segment. */
  path: readonly PathSegment[];
  /** Arrays become one comma-joined parameter; undefined values are left out. */
  query?: Query;
  body?: unknown;
  /** Default: GET/PUT/PATCH true; POST/DELETE false. Set false for deltas, true for set-style POSTs. */
  idempotent?: boolean;
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
  /** Rate tokens this request spends: 1, or a batch's operation count. */
  weight?: number;
}

export interface ResponseMeta<T> {
  data: T;
  status: number;
  /** Response headers, lower-cased. */
  headers: Record<string, string>;
  /** Attempts sent to the server for this call. */
  attempts: number;
  /**
   * DELETE only: an earlier attempt failed ambiguously (5xx, timeout, reset) and the retry got 404, so the
   * first attempt most probably deleted the object (REL-RT-08). `data` is undefined.
   */
  goneOnRetry: boolean;
}

export interface ClientDeps {
  logger?: Logger;
  /** Wall clock (epoch ms); used for HTTP-date Retry-After values. */
  now?: () => number;
  /** [0, 1); jitter for backoff. */
  random?: () => number;
  /** Use this dispatcher instead of an own keep-alive pool (it is then not closed by close()). */
  dispatcher?: Dispatcher;
  /** How long idle concurrency slots stay leased from bottleneck (limiter.ts); default 1000 ms. */
  leaseIdleMs?: number;
  /** The account's budget shared with other replicas (ACTITIME_REDIS_URL); closed by close(). */
  sharedBudget?: SharedBudget;
}

export interface ClientStats {
  /** Attempts handed to the network. */
  requests: number;
  retries: number;
  /** 429 answers seen. */
  rateLimited: number;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A 429 as taken in by the client: what it asked for, and the wait every call now observes. */
interface RateLimitAnswer {
  asked?: { ms: number; seconds: number };
  wait?: number;
  /** The wait asked is beyond `maxRetryAfterMs`: the call fails at once. */
  beyondCap: boolean;
}

/** A write is not started with less than this share of its call's deadline left (it would likely time out). */
const MIN_WRITE_SHARE = 0.02;

export class ActitimeClient {
  readonly config: ResolvedClientConfig;
  readonly cache: ReferenceCache;
  readonly limiter: RequestLimiter;
  readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0 };
  /** Endpoint families this server lacks (older versions answer 404 unknown_resource), e.g. `timetrack.delta`. */
  readonly unsupported = new Set<string>();

  private readonly log: Logger;
  private readonly wallNow: () => number;
  private readonly random: () => number;
  private readonly clock = (): number => performance.now();
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly transport: HttpTransport;
  /** Signals of the calls under way, aborted by close(). */
  private readonly active = new Set<LinkedSignal>();
  private closed = false;

  private credentialsVerified = false;
  private probe: Deferred | undefined;
  private authError: ActitimeApiError | undefined;
  private bannedUntil = 0;
  private banError: ActitimeApiError | undefined;

  constructor(config: ClientConfig, deps: ClientDeps = {}) {
    this.config = resolveClientConfig(config);
    this.log = deps.logger ?? defaultLogger;
    this.wallNow = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    registerSecret(this.config.password);
    registerSecret(`${this.config.username}:${this.config.password}`);
    this.ownsDispatcher = deps.dispatcher === undefined;
    this.dispatcher = deps.dispatcher ?? createPool(this.config);
    this.transport = new HttpTransport({
      dispatcher: this.dispatcher,
      basePath: this.config.url.pathname,
      host: this.config.url.host,
      username: this.config.username,
      password: this.config.password,
      maxResponseBytes: this.config.maxResponseBytes,
    });
    this.limiter = new RequestLimiter({
      limits: this.config.limits,
      timeUnitMs: this.config.timeUnitMs,
      ...(deps.leaseIdleMs === undefined ? {} : { leaseIdleMs: deps.leaseIdleMs }),
      ...(deps.sharedBudget ? { shared: deps.sharedBudget } : {}),
    });
    this.cache = new ReferenceCache(this.config.cacheTtlMs);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * A scope for one tool call: pass its `signal` to every request the call makes, and `end()` it when the call
   * is over. Its deadline and request budget come from this client's configuration.
   */
  openCall(parent?: AbortSignal): CallScope {
    return new CallScope({
      ...(parent ? { parent } : {}),
      deadlineMs: this.config.deadlineMs,
      maxRequests: this.config.callMaxRequests,
      now: this.clock,
    });
  }

  /** The parsed body (or undefined for 204), validated by `schema` when given. */
  async request<T = unknown>(opts: RequestOptions<T>): Promise<T> {
    return (await this.send(opts)).data;
  }

  /** Like request(), with status, headers, attempt count and the DELETE-gone-on-retry flag. */
  async send<T = unknown>(opts: RequestOptions<T>): Promise<ResponseMeta<T>> {
    if (this.closed) throw new CancelledError('closed');
    const { method } = opts;
    const pathOnly = buildPath(opts.path);
    const target = pathOnly + buildQuery(opts.query);
    if (opts.body !== undefined && (method === 'GET' || method === 'DELETE')) {
      throw new InvalidRequestError('body_not_allowed', 'body');
    }
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const route = `${method} ${pathOnly}`;
    const safety = requestSafety(method, opts.idempotent);
    const isWrite = method !== 'GET';
    const weight = Math.max(1, Math.floor(opts.weight ?? 1));
    // A call scope carries the whole call's deadline; a bare request gets one of its own.
    const scope = scopeOf(opts.signal);
    const deadlineMs = scope ? scope.deadlineMs : this.config.deadlineMs;
    const deadlineAt = this.clock() + (scope ? scope.remainingMs() : deadlineMs);
    const minWriteMs = deadlineMs * MIN_WRITE_SHARE;
    const linked = new LinkedSignal(
      [opts.signal],
      scope ? undefined : { inMs: deadlineMs, lengthMs: deadlineMs },
    );
    this.active.add(linked);
    const state = { attempts: 0, ambiguousRetries: 0 };
    let ambiguousBefore = false;
    const resource = typeof opts.path[0] === 'string' ? opts.path[0] : '';

    try {
      for (;;) {
        this.throwIfBlocked();
        const isProbe = await this.awaitCredentialCheck(linked.signal);
        let result: AttemptResult | undefined;
        let failure: ActitimeError | undefined;
        let dispatched = false;
        // The attempt's own timer was shortened to the call's deadline: its expiry is the call's.
        let cutByDeadline = false;
        // Refused inside the slot because an answer to another request blocked these credentials meanwhile.
        let blocked = false;
        // A 429's wait and pause, decided while this request still held its slot (see takeIn()).
        let limit: RateLimitAnswer | undefined;
        const started = this.clock();
        try {
          scope?.spend(weight);
          result = await this.limiter.run(
            { write: isWrite, weight, signal: linked.signal, deadlineAt, retry: state.attempts > 0 },
            (slot) => {
              const remaining = deadlineAt - this.clock();
              // Too late to start a write that could still finish: refuse it unsent rather than leave it
              // "maybe applied" at the deadline.
              if (isWrite && remaining < minWriteMs) throw new TimeoutError('call', deadlineMs);
              // A 401 or a ban answered to a request that went ahead of this one while it was queued.
              if (this.authError || this.banError) {
                try {
                  this.throwIfBlocked();
                } catch (err) {
                  blocked = true;
                  throw err;
                }
              }
              dispatched = true;
              cutByDeadline = remaining < this.config.attemptTimeoutMs;
              state.attempts++;
              this.stats.requests++;
              return this.transport
                .attempt({
                  method,
                  path: target,
                  body,
                  signal: linked.signal,
                  timeoutMs: Math.max(1, Math.min(this.config.attemptTimeoutMs, remaining)),
                  onHeaders: () => slot.responded(),
                })
                .then((answered) => {
                  limit = this.takeIn(answered, state.attempts);
                  return answered;
                });
            },
          );
        } catch (err) {
          failure = err instanceof ActitimeError ? err : new NetworkError('failed');
        } finally {
          if (!dispatched) scope?.refund(weight);
          if (isProbe) this.settleProbe(result);
        }

        if (result) {
          this.log.debug(`actiTIME ${route} → ${result.status} in ${Math.round(this.clock() - started)} ms`, {
            attempt: state.attempts,
          });
          if (!result.error) {
            if (isWrite && CACHED_RESOURCES.has(resource)) this.cache.invalidate(resource);
            try {
              return {
                data: this.parse(opts.schema, result.body),
                status: result.status,
                headers: result.headers,
                attempts: state.attempts,
                goneOnRetry: false,
              };
            } catch (err) {
              // A write answered 2xx was most probably applied, but we cannot show its result.
              if (isWrite && err instanceof ActitimeError) markMaybeApplied(err);
              throw err;
            }
          }
          failure = result.error;
        }
        failure ??= new NetworkError('failed');
        if (cutByDeadline && failure instanceof TimeoutError && failure.scope === 'attempt') {
          failure = new TimeoutError('call', deadlineMs);
        }

        // The call's own signal ended it (cancel, deadline, shutdown): never retried.
        if (linked.signal.aborted && (failure instanceof CancelledError || failure instanceof TimeoutError)) {
          if (isWrite && (dispatched || ambiguousBefore)) markMaybeApplied(failure);
          throw failure;
        }
        // Refused before sending (call budget, too close to the deadline, credentials blocked): nothing happened.
        if (!dispatched && (blocked || !(failure instanceof ActitimeApiError))) {
          if (isWrite && ambiguousBefore) markMaybeApplied(failure);
          throw failure;
        }

        if (failure instanceof ActitimeApiError) {
          if (failure.status === 401) {
            this.log.error(
              `actiTIME ${route}: ${failure.message}; no further requests will be sent with these credentials`,
            );
            throw failure;
          }
          if (failure.status === 403 && failure.shortKey === 'ip_banned') throw failure;
          if (
            method === 'DELETE' &&
            ambiguousBefore &&
            failure.status === 404 &&
            failure.shortKey !== 'unknown_resource'
          ) {
            this.log.warn(
              `actiTIME ${route}: not found on retry; the first attempt most probably deleted it`,
            );
            if (CACHED_RESOURCES.has(resource)) this.cache.invalidate(resource);
            return {
              data: undefined as T,
              status: 404,
              headers: result?.headers ?? {},
              attempts: state.attempts,
              goneOnRetry: true,
            };
          }
          if (failure.status === 429) this.stats.rateLimited++;
        }

        if (
          isWrite &&
          (failure instanceof UnexpectedResponseError || failure instanceof ResponseTooLargeError)
        ) {
          // A 2xx whose body we could not use: the write most probably happened.
          throw markMaybeApplied(failure);
        }

        const kind = classifyFailure(failure);
        if (isWrite && kind.kind === 'ambiguous' && CACHED_RESOURCES.has(resource))
          this.cache.invalidate(resource);
        const rateLimited = failure instanceof ActitimeApiError && failure.status === 429;
        if (rateLimited && limit?.beyondCap) {
          const asked = limit.asked!;
          this.log.warn(
            `actiTIME ${route} answered 429 asking to wait ${asked.seconds} s, more than the ${formatMs(this.config.maxRetryAfterMs)} this client waits; giving up`,
          );
          throw new RateLimitedError(
            asked.ms,
            asked.seconds,
            Math.round(this.config.maxRetryAfterMs / this.config.timeUnitMs),
          );
        }
        const retryAfter = rateLimited ? limit?.asked?.ms : undefined;
        const wait =
          (rateLimited ? limit?.wait : undefined) ??
          backoffDelayMs(
            state.attempts,
            { baseMs: this.config.backoffBaseMs, capMs: this.config.backoffCapMs },
            this.random,
          );

        if (!shouldRetry(safety, kind, state, this.config.maxRetries)) {
          throw this.finalError(failure, kind, isWrite, ambiguousBefore, rateLimited ? wait : undefined);
        }
        const remaining = deadlineAt - this.clock();
        if (rateLimited && retryAfter !== undefined && retryAfter > remaining) {
          throw rateLimitedError(retryAfter, this.config.timeUnitMs);
        }
        if (wait >= remaining) {
          throw this.finalError(failure, kind, isWrite, ambiguousBefore, rateLimited ? wait : undefined);
        }
        if (kind.kind === 'ambiguous') {
          state.ambiguousRetries++;
          ambiguousBefore = true;
        }
        this.stats.retries++;
        this.log.warn(
          `actiTIME ${route} ${describeFailure(failure, kind)}; retrying in ${formatMs(wait)} (retry ${state.attempts} of ${this.config.maxRetries})`,
        );
        try {
          await abortableSleep(wait, linked.signal);
        } catch (err) {
          const e = err instanceof ActitimeError ? err : new CancelledError();
          if (isWrite && ambiguousBefore) markMaybeApplied(e);
          throw e;
        }
      }
    } finally {
      this.active.delete(linked);
      linked.dispose();
    }
  }

  /**
   * Some operations of a batch were refused with 429 (nothing of them was applied): every call pauses until the
   * window the answer's headers name has passed (one time unit when they name none), as for a 429 of a whole
   * request. The next request then waits for the budget, or fails as rate-limited when that is past its call's
   * deadline.
   */
  noteRateLimited(headers: Record<string, string>): void {
    this.stats.rateLimited++;
    const rate = parseRateHeaders(headers['x-ratelimit-remaining'], headers['x-ratelimit-reset']);
    const asked = this.retryAfterFrom(headers);
    const ms = Math.min(
      asked?.ms ?? (rate ? rate.resetSeconds * this.config.timeUnitMs : this.config.timeUnitMs),
      this.config.maxRetryAfterMs,
    );
    this.limiter.budget.pauseUntil(this.clock() + Math.max(ms, this.config.timeUnitMs));
  }

  /** Aborts in-flight requests, drops queued ones, closes the connection pool. Leaves no timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const linked of this.active) linked.abort(new CancelledError('closed'));
    this.probe?.resolve();
    await this.limiter.close();
    if (this.ownsDispatcher) await (this.dispatcher as Pool).destroy().catch(() => undefined);
    forgetSecret(this.config.password);
    forgetSecret(`${this.config.username}:${this.config.password}`);
  }

  private parse<T>(schema: z.ZodType<T> | undefined, body: unknown): T {
    if (!schema) return body as T;
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new UnexpectedResponseError('schema', firstIssuePath(parsed.error));
  }

  /** What a 429 asks: Retry-After, else X-Ratelimit-Reset with nothing remaining; in ms and as sent. */
  private retryAfterFrom(headers: Record<string, string>): { ms: number; seconds: number } | undefined {
    const unit = this.config.timeUnitMs;
    const seconds = parseRetryAfter(headers['retry-after'], { nowMs: this.wallNow() });
    if (seconds !== undefined) return { ms: Math.round(seconds * unit), seconds: Math.ceil(seconds) };
    const rate = parseRateHeaders(headers['x-ratelimit-remaining'], headers['x-ratelimit-reset']);
    if (rate && rate.remaining === 0) {
      return { ms: Math.round(rate.resetSeconds * unit), seconds: Math.ceil(rate.resetSeconds) };
    }
    return undefined;
  }

  private observeRateHeaders(headers: Record<string, string>): void {
    const rate = parseRateHeaders(headers['x-ratelimit-remaining'], headers['x-ratelimit-reset']);
    if (rate) this.limiter.budget.observe(rate.remaining, rate.resetSeconds);
  }

  /**
   * What an answer means for every request of this client, taken in while its request still holds the slot:
   * the limiter hands a freed slot to the next queued request at once, so a rate pause, a 401 or a ban decided
   * after the slot was released would come too late for it. Rate headers adjust the budget; a 429 pauses it
   * (for the wait the retry will use); a 401 or `ip_banned` blocks further requests.
   */
  private takeIn(result: AttemptResult, attempts: number): RateLimitAnswer | undefined {
    this.observeRateHeaders(result.headers);
    const err = result.error;
    if (!(err instanceof ActitimeApiError)) return undefined;
    if (err.status === 401) {
      this.authError ??= err;
      return undefined;
    }
    if (err.status === 403 && err.shortKey === 'ip_banned') {
      this.bannedUntil = this.clock() + 60 * this.config.timeUnitMs;
      this.banError = err;
      return undefined;
    }
    if (err.status !== 429) return undefined;
    const asked = this.retryAfterFrom(result.headers);
    if (asked && asked.ms > this.config.maxRetryAfterMs) {
      // Not believed (actiTIME never asks for more than a minute): that call fails, naming the wait; the
      // others pause no longer than the cap.
      this.limiter.budget.pauseUntil(this.clock() + this.config.maxRetryAfterMs);
      return { asked, beyondCap: true };
    }
    const wait =
      asked?.ms ??
      backoffDelayMs(
        attempts,
        { baseMs: this.config.backoffBaseMs, capMs: this.config.backoffCapMs },
        this.random,
      );
    // 429 is account-wide: every call waits, not only this one.
    this.limiter.budget.pauseUntil(this.clock() + wait);
    return { ...(asked ? { asked } : {}), wait, beyondCap: false };
  }

  private finalError(
    failure: ActitimeError,
    kind: Failure,
    isWrite: boolean,
    ambiguousBefore: boolean,
    rateLimitWait: number | undefined,
  ): ActitimeError {
    if (rateLimitWait !== undefined) {
      const err = rateLimitedError(rateLimitWait, this.config.timeUnitMs);
      return ambiguousBefore && isWrite ? markMaybeApplied(err) : err;
    }
    if (isWrite && (kind.kind === 'ambiguous' || ambiguousBefore)) markMaybeApplied(failure);
    return failure;
  }

  private throwIfBlocked(): void {
    if (this.closed) throw new CancelledError('closed');
    const auth = this.authError;
    if (auth) throw new ActitimeApiError(auth.status, auth.key, auth.upstreamMessage, auth.fields);
    const ban = this.banError;
    if (ban && this.clock() < this.bannedUntil) {
      throw new ActitimeApiError(ban.status, ban.key, ban.upstreamMessage, ban.fields);
    }
  }

  /**
   * Until a 2xx answer has proven the credentials, requests go one at a time: a wrong password then costs
   * exactly one 401, never the three that ban the IP, whatever answers (5xx, 429, timeouts) came before it.
   * Returns true when the caller is that probe.
   */
  private async awaitCredentialCheck(signal: AbortSignal): Promise<boolean> {
    while (!this.credentialsVerified) {
      this.throwIfBlocked();
      if (!this.probe) {
        this.probe = deferred();
        return true;
      }
      await raceAbort(this.probe.promise, signal);
    }
    return false;
  }

  /** Only a 2xx proves the credentials: a 5xx may come from a proxy, or from a server that never checked them. */
  private settleProbe(result: AttemptResult | undefined): void {
    if (result && result.status >= 200 && result.status < 300) this.credentialsVerified = true;
    const probe = this.probe;
    this.probe = undefined;
    probe?.resolve();
  }
}

function describeFailure(err: ActitimeError, kind: Failure): string {
  if (err instanceof ActitimeApiError)
    return `answered ${err.status}${err.status === 429 ? ' (rate limit)' : ''}`;
  if (kind.kind === 'not_sent') return 'could not connect';
  if (err instanceof TimeoutError) return 'timed out';
  return 'lost the connection';
}
