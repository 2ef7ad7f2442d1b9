/**
 * REST hook subscriptions and deliveries (docs/actitime-model.md §2.15). A delivery is a POST of a JSON array whose elements
 * carry `"event.name"`; it goes only to loopback targets, fire-and-forget, one at a time per subscription so a
 * receiver sees events in order. The outcome is kept in lastHttpStatus / lastHttpError / lastHttpCall.
 */
import http from 'node:http';
import https from 'node:https';

export interface HookSubscription {
  id: number;
  target_url: string;
  event: string;
  filter: Record<string, unknown> | null;
  enabled: boolean;
  userId: number;
  lastHttpStatus: number | null;
  lastHttpError: string | null;
  lastHttpCall: number | null;
}

const OBJECTS_FULL = ['task', 'project'];
const OBJECTS_CUD = ['customer', 'department', 'user', 'timeZoneGroup'];

/** Every event name a subscription may name (case-sensitive). */
export const HOOK_EVENTS: ReadonlySet<string> = new Set([
  '*',
  'create',
  'update',
  'move',
  'delete',
  'task',
  'project',
  'customer',
  'department',
  'user',
  'timeZoneGroup',
  'leaveTime',
  'timetrack',
  'timetrackApprovalStatus',
  ...OBJECTS_FULL.flatMap((o) => ['create', 'update', 'move', 'delete'].map((a) => `${o}.${a}`)),
  ...OBJECTS_CUD.flatMap((o) => ['create', 'update', 'delete'].map((a) => `${o}.${a}`)),
  'timetrack.update',
  'leaveTime.update',
  'timetrackApprovalStatus.update',
]);

/** Whether a subscription to `subscribed` receives the fired event `fired` (e.g. `task.create`). */
export function eventMatches(subscribed: string, fired: string): boolean {
  if (subscribed === '*' || subscribed === fired) return true;
  const [object, action] = fired.split('.');
  return subscribed === object || subscribed === action;
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackUrl(target: string): boolean {
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = url.hostname.toLowerCase();
    return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

const DELIVERY_TIMEOUT_MS = 5000;

/** Builds the element for one subscriber, or null when that subscriber may not see the object. */
export type PayloadBuilder<User> = (subscriber: User) => Record<string, unknown> | null;

/**
 * What deliveries read from the store that owns the manager. Structural, and generic in the user record, so
 * that this module does not import store.ts, which imports it.
 */
export interface HookHost<User> {
  readonly users: ReadonlyMap<number, User>;
  clockMs(): number;
}

export class HookManager<User> {
  private subs = new Map<number, HookSubscription>();
  private nextId = 1;
  /** Per subscription: the tail of its delivery chain. */
  private chains = new Map<number, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly sockets = new Set<http.ClientRequest>();
  private disposed = false;

  constructor(private readonly store: HookHost<User>) {}

  clear(): void {
    this.subs.clear();
    this.chains.clear();
    this.nextId = 1;
  }

  list(): HookSubscription[] {
    return [...this.subs.values()];
  }

  get(id: number): HookSubscription | undefined {
    return this.subs.get(id);
  }

  add(
    input: Omit<HookSubscription, 'id' | 'lastHttpStatus' | 'lastHttpError' | 'lastHttpCall'>,
  ): HookSubscription {
    const sub: HookSubscription = {
      id: this.nextId++,
      ...input,
      lastHttpStatus: null,
      lastHttpError: null,
      lastHttpCall: null,
    };
    this.subs.set(sub.id, sub);
    return sub;
  }

  remove(id: number): boolean {
    this.chains.delete(id);
    return this.subs.delete(id);
  }

  /**
   * Fires an event. Payloads are built now (before a delete takes effect, visibility is still known); delivery
   * happens later. Subscriptions whose creator no longer exists or cannot see the object get nothing.
   */
  emit(eventName: string, build: PayloadBuilder<User>): void {
    if (this.disposed) return;
    for (const sub of this.subs.values()) {
      if (!sub.enabled || !eventMatches(sub.event, eventName)) continue;
      const subscriber = this.store.users.get(sub.userId);
      if (!subscriber) continue;
      const payload = build(subscriber);
      if (payload === null) continue;
      if (!isLoopbackUrl(sub.target_url)) continue; // stored, never called
      const body = JSON.stringify([{ 'event.name': eventName, ...payload }]);
      const previous = this.chains.get(sub.id) ?? Promise.resolve();
      const next = previous.then(() => this.deliver(sub, body));
      this.chains.set(sub.id, next);
      this.pending.add(next);
      void next.finally(() => this.pending.delete(next));
    }
  }

  /** Resolves when every delivery queued so far has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const req of this.sockets) req.destroy();
    await this.idle();
  }

  private deliver(sub: HookSubscription, body: string): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const url = new URL(sub.target_url);
      const send = url.protocol === 'https:' ? https.request : http.request;
      const finish = (status: number | null, error: string | null): void => {
        sub.lastHttpStatus = status;
        sub.lastHttpError = error;
        sub.lastHttpCall = this.store.clockMs();
        resolve();
      };
      let req: http.ClientRequest;
      try {
        req = send(url, {
          method: 'POST',
          agent: false,
          headers: {
            'Content-Type': 'application/json; charset=UTF-8',
            'Content-Length': Buffer.byteLength(body),
          },
          timeout: DELIVERY_TIMEOUT_MS,
        });
      } catch (err) {
        finish(null, err instanceof Error ? err.message : String(err));
        return;
      }
      this.sockets.add(req);
      let settled = false;
      const settle = (status: number | null, error: string | null): void => {
        if (settled) return;
        settled = true;
        this.sockets.delete(req);
        finish(status, error);
      };
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => settle(status, status >= 200 && status < 300 ? null : `HTTP ${status}`));
        res.on('error', (err) => settle(status, err.message));
      });
      req.on('timeout', () => req.destroy(new Error('delivery timed out')));
      req.on('error', (err) => settle(null, err.message));
      req.end(body);
    });
  }
}
