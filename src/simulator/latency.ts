/**
 * Simulated network latency: every HTTP answer leaves `latencyMs ± jitterMs` after its request arrived, so a
 * client on loopback pays what a round trip to a real actiTIME costs (80–150 ms to actiTIME Online). The whole
 * round trip is charged to the answer: the request is recorded, counted against the rate windows and handled
 * the moment it arrives (the windows and the request log keep one clock), and only the answer waits. The
 * jitter comes from a PRNG seeded by `seed`, so two runs draw the same sequence of delays.
 */
import { performance } from 'node:perf_hooks';
import { makeRng } from './seed.js';

export interface LatencyOptions {
  latencyMs?: number;
  jitterMs?: number;
  /** Seed of the jitter's PRNG; default a fixed string. */
  seed?: string;
}

export class Latency {
  readonly latencyMs: number;
  readonly jitterMs: number;
  private readonly rng: () => number;

  constructor(options: LatencyOptions = {}) {
    this.latencyMs = nonNegative('latencyMs', options.latencyMs ?? 0);
    this.jitterMs = nonNegative('jitterMs', options.jitterMs ?? 0);
    this.rng = makeRng(options.seed ?? 'actitime-simulator|latency');
  }

  /** Whether answers wait at all. */
  get enabled(): boolean {
    return this.latencyMs > 0 || this.jitterMs > 0;
  }

  /** The next answer's delay in ms: uniform in latency ± jitter, never below 0. */
  next(): number {
    if (!this.enabled) return 0;
    const jitter = this.jitterMs === 0 ? 0 : (this.rng() * 2 - 1) * this.jitterMs;
    return Math.max(0, this.latencyMs + jitter);
  }
}

/**
 * Resolves once `performance.now()` has reached `dueAt` (a timer may fire up to a millisecond early, so it is
 * re-armed until then), or at once when `signal` aborts (the client left, or the simulator closes).
 */
export function holdUntil(dueAt: number, signal: AbortSignal): Promise<void> {
  if (performance.now() >= dueAt || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const arm = (): void => {
      const left = dueAt - performance.now();
      if (left <= 0) return done();
      timer = setTimeout(arm, Math.max(1, Math.ceil(left)));
    };
    signal.addEventListener('abort', done, { once: true });
    arm();
  });
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`simulator: ${name} must be a number of ms ≥ 0, got ${value}`);
  return value;
}
