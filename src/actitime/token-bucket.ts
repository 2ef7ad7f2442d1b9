/**
 * The shape of a budget every replica can share (docs/team-server.md): a token bucket, because a bucket's
 * bound holds in *every* interval, whichever way the server's windows fall. A bucket of capacity C that gains
 * one token every `intervalMs` hands out at most C + len/intervalMs tokens in any stretch of `len` ms; so if
 * C + (W + margin)/intervalMs ≤ limit for each of actiTIME's windows W, no window of the server's can ever hold
 * more than its limit, even when a request reaches the server up to `margin` ms after its token was taken (a
 * lease's lifetime plus network delay). A fixed-window reservoir cannot promise that: two of its windows can
 * overlap one of the server's, doubling the burst.
 *
 * The local fallback (Redis down) is the same bucket at 1/N: N of them, started empty at the switch, can add
 * no more to any interval than the shared one would have.
 */
export interface BucketShape {
  /** Tokens the bucket holds at most. */
  capacity: number;
  /** Tokens it holds when created (inside the bound: the capacity is that much lower). */
  start: number;
  /** One token is added every `intervalMs`. */
  intervalMs: number;
}

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/**
 * The bucket with the highest sustained rate whose bound stays inside every window, tokens arriving up to
 * `marginMs` late, and `start` tokens in it from the beginning (a new account's first request need not wait for
 * a refill, even if a Redis that forgot everything is being restarted onto a busy account). For actiTIME's
 * 100/s and 1000/min with a 750 ms margin and 8 to start with: capacity 64, one token per 66 ms (≈ 909 a
 * minute, 91 % of the minute's limit; the per-second window leaves room for bursts).
 */
export function bucketFor(windows: readonly WindowLimit[], marginMs: number, start = 0): BucketShape {
  // One less than the limit: bottleneck's Redis bucket may add a token just after it was emptied full.
  const spans = windows.map((w) => ({ limit: w.limit - 1 - start, span: w.windowMs + marginMs }));
  const tightest = Math.min(...spans.map((s) => s.limit));
  // The capacity that makes two windows' rates equal maximises the smaller of them; clamp it to what fits.
  let capacity = Math.max(1, Math.floor(tightest / 2));
  if (spans.length >= 2) {
    const [a, b] = [...spans].sort((x, y) => x.span - y.span) as [(typeof spans)[0], (typeof spans)[0]];
    const equal = (a.limit * b.span - b.limit * a.span) / (b.span - a.span);
    if (Number.isFinite(equal)) capacity = Math.floor(Math.min(Math.max(equal, 1), tightest - 1));
  }
  capacity = Math.max(1, capacity);
  const rate = Math.min(...spans.map((s) => Math.max(0, s.limit - capacity) / s.span));
  const intervalMs = rate > 0 ? Math.ceil(1 / rate) : Math.max(...spans.map((s) => s.span));
  return { capacity, intervalMs, start: Math.min(start, capacity) };
}

/** A local bucket, refilled lazily from the clock; `start` tokens at creation. */
export class TokenBucket {
  private level: number;
  private stamp: number;

  constructor(
    readonly shape: BucketShape,
    private readonly now: () => number,
    start = 0,
  ) {
    this.level = Math.min(start, shape.capacity);
    this.stamp = now();
  }

  private refill(t: number): void {
    const gained = Math.floor((t - this.stamp) / this.shape.intervalMs);
    if (gained <= 0) return;
    this.level = Math.min(this.shape.capacity, this.level + gained);
    this.stamp += gained * this.shape.intervalMs;
    // Full: the tokens it could not hold are gone, so the next one is a whole interval away.
    if (this.level === this.shape.capacity) this.stamp = t;
  }

  /** Takes `weight` tokens if the bucket holds them. */
  tryTake(weight: number, t = this.now()): boolean {
    this.refill(t);
    if (this.level < weight) return false;
    this.level -= weight;
    return true;
  }

  /** When `weight` tokens will be there (≤ t when they are now); Infinity when weight > capacity. */
  readyAt(weight: number, t = this.now()): number {
    if (weight > this.shape.capacity) return Infinity;
    this.refill(t);
    if (this.level >= weight) return t;
    return this.stamp + (weight - this.level) * this.shape.intervalMs;
  }
}
