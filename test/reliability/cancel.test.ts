import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/actitime/errors.js';
import { getCustomer } from '../../src/actitime/resources/customers.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { now, settle, sleep, harnessPerTest, type Harness } from './support.js';

describe('cancellation (REL-CX, SEC-CR-03)', () => {
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next));

  it('REL-CX-02 a call cancelled while queued behind the concurrency cap is never sent', async () => {
    const c = h.client({ limits: { maxConcurrent: 1 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 300 });
    const first = getCustomer(c, 6);
    const ac = new AbortController();
    const queued = getCustomer(c, 7, { signal: ac.signal });
    await sleep(50);
    const abortedAt = now();
    ac.abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    expect(now() - abortedAt).toBeLessThan(20);
    await first;
    await sleep(100);
    expect(h.hits('/customers/7')).toHaveLength(0);
    expect(c.limiter.counts).toEqual({ queued: 0, running: 0 });
  });

  it('REL-CX-02 a call cancelled while waiting out a server pause (Retry-After) is never sent', async () => {
    const c = h.client();
    await getMe(c);
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '8' },
    });
    const paused = getCustomer(c, 6); // 429 → everyone waits 8 units (400 ms)
    await sleep(50);
    const ac = new AbortController();
    const waiting = getCustomer(c, 7, { signal: ac.signal });
    await sleep(50);
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    await expect(paused).resolves.toMatchObject({ id: 6 });
    expect(h.hits('/customers/7')).toHaveLength(0);
  });

  it('REL-CX-03 cancelled during a backoff sleep: the sleep ends at once, no further request', async () => {
    const c = h.client({ backoffBaseMs: 500 });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 503, times: 5 });
    const ac = new AbortController();
    const call = getCustomer(c, 6, { signal: ac.signal });
    await sleep(100);
    expect(h.hits('/customers/6')).toHaveLength(1);
    const abortedAt = now();
    ac.abort();
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    expect(now() - abortedAt).toBeLessThan(20);
    await sleep(600);
    expect(h.hits('/customers/6')).toHaveLength(1);
  });

  it('close() aborts in-flight calls, drops queued ones and leaves no timers', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const c = h.client({ limits: { maxConcurrent: 1 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 2000 });
    const inFlight = settle(getCustomer(c, 6));
    const queued = settle(getCustomer(c, 7));
    await sleep(50);
    await c.close();
    for (const result of await Promise.all([inFlight, queued])) {
      expect(result.ok ? undefined : result.error).toBeInstanceOf(CancelledError);
    }
    await expect(getCustomer(c, 9)).rejects.toBeInstanceOf(CancelledError);
    await sleep(20);
    expect(h.hits('/customers/6')[0]?.abortedAt).toBeDefined();
    expect(h.hits('/customers/7')).toHaveLength(0);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });
});
