/**
 * A clock for the simulator (SimulatorOptions.now: its rate windows and IP bans) that moves only when the test
 * moves it. With the real clock, which window a request falls in depends on how fast the machine ran the
 * steps before it; with this one it depends on the steps alone.
 */
export interface TestClock {
  /** A plain function, to hand to the simulator as its `now`. */
  readonly now: () => number;
  /** Stops the clock at `at` (epoch ms). */
  set(at: number): void;
  /** Stops the clock `ms` after its current reading. */
  advance(ms: number): void;
  /**
   * Lets the clock run at real speed from its current reading, counted from `since` (a `performance.now()`
   * instant, e.g. a request's `arrivedAt`): reads before this call returned the stopped value, reads after it
   * return that value plus the real time elapsed since `since`.
   */
  runFrom(since: number): void;
}

export function testClock(start = Date.UTC(2026, 9, 7, 9, 0)): TestClock {
  let base = start;
  let runningSince: number | undefined;
  const now = (): number => (runningSince === undefined ? base : base + (performance.now() - runningSince));
  return {
    now,
    set(at) {
      base = at;
      runningSince = undefined;
    },
    advance(ms) {
      base = now() + ms;
      runningSince = undefined;
    },
    runFrom(since) {
      base = now();
      runningSince = since;
    },
  };
}
