/**
 * Abort plumbing shared by the client and the limiter. Abort reasons are our own error objects, so whoever
 * observes an abort can tell a caller's cancel from the deadline or a client shutdown.
 */
import { setMaxListeners } from 'node:events';
import { ActitimeError, CancelledError, TimeoutError } from './errors.js';

/** A fresh error describing why `signal` was aborted (a new instance: callers may annotate it). */
export function abortError(signal: AbortSignal): ActitimeError {
  const reason: unknown = signal.reason;
  if (reason instanceof TimeoutError) return new TimeoutError(reason.scope, reason.afterMs);
  if (reason instanceof CancelledError) return new CancelledError(reason.reason);
  return new CancelledError();
}

/** Resolves after `ms`, or rejects with abortError(signal) as soon as the signal aborts; leaves no timer. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects as soon as `signal` aborts, otherwise settles like `promise` (whose later rejection is absorbed). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new CancelledError());
      },
    );
  });
}

/**
 * A signal that aborts when any parent aborts or the deadline passes (with a TimeoutError of scope `call` and
 * the deadline's length). `dispose()` removes every listener and the timer; call it when the operation ends.
 */
export class LinkedSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    parents: ReadonlyArray<AbortSignal | undefined>,
    deadline?: { inMs: number; lengthMs: number },
  ) {
    // One tool call's signal legitimately backs many concurrent requests; Node's leak warning (at 10
    // listeners) would be noise on stderr.
    setMaxListeners(0, this.controller.signal);
    for (const parent of parents) {
      if (!parent) continue;
      if (parent.aborted) {
        this.controller.abort(toReason(parent));
        break;
      }
      const onAbort = (): void => this.controller.abort(toReason(parent));
      setMaxListeners(0, parent);
      parent.addEventListener('abort', onAbort, { once: true });
      this.cleanups.push(() => parent.removeEventListener('abort', onAbort));
    }
    if (deadline !== undefined && !this.controller.signal.aborted) {
      this.timer = setTimeout(
        () => this.controller.abort(new TimeoutError('call', deadline.lengthMs)),
        Math.max(0, deadline.inMs),
      );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason: ActitimeError): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}

function toReason(signal: AbortSignal): ActitimeError {
  const reason: unknown = signal.reason;
  return reason instanceof ActitimeError ? reason : new CancelledError();
}
