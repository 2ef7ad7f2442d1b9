/**
 * Request counts and round trips read from the simulator's request log (never from wall-clock gaps).
 *
 * `withLatency(sim)` arms a delay on every request (a modelled round trip), so requests a call starts together
 * overlap on the server and requests that wait for one another do not. `roundTrips(log)` is then the length
 * of the longest chain of requests where each arrived after the previous one had been answered: the
 * sequential waves on the call's critical path. Batch sub-operations are not requests of their own.
 */
import { criticalPath } from '../../src/simulator/round-trips.js';
import type { RecordedRequest } from '../../src/simulator/types.js';
import type { SimulatorHandle } from './simulator.js';

/** Every request waits `ms` before the route runs, until `clear()` (at most `times` requests). */
export function withLatency(sim: SimulatorHandle, ms = 30, times = 100_000): { clear(): void } {
  sim.faults.inject({ delayMs: ms, times });
  return { clear: () => sim.faults.clear() };
}

/** The HTTP requests (batch sub-operations left out). */
export function httpRequests(log: readonly RecordedRequest[]): RecordedRequest[] {
  return log.filter((r) => r.batchOf === undefined);
}

/** Operations that count against the rate limit: each request, except a batch, which counts its operations. */
export function rateUnits(log: readonly RecordedRequest[]): number {
  const batches = new Set(log.filter((r) => r.batchOf !== undefined).map((r) => r.batchOf));
  return log.filter((r) => !(r.batchOf === undefined && batches.has(r.seq))).length;
}

/** Longest chain of requests each arriving after the one before it was answered (src/simulator/round-trips.ts). */
export function roundTrips(log: readonly RecordedRequest[]): number {
  return criticalPath(log).roundTrips;
}

/** `GET /tasks/96` style lines, for failure messages. */
export function describeLog(log: readonly RecordedRequest[]): string[] {
  return log.map(
    (r) =>
      `${r.batchOf === undefined ? '' : '  └ '}${r.method} ${r.path}${
        Object.keys(r.query).length ? '?' + new URLSearchParams(r.query).toString() : ''
      }`,
  );
}
