/**
 * One actiTIME account's rate budget shared by every replica (docs/team-server.md): a token bucket
 * (token-bucket.ts) held in Redis by bottleneck's clustering, keyed per actiTIME URL and account.
 *
 * Leases keep Redis off the per-request path: a replica takes `LEASE_SIZE` tokens with one weighted bottleneck
 * job and hands them out locally. Every lease has the same size because bottleneck serves a clustered
 * reservoir to whichever job fits first: a larger lease would wait forever behind smaller ones while the
 * account is busy. So the heaviest request (a batch) is one lease, and batches are split to fit. A leased token
 * not spent within `LEASE_TTL_MS` is dropped, which is what bounds how late a request can reach the server
 * after its token left the bucket (the bucket's margin). The tokens a quiet replica lets expire cost nothing
 * when the account is quiet too (its bucket is full); under load every lease is spent.
 *
 * Redis down: the same waiters are served, in order, by a local bucket at 1/N of the shared one (N = the
 * replicas configured), started empty; when Redis is back they return to leases from a fresh limiter. Nothing is
 * sent twice and nothing is dropped: a waiter only ever moves between sources before it sends, and a lease job
 * that the outage left behind in bottleneck can at worst take tokens nobody uses.
 *
 * This budget is awaited after the process's own RateBudget (limiter.ts), which keeps honouring the server's
 * Retry-After and rate headers.
 */
import { createHash } from 'node:crypto';
import type Bottleneck from 'bottleneck';
import type { Logger } from '../logger.js';
import { CancelledError } from './errors.js';
import { KEY_PREFIX, type RedisLink, type RedisStatus } from './redis.js';
import { abortError } from './signals.js';
import { TokenBucket, bucketFor, type BucketShape, type WindowLimit } from './token-bucket.js';

/** Tokens per lease, and so the heaviest request: a batch of this many operations at most. */
export const LEASE_SIZE = 8;
/** A leased token unspent for this long is dropped. */
export const LEASE_TTL_MS = 500;
/** How late a request may reach actiTIME after its token left the bucket, besides the lease's lifetime. */
export const NETWORK_MARGIN_MS = 250;
/**
 * bottleneck's Redis heartbeat announces new capacity to every replica at once, and Redis delivers it in
 * subscription order, so the first replica to subscribe would win every lease. Its other announcement names one
 * replica, the one that has waited longest; it follows any *other* script that finds the bucket refilled. So
 * the heartbeat is left slow (it keeps the replica registered) and a replica with a lease queued looks at the
 * bucket (`currentReservoir`) about twice per token instead: the refill it finds goes to the longest waiter.
 */
const HEARTBEAT_MS = 5_000;
/** After a lease fails: the wait before the next try. */
const RETRY_MS = 100;
/** Unused shared state expires from Redis after this long. */
const KEY_TIMEOUT_MS = 15 * 60_000;

/** What the client's limiter needs from a budget shared beyond this process. */
export interface SharedBudget {
  /** Waits (FIFO) until `weight` requests may be sent. */
  acquire(weight: number, signal: AbortSignal): Promise<void>;
  /** The heaviest request it can ever grant (a batch is split below it). */
  readonly maxWeight: number;
  close(): Promise<void>;
}

export interface ClusterBudgetOptions {
  link: RedisLink;
  logger: Logger;
  /** actiTIME's base URL and the account: the budget's key (hashed: no names in Redis). */
  url: string;
  username: string;
  windows: readonly WindowLimit[];
  /** Replicas sharing the account at most: the fallback runs at 1/replicas of the shared budget. */
  replicas: number;
  now?: () => number;
}

interface Waiter {
  weight: number;
  resolve: () => void;
  reject: (err: Error) => void;
  done: boolean;
}

interface LeasedTokens {
  count: number;
  expiresAt: number;
}

/** The Redis key part of an account: stable across replicas, reveals neither the URL nor the name. */
export function budgetKey(url: string, username: string): string {
  const digest = createHash('sha256').update(`${url}\n${username.toLowerCase()}`).digest('hex');
  return `${KEY_PREFIX}:budget:${digest.slice(0, 32)}`;
}

export class ClusterBudget implements SharedBudget {
  readonly shape: BucketShape;
  readonly fallbackShape: BucketShape;
  readonly maxWeight: number;
  /** How the tokens granted so far were obtained (tests, diagnostics). */
  readonly granted = { leased: 0, fallback: 0, leases: 0 };
  private readonly id: string;
  private readonly link: RedisLink;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly waiters: Waiter[] = [];
  private stock: LeasedTokens[] = [];
  private limiter: Bottleneck | undefined;
  /** Its setup failed (Redis dropped meanwhile): it is being replaced. */
  private broken = false;
  private replacing: Promise<void> | undefined;
  /** A lease job is queued in bottleneck for the current limiter. */
  private leasing = false;
  private fallback: TokenBucket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(opts: ClusterBudgetOptions) {
    this.link = opts.link;
    this.log = opts.logger;
    this.now = opts.now ?? (() => performance.now());
    this.id = budgetKey(opts.url, opts.username);
    this.shape = bucketFor(opts.windows, LEASE_TTL_MS + NETWORK_MARGIN_MS, LEASE_SIZE);
    const n = Math.max(1, Math.floor(opts.replicas));
    this.fallbackShape = {
      capacity: Math.max(1, Math.floor(this.shape.capacity / n)),
      intervalMs: this.shape.intervalMs * n,
      start: 0,
    };
    this.maxWeight = Math.max(1, Math.min(LEASE_SIZE, this.fallbackShape.capacity));
    this.unsubscribe = this.link.onStatus((status) => this.onStatus(status));
    if (this.link.status === 'down') this.fallback = new TokenBucket(this.fallbackShape, this.now);
  }

  get mode(): RedisStatus {
    return this.fallback ? 'down' : 'up';
  }

  acquire(weight: number, signal: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new CancelledError('closed'));
    if (signal.aborted) return Promise.reject(abortError(signal));
    const w = Math.max(1, Math.min(Math.floor(weight), this.maxWeight));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { weight: w, resolve, reject, done: false };
      const onAbort = (): void => {
        if (waiter.done) return;
        waiter.done = true;
        reject(abortError(signal));
        this.pump();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      waiter.reject = (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      };
      this.waiters.push(waiter);
      this.pump();
    });
  }

  private onStatus(status: RedisStatus): void {
    if (this.closed) return;
    if (status === 'down') {
      // Started empty: together with the shared bucket's past, N of these add nothing to any window.
      this.fallback ??= new TokenBucket(this.fallbackShape, this.now);
    } else if (this.fallback) {
      this.fallback = undefined;
      // A lease job the outage left queued is offered the bucket again (bottleneck re-creates its state in a
      // restarted Redis when a script first misses it).
      if (this.leasing && this.limiter) this.startPolling(this.limiter);
    }
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    const t = this.now();
    this.stock = this.stock.filter((s) => s.expiresAt > t && s.count > 0);
    while (this.waiters.length > 0) {
      const head = this.waiters[0]!;
      if (head.done) {
        this.waiters.shift();
        continue;
      }
      if (this.takeLeased(head.weight)) {
        this.granted.leased += head.weight;
      } else if (this.fallback?.tryTake(head.weight, t)) {
        this.granted.fallback += head.weight;
      } else break;
      this.waiters.shift();
      head.done = true;
      head.resolve();
    }
    this.arm(t);
    if (this.waiters.length > 0 && !this.fallback) this.lease();
  }

  private takeLeased(weight: number): boolean {
    const total = this.stock.reduce((n, s) => n + s.count, 0);
    if (total < weight) return false;
    let left = weight;
    for (const s of this.stock) {
      const used = Math.min(s.count, left);
      s.count -= used;
      left -= used;
      if (left === 0) break;
    }
    return true;
  }

  /** In fallback mode: wakes up when the head waiter's tokens are due. */
  private arm(t: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.waiters.find((w) => !w.done);
    if (!head || !this.fallback) return;
    const at = this.fallback.readyAt(head.weight, t);
    if (at === Infinity) return;
    this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(at - t)));
  }

  private limiterNow(): Bottleneck {
    if (this.limiter) return this.limiter;
    const limiter = new this.link.bottleneck({
      id: this.id,
      datastore: 'ioredis',
      connection: this.link.connection,
      clearDatastore: false,
      maxConcurrent: null,
      // Nearly empty at creation, also after a Redis restart (what was spent before may still count on the
      // server): one lease, which the bucket's bound leaves room for.
      reservoir: this.shape.start,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: this.shape.intervalMs,
      reservoirIncreaseMaximum: this.shape.capacity,
      heartbeatInterval: HEARTBEAT_MS,
      timeout: KEY_TIMEOUT_MS,
    });
    limiter.on('error', (err: unknown) => this.log.debug(`shared budget: ${String(err)}`));
    // Its setup can fail when Redis drops at that moment; the lease that follows then fails and it is replaced.
    limiter.ready().catch(() => {
      if (this.limiter === limiter) this.broken = true;
    });
    this.limiter = limiter;
    return limiter;
  }

  /** One weighted bottleneck job takes a lease's worth of tokens from the shared bucket. */
  private lease(): void {
    if (this.leasing || this.replacing || !this.waiters.some((w) => !w.done)) return;
    const want = this.maxWeight;
    const limiter = this.limiterNow();
    this.leasing = true;
    this.startPolling(limiter);
    limiter
      .schedule({ weight: want }, () => Promise.resolve())
      .then(
        () => {
          if (this.limiter !== limiter) return;
          this.leasing = false;
          this.stopPolling();
          this.granted.leases += 1;
          this.stock.push({ count: want, expiresAt: this.now() + LEASE_TTL_MS });
          this.pump();
        },
        (err: unknown) => {
          if (this.limiter !== limiter) return;
          this.leasing = false;
          this.stopPolling();
          this.log.debug(`shared budget: lease refused: ${String(err)}`);
          // Never at once: a Redis that refuses every command while the link still reads `up` (its close not yet
          // seen) would make lease after lease fail within one turn, a loop of promises that starves the very
          // event loop that would report the link down (it hung a test run).
          if (this.broken) {
            this.replacing = this.link.retire(limiter).then(() => {
              this.limiter = undefined;
              this.broken = false;
              setTimeout(() => {
                this.replacing = undefined;
                this.pump();
              }, RETRY_MS).unref();
            });
            return;
          }
          // Redis failed under the job: the status change moves the waiters.
          setTimeout(() => this.pump(), RETRY_MS).unref();
        },
      );
  }

  /** While a lease is queued: ticks the shared bucket, so its refills are offered to the longest waiter. */
  private startPolling(limiter: Bottleneck): void {
    this.stopPolling();
    const every = Math.max(10, Math.floor(this.shape.intervalMs / 2));
    this.poll = setInterval(() => {
      if (this.limiter !== limiter || this.fallback) return this.stopPolling();
      limiter.currentReservoir().catch(() => undefined);
    }, every);
    this.poll.unref();
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.stopPolling();
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) {
      if (w.done) continue;
      w.done = true;
      w.reject(new CancelledError('closed'));
    }
    const limiter = this.limiter;
    this.limiter = undefined;
    // Not awaited: with Redis down it is detached once Redis is back, or when the link closes.
    if (limiter) void this.link.retire(limiter);
  }
}
