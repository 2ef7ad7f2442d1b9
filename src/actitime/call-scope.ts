/**
 * One call, one scope (docs/reliability.md): every request a tool call makes shares one signal, one deadline and
 * one request budget. When the call ends (its result, its first fatal error, the deadline, or the MCP client's
 * cancel) the scope's signal aborts, so requests still queued in the limiter are dropped and never sent, and
 * requests in flight are aborted.
 *
 * The client finds a request's scope from the signal it was given (`scopeOf`), so endpoint functions and domain
 * code only ever pass `{signal}` along, as they already do.
 */
import { setMaxListeners } from 'node:events';
import { CallBudgetError, CancelledError, TimeoutError } from './errors.js';

const scopes = new WeakMap<AbortSignal, CallScope>();

export interface CallScopeOptions {
  /** The caller's own signal (the MCP request's): its abort ends the scope. */
  parent?: AbortSignal;
  /** The whole call's deadline. */
  deadlineMs: number;
  /** Request tokens (a batch counts one per operation) the call may spend. */
  maxRequests: number;
  /** Monotonic clock; default performance.now. */
  now?: () => number;
}

export class CallScope {
  readonly deadlineMs: number;
  /** On the scope's clock (`now`). */
  readonly deadlineAt: number;
  readonly maxRequests: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly detach: () => void;
  private spent = 0;

  constructor(options: CallScopeOptions) {
    this.now = options.now ?? (() => performance.now());
    this.deadlineMs = options.deadlineMs;
    this.deadlineAt = this.now() + options.deadlineMs;
    this.maxRequests = options.maxRequests;
    setMaxListeners(0, this.controller.signal);
    this.timer = setTimeout(
      () => this.controller.abort(new TimeoutError('call', options.deadlineMs)),
      options.deadlineMs,
    );
    const parent = options.parent;
    const onParentAbort = (): void => this.controller.abort(new CancelledError('caller'));
    if (parent?.aborted) onParentAbort();
    else parent?.addEventListener('abort', onParentAbort, { once: true });
    this.detach = () => parent?.removeEventListener('abort', onParentAbort);
    scopes.set(this.controller.signal, this);
  }

  /** Pass this to every request of the call. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get ended(): boolean {
    return this.controller.signal.aborted;
  }

  remainingMs(): number {
    return this.deadlineAt - this.now();
  }

  /** Request tokens spent so far. */
  get used(): number {
    return this.spent;
  }

  /** Request tokens still available. */
  get left(): number {
    return Math.max(0, this.maxRequests - this.spent);
  }

  /** Takes `weight` tokens, or throws CallBudgetError and takes none. */
  spend(weight: number): void {
    if (this.spent + weight > this.maxRequests) throw new CallBudgetError(this.maxRequests);
    this.spent += weight;
  }

  /** Gives back tokens of a request that was never sent. */
  refund(weight: number): void {
    this.spent = Math.max(0, this.spent - weight);
  }

  /**
   * Refuses up front, before anything more is sent, a call whose remaining work needs `needed` more tokens than
   * it has left.
   */
  require(needed: number): void {
    if (needed > this.left) throw new CallBudgetError(this.maxRequests, this.spent + needed);
  }

  /** The call is over: whatever it still has queued is dropped. Idempotent. */
  end(): void {
    clearTimeout(this.timer);
    this.detach();
    if (!this.controller.signal.aborted) this.controller.abort(new CancelledError('call_ended'));
  }
}

/** The scope a signal belongs to, when it is a call scope's signal. */
export function scopeOf(signal: AbortSignal | undefined): CallScope | undefined {
  return signal === undefined ? undefined : scopes.get(signal);
}
