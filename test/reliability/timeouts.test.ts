import { describe, expect, it } from 'vitest';
import { ActitimeApiError, TimeoutError } from '../../src/actitime/errors.js';
import { createCustomer, getCustomer, listCustomers } from '../../src/actitime/resources/customers.js';
import { now, sleep, harnessPerTest, type Harness } from './support.js';

describe('timeouts (REL-TO, SEC-CR-03)', () => {
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next));

  it('REL-TO-01 withheld headers: a GET gives up after ~200 ms per attempt and retries; a POST tries once', async () => {
    const c = h.client({ attemptTimeoutMs: 200, maxRetries: 2, backoffBaseMs: 20 });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 5000, times: 3 });
    const started = now();
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    const elapsed = now() - started;
    expect(err).toBeInstanceOf(TimeoutError);
    await sleep(20); // the simulator records the closed connection a moment later
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(3);
    for (const hit of hits) {
      expect(hit.abortedAt).toBeDefined(); // the client hung up …
      expect(hit.abortedAt! - hit.arrivedAt).toBeLessThan(350); // … after about one attempt timeout
    }
    // Three attempts of ~200 ms plus two short backoffs (measured on our side: the simulator may log an arrival
    // late under CPU load, which would shorten the apparent attempt).
    expect(elapsed).toBeGreaterThanOrEqual(3 * 200);
    expect(elapsed).toBeLessThan(3 * 200 + 20 + 40 + 300);

    h.sim.faults.inject({ method: 'POST', path: '/customers', delayMs: 5000, times: 3 });
    const post = await createCustomer(c, { name: 'Slow Corp' }).catch((e: unknown) => e);
    expect(post).toBeInstanceOf(TimeoutError);
    expect((post as TimeoutError).maybeApplied).toBe(true);
    expect(h.hits('/customers', 'POST')).toHaveLength(1);
  });

  it('REL-TO-02 a stalled body ends in TimeoutError and the socket is destroyed', async () => {
    const c = h.client({ attemptTimeoutMs: 200, maxRetries: 0 });
    h.sim.faults.inject({ method: 'GET', path: '/customers', stallBody: true });
    const started = now();
    const err = await listCustomers(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(now() - started).toBeLessThan(400);
    await sleep(20);
    const [hit] = h.hits('/customers');
    expect(hit?.status).toBe(200); // headers were sent …
    expect(hit?.abortedAt).toBeDefined(); // … and the connection was closed before the body ended
    expect(hit!.abortedAt! - hit!.arrivedAt).toBeLessThan(350);
    // The pool recovers with a fresh connection.
    await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });
  });

  it('REL-TO-03 attempts and backoff never exceed the overall deadline (slow 503s)', async () => {
    const deadlineMs = 700;
    const c = h.client({
      deadlineMs,
      attemptTimeoutMs: 300,
      maxRetries: 10,
      backoffBaseMs: 50,
      backoffCapMs: 100,
    });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 503, delayMs: 150, times: 50 });
    const started = now();
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    const elapsed = now() - started;
    expect(err instanceof ActitimeApiError || err instanceof TimeoutError).toBe(true);
    expect(elapsed).toBeLessThanOrEqual(deadlineMs + 30);
    const hits = h.hits('/customers/6');
    expect(hits.length).toBeGreaterThanOrEqual(3);
    for (const hit of hits) expect(hit.arrivedAt - started).toBeLessThan(deadlineMs);
  });
});
