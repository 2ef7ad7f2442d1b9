/**
 * Concurrency slots leased from bottleneck and spent locally.
 *
 * bottleneck stays the authority over how many requests may run at once: a slot is only ever used while
 * bottleneck runs a job that holds it. But one bottleneck job costs 3.5–4.6 ms on its own and ~2.4 ms each when
 * many run together (its local datastore yields through `setTimeout` several times per job; measured with
 * bench/limiter.ts), which is 25× a loopback round trip; and the jobs of requests started together leave it one
 * at a time, 2–12 ms apart. So a request does not become a bottleneck job: the pool asks bottleneck for one
 * *weighted* job (a lease) holding all the slots not leased yet, and the job's weight is spent here with
 * synchronous bookkeeping, request after request, until the pool has stood idle for `idleMs`; then the job
 * ends and bottleneck has its slots back. Requests started together take leased slots in the same tick, so
 * they reach the server together, and a request that finds a slot free pays no timer hop at all.
 *
 * - The request that asked for a lease is served first from it: it was first in line when the capacity was
 *   requested (what bottleneck would have done for its own job). The rest of the lease goes to the queue:
 *   retries first, then arrival order.
 * - A lease is returned whole, once no slot of the pool is in use and nothing waits, after `idleMs`. In one
 *   process nothing else competes for these slots, so leasing every free slot at once costs nobody anything;
 *   with a datastore shared between processes (bottleneck's Redis store) the size of a lease is the place for
 *   a policy, and the lease still keeps the store off the per-request path.
 * - Queued requests live in this pool, not in bottleneck: a cancelled one leaves the line at once, and the
 *   queue length is known synchronously (admission, counts).
 */
import Bottleneck from 'bottleneck';
import { CancelledError, type ActitimeError } from './errors.js';

export interface PoolSlot {
  /** Gives the slot back (to the next waiter, else to the pool). Idempotent. */
  release(): void;
}

export interface SlotWaiter {
  /** Served before every waiter that is not a retry. */
  retry: boolean;
  /** Called once with a slot; possibly synchronously, from request() or from another slot's release(). */
  grant(slot: PoolSlot): void;
  /** Called once when the pool closes with the waiter still in line. */
  fail(err: ActitimeError): void;
}

export interface SlotPoolOptions {
  maxConcurrent: number;
  /** How long an idle pool keeps its leases before handing them back to bottleneck. Default 1000 ms. */
  idleMs?: number;
}

interface Lease {
  weight: number;
  /** Ends the bottleneck job that holds the lease. */
  end: () => void;
}

export class SlotPool {
  private readonly bottleneck: Bottleneck;
  private readonly max: number;
  private readonly idleMs: number;
  private readonly leases: Lease[] = [];
  /** Slots held by granted leases. */
  private held = 0;
  /** Slots asked of bottleneck and not granted yet. */
  private pending = 0;
  private used = 0;
  private readonly retries: SlotWaiter[] = [];
  private readonly fresh: SlotWaiter[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private drained: (() => void) | undefined;
  /** Leases requested and granted so far (for tests and benchmarks). */
  leasesTaken = 0;

  constructor(opts: SlotPoolOptions) {
    this.max = opts.maxConcurrent;
    this.idleMs = opts.idleMs ?? 1000;
    this.bottleneck = new Bottleneck({ maxConcurrent: opts.maxConcurrent });
  }

  /** Slots in use. */
  get inUse(): number {
    return this.used;
  }

  /** Waiters in line for a slot. */
  get waiting(): number {
    return this.retries.length + this.fresh.length;
  }

  /** Slots leased from bottleneck right now (in use or not). */
  get leased(): number {
    return this.held;
  }

  /** A slot for `waiter`: at once when a leased one is free, else when a release or a new lease brings one. */
  request(waiter: SlotWaiter): void {
    if (this.closed) {
      waiter.fail(new CancelledError('closed'));
      return;
    }
    if (this.used < this.held && this.waiting === 0) {
      this.give(waiter);
      return;
    }
    (waiter.retry ? this.retries : this.fresh).push(waiter);
    this.lease(waiter);
  }

  /** Takes `waiter` out of the line; false when it is not in it (granted already, or never queued). */
  withdraw(waiter: SlotWaiter): boolean {
    const line = waiter.retry ? this.retries : this.fresh;
    const i = line.indexOf(waiter);
    if (i < 0) return false;
    line.splice(i, 1);
    return true;
  }

  /** Asks bottleneck for every slot not leased or asked for yet; `first` is served first from it. */
  private lease(first: SlotWaiter): void {
    const weight = this.max - this.held - this.pending;
    if (weight <= 0) return;
    this.pending += weight;
    this.bottleneck
      .schedule({ weight }, () => {
        this.pending -= weight;
        if (this.closed) return Promise.resolve();
        return new Promise<void>((end) => {
          this.leasesTaken++;
          this.leases.push({ weight, end });
          this.held += weight;
          if (this.withdraw(first)) this.give(first);
          this.serve();
        });
      })
      .catch(() => {
        // Dropped by stop() at close: the waiters are failed there.
        this.pending = Math.max(0, this.pending - weight);
      });
  }

  private give(waiter: SlotWaiter): void {
    this.used++;
    this.disarm();
    let released = false;
    waiter.grant({
      release: () => {
        if (released) return;
        released = true;
        this.used--;
        this.serve();
      },
    });
  }

  /** Free leased slots to the line, retries first; an idle pool arms its return timer. */
  private serve(): void {
    while (this.used < this.held && !this.closed) {
      const next = this.retries.shift() ?? this.fresh.shift();
      if (!next) break;
      this.give(next);
    }
    if (this.used === 0) {
      this.drained?.();
      if (this.waiting === 0 && this.held > 0) this.arm();
    }
  }

  private arm(): void {
    if (this.idleTimer || this.closed) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.used === 0 && this.waiting === 0) this.returnLeases();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private disarm(): void {
    if (!this.idleTimer) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private returnLeases(): void {
    for (const lease of this.leases.splice(0)) {
      this.held -= lease.weight;
      lease.end();
    }
  }

  /** Fails every waiter (CancelledError), waits until no slot is in use, returns the leases, stops bottleneck. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.disarm();
    for (const waiter of [...this.retries.splice(0), ...this.fresh.splice(0)]) {
      waiter.fail(new CancelledError('closed'));
    }
    if (this.used > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.drained = undefined;
    this.returnLeases();
    await this.bottleneck.stop({ dropWaitingJobs: true, dropErrorMessage: 'closed' });
    await this.bottleneck.disconnect();
  }
}
