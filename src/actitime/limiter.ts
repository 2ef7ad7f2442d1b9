/**
 * Client-side throttling: actiTIME's per-account budgets (per second, per minute), a concurrency cap, an optional
 * write lane, a bounded queue, and adaptation to the server's rate headers.
 *
 * The concurrency cap is bottleneck's, leased (lease.ts): the slots are held by weighted bottleneck jobs, one
 * job for several slots, and spent here with synchronous bookkeeping from request to request until they stand
 * idle; so bottleneck's per-job cost (3.5–4.6 ms of timer hops per job, measured in bench/limiter.ts) is paid
 * once per burst instead of once per request, and requests started together go out together. Around that,
 * because bottleneck cannot do these:
 *
 * - The rate budget (RateBudget below) is awaited with the slot, just before sending. bottleneck's reservoir
 *   refills on the client's own clock, so its windows need not line up with the server's fixed windows (each
 *   starts at the first request after the previous one ended); and it counts a request when the job starts, not
 *   until the server can no longer place it in a window. RateBudget keeps a conservative sliding window instead:
 *   a request counts from the moment it is sent until one window length after its response arrived (in flight =
 *   counts). The server must have received a request before answering it, so two requests that the server could
 *   place in one fixed window are always both counted here, whatever the network jitter; hence no fixed server
 *   window can ever hold more than the limit. Its bookkeeping is synchronous: a grant costs no timer.
 * - Cancellation: a call cancelled while queued leaves its line at once (CancelledError) and sends nothing.
 * - Fail fast: calls are admitted synchronously against the queue lengths, which are all local.
 * - Write spacing: bottleneck's minTime spaces job *starts* on the client's clock and is charged even to a job
 *   that turns out to be cancelled. The lane instead waits until `writeMinTimeMs` after the previous write is
 *   known to have reached the server (its response arrived), which holds on the server's clock too.
 *
 * Writes share the concurrency cap with reads and go one at a time only when `writeMinTimeMs` > 0. Serialising
 * every write caps write throughput at one per round trip, far below actiTIME's 100/s; REL-TH-06 asks for
 * 90 % of it. The API needs no serialising for correctness: deltas are applied atomically, set-style PATCHes
 * are absolute values.
 */
import type { RateLimits } from './config.js';
import { ActitimeError, BusyError, CancelledError, NetworkError, RateLimitedError } from './errors.js';
import { SlotPool, type PoolSlot, type SlotWaiter } from './lease.js';
import type { SharedBudget } from './shared-budget.js';
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
    if (this.closed) return Promise.reject(new CancelledError('closed'));
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
      w.reject(new CancelledError('closed'));
    }
  }

  get waiting(): number {
    return this.waiters.filter((w) => !w.settled).length;
  }
}

/** A wait of `waitMs` (on the client's clock) as actiTIME's whole seconds of `timeUnitMs`. */
export function rateLimitedError(waitMs: number, timeUnitMs: number): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(waitMs / timeUnitMs));
  return new RateLimitedError(Math.round(waitMs), seconds);
}

export interface ScheduleOptions {
  write: boolean;
  /** Rate tokens: 1 per request, or a batch's operation count. */
  weight: number;
  signal: AbortSignal;
  deadlineAt: number;
  /** A retry of an admitted call: goes ahead of new work and skips the admission bound. */
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
  /** How long idle concurrency slots stay leased from bottleneck (lease.ts); default 1000 ms. */
  leaseIdleMs?: number;
  /** The account's budget shared with other replicas (shared-budget.ts), awaited after the own one. */
  shared?: SharedBudget;
}

export interface LimiterCounts {
  /** Admitted, not yet sent (waiting for a slot, the write lane, spacing or budget). */
  queued: number;
  /** Holding a concurrency slot. */
  running: number;
}

/** One call's progress through the queues. */
interface CallState {
  /** The caller has its answer (result, error, or an early cancel). */
  answered: boolean;
  /** fn has been called: from here on aborting is fn's business. */
  sent: boolean;
}

/** A write waiting for the write lane. */
interface LaneWaiter {
  retry: boolean;
  enter(): void;
  fail(err: ActitimeError): void;
}

/**
 * Reads and writes share `maxConcurrent` slots, leased from bottleneck (lease.ts). With `writeMinTimeMs` > 0
 * writes first pass a lane of width one, so they never overlap, and a queued write never holds a slot a read
 * could use (REL-TH-03). Within a queue: retries first, then arrival order.
 */
export class RequestLimiter {
  readonly budget: RateBudget;
  /** The concurrency slots: bottleneck's, leased several at a time. */
  readonly slots: SlotPool;
  readonly shared: SharedBudget | undefined;
  private readonly now: Clock;
  private readonly writeMinTimeMs: number;
  private readonly highWater: number;
  private readonly lane: boolean;
  /** A write holds the lane (from its spacing until it ended), or the lane is being handed over. */
  private laneBusy = false;
  private readonly laneRetries: LaneWaiter[] = [];
  private readonly laneFresh: LaneWaiter[] = [];
  private laneHandover: NodeJS.Immediate | undefined;
  /** When the last write was known to have reached the server (its response arrived, or it ended). */
  private lastWriteAnchor = -Infinity;
  /** Calls holding a slot or the lane that have not sent yet: in the write spacing or waiting for rate budget. */
  private gating = 0;
  /** Ends a write's spacing sleep at close. */
  private readonly shutdownSignal = new AbortController();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(opts: LimiterOptions) {
    this.now = opts.now ?? monotonic;
    const { maxConcurrent, writeMinTimeMs, highWater } = opts.limits;
    this.writeMinTimeMs = writeMinTimeMs;
    this.highWater = highWater;
    this.lane = writeMinTimeMs > 0;
    this.shared = opts.shared;
    this.slots = new SlotPool({
      maxConcurrent,
      ...(opts.leaseIdleMs === undefined ? {} : { idleMs: opts.leaseIdleMs }),
    });
    this.budget = new RateBudget({
      perSecond: opts.limits.perSecond,
      perMinute: opts.limits.perMinute,
      timeUnitMs: opts.timeUnitMs,
      now: this.now,
    });
  }

  get counts(): LimiterCounts {
    return {
      queued: this.slots.waiting + this.laneRetries.length + this.laneFresh.length + this.gating,
      running: this.slots.inUse,
    };
  }

  /**
   * Runs `fn` once a slot, the write lane, the write spacing and the rate budget allow. A call cancelled before
   * `fn` starts rejects at once and sends nothing.
   */
  run<T>(opts: ScheduleOptions, fn: (slot: Slot) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CancelledError('closed'));
    const { signal } = opts;
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (!opts.retry && this.counts.queued >= this.highWater) return Promise.reject(new BusyError());

    return new Promise<T>((resolve, reject) => {
      const retry = opts.retry === true;
      const call: CallState = { answered: false, sent: false };
      let inLane = false;
      let withdraw: (() => void) | undefined;
      const leaveLane = (): void => {
        if (!inLane) return;
        inLane = false;
        this.leaveLane();
      };
      const answer = (settle: () => void): void => {
        if (call.answered) return;
        call.answered = true;
        signal.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = (): void => {
        if (call.sent) return;
        const out = withdraw;
        withdraw = undefined;
        out?.();
        answer(() => reject(abortError(signal)));
        // Waiting in the spacing: the sleep ends too, and its continuation sees the call answered.
        leaveLane();
      };
      signal.addEventListener('abort', onAbort, { once: true });

      const waiter: SlotWaiter = {
        retry,
        grant: (slot) => {
          withdraw = undefined;
          if (call.answered) {
            slot.release();
            leaveLane();
            return;
          }
          this.send(opts, fn, call, slot).then(
            (value) => {
              leaveLane();
              answer(() => resolve(value));
            },
            (err: unknown) => {
              leaveLane();
              answer(() => reject(err instanceof Error ? err : new NetworkError('failed')));
            },
          );
        },
        fail: (err) => {
          withdraw = undefined;
          leaveLane();
          answer(() => reject(err));
        },
      };
      const toSlots = (): void => {
        withdraw = () => this.slots.withdraw(waiter);
        this.slots.request(waiter);
      };

      if (!opts.write || !this.lane) {
        toSlots();
        return;
      }
      const laneWaiter: LaneWaiter = {
        retry,
        enter: () => {
          withdraw = undefined;
          inLane = true;
          if (call.answered) {
            leaveLane();
            return;
          }
          const wait = this.lastWriteAnchor + this.writeMinTimeMs - this.now();
          if (wait <= 0) {
            toSlots();
            return;
          }
          void this.spaceWrite(wait, signal).then((spaced) => {
            if (!spaced || call.answered) {
              leaveLane();
              // Not cancelled by the caller: the limiter closed.
              answer(() => reject(new CancelledError('closed')));
              return;
            }
            toSlots();
          });
        },
        fail: (err) => {
          withdraw = undefined;
          answer(() => reject(err));
        },
      };
      withdraw = () => this.withdrawFromLane(laneWaiter);
      this.enterLane(laneWaiter);
    });
  }

  /** With a slot: the rate budget, then fn. Throws what the budget or fn throws; releases the slot. */
  private async send<T>(
    opts: ScheduleOptions,
    fn: (slot: Slot) => Promise<T>,
    call: CallState,
    slot: PoolSlot,
  ): Promise<T> {
    let ticket: Ticket;
    this.gating++;
    try {
      ticket = await this.budget.acquire(opts.weight, opts.signal, opts.deadlineAt);
    } catch (err) {
      slot.release();
      this.gating--;
      throw err;
    }
    try {
      await this.shared?.acquire(opts.weight, opts.signal);
    } catch (err) {
      ticket.done();
      slot.release();
      throw err;
    } finally {
      this.gating--;
    }
    if (call.answered) {
      // Cancelled in the instant the budget was granted: the request never happened.
      ticket.done();
      slot.release();
      throw new CancelledError();
    }
    call.sent = true;
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
      // Before the caller hears back: a queued request takes the slot at once.
      slot.release();
    }
  }

  private enterLane(waiter: LaneWaiter): void {
    if (!this.laneBusy) {
      this.laneBusy = true;
      waiter.enter();
      return;
    }
    (waiter.retry ? this.laneRetries : this.laneFresh).push(waiter);
  }

  private withdrawFromLane(waiter: LaneWaiter): void {
    const line = waiter.retry ? this.laneRetries : this.laneFresh;
    const i = line.indexOf(waiter);
    if (i >= 0) line.splice(i, 1);
  }

  /**
   * The lane goes to the next write on the next turn of the event loop, once the previous write's caller has
   * its answer (the spacing that write then waits out starts from the previous answer anyway).
   */
  private leaveLane(): void {
    if (this.closed || this.laneHandover) return;
    this.laneHandover = setImmediate(() => {
      this.laneHandover = undefined;
      const next = this.laneRetries.shift() ?? this.laneFresh.shift();
      if (next) next.enter();
      else this.laneBusy = false;
    });
  }

  /** In the write lane: waits out the rest of `writeMinTimeMs` from the previous write. False when cancelled or closed meanwhile. */
  private async spaceWrite(wait: number, signal: AbortSignal): Promise<boolean> {
    this.gating++;
    try {
      await abortableSleep(wait, AbortSignal.any([signal, this.shutdownSignal.signal]));
      return true;
    } catch {
      return false; // the abort listener has answered the caller
    } finally {
      this.gating--;
    }
  }

  /** Drops every queued call (CancelledError) and waits for running ones to end. Leaves no timers. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.budget.close();
    if (this.laneHandover) clearImmediate(this.laneHandover);
    this.laneHandover = undefined;
    this.shutdownSignal.abort(new CancelledError('closed'));
    for (const waiter of [...this.laneRetries.splice(0), ...this.laneFresh.splice(0)]) {
      waiter.fail(new CancelledError('closed'));
    }
    // Before the slots: a call waiting for shared budget holds one.
    const shared = this.shared?.close();
    await this.slots.close();
    await shared;
  }
}
