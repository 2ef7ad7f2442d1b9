/**
 * The one Redis connection a process shares between its clustered limiters (shared-budget.ts, login-guard.ts),
 * through bottleneck's own ioredis support: Redis holds the state every replica must see, bottleneck's Lua
 * scripts change it atomically, and nothing here is a home-made coordination protocol.
 *
 * Why these ioredis options: a request must never wait on a Redis that is gone. With the offline queue off and
 * one attempt per command, every command fails at once while the connection is down, and the status flips to
 * `down` on the first sign of it; the limiters then serve from their local fallbacks (docs/team-server.md) and
 * rejoin when ioredis reports `ready` again. ioredis keeps reconnecting (capped backoff) and re-subscribes by
 * itself.
 *
 * ioredis and bottleneck's Redis code are loaded only when a Redis URL is configured: a one-person stdio server
 * never pays for them.
 */
import { createRequire } from 'node:module';
import type Bottleneck from 'bottleneck';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { ConfigError } from './errors.js';
import { registerSecret, type Logger } from '../logger.js';

export type RedisStatus = 'up' | 'down';

export interface RedisLinkOptions {
  url: string;
  logger: Logger;
  /** Longest wait for a connection or a command before Redis counts as down. Default 1000 ms. */
  timeoutMs?: number;
}

/** The keys' common prefix: several deployments may share one Redis without meeting. */
export const KEY_PREFIX = 'actitime-mcp';

export class RedisLink {
  readonly client: RedisClient;
  /** bottleneck's wrapper around the shared client (and its subscriber duplicate). */
  readonly connection: Bottleneck.IORedisConnection;
  readonly bottleneck: typeof Bottleneck;
  private current: RedisStatus = 'down';
  private readonly listeners = new Set<(status: RedisStatus) => void>();
  private readonly log: Logger;
  private closed = false;
  private readonly retired: Array<{ limiter: Bottleneck; resolve: () => void }> = [];

  private constructor(client: RedisClient, bottleneck: typeof Bottleneck, log: Logger, shown: string) {
    this.client = client;
    this.bottleneck = bottleneck;
    this.log = log;
    this.connection = new bottleneck.IORedisConnection({ client });
    this.connection.on('error', (err: Error) => log.debug(`Redis ${shown} (bottleneck): ${err.message}`));
    void (this.connection as unknown as { ready: Promise<unknown> }).ready.then(
      () => acceptRedis7Errors(client),
      () => undefined,
    );
    // bottleneck subscribes on a duplicate of the client: both must be ready before a limiter can be made or
    // dropped (an unsubscribe on a reconnecting subscriber would fail where nobody can catch it).
    const subscriber = (this.connection as unknown as { subscriber: RedisClient }).subscriber;
    quietSubscriptions(subscriber);
    const both = [client, subscriber];
    const update = (): void => this.set(both.every((c) => c.status === 'ready') ? 'up' : 'down', shown);
    for (const c of both) {
      for (const event of ['ready', 'close', 'end', 'reconnecting'] as const) c.on(event, update);
      c.on('error', (err: Error) => {
        // ioredis reports every failed reconnect; the status change is what matters, once.
        log.debug(`Redis ${shown}: ${err.message}`);
      });
    }
  }

  /** Connects in the background; the link starts `down` and turns `up` once Redis answers. */
  static open(options: RedisLinkOptions): RedisLink {
    const require = createRequire(import.meta.url);
    const { Redis } = require('ioredis') as typeof import('ioredis');
    const bottleneck = require('bottleneck') as typeof Bottleneck;
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ConfigError('ACTITIME_REDIS_URL is not a URL (redis://host:port/db)', 'ACTITIME_REDIS_URL');
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new ConfigError('ACTITIME_REDIS_URL must start with redis:// or rediss://', 'ACTITIME_REDIS_URL');
    }
    if (url.password) registerSecret(decodeURIComponent(url.password));
    const timeoutMs = options.timeoutMs ?? 1000;
    const redisOptions: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      // Keep trying for as long as the process runs; a short cap so a restarted Redis is rejoined quickly.
      retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
      lazyConnect: false,
    };
    const client = new Redis(options.url, redisOptions);
    return new RedisLink(client, bottleneck, options.logger, `${url.hostname}:${url.port || 6379}`);
  }

  get status(): RedisStatus {
    return this.current;
  }

  /** Called on every change of status (not for the current one). Returns the unsubscribe function. */
  onStatus(listener: (status: RedisStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Detaches a limiter that is done with; resolves once it is. bottleneck unsubscribes where a failure cannot be
   * caught, so while Redis is down the limiter waits here and is detached once it is back. Until then no other
   * limiter with its id may be made on this connection: bottleneck keys them by id, and detaching one would
   * detach the other.
   */
  retire(limiter: Bottleneck): Promise<void> {
    if (this.current === 'up' || this.closed) return disconnect(limiter);
    return new Promise((resolve) => this.retired.push({ limiter, resolve }));
  }

  private set(status: RedisStatus, shown: string): void {
    if (status === this.current || this.closed) return;
    this.current = status;
    if (status === 'up') {
      for (const { limiter, resolve } of this.retired.splice(0)) void disconnect(limiter).then(resolve);
    }
    if (status === 'up') this.log.info(`Redis ${shown} reachable: budgets and the login guard are shared`);
    else
      this.log.warn(`Redis ${shown} unreachable: each replica limits itself to its share until it returns`);
    for (const listener of [...this.listeners]) listener(status);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.current = 'down';
    this.listeners.clear();
    for (const { resolve } of this.retired.splice(0)) resolve();
    await this.connection.disconnect(false);
  }
}

/**
 * ioredis re-subscribes after a reconnect without waiting for the answer, and bottleneck unsubscribes inside a
 * callback nobody awaits: when Redis drops at that moment, the rejection would reach no handler and end the
 * process. A (un)subscription lost with the connection is redone by ioredis on the next one, so its failure is
 * only worth a settled promise: the subscribe promise keeps its rejection for callers that await it but counts as
 * handled, and unsubscribe resolves.
 */
function quietSubscriptions(subscriber: RedisClient): void {
  const methods = subscriber as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const subscribe = methods.subscribe!.bind(subscriber);
  const unsubscribe = methods.unsubscribe!.bind(subscriber);
  methods.subscribe = (...args: unknown[]) => {
    const p = subscribe(...args);
    p.catch(() => undefined);
    return p;
  };
  methods.unsubscribe = (...args: unknown[]) => unsubscribe(...args).catch(() => undefined);
}

/** bottleneck's Lua scripts, which its IORedisConnection defines as commands on the client. */
const SCRIPT_NAMES: readonly string[] = (
  createRequire(import.meta.url)('bottleneck/lib/Scripts.js') as { names: string[] }
).names;

/**
 * Redis 7 prefixes the errors a script returns with `ERR `, and bottleneck 2.19.5 recognises the two it recovers
 * from (its state gone after a Redis restart, this replica forgotten) only without it, so it would never rejoin
 * a restarted Redis (SGrondin/bottleneck#205, #212, #219; bottleneck is no longer released). The prefix is taken
 * off those two, on the way from ioredis to bottleneck.
 */
function acceptRedis7Errors(client: RedisClient): void {
  const commands = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of SCRIPT_NAMES) {
    const original = commands[name];
    if (typeof original !== 'function') continue;
    commands[name] = function (this: unknown, ...args: unknown[]) {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (err: Error | null, reply: unknown) => {
          if (err && /^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)$/.test(err.message)) {
            err.message = err.message.slice(4);
          }
          (callback as (e: Error | null, r: unknown) => void)(err, reply);
        };
      }
      return original.apply(this, args);
    };
  }
}

/**
 * Detaches a clustered limiter from the shared connection. bottleneck returns nothing (not a promise) for a
 * shared connection.
 */
async function disconnect(limiter: Bottleneck): Promise<void> {
  try {
    await (limiter.disconnect(false) as Promise<void> | undefined);
  } catch {
    // Redis unreachable: its subscriptions went with the connection anyway.
  }
}
