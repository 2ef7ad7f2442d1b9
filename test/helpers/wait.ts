/**
 * Waiting without guessing how long things take. A fixed sleep is either too short on a loaded CI machine
 * (flaky) or too long everywhere else (slow); these wait for the condition itself, or for the one event-loop
 * ordering fact a test relies on.
 */
import { connect } from 'node:net';
import type { ActitimeClient } from '../../src/actitime/client.js';
import type { SimulatorHandle } from '../../src/simulator/server.js';

export interface WaitForOptions {
  /** Give up after this long. Generous on purpose: it only bounds how long a broken test hangs. */
  timeoutMs?: number;
  /** Poll interval. */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  message?: string;
}

/** Resolves once `predicate` holds (checked at once, then every few ms); rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 2, message = 'condition' }: WaitForOptions = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline)
      throw new Error(`waitFor: ${message} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Awaits `p`, failing with a clear message after `timeoutMs` instead of hanging until the test's own timeout.
 * For "it ends by itself" checks: the bound is generous, the point is only that `p` settles at all.
 */
export async function settles<T>(p: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let settled = false;
  const done = p.finally(() => (settled = true));
  done.catch(() => undefined); // observed below, after the wait
  await waitFor(() => settled, { timeoutMs, message: `${what} to settle` });
  return done;
}

/**
 * Whether the event loop has run any other callback (timer, I/O, immediate) since this was called. A promise
 * that settles while `turned()` is still false settled through microtasks alone: "at once", with no wait
 * that load could stretch, which is what a "fails fast" or "answers a cancel at once" test means.
 */
export function loopTurnWatch(): { turned(): boolean } {
  let turned = false;
  setImmediate(() => (turned = true));
  return { turned: () => turned };
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once the client has nothing queued or running and the simulator nothing in flight. After the call
 * under test has settled, that is final: nothing more of it can reach the wire, so a "never sent" or "not
 * retried" check needs no sleep.
 */
export function untilIdle(
  client: Pick<ActitimeClient, 'limiter'>,
  sim: Pick<SimulatorHandle, 'requests'>,
): Promise<void> {
  return waitFor(
    () => {
      const { queued, running } = client.limiter.counts;
      const open = sim.requests.some((r) => r.batchOf === undefined && r.finishedAt === undefined);
      return queued === 0 && running === 0 && !open;
    },
    { message: 'client limiter and simulator idle' },
  );
}
