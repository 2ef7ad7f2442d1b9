/**
 * Client-side throttling: actiTIME's per-account budgets (per second, per minute), a concurrency cap, serialised
 * writes, a bounded queue, and adaptation to the server's rate headers.
 *
 * Why not bottleneck's reservoir alone: a reservoir refills on the client's own clock, so its windows need not
 * line up with the server's fixed windows (which start at the first request after the previous window ended).
 * RateBudget instead keeps a conservative sliding window: a request counts from the moment it is sent until one
 * window length after its response arrived (in flight = counts). The server must have received a request
 * before answering it, so two requests that the server could place in one fixed window are always both counted
 * here, whatever the network jitter; hence no fixed server window can ever hold more than the limit.
 * Bottleneck provides the queues, priorities, the concurrency cap and the shutdown semantics.
 */
import Bottleneck from 'bottleneck';
import type { RateLimits } from './config.js';
import { ActitimeError, BusyError, CancelledError, RateLimitedError } from './errors.js';
import { abortError, abortableSleep, raceAbort } from './signals.js';

type Clock = () => number;
const monotonic: Clock = () => performance.now();

interface Entry {
  weight: number;
  sentAt: number;
  /** Infinity while in flight. */
  doneAt: number;
}

interface Window {
  limit: number;
  /** Window length plus a small safety margin for clock granularity. */
  spanMs: number;
}

interface Waiter {
  weight: number;
  deadlineAt: number;
  resolve: (ticket: Ticket) => void;
  reject: (err: ActitimeError) => void;
  settled: boolean;
}

export interface Ticket {
  /** Marks the request finished (response received or failed). Idempotent. */
  done(): void;
}

export interface BudgetOptions {
  perSecond: number;
  perMinute: number;
  timeUnitMs: number;
  now?: Clock;
}

/** Sliding-window budget over both of actiTIME's windows, plus server-imposed pauses and caps. */
export class RateBudget {
  private readonly windows: Window[];
  private readonly now: Clock;
  private readonly unit: number;
  private entries: Entry[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private pausedUntil = 0;
  /** What the server's X-Ratelimit-Remaining said is left, when that is less than our own accounting. */
  private cap: { left: number; until: number } | undefined;
  private closed = false;

  constructor(opts: BudgetOptions) {
    this.now = opts.now ?? monotonic;
    this.unit = opts.timeUnitMs;
    const margin = (ms: number): number => 1 + ms * 0.01;
    const second = opts.timeUnitMs;
    const minute = 60 * opts.timeUnitMs;
    this.windows = [
      { limit: opts.perSecond, spanMs: second + margin(second) },
      { limit: opts.perMinute, spanMs: minute + margin(minute) },
    ];
  }

  /** Requests counted against `window` at time t (in flight, or finished less than a span ago). */
  private usage(window: Window, t: number): number {
    let used = 0;
    for (const e of this.entries) if (e.doneAt > t - window.spanMs) used += e.weight;
    return used;
  }

  /** Budget left in the tighter window by our own accounting. */
  ownRemaining(t = this.now()): number {
    return Math.min(...this.windows.map((w) => w.limit - this.usage(w, t)));
  }

  /** Earliest time a request of `weight` may be sent; Infinity = only once something in flight finishes. */
  earliest(weight: number, t = this.now()): number {
    let at = Math.max(t, this.pausedUntil);
    if (this.cap && t < this.cap.until && this.cap.left < weight) at = Math.max(at, this.cap.until);
    for (const window of this.windows) {
      const w = Math.min(weight, window.limit);
      let inFlight = 0;
      const finished: Entry[] = [];
      for (const e of this.entries) {
        if (e.doneAt === Infinity) inFlight += e.weight;
        else if (e.doneAt > t - window.spanMs) finished.push(e);
      }
      if (inFlight + w > window.limit) return Infinity;
      let excess = inFlight + w - window.limit;
      for (const e of finished) excess += e.weight;
      if (excess <= 0) continue;
      finished.sort((a, b) => a.doneAt - b.doneAt);
      for (const e of finished) {
        excess -= e.weight;
        if (excess <= 0) {
          at = Math.max(at, e.doneAt + window.spanMs);
          break;
        }
      }
    }
    return at;
  }

  /** Waits (FIFO) until `weight` requests may be sent, then records them as in flight. */
  acquire(weight: number, signal: AbortSignal, deadlineAt = Infinity): Promise<Ticket> {
    if (this.closed) return Promise.reject(new CancelledError('the actiTIME client is closed'));
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = { weight: Math.max(1, weight), deadlineAt, resolve, reject, settled: false };
      const onAbort = (): void => {
        if (waiter.settled) return;
        waiter.settled = true;
        reject(abortError(signal));
        this.pump();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          signal.removeEventListener('abort', onAbort);
          fn(v);
        };
      waiter.resolve = settle(resolve);
      waiter.reject = settle(reject);
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Server asked us to stop until `until` (Retry-After on a 429). */
  pauseUntil(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
    this.pump();
  }

  /**
   * X-Ratelimit-Remaining / -Reset from a response received at `at`. Our own count of requests that could share
   * the server's window is never below the server's count of ours, so a Remaining below our own estimate means
   * another client shares the account: then at most Remaining more requests go out before the reset.
   */
  observe(remaining: number, resetSeconds: number, at = this.now()): void {
    if (remaining < this.ownRemaining(at)) {
      this.cap = { left: remaining, until: at + resetSeconds * this.unit };
    } else {
      this.cap = undefined;
    }
    this.pump();
  }

  private grant(weight: number, t: number): Ticket {
    const entry: Entry = { weight, sentAt: t, doneAt: Infinity };
    this.entries.push(entry);
    if (this.cap && t < this.cap.until) this.cap.left -= weight;
    return {
      done: () => {
        if (entry.doneAt !== Infinity) return;
        entry.doneAt = this.now();
        this.pump();
      },
    };
  }

  private prune(t: number): void {
    const longest = Math.max(...this.windows.map((w) => w.spanMs));
    if (this.entries.length > 0 && this.entries.some((e) => e.doneAt <= t - longest)) {
      this.entries = this.entries.filter((e) => e.doneAt > t - longest);
    }
    if (this.cap && t >= this.cap.until) this.cap = undefined;
  }

  private pump(): void {
    if (this.closed) return;
    const t = this.now();
    this.prune(t);
    while (this.waiters.length > 0) {
      const head = this.waiters[0]!;
      if (head.settled) {
        this.waiters.shift();
        continue;
      }
      const at = this.earliest(head.weight, t);
      if (at <= t) {
        this.waiters.shift();
        head.settled = true;
        head.resolve(this.grant(head.weight, t));
        continue;
      }
      if (at !== Infinity && at > head.deadlineAt) {
        this.waiters.shift();
        head.settled = true;
        head.reject(rateLimitedError(at - t, this.unit));
        continue;
      }
      this.arm(at);
      return;
    }
    this.arm(Infinity);
  }

  private arm(at: number): void {
    if (at === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(1, Math.ceil(at - this.now())),
    );
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) {
      if (w.settled) continue;
      w.settled = true;
      w.reject(new CancelledError('the actiTIME client is closed'));
    }
  }

  get waiting(): number {
    return this.waiters.filter((w) => !w.settled).length;
  }
}

export function rateLimitedError(waitMs: number, timeUnitMs: number): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(waitMs / timeUnitMs));
  return new RateLimitedError(`actiTIME rate limit; retry after ~${seconds} s`, Math.round(waitMs));
}

export interface ScheduleOptions {
  write: boolean;
  /** Rate tokens: 1 per request, or a batch's operation count. */
  weight: number;
  signal: AbortSignal;
  deadlineAt: number;
  /** A retry of an admitted call: skips the queue bound and jumps ahead of new work. */
  retry?: boolean;
}

export interface Slot {
  /** Response headers arrived: the request stops counting as in flight. */
  responded(): void;
}

export interface LimiterOptions {
  limits: RateLimits;
  timeUnitMs: number;
  now?: Clock;
}

export interface LimiterCounts {
  /** Admitted, not yet sent. */
  queued: number;
  /** Sent, not yet finished. */
  running: number;
}

/**
 * Reads go straight to the shared limiter (maxConcurrent); writes first pass a limiter of their own
 * (maxConcurrent 1, chained to the shared one), so at most one write is ever in the shared queue and reads are
 * never stuck behind a line of writes (REL-TH-03).
 */
export class RequestLimiter {
  readonly budget: RateBudget;
  private readonly all: Bottleneck;
  private readonly writes: Bottleneck;
  private readonly now: Clock;
  private readonly writeMinTimeMs: number;
  private readonly highWater: number;
  private lastWriteStart = -Infinity;
  private queued = 0;
  private running = 0;
  private closed = false;

  constructor(opts: LimiterOptions) {
    this.now = opts.now ?? monotonic;
    this.writeMinTimeMs = opts.limits.writeMinTimeMs;
    this.highWater = opts.limits.highWater;
    this.budget = new RateBudget({
      perSecond: opts.limits.perSecond,
      perMinute: opts.limits.perMinute,
      timeUnitMs: opts.timeUnitMs,
      now: this.now,
    });
    this.all = new Bottleneck({ maxConcurrent: opts.limits.maxConcurrent });
    this.writes = new Bottleneck({ maxConcurrent: 1 });
    this.writes.chain(this.all);
  }

  get counts(): LimiterCounts {
    return { queued: this.queued, running: this.running };
  }

  /**
   * Runs `fn` once the queue, concurrency, write spacing and rate budget allow. A call cancelled while queued
   * rejects at once and its job never sends anything.
   */
  run<T>(opts: ScheduleOptions, fn: (slot: Slot) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CancelledError('the actiTIME client is closed'));
    if (opts.signal.aborted) return Promise.reject(abortError(opts.signal));
    if (!opts.retry && this.queued >= this.highWater) return Promise.reject(new BusyError());
    this.queued++;
    let counted = true;
    const leaveQueue = (): void => {
      if (counted) {
        counted = false;
        this.queued--;
      }
    };
    opts.signal.addEventListener('abort', leaveQueue, { once: true });

    const job = async (): Promise<T> => {
      if (opts.signal.aborted) throw abortError(opts.signal);
      if (opts.write) {
        const wait = this.lastWriteStart + this.writeMinTimeMs - this.now();
        if (wait > 0) await abortableSleep(wait, opts.signal);
      }
      const ticket = await this.budget.acquire(opts.weight, opts.signal, opts.deadlineAt);
      opts.signal.removeEventListener('abort', leaveQueue);
      leaveQueue();
      if (opts.write) this.lastWriteStart = this.now();
      this.running++;
      try {
        return await fn({ responded: () => ticket.done() });
      } finally {
        ticket.done();
        this.running--;
      }
    };

    const limiter = opts.write ? this.writes : this.all;
    const scheduled = limiter.schedule({ priority: opts.retry ? 4 : 5 }, job).catch((err: unknown) => {
      opts.signal.removeEventListener('abort', leaveQueue);
      leaveQueue();
      if (err instanceof ActitimeError) throw err;
      // Bottleneck's own errors: the limiter was stopped while the job waited.
      throw new CancelledError('the actiTIME client is closed');
    });
    return raceAbort(scheduled, opts.signal);
  }

  /** Stops everything; queued jobs are dropped (their callers get CancelledError). Leaves no timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.budget.close();
    const message = 'the actiTIME client is closed';
    await Promise.allSettled([
      this.writes.stop({ dropWaitingJobs: true, dropErrorMessage: message }),
      this.all.stop({ dropWaitingJobs: true, dropErrorMessage: message }),
    ]);
  }
}
