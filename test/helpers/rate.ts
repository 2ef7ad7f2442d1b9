/**
 * Rate figures from the simulator's request log (arrival times, ms), shared by the REL-TH-06 tests and their
 * `npm run bench` rows. Counting requests per window is exact whatever the load; how fast the client got
 * through them is not, which is why only the count is asserted in tests.
 */

/** The most arrivals in any window [t, t + windowMs): the number a sliding-window limit must never exceed. */
export function busiestWindow(arrivals: readonly number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return busiest;
}

export interface RateFigures {
  count: number;
  /** First to last arrival. */
  spanMs: number;
  /** count / span: the literal "requests per second achieved". */
  perSecond: number;
  /**
   * What the budget (limit per window) allowed from the first arrival to the end of the last one's window,
   * limit · (span + window) / window: N requests need at least N/limit windows, so a perfect pacer uses all of it.
   */
  allowed: number;
}

export function rateFigures(arrivals: readonly number[], limit: number, windowMs: number): RateFigures {
  const spanMs = Math.max(...arrivals) - Math.min(...arrivals);
  return {
    count: arrivals.length,
    spanMs,
    perSecond: (arrivals.length / spanMs) * 1000,
    allowed: (limit * (spanMs + windowMs)) / windowMs,
  };
}
