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
 *
 * Why not bottleneck for the queue: its local datastore yields with setTimeout(0) at every internal step and
 * starts every job from a timer, which measured 5–11 ms per request on loopback (raw undici: ~1 ms). With
 * writes serialised that caps write throughput near actiTIME's 100/s on its own. RequestLimiter is a small
 * scheduler with the semantics the design asked of bottleneck (concurrency cap, a one-at-a-time write lane,
 * retries first, a queue bound, stop-and-drop on close), plus true cancellation of queued jobs.
 */
import type { RateLimits } from './config.js';
import { BusyError, CancelledError, RateLimitedError, type ActitimeError } from './errors.js';
import { abortError, abortableSleep } from './signals.js';

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
  /** A retry of an admitted call: skips the queue bound and goes ahead of new work. */
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
  /** Admitted, not yet sent (waiting for a slot, the write lane, spacing or budget). */
  queued: number;
  /** Holding a concurrency slot. */
  running: number;
}

interface Job {
  write: boolean;
  retry: boolean;
  seq: number;
  run: () => void;
  drop: (err: ActitimeError) => void;
}

const CLOSED = 'the actiTIME client is closed';

/**
 * Reads and writes share `maxConcurrent` slots; writes additionally pass a lane of width one, so they never
 * overlap, and a queued write never holds a slot a read could use (REL-TH-03). Within the queue: retries
 * first, then arrival order.
 */
export class RequestLimiter {
  readonly budget: RateBudget;
  private readonly now: Clock;
  private readonly maxConcurrent: number;
  private readonly writeMinTimeMs: number;
  private readonly highWater: number;
  private readonly reads: Job[] = [];
  private readonly writes: Job[] = [];
  /** When the last write was known to have reached the server (its response arrived, or it ended). */
  private lastWriteAnchor = -Infinity;
  private seq = 0;
  private queued = 0;
  private running = 0;
  private writeBusy = false;
  private closed = false;
  private idle: (() => void) | undefined;

  constructor(opts: LimiterOptions) {
    this.now = opts.now ?? monotonic;
    this.maxConcurrent = opts.limits.maxConcurrent;
    this.writeMinTimeMs = opts.limits.writeMinTimeMs;
    this.highWater = opts.limits.highWater;
    this.budget = new RateBudget({
      perSecond: opts.limits.perSecond,
      perMinute: opts.limits.perMinute,
      timeUnitMs: opts.timeUnitMs,
      now: this.now,
    });
  }

  get counts(): LimiterCounts {
    return { queued: this.queued, running: this.running };
  }

  /**
   * Runs `fn` once a slot, the write lane, the write spacing and the rate budget allow. A call cancelled before
   * `fn` starts rejects at once and sends nothing.
   */
  run<T>(opts: ScheduleOptions, fn: (slot: Slot) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CancelledError(CLOSED));
    const { signal } = opts;
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (!opts.retry && this.queued >= this.highWater) return Promise.reject(new BusyError());

    return new Promise<T>((resolve, reject) => {
      let waiting = true;
      const leave = (): void => {
        if (waiting) {
          waiting = false;
          this.queued--;
        }
      };
      const onAbort = (): void => {
        // Still in the queue: take it out; it will never run.
        if (this.remove(job)) {
          leave();
          reject(abortError(signal));
        }
      };
      const job: Job = {
        write: opts.write,
        retry: opts.retry ?? false,
        seq: this.seq++,
        drop: (err) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          reject(err);
        },
        run: () => {
          signal.removeEventListener('abort', onAbort);
          void this.execute(opts, fn, leave).then(resolve, reject);
        },
      };
      this.queued++;
      signal.addEventListener('abort', onAbort, { once: true });
      (opts.write ? this.writes : this.reads).push(job);
      this.sortQueue(opts.write ? this.writes : this.reads);
      this.dispatch();
    });
  }

  private async execute<T>(
    opts: ScheduleOptions,
    fn: (slot: Slot) => Promise<T>,
    leave: () => void,
  ): Promise<T> {
    try {
      if (opts.signal.aborted) throw abortError(opts.signal);
      if (opts.write) {
        const wait = this.lastWriteAnchor + this.writeMinTimeMs - this.now();
        if (wait > 0) await abortableSleep(wait, opts.signal);
      }
      const ticket = await this.budget.acquire(opts.weight, opts.signal, opts.deadlineAt);
      leave();
      let anchored = false;
      const responded = (): void => {
        ticket.done();
        // The server received this write no later than now: spacing from here holds on the server's clock too,
        // whatever the network jitter (spacing from our own send time could shrink on arrival).
        if (opts.write && !anchored) {
          anchored = true;
          this.lastWriteAnchor = this.now();
        }
      };
      try {
        return await fn({ responded });
      } finally {
        responded();
      }
    } finally {
      leave();
      this.release(opts.write);
    }
  }

  private sortQueue(queue: Job[]): void {
    // Stable and nearly sorted: only a retry can jump ahead.
    if (queue.length > 1 && queue[queue.length - 1]!.retry) {
      queue.sort((a, b) => Number(b.retry) - Number(a.retry) || a.seq - b.seq);
    }
  }

  private remove(job: Job): boolean {
    const queue = job.write ? this.writes : this.reads;
    const i = queue.indexOf(job);
    if (i < 0) return false;
    queue.splice(i, 1);
    return true;
  }

  private dispatch(): void {
    while (!this.closed && this.running < this.maxConcurrent) {
      const read = this.reads[0];
      const write = this.writeBusy ? undefined : this.writes[0];
      let next: Job | undefined;
      if (read && write) next = precedes(write, read) ? write : read;
      else next = read ?? write;
      if (!next) return;
      (next.write ? this.writes : this.reads).shift();
      this.running++;
      if (next.write) this.writeBusy = true;
      next.run();
    }
  }

  private release(write: boolean): void {
    this.running--;
    if (write) this.writeBusy = false;
    if (this.closed && this.running === 0) this.idle?.();
    this.dispatch();
  }

  /** Drops every queued job (CancelledError) and waits for running ones to end. Leaves no timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.budget.close();
    for (const job of [...this.reads.splice(0), ...this.writes.splice(0)])
      job.drop(new CancelledError(CLOSED));
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}

function precedes(a: Job, b: Job): boolean {
  if (a.retry !== b.retry) return a.retry;
  return a.seq < b.seq;
}
