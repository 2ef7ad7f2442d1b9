import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/actitime/errors.js';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../src/actitime/resources/customers.js';
import { api } from '../helpers/simulator.js';
import { gaps, now, SCALED_LIMITS, UNIT, harnessPerTest, type Harness } from './support.js';
import { said, shown } from '../helpers/errors.js';

describe('rate limiting and Retry-After (REL-RL, SEC-CR-03)', () => {
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next));

  it('REL-RL-01 retries a GET after Retry-After: 2 (scaled), with one warning naming route and wait', async () => {
    const c = h.client();
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '2' },
    });
    const customer = await getCustomer(c, 6);
    expect(customer.name).toBe('Big Bang Company');
    const hits = h.hits('/customers/6');
    expect(hits.map((r) => r.status)).toEqual([429, 200]);
    const [gap] = gaps(hits);
    expect(gap).toBeGreaterThanOrEqual(2 * UNIT);
    expect(gap).toBeLessThanOrEqual(2 * UNIT * 1.5);
    const warnings = h.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('GET /customers/6');
    expect(warnings[0]).toContain('429');
    expect(warnings[0]).toContain('100 ms');
  });

  it('REL-RL-01 (real time, timeUnitMs 1000) waits a real second for Retry-After: 1', async () => {
    const c = h.client({ timeUnitMs: 1000 });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '1' },
    });
    await getCustomer(c, 6);
    const [gap] = gaps(h.hits('/customers/6'));
    expect(gap).toBeGreaterThanOrEqual(1000);
    expect(gap).toBeLessThanOrEqual(1500);
  });

  it('REL-RL-02 honours an HTTP-date Retry-After 3 s ahead of the injected clock', async () => {
    const wall = Date.UTC(2026, 9, 7, 9, 30, 0);
    const c = h.client({}, { now: () => wall });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': new Date(wall + 3000).toUTCString() },
    });
    await getCustomer(c, 6);
    const [gap] = gaps(h.hits('/customers/6'));
    expect(gap).toBeGreaterThanOrEqual(3 * UNIT);
    expect(gap).toBeLessThanOrEqual(3 * UNIT * 1.5);
  });

  it('REL-RL-03 falls back to jittered backoff without Retry-After and sends at most maxRetries extra', async () => {
    const c = h.client({ maxRetries: 2, backoffBaseMs: 60 }, { random: () => 0 });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 429, times: 10 });
    const started = now();
    await expect(getCustomer(c, 6)).rejects.toBeInstanceOf(RateLimitedError);
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(3);
    for (const gap of gaps(hits)) {
      expect(gap).toBeGreaterThanOrEqual(60);
      expect(gap).toBeLessThan(60 + 50);
    }
    expect(now() - started).toBeLessThan(1000);
    expect(h.warnings()).toHaveLength(2);
  });

  it('REL-RL-04 fails at once when Retry-After (120 s) exceeds the remaining deadline (30 s)', async () => {
    const c = h.client({ deadlineMs: 30 * UNIT });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '120' },
    });
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(shown(err)).toEqual({
      kind: 'rate_limited',
      message: 'actiTIME rate limit; retry after ~120 s',
      retryAfterSeconds: 6,
      hint: 'wait about 6 s, then try again',
    });
    expect((err as RateLimitedError).retryAfterMs).toBe(120 * UNIT);
    expect(h.hits('/customers/6')).toHaveLength(1);
    // No sleep: the client logs a warning before every wait it decides on, and it logged none.
    expect(h.warnings()).toHaveLength(0);
  });

  it.each(['-5', 'abc', '1e12'])(
    'REL-RL-05 treats Retry-After %j as missing: backoff, then success',
    async (value) => {
      const c = h.client({ backoffBaseMs: 30 });
      h.sim.faults.inject({
        method: 'GET',
        path: '/customers/6',
        status: 429,
        headers: { 'Retry-After': value },
      });
      const started = now();
      await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });
      expect(h.hits('/customers/6')).toHaveLength(2);
      expect(now() - started).toBeLessThan(500);
    },
  );

  it('REL-RL-05 a Retry-After beyond the cap fails that call at once, naming the wait; the others pause only the cap', async () => {
    const c = h.client({ maxRetryAfterMs: 3 * UNIT });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '9999999999' },
    });
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(shown(err)).toEqual({
      kind: 'rate_limited',
      message:
        'actiTIME asked to wait 9999999999 s before the next request, longer than the 3 s this server waits',
      hint: 'try again in a few minutes; if it repeats, actiTIME (or a proxy in front of it) sends a wrong Retry-After',
    });
    expect(h.hits('/customers/6')).toHaveLength(1);
    // Another call waits out the cap (3 units after the 429), not the 9999999999 s asked for: it completes
    // well within this test's timeout.
    await expect(getCustomer(c, 7)).resolves.toMatchObject({ id: 7 });
    const [limited] = h.hits('/customers/6');
    const [next] = h.hits('/customers/7');
    expect(next!.arrivedAt - limited!.arrivedAt).toBeGreaterThanOrEqual(3 * UNIT - 1);
  });

  it('REL-RL-06 persistent 429: 1 + maxRetries requests, then RateLimitedError with the retry hint', async () => {
    const c = h.client({ maxRetries: 3 });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '1' },
      times: 20,
    });
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(said(err)).toBe('actiTIME rate limit; retry after ~1 s');
    expect(h.hits('/customers/6')).toHaveLength(4);
    expect(c.stats.rateLimited).toBe(4);
    expect(h.warnings()).toHaveLength(3);
  });

  it('REL-RL-07 retries a set-style PATCH and a POST once after 429 (the server refused them)', async () => {
    const c = h.client();
    h.sim.faults.inject({
      method: 'PATCH',
      path: '/customers/7',
      status: 429,
      headers: { 'Retry-After': '1' },
    });
    h.sim.faults.inject({ method: 'POST', path: '/customers', status: 429, headers: { 'Retry-After': '1' } });
    const updated = await updateCustomer(c, 7, { description: 'after 429' });
    const created = await createCustomer(c, { name: 'Retry-After Ltd' });
    expect(updated.description).toBe('after 429');
    expect(h.hits('/customers/7', 'PATCH').map((r) => r.status)).toEqual([429, 200]);
    expect(h.hits('/customers', 'POST').map((r) => r.status)).toEqual([429, 200]);
    // Created exactly once.
    const found = await listCustomers(c, { name: 'Retry-After Ltd' });
    expect(found.items.map((x) => x.id)).toEqual([created.id]);
  });

  it('REL-RL-08 does not leak the retry counter between calls', async () => {
    const c = h.client({ maxRetries: 2 });
    for (let call = 0; call < 3; call++) {
      h.sim.faults.inject({
        method: 'GET',
        path: '/customers/6',
        status: 429,
        headers: { 'Retry-After': '1' },
        times: 2,
      });
      await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });
    }
    expect(h.hits('/customers/6').map((r) => r.status)).toEqual([
      429, 429, 200, 429, 429, 200, 429, 429, 200,
    ]);
  });
});

describe("the simulator's own rate headers at a scaled time unit (REL-RL, SEC-CR-03)", () => {
  // Two requests per 4-unit window, and header values in the same unit: Retry-After: n means n × UNIT ms.
  const WINDOW = 4 * UNIT;
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next), {
    limits: { ...SCALED_LIMITS, perSecond: 2, secondWindowMs: WINDOW },
  });

  it("REL-RL-01 another client spent the window: the client waits the simulator's scaled Retry-After, exactly 2 requests", async () => {
    // Another client on the same account spends this window's budget.
    for (let i = 0; i < 2; i++) {
      expect((await api(h.sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
    }
    const windowEnds = h.sim.requests[0]!.arrivedAt + WINDOW;
    const c = h.client();
    await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });

    const hits = h.hits('/customers/6');
    expect(hits.map((r) => r.status)).toEqual([429, 200]);
    const [warning] = h.warnings();
    expect(h.warnings()).toHaveLength(1);
    const waited = Number(/retrying in (\d+) ms/.exec(warning ?? '')?.[1]);
    // Whole scaled seconds: the window left, rounded up to the unit (real seconds would have said 1 = 50 ms and
    // drawn another 429).
    expect(waited % UNIT).toBe(0);
    expect(waited).toBeGreaterThanOrEqual(2 * UNIT);
    const left = windowEnds - hits[0]!.arrivedAt;
    expect(waited).toBeGreaterThanOrEqual(left - 2);
    expect(waited).toBeLessThan(left + UNIT + 2);
    // The client slept that long, and no longer than the band allows; its retry landed in a fresh window.
    const [gap] = gaps(hits);
    expect(gap).toBeGreaterThanOrEqual(waited);
    expect(gap).toBeLessThanOrEqual(waited * 1.5);
    expect(hits[1]!.arrivedAt).toBeGreaterThanOrEqual(windowEnds - 1);
  });
});
