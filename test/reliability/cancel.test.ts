import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/actitime/errors.js';
import { getCustomer } from '../../src/actitime/resources/customers.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { loopTurnWatch, untilIdle, waitFor } from '../helpers/wait.js';
import { settle, harnessPerTest, type Harness } from './support.js';

/**
 * "Answered at once" means: settled before the event loop ran anything else (loopTurnWatch), which no load can
 * stretch. "Never sent" is checked once nothing more can be sent (the client idle, or a later request through
 * the same FIFO queue already answered), not after a sleep.
 */
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
    await waitFor(() => h.hits('/customers/6').length === 1 && c.limiter.counts.queued === 1, {
      message: 'the first call at the simulator, the second queued',
    });
    const turn = loopTurnWatch();
    ac.abort();
    const outcome = await settle(queued);
    expect(turn.turned()).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(CancelledError);
    await first;
    // The cancelled job is still in bottleneck's queue, ahead of this one (FIFO, one at a time): once this one
    // is answered, the cancelled one has had its turn, and had it sent anything, it would be on the wire.
    await getCustomer(c, 9);
    expect(h.hits('/customers/7')).toHaveLength(0);
    await untilIdle(c, h.sim);
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
    // The client warns after pausing its budget.
    await waitFor(() => h.warnings().length === 1, { message: 'the 429 warning' });
    const ac = new AbortController();
    const waiting = getCustomer(c, 7, { signal: ac.signal });
    await waitFor(() => c.limiter.counts.queued === 1, { message: 'the second call waiting for budget' });
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    await expect(paused).resolves.toMatchObject({ id: 6 });
    // The pause is over and nothing is left to send.
    await untilIdle(c, h.sim);
    expect(h.hits('/customers/7')).toHaveLength(0);
  });

  it('REL-CX-03 cancelled during a backoff sleep: the sleep ends at once, no further request', async () => {
    const c = h.client({ backoffBaseMs: 500 });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 503, times: 5 });
    const ac = new AbortController();
    const call = getCustomer(c, 6, { signal: ac.signal });
    // The warning is logged just before the 500 ms sleep starts.
    await waitFor(() => h.warnings().length === 1, { message: 'the backoff warning' });
    expect(h.hits('/customers/6')).toHaveLength(1);
    const turn = loopTurnWatch();
    ac.abort();
    const outcome = await settle(call);
    expect(turn.turned()).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(CancelledError);
    // The call is over and the client idle: the retry loop that could send the next attempt has ended.
    await untilIdle(c, h.sim);
    expect(h.hits('/customers/6')).toHaveLength(1);
  });

  it('close() aborts in-flight calls, drops queued ones and leaves no timers', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const c = h.client({ limits: { maxConcurrent: 1 } });
    await getMe(c);
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 2000 });
    const inFlight = settle(getCustomer(c, 6));
    const queued = settle(getCustomer(c, 7));
    await waitFor(() => h.hits('/customers/6').length === 1 && c.limiter.counts.queued === 1, {
      message: 'one call at the simulator, one queued',
    });
    await c.close();
    for (const result of await Promise.all([inFlight, queued])) {
      expect(result.ok ? undefined : result.error).toBeInstanceOf(CancelledError);
    }
    await expect(getCustomer(c, 9)).rejects.toBeInstanceOf(CancelledError);
    // The simulator records the closed connection a moment later.
    await waitFor(() => h.hits('/customers/6')[0]?.abortedAt !== undefined, { message: 'the abort' });
    expect(h.hits('/customers/7')).toHaveLength(0);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });
});
