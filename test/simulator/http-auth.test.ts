import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from '../helpers/clock.js';
import { api, basic, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

let sim: SimulatorHandle;
// The ban's window and duration run on a test clock that moves only when a test moves it: three failures
// fall in one window however slowly they are sent, and a ban ends when the test says so, not after a sleep.
const clock = testClock();

beforeAll(async () => {
  sim = await startTestSimulator({ limits: { banWindowMs: 2_000, banDurationMs: 400 }, now: clock.now });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const bearer = { authorization: 'Bearer abcdef0123456789' };

describe('model §1.2 authentication', () => {
  it('accepts Basic credentials of an active user', async () => {
    const res = await api(sim, 'GET', '/customers/6', { user: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 6 });
    expect(sim.requests.at(-1)?.username).toBe('admin');
  });

  it('answers a non-Basic scheme with 400 invalid_auth_scheme and its exact message', async () => {
    const res = await api(sim, 'GET', '/customers/6', { headers: bearer });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      key: 'api.error.invalid_auth_scheme',
      message: 'Invalid authentication scheme is used. Only Basic Authentication scheme is supported.',
    });
    expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
  });

  it('answers missing credentials with 401 authentication_failed', async () => {
    const res = await api(sim, 'GET', '/customers/6');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ key: 'api.error.authentication_failed' });
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it.each([
    ['a wrong password', basic('admin', 'wrong')],
    ['an unknown user', basic('nobody', 'nobody')],
    ['a token that is not base64', 'Basic %%%not-base64%%%'],
    ['a token without a colon', `Basic ${Buffer.from('admin').toString('base64')}`],
    ['an empty Basic token', 'Basic '],
  ])('answers %s with 401 authentication_failed', async (_case, authorization) => {
    const res = await api(sim, 'GET', '/customers/6', { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ key: 'api.error.authentication_failed' });
  });

  it.each([
    ['rgray', 'disabled'],
    ['nnew', 'hired in the future'],
  ])('answers %s (%s) with 401 user_cannot_be_authorized', async (username) => {
    const res = await api(sim, 'GET', '/users/me', { user: username });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ key: 'api.error.user_cannot_be_authorized' });
    expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
  });

  it('does not let user_cannot_be_authorized answers count towards the IP ban', async () => {
    for (let i = 0; i < 4; i++)
      expect((await api(sim, 'GET', '/users/me', { user: 'rgray' })).status).toBe(401);
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(200);
  });

  it('does not let invalid_auth_scheme answers count towards the IP ban', async () => {
    for (let i = 0; i < 4; i++)
      expect((await api(sim, 'GET', '/users/me', { headers: bearer })).status).toBe(400);
    expect((await api(sim, 'GET', '/users/me', { user: 'trainee' })).status).toBe(200);
  });
});

describe('model §1.12 IP ban', () => {
  const wrong = { user: { username: 'admin', password: 'wrong' } };

  it('bans the IP after three failed logins: 403 ip_banned even with good credentials', async () => {
    for (let i = 0; i < 3; i++) expect((await api(sim, 'GET', '/customers/6', wrong)).status).toBe(401);
    const res = await api(sim, 'GET', '/customers/6', { user: 'admin' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ key: 'api.error.ip_banned' });
    expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
    // Whatever the credentials, and before the scheme is even looked at.
    expect((await api(sim, 'GET', '/customers/6', { headers: bearer })).status).toBe(403);
    expect((await api(sim, 'GET', '/customers/6')).status).toBe(403);
  });

  it('counts missing credentials as failed logins too', async () => {
    for (let i = 0; i < 3; i++) expect((await api(sim, 'GET', '/users/me')).status).toBe(401);
    expect((await api(sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(403);
  });

  it('lifts the ban after banDurationMs', async () => {
    for (let i = 0; i < 3; i++) await api(sim, 'GET', '/customers/6', wrong);
    expect((await api(sim, 'GET', '/customers/6', { user: 'admin' })).status).toBe(403);
    clock.advance(sim.limits.banDurationMs - 1);
    expect((await api(sim, 'GET', '/customers/6', { user: 'admin' })).status).toBe(403);
    clock.advance(100);
    expect((await api(sim, 'GET', '/customers/6', { user: 'admin' })).status).toBe(200);
  });

  it('forgets failures older than banWindowMs', async () => {
    const quickClock = testClock();
    const quick = await startTestSimulator({
      limits: { banWindowMs: 300, banDurationMs: 60_000 },
      now: quickClock.now,
    });
    try {
      await api(quick, 'GET', '/users/me', wrong);
      await api(quick, 'GET', '/users/me', wrong);
      quickClock.advance(400);
      expect((await api(quick, 'GET', '/users/me', wrong)).status).toBe(401);
      expect((await api(quick, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
    } finally {
      await quick.close();
    }
  });

  it('is cleared by reset()', async () => {
    for (let i = 0; i < 3; i++) await api(sim, 'GET', '/customers/6', wrong);
    expect((await api(sim, 'GET', '/customers/6', { user: 'admin' })).status).toBe(403);
    sim.reset();
    expect((await api(sim, 'GET', '/customers/6', { user: 'admin' })).status).toBe(200);
  });
});
