/**
 * Client settings: defaults, validation and the keep-alive connection pool. The environment mapping is
 * src/config.ts's clientConfigFromEnv (variables declared in src/settings-schema.ts).
 * Every validation failure is a ConfigError naming the setting to fix, in one line, without echoing secrets.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Dispatcher, Pool } from 'undici';
import { ConfigError } from './errors.js';

export interface RateLimits {
  /** actiTIME's per-account budget per second (official: 100). */
  perSecond: number;
  /** actiTIME's per-account budget per minute (official: 1000). */
  perMinute: number;
  /** Requests in flight at once, reads and writes together. */
  maxConcurrent: number;
  /**
   * When > 0, writes go one at a time and consecutive write starts are at least this far apart as the server
   * sees them (counted from the previous write's response). At 0 (default) writes share the concurrency cap
   * with reads: deltas are atomic and set-style writes absolute, so overlap cannot corrupt a cell.
   */
  writeMinTimeMs: number;
  /** Requests allowed to wait in the local queue; beyond it calls fail fast with BusyError. */
  highWater: number;
}

export interface ClientConfig {
  /** Installation URL, e.g. `https://online.actitime.com/acme`; `/api/v1` is appended unless present. */
  baseUrl: string;
  username: string;
  password: string;
  /** One attempt, headers and body together. */
  attemptTimeoutMs?: number;
  /**
   * One tool call (a call scope), or one bare request: queueing, attempts and waits together. Below the MCP
   * client's 60 s request timeout, so a result (or a "may have been applied") always arrives before it gives up.
   */
  deadlineMs?: number;
  /**
   * Requests one tool call may send (a batch counts one per operation). Default: half a minute of the account's
   * per-minute budget, so one call can never starve the others for long.
   */
  callMaxRequests?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /**
   * Longest Retry-After believed. actiTIME never asks for more than a minute; a larger value fails its call at
   * once (naming the wait) and pauses the other calls no longer than this. Default 120 time units.
   */
  maxRetryAfterMs?: number;
  /** Milliseconds in one "second" of Retry-After / X-Ratelimit-Reset and of the rate windows. Tests scale it. */
  timeUnitMs?: number;
  limits?: Partial<RateLimits>;
  maxResponseBytes?: number;
  /** Permit `http://` to hosts that are not loopback (ACTITIME_ALLOW_INSECURE=1). */
  allowInsecure?: boolean;
  /** Reference data (info, leave types, statuses, …) is re-read after this long. */
  cacheTtlMs?: number;
}

export type ResolvedClientConfig = Required<Omit<ClientConfig, 'limits'>> & {
  limits: RateLimits;
  /** Parsed `baseUrl`; its pathname ends with `/api/v1`. */
  url: URL;
};

export const DEFAULT_LIMITS: RateLimits = {
  perSecond: 100,
  perMinute: 1000,
  maxConcurrent: 6,
  writeMinTimeMs: 0,
  highWater: 1000,
};

export const DEFAULTS = {
  attemptTimeoutMs: 15_000,
  deadlineMs: 50_000,
  maxRetries: 3,
  backoffBaseMs: 500,
  backoffCapMs: 8_000,
  timeUnitMs: 1000,
  maxResponseBytes: 10 * 1024 * 1024,
  cacheTtlMs: 5 * 60_000,
} as const;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(host) || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** Parses and checks the installation URL; returns it with `/api/v1` as the path's end (SEC-CR-07). */
export function normaliseBaseUrl(raw: string, allowInsecure = false): URL {
  const text = raw.trim();
  if (!text)
    throw new ConfigError(
      'ACTITIME_URL is not set; use your actiTIME address, e.g. https://online.actitime.com/acme',
      'ACTITIME_URL',
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      'ACTITIME_URL is not a valid URL; expected e.g. https://online.actitime.com/acme',
      'ACTITIME_URL',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      'ACTITIME_URL must start with https:// (or http:// for a local server)',
      'ACTITIME_URL',
    );
  }
  // Never echo the URL here: it may carry the very credentials we refuse (SEC-CR-04).
  if (url.username || url.password) {
    throw new ConfigError(
      'ACTITIME_URL must not contain credentials; set ACTITIME_USERNAME and ACTITIME_PASSWORD instead',
      'ACTITIME_URL',
    );
  }
  if (url.search || url.hash) {
    throw new ConfigError('ACTITIME_URL must not contain a query string or fragment', 'ACTITIME_URL');
  }
  if (url.protocol === 'http:' && !allowInsecure && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      'ACTITIME_URL uses http:// for a non-local host, which would send the password in clear text; use https:// or set ACTITIME_ALLOW_INSECURE=1',
      'ACTITIME_URL',
    );
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (!/\/api\/v1$/.test(path)) path += '/api/v1';
  url.pathname = path;
  return url;
}

function checkNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max || !Number.isInteger(value)) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}`, name);
  }
  return value;
}

/** Fills defaults and validates; accepts an already resolved config unchanged. */
export function resolveClientConfig(config: ClientConfig): ResolvedClientConfig {
  const allowInsecure = config.allowInsecure ?? false;
  const url = normaliseBaseUrl(config.baseUrl ?? '', allowInsecure);
  if (!config.username) throw new ConfigError('ACTITIME_USERNAME is not set', 'ACTITIME_USERNAME');
  if (!config.password) throw new ConfigError('ACTITIME_PASSWORD is not set', 'ACTITIME_PASSWORD');
  if (config.username.includes(':')) {
    throw new ConfigError(
      'ACTITIME_USERNAME must not contain ":" (HTTP Basic authentication cannot carry it)',
      'ACTITIME_USERNAME',
    );
  }
  const timeUnitMs = checkNumber('timeUnitMs', config.timeUnitMs ?? DEFAULTS.timeUnitMs, 1, 60_000);
  const limits: RateLimits = { ...DEFAULT_LIMITS, ...stripUndefined(config.limits ?? {}) };
  checkNumber('ACTITIME_RATE_PER_SECOND', limits.perSecond, 1, 100_000);
  checkNumber('ACTITIME_RATE_PER_MINUTE', limits.perMinute, 1, 6_000_000);
  checkNumber('ACTITIME_MAX_CONCURRENT', limits.maxConcurrent, 1, 256);
  checkNumber('writeMinTimeMs', limits.writeMinTimeMs, 0, 600_000);
  checkNumber('highWater', limits.highWater, 1, 1_000_000);
  const backoffBaseMs = checkNumber(
    'backoffBaseMs',
    config.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
    1,
    600_000,
  );
  return {
    baseUrl: url.toString(),
    url,
    username: config.username,
    password: config.password,
    attemptTimeoutMs: checkNumber(
      'ACTITIME_TIMEOUT_MS',
      config.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
      1,
      3_600_000,
    ),
    deadlineMs: checkNumber('ACTITIME_DEADLINE_MS', config.deadlineMs ?? DEFAULTS.deadlineMs, 1, 3_600_000),
    callMaxRequests: checkNumber(
      'ACTITIME_CALL_MAX_REQUESTS',
      config.callMaxRequests ?? Math.max(1, Math.floor(limits.perMinute / 2)),
      1,
      1_000_000,
    ),
    maxRetries: checkNumber('ACTITIME_MAX_RETRIES', config.maxRetries ?? DEFAULTS.maxRetries, 0, 10),
    backoffBaseMs,
    backoffCapMs: checkNumber(
      'backoffCapMs',
      Math.max(config.backoffCapMs ?? DEFAULTS.backoffCapMs, backoffBaseMs),
      1,
      3_600_000,
    ),
    maxRetryAfterMs: checkNumber(
      'maxRetryAfterMs',
      config.maxRetryAfterMs ?? 120 * timeUnitMs,
      0,
      36_000_000,
    ),
    timeUnitMs,
    limits,
    maxResponseBytes: checkNumber(
      'ACTITIME_MAX_RESPONSE_BYTES',
      config.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      1024,
      1024 ** 3,
    ),
    allowInsecure,
    cacheTtlMs: checkNumber('cacheTtlMs', config.cacheTtlMs ?? DEFAULTS.cacheTtlMs, 0, 86_400_000),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mask(value: string): string {
  return value.length <= 1 ? '*' : value[0] + '*'.repeat(Math.min(value.length - 1, 6));
}

/** One line for the startup banner: the endpoint is shown, credentials are masked. */
export function describeClientConfig(config: ClientConfig | ResolvedClientConfig): string {
  const resolved = 'url' in config ? config : resolveClientConfig(config);
  const { url, limits } = resolved;
  const scheme = url.protocol === 'http:' ? ' (insecure http)' : '';
  return (
    `actiTIME ${url.origin}${url.pathname}${scheme} as user ${mask(resolved.username)} (password ******); ` +
    `limits ${limits.perSecond}/s, ${limits.perMinute}/min, ${limits.maxConcurrent} concurrent; ` +
    `timeout ${resolved.attemptTimeoutMs} ms per attempt, ${resolved.deadlineMs} ms and ${resolved.callMaxRequests} requests per call, ${resolved.maxRetries} retries`
  );
}

/**
 * `.invalid` names can never resolve (RFC 6761 §6.4); answering locally keeps them off the network. Everything
 * else goes to the system resolver.
 */
function lookup(
  hostname: string,
  options: object,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  if (/(^|\.)invalid\.?$/i.test(hostname)) {
    const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    err.code = 'ENOTFOUND';
    process.nextTick(callback, err, '', 0);
    return;
  }
  (dnsLookup as unknown as (h: string, o: object, cb: typeof callback) => void)(hostname, options, callback);
}

/**
 * One keep-alive pool per client, sized to the concurrency cap. undici itself (about 40 ms and 7 MB to load) is
 * loaded by the first request rather than at start-up, so a server that has only been initialized has not paid
 * for it (issue 12). What is returned offers what the client uses of a Pool: `request()` (promise form),
 * `close()` and `destroy()`.
 */
export function createPool(config: ResolvedClientConfig): Pool {
  return new LazyPool(config.url.origin, {
    connections: config.limits.maxConcurrent,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connect: { lookup, timeout: Math.min(config.attemptTimeoutMs, 10_000) },
  }) as unknown as Pool;
}

/** An undici Pool created on the first request; closing or destroying it first makes that pool a closed one. */
class LazyPool {
  private pool: Promise<Pool> | undefined;
  private ended: 'close' | 'destroy' | undefined;

  constructor(
    private readonly origin: string,
    private readonly options: Pool.Options,
  ) {}

  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    return this.open().then((pool) => pool.request(options));
  }

  async close(): Promise<void> {
    this.ended ??= 'close';
    if (this.pool) await (await this.pool).close();
  }

  async destroy(): Promise<void> {
    this.ended = 'destroy';
    if (this.pool) await (await this.pool).destroy();
  }

  private open(): Promise<Pool> {
    this.pool ??= import('undici').then(async ({ Pool }) => {
      const pool = new Pool(this.origin, this.options);
      // Ended before the first request: requests now fail as they do on an ended pool.
      if (this.ended === 'destroy') await pool.destroy();
      else if (this.ended === 'close') await pool.close();
      return pool;
    });
    return this.pool;
  }
}
