/**
 * TTL cache of one client (one actiTIME account), shared by every call of the server:
 * - reference data (info, leave types, types of work, workflow statuses, departments, time zone groups) for the
 *   client's `cacheTtlMs` (default 5 min);
 * - customers, projects and tasks (by id, and the name lookups of resolution), and users (by id, the lists
 *   names are resolved from) for at most WORK_TTL_MS;
 * - schedules for at most SCHEDULE_TTL_MS.
 * Concurrent misses for one key share a single load. Keys start with the API resource name, so a write to
 * `/tasks/…` (by this server: the client and runBatch call `invalidate` on every write to a cached resource,
 * applied or maybe applied) drops everything cached from that resource — and, through DEPENDENTS, what
 * embeds it: a renamed customer changes the paths of its projects and tasks, a new workflow status the
 * tasks' status type. Other people's changes are seen when the TTL runs out; what that means for writes is in
 * docs/caching.md.
 */
import { CancelledError } from './errors.js';
import { raceAbort } from './signals.js';

/** Longest a customer, project, task or user stays cached (another person's rename or create shows after it). */
export const WORK_TTL_MS = 120_000;
/** Longest a schedule stays cached. */
export const SCHEDULE_TTL_MS = 60_000;

export interface CacheGetOptions<T = unknown> {
  signal?: AbortSignal;
  /** A shorter lifetime than the cache's own (never longer). */
  ttlMs?: number;
  /** Whether to keep a loaded value (default: always); one not kept still answers the callers waiting for it. */
  keep?: (value: T) => boolean;
}

interface Slot {
  value?: unknown;
  expiresAt: number;
  pending?: Promise<unknown>;
}

export class ReferenceCache {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The cached value, or the result of `load` (shared with concurrent callers). A caller's `signal` only stops
   * that caller's wait: the shared load continues for the others. Failed loads are not cached.
   */
  async get<T>(
    key: string,
    load: () => Promise<T>,
    signal?: AbortSignal,
    ttlMs?: number,
    keep: (value: T) => boolean = () => true,
  ): Promise<T> {
    const t = this.now();
    const slot = this.slots.get(key);
    if (slot && slot.pending === undefined && slot.expiresAt > t) return slot.value as T;
    if (slot?.pending) return (signal ? raceAbort(slot.pending, signal) : slot.pending) as Promise<T>;
    const ttl = Math.min(this.ttlMs, ttlMs ?? Infinity);
    if (ttl <= 0) return load();
    const fresh: Slot = { expiresAt: 0 };
    const pending = load().then(
      (value) => {
        // Invalidated while loading (the value may predate our own write): serve it, but do not keep it.
        if (this.slots.get(key) === fresh && !keep(value)) this.slots.delete(key);
        else if (this.slots.get(key) === fresh) {
          fresh.value = value;
          fresh.expiresAt = this.now() + ttl;
          fresh.pending = undefined;
        }
        return value;
      },
      (err: unknown) => {
        if (this.slots.get(key) === fresh) this.slots.delete(key);
        throw err;
      },
    );
    fresh.pending = pending;
    this.slots.set(key, fresh);
    return signal ? raceAbort(pending, signal) : pending;
  }

  /**
   * Like `get`, for data a call reads on its own behalf (work items, users, schedules): the load runs with the
   * caller's signal, so it counts against that call's budget and deadline and stops when the call is cancelled
   * (REL-CX-02). A caller that found another call's load under way and saw it cancelled loads again itself.
   */
  async fetch<T>(
    key: string,
    load: (signal?: AbortSignal) => Promise<T>,
    opts: CacheGetOptions<T> = {},
  ): Promise<T> {
    const { signal, ttlMs, keep } = opts;
    const shared = this.slots.get(key)?.pending !== undefined;
    try {
      return await this.get(key, () => load(signal), signal, ttlMs, keep);
    } catch (err) {
      if (!shared || !(err instanceof CancelledError) || signal?.aborted) throw err;
      return this.get(key, () => load(signal), signal, ttlMs, keep);
    }
  }

  /** The value of `key` if cached and fresh, without loading. */
  peek<T>(key: string): T | undefined {
    const slot = this.slots.get(key);
    return slot && slot.pending === undefined && slot.expiresAt > this.now() ? (slot.value as T) : undefined;
  }

  /** Stores a value read some other way (e.g. one list answering many by-id keys). */
  put(key: string, value: unknown, ttlMs?: number): void {
    const ttl = Math.min(this.ttlMs, ttlMs ?? Infinity);
    if (ttl <= 0 || this.slots.get(key)?.pending) return;
    this.slots.set(key, { value, expiresAt: this.now() + ttl });
  }

  /** Drops every entry whose key is `resource` or starts with `resource:`, and those of its DEPENDENTS. */
  invalidate(resource: string): void {
    const resources = new Set([resource, ...(DEPENDENTS[resource] ?? [])]);
    for (const key of [...this.slots.keys()]) {
      const head = key.split(':', 1)[0]!;
      if (resources.has(head)) this.slots.delete(key);
    }
  }

  clear(): void {
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }
}

/** Resources whose data the cache may hold; writes to them invalidate it. */
export const CACHED_RESOURCES = new Set([
  'info',
  'leaveTypes',
  'typesOfWork',
  'workflowStatuses',
  'departments',
  'timeZoneGroups',
  'customers',
  'projects',
  'tasks',
  'users',
]);

/**
 * What else a write to a resource makes stale: cached tasks carry their project's and customer's names and
 * archived state and their status type, projects their customer's; users carry their department and
 * time-zone group. A delete cascades the same way (docs/actitime-model.md §2.3–2.5).
 */
const DEPENDENTS: Readonly<Record<string, readonly string[]>> = {
  customers: ['projects', 'tasks'],
  projects: ['tasks'],
  workflowStatuses: ['tasks'],
  typesOfWork: ['tasks'],
  departments: ['users'],
  timeZoneGroups: ['users'],
};

/** A stable cache key for a resource plus query. */
export function cacheKey(resource: string, query?: object): string {
  if (!query) return resource;
  const entries = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? resource : `${resource}:${JSON.stringify(entries)}`;
}
