/**
 * The simulator's limits, apart from types.ts: the store holds them, and types.ts imports the store, so the
 * store cannot import types.ts without the two importing each other.
 */

/** Rate-limit and ban settings; defaults are actiTIME's (docs/actitime-model.md §1.12). Tests shrink them. */
export interface SimulatorLimits {
  perSecond: number; // 100
  perMinute: number; // 1000
  secondWindowMs: number; // 1000
  minuteWindowMs: number; // 60000
  banFailures: number; // 3
  banWindowMs: number; // 10000
  banDurationMs: number; // 60000
  maxBatchSize: number; // 100
  maxQueryLimit: number; // 1000
  /**
   * How many ms one "second" of `X-Ratelimit-Reset` / `Retry-After` means (default 1000). Tests that shrink the
   * windows shrink this with them, so the headers stay meaningful: with `secondWindowMs: 50` and
   * `timeUnitMs: 50`, a full window answers `Retry-After: 1`, meaning 50 ms.
   */
  timeUnitMs?: number; // 1000
}
