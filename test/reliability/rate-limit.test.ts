import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/actitime/errors.js';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../src/actitime/resources/customers.js';
import { api } from '../helpers/simulator.js';
import { said, shown } from '../helpers/errors.js';
import { testClock } from '../helpers/clock.js';
import { waitFor } from '../helpers/wait.js';
import { announcedWaits, gaps, SCALED_LIMITS, UNIT, harnessPerTest, type Harness } from './support.js';

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
    // The wait the client chose is exactly the scaled Retry-After; the wire shows it slept at least that long
    // (load can only add to a sleep, so no upper bound on the gap).
    expect(announcedWaits(h.logs)).toEqual([2 * UNIT]);
    const [gap] = gaps(hits);
    expect(gap).toBeGreaterThanOrEqual(2 * UNIT);
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
    expect(h.hits('/customers/6').map((r) => r.status)).toEqual([429, 200]);
    expect(announcedWaits(h.logs)).toEqual([1000]);
    const [gap] = gaps(h.hits('/customers/6'));
    expect(gap).toBeGreaterThanOrEqual(1000);
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
    // 3 s by the injected wall clock, in scaled units: the client read the date, not the real clock.
    expect(announcedWaits(h.logs)).toEqual([3 * UNIT]);
    const [gap] = gaps(h.hits('/customers/6'));
    expect(gap).toBeGreaterThanOrEqual(3 * UNIT);
  });

  it('REL-RL-03 falls back to jittered backoff without Retry-After and sends at most maxRetries extra', async () => {
    const c = h.client({ maxRetries: 2, backoffBaseMs: 60 }, { random: () => 0 });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 429, times: 10 });
    await expect(getCustomer(c, 6)).rejects.toBeInstanceOf(RateLimitedError);
    const hits = h.hits('/customers/6');
    expect(hits).toHaveLength(3);
    // random 0: the first retry waits the base, the second the bottom of its [base, 2·base) band.
    expect(announcedWaits(h.logs)).toEqual([60, 60]);
    for (const gap of gaps(hits)) expect(gap).toBeGreaterThanOrEqual(60);
    // Two warnings for two sleeps: after the third 429 it gives up without sleeping again.
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
      await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });
      expect(h.hits('/customers/6')).toHaveLength(2);
      // The first backoff is exactly the base whatever the jitter; had the value been read as a delay, the
      // announced wait would be that delay (or the cap) instead.
      expect(announcedWaits(h.logs)).toEqual([30]);
      expect(gaps(h.hits('/customers/6'))[0]).toBeGreaterThanOrEqual(30);
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
  // The simulator's windows run on a test clock: it stands still while the window is being filled, so the
  // Retry-After it computes does not depend on how fast this machine got there.
  const WINDOW = 4 * UNIT;
  const clock = testClock();
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next), {
    limits: { ...SCALED_LIMITS, perSecond: 2, secondWindowMs: WINDOW },
    now: clock.now,
  });

  it("REL-RL-01 another client spent the window: the client waits the simulator's scaled Retry-After, exactly 2 requests", async () => {
    const opened = Date.UTC(2026, 9, 7, 9, 0);
    clock.set(opened);
    // Another client on the same account spends this window's budget.
    for (let i = 0; i < 2; i++) {
      expect((await api(h.sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
    }
    // 0.6 units into the window: 3.4 units left, which the simulator rounds up to Retry-After: 4.
    clock.set(opened + 30);
    const c = h.client();
    const call = getCustomer(c, 6);
    // From the 429's arrival on, the simulator's clock runs in real time, so its window ends (by its own clock)
    // exactly when 3.4 real units have passed since then. The 429 is recorded long before the client's 4-unit
    // sleep ends (timers fire in order), so the clock is running when the retry arrives.
    await waitFor(() => h.hits('/customers/6')[0]?.status === 429, { message: 'the 429' });
    clock.runFrom(h.hits('/customers/6')[0]!.arrivedAt);
    await expect(call).resolves.toMatchObject({ id: 6 });

    // Exactly 2 requests: the retry was admitted, so it came after the window's end on the simulator's clock.
    const hits = h.hits('/customers/6');
    expect(hits.map((r) => r.status)).toEqual([429, 200]);
    expect(h.warnings()).toHaveLength(1);
    // Whole scaled seconds, rounded up (real seconds would have said 1 = 50 ms, and rounding to nearest 3 =
    // 150 ms: both would have drawn another 429).
    expect(announcedWaits(h.logs)).toEqual([4 * UNIT]);
    // It slept at least that long on the wire too.
    expect(gaps(hits)[0]).toBeGreaterThanOrEqual(4 * UNIT);
  });
});
