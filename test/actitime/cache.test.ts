import { describe, expect, it } from 'vitest';
import { cacheKey, ReferenceCache } from '../../src/actitime/cache.js';
import { CancelledError } from '../../src/actitime/errors.js';

describe('ReferenceCache', () => {
  it('shares one load between concurrent callers and serves hits until the TTL', async () => {
    let t = 0;
    const cache = new ReferenceCache(1000, () => t);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return { n: loads };
    };
    const [a, b] = await Promise.all([cache.get('info', load), cache.get('info', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    t = 999;
    expect(await cache.get('info', load)).toBe(a);
    t = 1011;
    expect(await cache.get('info', load)).toEqual({ n: 2 });
  });

  it('does not keep failures; invalidate drops a resource and its queries', async () => {
    const cache = new ReferenceCache(60_000);
    await expect(cache.get('info', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('info', async () => 1)).toBe(1);
    await cache.get(cacheKey('workflowStatuses', { type: 'open' }), async () => 'open');
    await cache.get('workflowStatusesX', async () => 'other');
    cache.invalidate('workflowStatuses');
    expect(await cache.get(cacheKey('workflowStatuses', { type: 'open' }), async () => 'fresh')).toBe(
      'fresh',
    );
    expect(await cache.get('workflowStatusesX', async () => 'reloaded')).toBe('other');
  });

  it('a value loaded across an invalidation is served but not kept; a cancelled waiter does not cancel the load', async () => {
    const cache = new ReferenceCache(60_000);
    let release!: (v: string) => void;
    const pending = cache.get('leaveTypes', () => new Promise<string>((r) => (release = r)));
    const ac = new AbortController();
    const impatient = cache.get('leaveTypes', () => Promise.resolve('unused'), ac.signal);
    ac.abort();
    await expect(impatient).rejects.toBeInstanceOf(CancelledError);
    cache.invalidate('leaveTypes');
    release('stale');
    expect(await pending).toBe('stale');
    expect(await cache.get('leaveTypes', async () => 'new')).toBe('new');
  });

  it('builds stable keys regardless of property order', () => {
    expect(cacheKey('x', { b: 1, a: 2 })).toBe(cacheKey('x', { a: 2, b: 1, c: undefined }));
    expect(cacheKey('x', {})).toBe('x');
  });

  it('a write to customers, projects or workflow statuses also drops the tasks and projects that embed them', async () => {
    const cache = new ReferenceCache(60_000);
    const fill = async () => {
      for (const key of ['customers:id:1', 'projects:id:2', 'tasks:id:3', 'tasks:index', 'users:id:4'])
        await cache.get(key, async () => key);
    };
    await fill();
    cache.invalidate('tasks');
    expect(['customers:id:1', 'projects:id:2', 'users:id:4'].map((k) => cache.peek(k))).toEqual([
      'customers:id:1',
      'projects:id:2',
      'users:id:4',
    ]);
    expect(cache.peek('tasks:id:3')).toBeUndefined();
    await fill();
    cache.invalidate('customers');
    expect(
      ['customers:id:1', 'projects:id:2', 'tasks:id:3', 'tasks:index'].map((k) => cache.peek(k)),
    ).toEqual([undefined, undefined, undefined, undefined]);
    expect(cache.peek('users:id:4')).toBe('users:id:4');
    await fill();
    cache.invalidate('workflowStatuses');
    expect(cache.peek('tasks:id:3')).toBeUndefined();
    expect(cache.peek('projects:id:2')).toBe('projects:id:2');
    cache.invalidate('departments');
    expect(cache.peek('users:id:4')).toBeUndefined();
  });

  it('a shorter TTL per entry (work items, schedules); values a caller does not keep are served, not cached', async () => {
    let t = 0;
    const cache = new ReferenceCache(300_000, () => t);
    await cache.fetch('tasks:id:1', async () => 'task', { ttlMs: 120_000 });
    await cache.fetch('info', async () => 'info');
    t = 120_001;
    expect(cache.peek('tasks:id:1')).toBeUndefined();
    expect(cache.peek('info')).toBe('info');
    const empty = { items: [] as number[] };
    expect(await cache.fetch('tasks:[]', async () => empty, { keep: (p) => p.items.length > 0 })).toBe(empty);
    expect(cache.peek('tasks:[]')).toBeUndefined();
    cache.put('users:schedule:1', 's', 60_000);
    t += 59_999;
    expect(cache.peek('users:schedule:1')).toBe('s');
    t += 2;
    expect(cache.peek('users:schedule:1')).toBeUndefined();
    // With the cache off (cacheTtlMs 0) nothing is kept, whatever an entry asks.
    const off = new ReferenceCache(0);
    off.put('tasks:id:1', 'x', 60_000);
    expect(off.peek('tasks:id:1')).toBeUndefined();
  });

  it('fetch loads with the caller’s signal; a caller that joined a load another call cancelled loads again itself', async () => {
    const cache = new ReferenceCache(60_000);
    const first = new AbortController();
    const signals: Array<AbortSignal | undefined> = [];
    const load = (signal?: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((resolve, reject) => {
        if (signal === first.signal) signal.addEventListener('abort', () => reject(new CancelledError()));
        else resolve('mine');
      });
    };
    const a = cache.fetch('tasks:id:7', load, { signal: first.signal });
    const second = new AbortController();
    const b = cache.fetch('tasks:id:7', load, { signal: second.signal });
    first.abort();
    await expect(a).rejects.toBeInstanceOf(CancelledError);
    expect(await b).toBe('mine');
    expect(signals).toEqual([first.signal, second.signal]);
    expect(cache.peek('tasks:id:7')).toBe('mine');
  });
});
