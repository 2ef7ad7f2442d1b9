/**
 * TTL cache for reference data (info, leave types, types of work, workflow statuses, departments, time zone
 * groups). Concurrent misses for one key share a single load. Keys start with the API resource name, so a
 * write to `/workflowStatuses/…` can drop everything cached from that resource.
 */
import { raceAbort } from './signals.js';

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
  async get<T>(key: string, load: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const t = this.now();
    const slot = this.slots.get(key);
    if (slot && slot.pending === undefined && slot.expiresAt > t) return slot.value as T;
    if (slot?.pending) return (signal ? raceAbort(slot.pending, signal) : slot.pending) as Promise<T>;
    if (this.ttlMs <= 0) return load();
    const fresh: Slot = { expiresAt: 0 };
    const pending = load().then(
      (value) => {
        // Invalidated while loading (the value may predate our own write): serve it, but do not keep it.
        if (this.slots.get(key) === fresh) {
          fresh.value = value;
          fresh.expiresAt = this.now() + this.ttlMs;
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

  /** Drops every entry whose key is `resource` or starts with `resource:`. */
  invalidate(resource: string): void {
    for (const key of [...this.slots.keys()]) {
      if (key === resource || key.startsWith(resource + ':')) this.slots.delete(key);
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
]);

/** A stable cache key for a resource plus query. */
export function cacheKey(resource: string, query?: object): string {
  if (!query) return resource;
  const entries = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? resource : `${resource}:${JSON.stringify(entries)}`;
}
