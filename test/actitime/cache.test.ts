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
});
