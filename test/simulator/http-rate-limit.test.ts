import { afterEach, describe, expect, it } from 'vitest';
import { testClock } from '../helpers/clock.js';
import { api, startTestSimulator, type ApiResponse, type SimulatorHandle } from '../helpers/simulator.js';

/**
 * The windows run on a test clock (SimulatorOptions.now) that moves only when a test moves it: which window a
 * request lands in is then decided by the test's steps, not by how quickly a loaded machine sent it.
 */

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function rate(res: ApiResponse): { remaining: number; reset: number } {
  return {
    remaining: Number(res.headers['x-ratelimit-remaining']),
    reset: Number(res.headers['x-ratelimit-reset']),
  };
}

describe('model §1.12 rate limits (default actiTIME limits)', () => {
  it('answers the 101st request within one second with 429, Retry-After and X-Ratelimit-*', async () => {
    // The clock stands still: the whole burst lands in one 1 s window however long it takes to send.
    sim = await startTestSimulator({ now: testClock().now });
    const s = sim;
    const responses = await Promise.all(
      Array.from({ length: 101 }, () => api(s, 'GET', '/users/me', { user: 'trainee' })),
    );

    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(100);
    expect(limited).toHaveLength(1);
    const tooMany = limited[0]!;
    expect(tooMany.body).toMatchObject({ key: 'api.error.too_many_requests' });
    expect(tooMany.headers['x-ratelimit-remaining']).toBe('0');
    expect(tooMany.headers['x-ratelimit-reset']).toBe('1');
    expect(tooMany.headers['retry-after']).toBe('1');
    // Every success says how many are left: 99 down to 0, each once.
    expect(ok.map((r) => rate(r).remaining).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(ok.every((r) => rate(r).reset === 1 && r.headers['retry-after'] === undefined)).toBe(true);
  });

  it('reports Reset in whole seconds rounded up', async () => {
    sim = await startTestSimulator({ limits: { secondWindowMs: 2_500 } });
    const res = await api(sim, 'GET', '/users/me', { user: 'trainee' });
    expect(rate(res)).toEqual({ remaining: 99, reset: 3 });
  });
});

describe('model §1.12 rate limits (shrunk windows)', () => {
  it('does not count rejected requests and does not let them extend the window', async () => {
    const clock = testClock();
    sim = await startTestSimulator({
      limits: { perSecond: 3, secondWindowMs: 500, perMinute: 5, minuteWindowMs: 60_000 },
      now: clock.now,
    });
    const opened = clock.now();
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await api(sim, 'GET', '/users/me', { user: 'trainee' }));
    expect(first.map((r) => [r.status, rate(r).remaining])).toEqual([
      [200, 2],
      [200, 1],
      [200, 0],
    ]);
    // Refused by the 1 s window, up to shortly before it ends.
    for (const msIn of [0, 200, 499]) {
      clock.set(opened + msIn);
      expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(429);
    }
    clock.set(opened + 600);
    // A new 1 s window opened 500 ms after the first request, and the minute window still has 2 left: the
    // refused requests counted against neither.
    const second = [];
    for (let i = 0; i < 3; i++) second.push(await api(sim, 'GET', '/users/me', { user: 'trainee' }));
    expect(second.map((r) => r.status)).toEqual([200, 200, 429]);
    // Now the minute window binds, and Retry-After says so.
    expect(Number(second[2]!.headers['retry-after'])).toBeGreaterThanOrEqual(59);
  });

  it('enforces the minute window and reports it once it binds', async () => {
    const clock = testClock();
    sim = await startTestSimulator({
      limits: { perSecond: 100, secondWindowMs: 100, perMinute: 5, minuteWindowMs: 1_500 },
      now: clock.now,
    });
    const seen = [];
    for (let i = 0; i < 5; i++) {
      seen.push(rate(await api(sim, 'GET', '/users/me', { user: 'trainee' })).remaining);
      clock.advance(60); // spread over several 100 ms windows
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const limited = await api(sim, 'GET', '/users/me', { user: 'trainee' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe(limited.headers['x-ratelimit-reset']);
    // 1 500 − 5 × 60 = 1 200 ms of the minute window left: 2 whole seconds, rounded up.
    expect(limited.headers['retry-after']).toBe('2');
    clock.advance(1_600 - 5 * 60);
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(200);
  });

  it('keeps one budget per user account', async () => {
    sim = await startTestSimulator({ limits: { perSecond: 2, secondWindowMs: 5_000 }, now: testClock().now });
    for (let i = 0; i < 2; i++)
      expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(200);
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(429);
    const other = await api(sim, 'GET', '/users/me', { user: 'jsmith' });
    expect(other.status).toBe(200);
    expect(rate(other).remaining).toBe(1);
  });

  it('puts X-Ratelimit-* on every authorized response, errors included', async () => {
    // One window for all of them, however long they take.
    sim = await startTestSimulator({ now: testClock().now });
    const s = sim;
    const cases = await Promise.all([
      api(s, 'GET', '/customers/6', { user: 'admin' }), // 200
      api(s, 'GET', '/customers/999999', { user: 'admin' }), // 404 object_not_found
      api(s, 'GET', '/no-such-thing', { user: 'admin' }), // 404 unknown_resource
      api(s, 'DELETE', '/departments/5', { user: 'admin' }), // 405
      api(s, 'POST', '/customers', {
        user: 'admin',
        body: 'name=x',
        headers: { 'content-type': 'text/plain' },
      }), // 415
      api(s, 'POST', '/customers', {
        user: 'admin',
        body: '{"name": ',
        headers: { 'content-type': 'application/json' },
      }), // 400
      api(s, 'POST', '/customers', { user: 'trainee', body: { name: 'Nope Inc' } }), // 403 access_denied
    ]);
    expect(cases.map((r) => r.status)).toEqual([200, 404, 404, 405, 415, 400, 403]);
    for (const res of cases) {
      expect(res.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
      expect(res.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    }
    // Each of them counted: trainee used 1 of 100, admin 6.
    expect(rate(await api(s, 'GET', '/users/me', { user: 'admin' })).remaining).toBe(100 - 7);
  });

  it('forgets every window on reset()', async () => {
    sim = await startTestSimulator({ limits: { perSecond: 1, secondWindowMs: 60_000 } });
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(200);
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(429);
    sim.reset();
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(200);
  });
});
