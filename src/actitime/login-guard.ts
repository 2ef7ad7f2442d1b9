/**
 * The login guard (docs/team-server.md): actiTIME bans the calling IP for a minute after 3 failed sign-ins in
 * 10 s, and a team server's people all call from its one address. So every sign-in not yet proven, from any
 * person on any replica, first takes one of `maxFailures` (2) slots; a sign-in that succeeds (or fails for
 * another reason) frees its slot at once, a refused one (401) keeps it for the ban window. However many people
 * mistype at once, no 10 s holds more than 2 failures, and the third never happens.
 *
 * With Redis the slots are bottleneck's clustered concurrency: a job per sign-in, with an expiration that frees
 * the slot even if its replica dies while holding it. Without Redis they are local (one replica). Redis down,
 * and for one hold period after it returns (a restarted Redis forgot the held slots): each replica keeps
 * floor(2 / N) slots for N replicas, and with none left unproven sign-ins wait or are refused; people already
 * proven are not affected.
 */
import type Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import { KEY_PREFIX, type RedisLink } from './redis.js';

/** actiTIME bans at 3 failures; the guard allows one fewer. */
export const MAX_FAILED_SIGN_INS = 2;
/** actiTIME's ban window, plus a margin for the server's clock and the network. */
export const FAILURE_HOLD_MS = 10_000 + 1_000;
/**
 * How long an unproven sign-in waits for a slot before it is refused with Retry-After: long enough for a whole
 * team reconnecting after a deploy (a sign-in that succeeds holds its slot for one round trip).
 */
export const SIGN_IN_WAIT_MS = 10_000;

export interface SignInSlot {
  /** The sign-in was not refused as a wrong credential: the slot is free at once. */
  release(): void;
  /** actiTIME refused the credentials (401): the slot stays taken for the ban window. */
  failed(): void;
}

export type SignInGrant = { ok: true; slot: SignInSlot } | { ok: false; retryAfterMs: number };

export interface LoginGuardOptions {
  /** actiTIME's base URL: one guard per server (the ban is per caller address, not per account). */
  url: string;
  logger: Logger;
  /** Shares the guard between replicas. */
  link?: RedisLink;
  replicas?: number;
  maxFailures?: number;
  holdMs?: number;
  waitMs?: number;
}

/**
 * A slot freed by `free` at once on release(), or `holdMs` after failed(); the first of the two counts. The
 * hold's timer is kept in `timers` so close() can drop it.
 */
function holdingSlot(
  free: () => void,
  holdMs: number,
  timers: Set<NodeJS.Timeout>,
  onFailed?: () => void,
): SignInSlot {
  let settled = false;
  return {
    release: () => {
      if (settled) return;
      settled = true;
      free();
    },
    failed: () => {
      if (settled) return;
      settled = true;
      onFailed?.();
      const timer = setTimeout(() => {
        timers.delete(timer);
        free();
      }, holdMs);
      timer.unref();
      timers.add(timer);
    },
  };
}

interface LocalWaiter {
  grant: (slot: SignInSlot) => void;
}

/** Slots in this process: `size` at most held at once, FIFO. */
class LocalSlots {
  private held = 0;
  private readonly waiters: LocalWaiter[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly size: number,
    private readonly holdMs: number,
  ) {}

  take(waitMs: number): Promise<SignInSlot | undefined> {
    if (this.size === 0) return Promise.resolve(undefined);
    if (this.held < this.size && this.waiters.length === 0) return Promise.resolve(this.slot());
    return new Promise((resolve) => {
      const waiter: LocalWaiter = {
        grant: (slot) => {
          clearTimeout(timer);
          resolve(slot);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  /** Counts a failure made through another path (the cluster's) for the hold period, if a slot is free. */
  occupy(): void {
    if (this.held < this.size) this.slot().failed();
  }

  private slot(): SignInSlot {
    this.held += 1;
    return holdingSlot(
      () => {
        this.held -= 1;
        const next = this.waiters.shift();
        if (next) next.grant(this.slot());
      },
      this.holdMs,
      this.timers,
    );
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export class LoginGuard {
  private readonly maxFailures: number;
  private readonly holdMs: number;
  private readonly waitMs: number;
  private readonly local: LocalSlots;
  /** Redis down: this replica's share of the slots. */
  private readonly fallback: LocalSlots;
  private readonly link: RedisLink | undefined;
  private readonly log: Logger;
  private readonly id: string;
  private limiter: Bottleneck | undefined;
  private replacing: Promise<void> | undefined;
  private bannedUntil = 0;
  /**
   * Redis came back at this time (Date.now). A restarted Redis has forgotten the slots failed sign-ins still
   * hold, so for one hold period the guard keeps to this replica's fallback share.
   */
  private rejoinedAt = -Infinity;
  private readonly holds = new Set<NodeJS.Timeout>();

  constructor(opts: LoginGuardOptions) {
    this.maxFailures = opts.maxFailures ?? MAX_FAILED_SIGN_INS;
    this.holdMs = opts.holdMs ?? FAILURE_HOLD_MS;
    this.waitMs = opts.waitMs ?? SIGN_IN_WAIT_MS;
    this.link = opts.link;
    this.log = opts.logger;
    this.local = new LocalSlots(this.maxFailures, this.holdMs);
    const replicas = Math.max(1, Math.floor(opts.replicas ?? 1));
    this.fallback = new LocalSlots(Math.floor(this.maxFailures / replicas), this.holdMs);
    const digest = createHash('sha256').update(opts.url).digest('hex').slice(0, 32);
    this.id = `${KEY_PREFIX}:login:${digest}`;
    let seenDown = false;
    this.link?.onStatus((status) => {
      if (status === 'down') seenDown = true;
      else if (seenDown) this.rejoinedAt = Date.now();
    });
  }

  /** actiTIME answered `ip_banned`: no unproven sign-in goes out until the ban is over. */
  noteBan(durationMs: number): void {
    this.bannedUntil = Math.max(this.bannedUntil, Date.now() + durationMs);
  }

  /** A slot for one unproven sign-in, or how long to wait before trying again. */
  async acquire(): Promise<SignInGrant> {
    const banned = this.bannedUntil - Date.now();
    if (banned > 0) return { ok: false, retryAfterMs: banned };
    let slot: SignInSlot | undefined;
    if (!this.link) slot = await this.local.take(this.waitMs);
    else if (this.link.status === 'up' && !this.replacing && Date.now() - this.rejoinedAt >= this.holdMs) {
      slot = await this.clustered();
    } else slot = await this.fallback.take(this.waitMs);
    return slot ? { ok: true, slot } : { ok: false, retryAfterMs: this.holdMs };
  }

  private clusterLimiter(): Bottleneck {
    if (this.limiter) return this.limiter;
    const link = this.link!;
    const limiter = new link.bottleneck({
      id: this.id,
      datastore: 'ioredis',
      connection: link.connection,
      clearDatastore: false,
      maxConcurrent: this.maxFailures,
      heartbeatInterval: 250,
      timeout: 15 * 60_000,
    });
    limiter.on('error', (err: unknown) => this.log.debug(`login guard: ${String(err)}`));
    limiter.ready().catch(() => {
      // Its setup failed (Redis dropped meanwhile): replaced once it is detached.
      if (this.limiter !== limiter) return;
      this.replacing = link.retire(limiter).then(() => {
        this.limiter = undefined;
        this.replacing = undefined;
      });
    });
    this.limiter = limiter;
    return limiter;
  }

  /** A bottleneck job holds the slot; its expiration frees it in Redis if this process dies holding it. */
  private clustered(): Promise<SignInSlot | undefined> {
    return new Promise((resolve) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        resolve(undefined);
      }, this.waitMs);
      const job = (): Promise<void> =>
        new Promise<void>((end) => {
          if (answered) return end();
          answered = true;
          clearTimeout(timer);
          // Should Redis go while a failure is held, this replica's fallback share still remembers it.
          resolve(holdingSlot(end, this.holdMs, this.holds, () => this.fallback.occupy()));
        });
      this.clusterLimiter()
        .schedule({ expiration: this.holdMs + 5_000 }, job)
        .catch((err: unknown) => {
          this.log.debug(`login guard: ${String(err)}`);
          if (answered) return;
          answered = true;
          clearTimeout(timer);
          // Redis failed under the request: this replica's fallback share decides.
          void this.fallback.take(this.waitMs).then(resolve);
        });
    });
  }

  async close(): Promise<void> {
    this.local.close();
    this.fallback.close();
    for (const t of this.holds) clearTimeout(t);
    this.holds.clear();
    const limiter = this.limiter;
    this.limiter = undefined;
    // Not awaited: with Redis down it is detached once Redis is back, or when the link closes.
    if (limiter) void this.link?.retire(limiter);
  }
}
