import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/actitime/errors.js';
import { SlotPool, type PoolSlot, type SlotWaiter } from '../../src/actitime/lease.js';
import { waitFor } from '../helpers/wait.js';

function waiter(name: string, log: string[], retry = false) {
  const w = {
    slot: undefined as PoolSlot | undefined,
    error: undefined as unknown,
    spec: {
      retry,
      grant: (slot: PoolSlot) => {
        log.push(name);
        w.slot = slot;
      },
      fail: (err: unknown) => {
        w.error = err;
      },
    } satisfies SlotWaiter,
  };
  return w;
}

describe('SlotPool (concurrency slots leased from bottleneck, spent locally)', () => {
  it('one lease of every slot serves a burst; freed slots pass on synchronously; never more than the cap in use', async () => {
    const pool = new SlotPool({ maxConcurrent: 3 });
    const log: string[] = [];
    const ws = Array.from({ length: 5 }, (_, i) => waiter(`w${i}`, log));
    for (const w of ws) pool.request(w.spec);
    expect(pool.waiting).toBe(5); // the lease is a bottleneck job: granted asynchronously
    await waitFor(() => log.length === 3, { message: 'the lease granted' });
    expect(log).toEqual(['w0', 'w1', 'w2']);
    expect([pool.inUse, pool.waiting, pool.leased]).toEqual([3, 2, 3]);
    ws[0]!.slot!.release();
    ws[0]!.slot!.release(); // idempotent
    expect(log).toEqual(['w0', 'w1', 'w2', 'w3']); // at once, no timer
    expect(pool.inUse).toBe(3);
    for (const w of ws.slice(1)) w.slot?.release();
    expect(log).toHaveLength(5);
    ws[4]!.slot!.release();
    expect([pool.inUse, pool.waiting]).toEqual([0, 0]);
    // With the lease held, a new request gets its slot synchronously.
    const late = waiter('late', log);
    pool.request(late.spec);
    expect(log.at(-1)).toBe('late');
    late.slot!.release();
    expect(pool.leasesTaken).toBe(1);
    await pool.close();
  });

  it('the requester of a lease is served first from it; the rest goes to retries first, then arrival order', async () => {
    const pool = new SlotPool({ maxConcurrent: 1 });
    const log: string[] = [];
    const first = waiter('first', log);
    const fresh = waiter('fresh', log);
    const retry = waiter('retry', log, true);
    pool.request(first.spec);
    pool.request(fresh.spec);
    pool.request(retry.spec);
    await waitFor(() => log.length === 1, { message: 'the lease granted' });
    first.slot!.release();
    retry.slot!.release();
    fresh.slot!.release();
    expect(log).toEqual(['first', 'retry', 'fresh']);
    await pool.close();
  });

  it('a withdrawn waiter leaves the line at once; close() fails the rest and waits for slots in use', async () => {
    const pool = new SlotPool({ maxConcurrent: 1 });
    const log: string[] = [];
    const a = waiter('a', log);
    const b = waiter('b', log);
    const c = waiter('c', log);
    pool.request(a.spec);
    pool.request(b.spec);
    pool.request(c.spec);
    expect(pool.withdraw(b.spec)).toBe(true);
    expect(pool.withdraw(b.spec)).toBe(false);
    await waitFor(() => log.length === 1, { message: 'the lease granted' });
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    expect(c.error).toBeInstanceOf(CancelledError);
    await new Promise((r) => setTimeout(r, 5));
    expect(closed).toBe(false); // a still holds its slot
    a.slot!.release();
    await closing;
    expect(log).toEqual(['a']);
    const d = waiter('d', log);
    pool.request(d.spec);
    expect(d.error).toBeInstanceOf(CancelledError);
  });

  it('an idle pool returns its lease after idleMs, and the next request takes a new one', async () => {
    const pool = new SlotPool({ maxConcurrent: 2, idleMs: 10 });
    const log: string[] = [];
    const a = waiter('a', log);
    pool.request(a.spec);
    await waitFor(() => log.length === 1, { message: 'the lease granted' });
    a.slot!.release();
    expect(pool.leased).toBe(2);
    await waitFor(() => pool.leased === 0, { message: 'the lease returned' });
    const b = waiter('b', log);
    pool.request(b.spec);
    await waitFor(() => log.length === 2, { message: 'a new lease' });
    expect(pool.leasesTaken).toBe(2);
    b.slot!.release();
    await pool.close();
  });
});
