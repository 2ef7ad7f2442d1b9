/**
 * actiTIME's per-account rate limit as the simulator models it (docs/actitime-model.md §1.12, project convention): two fixed windows
 * per user account, each opened by the first request after the previous one ended. A rejected request counts
 * against nothing and opens no window.
 */
import type { SimulatorLimits } from './types.js';

/** actiTIME's published limits and ban rule (docs/actitime-model.md §1.12), and the simulator's batch and page maxima (docs/actitime-model.md §2.1). */
export const DEFAULT_LIMITS: Readonly<SimulatorLimits> = Object.freeze({
  perSecond: 100,
  perMinute: 1000,
  secondWindowMs: 1000,
  minuteWindowMs: 60_000,
  banFailures: 3,
  banWindowMs: 10_000,
  banDurationMs: 60_000,
  maxBatchSize: 100,
  maxQueryLimit: 1000,
  timeUnitMs: 1000,
});

export interface RateDecision {
  allowed: boolean;
  /** Value of X-Ratelimit-Remaining. */
  remaining: number;
  /**
   * Value of X-Ratelimit-Reset (and Retry-After on a 429): whole seconds, rounded up, at least 1. A "second" is
   * `limits.timeUnitMs` ms (1000 unless a test scales time).
   */
  resetSeconds: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<number, Window[]>();

  constructor(
    private readonly limits: SimulatorLimits,
    private readonly now: () => number,
  ) {}

  /**
   * Admits one request of `userId` and counts it when `consume` is true. With `consume` false it only
   * reports (a batch is admitted without counting: its operations count one each, docs/actitime-model.md §2.14).
   */
  take(userId: number, consume = true): RateDecision {
    const t = this.now();
    const specs = [
      { limit: this.limits.perSecond, length: this.limits.secondWindowMs },
      { limit: this.limits.perMinute, length: this.limits.minuteWindowMs },
    ];
    const current = this.windows.get(userId) ?? [];
    // Tentative: an ended window is replaced by one starting now, but only kept if the request is counted.
    const next = specs.map((spec, i) => {
      const w = current[i];
      return w && t < w.start + spec.length ? { ...w } : { start: t, count: 0 };
    });

    const full = specs
      .map((spec, i) => ({ spec, w: next[i]! }))
      .filter(({ spec, w }) => w.count >= spec.limit);
    if (full.length > 0) {
      // Only when every full window has ended can a request pass: wait for the latest of them.
      const waitMs = Math.max(...full.map(({ spec, w }) => w.start + spec.length - t));
      return { allowed: false, remaining: 0, resetSeconds: this.wholeSeconds(waitMs) };
    }

    if (consume) {
      for (const w of next) w.count += 1;
      this.windows.set(userId, next);
    }
    // "The window that runs out first" = the one with the fewest requests left: it is what binds the client.
    // On a tie the one ending later is reported, so a client that waits for it is safe for both.
    const report = specs
      .map((spec, i) => {
        const w = next[i]!;
        return { remaining: spec.limit - w.count, endsIn: w.start + spec.length - t };
      })
      .sort((a, b) => a.remaining - b.remaining || b.endsIn - a.endsIn)[0]!;
    return { allowed: true, remaining: report.remaining, resetSeconds: this.wholeSeconds(report.endsIn) };
  }

  private wholeSeconds(ms: number): number {
    return Math.max(1, Math.ceil(ms / (this.limits.timeUnitMs ?? 1000)));
  }

  reset(): void {
    this.windows.clear();
  }
}

/**
 * The rate headers of an answer; `counters: false` (the no-rate-headers quirk: their presence may change,
 * docs/actitime-model.md §1.12) leaves only a 429's Retry-After.
 */
export function rateLimitHeaders(decision: RateDecision, counters = true): Record<string, string> {
  const headers: Record<string, string> = counters
    ? {
        'X-Ratelimit-Remaining': String(decision.remaining),
        'X-Ratelimit-Reset': String(decision.resetSeconds),
      }
    : {};
  if (!decision.allowed) headers['Retry-After'] = String(decision.resetSeconds);
  return headers;
}
