import { describe, expect, it } from 'vitest';
import { ActitimeApiError, TimeoutError } from '../../src/actitime/errors.js';
import { createPool, resolveClientConfig } from '../../src/actitime/config.js';
import { createCustomer, getCustomer, listCustomers } from '../../src/actitime/resources/customers.js';
import { ADMIN_PASSWORD, announcedWaits, now, harnessPerTest, type Harness } from './support.js';
import { untilIdle } from '../helpers/wait.js';
import { shown } from '../helpers/errors.js';

/**
 * Load can only make waits longer, so elapsed times are bounded from below only. That the client gave up
 * when it should is shown by what it decided (the timeout named in its error, the waits it announced) and by
 * the wire (a held request the client hung up on never got a status).
 */
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
    // The attempt's own timer ended it, not the call's 45 s deadline.
    expect(shown(err)).toEqual({
      kind: 'timeout',
      message: 'actiTIME did not answer within 200 ms',
      hint: 'actiTIME is slow or unreachable; try again in a moment',
    });
    await untilIdle(c, h.sim); // the simulator records the closed connections a moment later
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(3);
    for (const hit of hits) {
      expect(hit.abortedAt).toBeDefined(); // the client hung up …
      expect(hit.status).toBeUndefined(); // … while the simulator still held the headers (5 s)
    }
    // Each timeout was retried after the client's own short backoff: 20 ms, then within [20, 40).
    const warnings = h.warnings();
    expect(warnings).toHaveLength(2);
    for (const w of warnings) expect(w).toContain('GET /customers/6 timed out; retrying in');
    const waits = announcedWaits(h.logs);
    expect(waits[0]).toBe(20);
    expect(waits[1]).toBeGreaterThanOrEqual(20);
    expect(waits[1]).toBeLessThanOrEqual(40);
    // Three attempts of 200 ms at least (measured on our side: the simulator may log an arrival late under CPU
    // load, which would shorten the apparent attempt).
    expect(elapsed).toBeGreaterThanOrEqual(3 * 200);

    h.sim.faults.inject({ method: 'POST', path: '/customers', delayMs: 5000, times: 3 });
    const post = await createCustomer(c, { name: 'Slow Corp' }).catch((e: unknown) => e);
    expect(post).toBeInstanceOf(TimeoutError);
    expect((post as TimeoutError).maybeApplied).toBe(true);
    expect(h.hits('/customers', 'POST')).toHaveLength(1);
  });

  it('REL-TO-02 a stalled body ends in TimeoutError and the socket is destroyed', async () => {
    // One pool, two clients: the impatient one under test, and a patient one that then shows the pool recovered.
    // (Through the impatient one, a healthy request on a loaded machine may also exceed 200 ms, which would say
    // nothing about the pool.)
    const pool = createPool(
      resolveClientConfig({ baseUrl: h.sim.baseUrl, username: 'admin', password: ADMIN_PASSWORD }),
    );
    try {
      const c = h.client({ attemptTimeoutMs: 200, maxRetries: 0 }, { dispatcher: pool });
      h.sim.faults.inject({ method: 'GET', path: '/customers', stallBody: true });
      const err = await listCustomers(c).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      // The 200 ms attempt timer covers the body too (the stall never ends by itself).
      expect(shown(err)).toEqual({
        kind: 'timeout',
        message: 'actiTIME did not answer within 200 ms',
        hint: 'actiTIME is slow or unreachable; try again in a moment',
      });
      await untilIdle(c, h.sim);
      const [hit] = h.hits('/customers');
      expect(hit?.status).toBe(200); // headers were sent …
      expect(hit?.abortedAt).toBeDefined(); // … and the connection was closed before the body ended
      // The pool recovers with a fresh connection.
      const patient = h.client({}, { dispatcher: pool });
      await expect(getCustomer(patient, 6)).resolves.toMatchObject({ id: 6 });
    } finally {
      await pool.destroy();
    }
  });

  it('REL-TO-03 attempts and backoff never exceed the overall deadline (slow 503s)', async () => {
    const deadlineMs = 700;
    const backoffCapMs = 100;
    const c = h.client({
      deadlineMs,
      attemptTimeoutMs: 300,
      maxRetries: 10,
      backoffBaseMs: 50,
      backoffCapMs,
    });
    const heldMs = 150;
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 503, delayMs: heldMs, times: 50 });
    const started = now();
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    const elapsed = now() - started;
    expect(err instanceof ActitimeApiError || err instanceof TimeoutError).toBe(true);
    await untilIdle(c, h.sim);
    const hits = h.hits('/customers/6');
    // No attempt after the deadline: each attempt is held 150 ms and each backoff is at least the 50 ms base,
    // so at most 4 attempts can start within 700 ms (the retries alone would allow 11). Load only stretches
    // the cycles, so it can lower this count but never raise it.
    expect(hits.length).toBeGreaterThanOrEqual(1);
    expect(hits.length).toBeLessThanOrEqual(Math.ceil(deadlineMs / (heldMs + 50)));
    // And not earlier than the deadline forces: the client may stop only once the next backoff (≤ 100 ms) no
    // longer fits, or the deadline has passed.
    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - backoffCapMs);
  });
});
