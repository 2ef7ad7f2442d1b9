import { describe, expect, it } from 'vitest';
import { ActitimeClient } from '../../src/actitime/client.js';
import { ActitimeApiError, ConfigError, NetworkError } from '../../src/actitime/errors.js';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  updateCustomer,
} from '../../src/actitime/resources/customers.js';
import { createTask } from '../../src/actitime/resources/tasks.js';
import { runBatch } from '../../src/actitime/resources/batch.js';
import { addTimeDelta, getTimeCell, setTimeCell } from '../../src/actitime/resources/timetrack.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { createLogger } from '../../src/logger.js';
import { said, shown } from '../helpers/errors.js';
import { waitFor } from '../helpers/wait.js';
import {
  announcedWaits,
  closedPort,
  expectNoSecrets,
  gaps,
  now,
  harnessPerTest,
  type Harness,
} from './support.js';

const MAYBE = 'The change may or may not have been applied; re-read before retrying';

describe('retry policy and idempotency (REL-RT, SEC-CR-03)', () => {
  let h: Harness;
  // SEC-CR-03: after each test, harnessPerTest checks its log lines for credentials.
  harnessPerTest((next) => (h = next));

  it.each([
    [0, [100, 100]],
    [0.999, [100, 200]],
  ])('REL-RT-01 GET 503, 503, 200 with random=%s waits in the backoff band', async (r, expected) => {
    const c = h.client({ backoffBaseMs: 100, backoffCapMs: 1000 }, { random: () => r });
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status: 503, times: 2 });
    await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });
    const hits = h.hits('/customers/6');
    expect(hits.map((x) => x.status)).toEqual([503, 503, 200]);
    // The band's ends for this jitter, as the client chose them; the wire shows it slept at least that long.
    expect(announcedWaits(h.logs)).toEqual(expected);
    gaps(hits).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(expected[i]! - 1));
    expect(h.warnings()).toHaveLength(2);
  });

  it('REL-RT-02 a POST create that gets 500 is sent exactly once and says it may have been applied', async () => {
    const c = h.client();
    h.sim.faults.inject({ method: 'POST', path: '/tasks', status: 500 });
    const err = await createTask(c, { projectId: 13, name: 'Once only' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActitimeApiError);
    expect((err as ActitimeApiError).status).toBe(500);
    expect((err as ActitimeApiError).maybeApplied).toBe(true);
    expect(shown(err)).toEqual({
      status: 500,
      key: 'api.error.internal',
      message: `actiTIME had an internal error. actiTIME said: "Internal SQL Error". ${MAYBE}`,
      hint: 're-read the data before retrying',
      maybeApplied: true,
    });
    expect(h.hits('/tasks', 'POST')).toHaveLength(1);
    expect(h.warnings()).toHaveLength(0);
  });

  it('REL-RT-03 an idempotent PATCH is retried once after 503; a non-idempotent one is not', async () => {
    const c = h.client();
    h.sim.faults.inject({ method: 'PATCH', path: '/customers/7', status: 503 });
    await expect(updateCustomer(c, 7, { description: 'set twice is fine' })).resolves.toMatchObject({
      id: 7,
    });
    expect(h.hits('/customers/7', 'PATCH').map((r) => r.status)).toEqual([503, 200]);

    h.sim.faults.inject({ method: 'PATCH', path: '/customers/9', status: 503 });
    const err = await c
      .request({ method: 'PATCH', path: ['customers', 9], body: { description: 'x' }, idempotent: false })
      .catch((e: unknown) => e);
    expect((err as ActitimeApiError).status).toBe(503);
    expect((err as ActitimeApiError).maybeApplied).toBe(true);
    expect(h.hits('/customers/9', 'PATCH')).toHaveLength(1);

    // Only one retry after an ambiguous failure, even for a set-style write.
    h.sim.faults.inject({ method: 'PATCH', path: '/customers/6', status: 503, times: 5 });
    const twice = await updateCustomer(c, 6, { description: 'y' }).catch((e: unknown) => e);
    expect((twice as ActitimeApiError).maybeApplied).toBe(true);
    expect(h.hits('/customers/6', 'PATCH')).toHaveLength(2);
  });

  it('REL-RT-04 a reset after the request was sent: GET retried, POST and delta PATCH not', async () => {
    const c = h.client();
    await getMe(c); // credentials proven, so the faults below hit the requests under test
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', resetAfterRequest: true });
    await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6 });
    expect(h.hits('/customers/6')).toHaveLength(2);

    h.sim.faults.inject({ method: 'POST', path: '/customers', resetAfterRequest: true });
    const post = await createCustomer(c, { name: 'Reset Corp' }).catch((e: unknown) => e);
    expect(post).toBeInstanceOf(NetworkError);
    expect((post as NetworkError).maybeApplied).toBe(true);
    expect(said(post)).toBe(
      `the connection to actiTIME at ${h.sim.baseUrl.split('/')[2]!} was interrupted. ${MAYBE}`,
    );
    expect(h.hits('/customers', 'POST')).toHaveLength(1);

    const cell = '/timetrack/trainee/2026-10-08/143/time';
    h.sim.faults.inject({ method: 'PATCH', path: cell, resetAfterRequest: true });
    const delta = await addTimeDelta(c, 'trainee', '2026-10-08', 143, 15).catch((e: unknown) => e);
    expect((delta as NetworkError).maybeApplied).toBe(true);
    expect(h.hits(cell)).toHaveLength(1);
    // The fault answered instead of the route: nothing was added.
    expect((await getTimeCell(c, 'trainee', '2026-10-08', 143)).time).toBe(0);
  });

  it('REL-RT-05 connection refused is retried for any method, then NetworkError "cannot reach"', async () => {
    const port = await closedPort();
    const c = h.client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2, backoffBaseMs: 10 });
    for (const call of [() => getCustomer(c, 6), () => createCustomer(c, { name: 'never sent' })]) {
      const before = c.stats.requests;
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(shown(err)).toEqual({
        kind: 'network',
        message: `cannot reach actiTIME at 127.0.0.1:${port}`,
        hint: 'check ACTITIME_URL and that actiTIME is reachable, then try again',
      });
      expect((err as NetworkError).code).toBe('ECONNREFUSED');
      expect((err as NetworkError).maybeApplied).toBe(false);
      expect(c.stats.requests - before).toBe(3);
    }
    expect(h.warnings()).toHaveLength(4);
  });

  it('REL-RT-06 DNS failure (ENOTFOUND) is a ConfigError naming ACTITIME_URL, not retried', async () => {
    const c = h.client({ baseUrl: 'https://actitime.invalid/acme', maxRetries: 3 });
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe('ACTITIME_URL');
    expect(shown(err)).toEqual({
      kind: 'config',
      message: 'cannot resolve the actiTIME host actitime.invalid; check ACTITIME_URL',
      field: 'ACTITIME_URL',
      hint: 'fix ACTITIME_URL in the server configuration and restart it',
    });
    // One attempt, no backoff: nothing was retried or slept on.
    expect(c.stats.requests).toBe(1);
    expect(c.stats.retries).toBe(0);
    expect(h.warnings()).toHaveLength(0);
  });

  it.each([400, 401, 403, 404, 409, 422])('REL-RT-07 status %i is sent once and mapped', async (status) => {
    const c = h.client();
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', status });
    const err = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActitimeApiError);
    const api = err as ActitimeApiError;
    expect(api.status).toBe(status);
    expect(api.key).toMatch(/^api\.error\./);
    expect(api.maybeApplied).toBe(false);
    if (status === 401) {
      expect(shown(api)).toEqual({
        status: 401,
        key: 'api.error.authentication_failed',
        message:
          'authentication failed, check ACTITIME_USERNAME/ACTITIME_PASSWORD. actiTIME said: "Authentication failed"',
        hint: 'fix the credentials in the server configuration and restart it; nothing more is sent with these',
      });
    } else expect(api.upstreamMessage?.length).toBeGreaterThan(0);
    expect(h.hits('/customers/6')).toHaveLength(1);
    expect(h.warnings()).toHaveLength(0);
  });

  it('REL-RT-07 an error body that is not JSON is classified by status with a fixed message', async () => {
    const c = h.client();
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 403,
      body: '<html>Forbidden by proxy</html>',
    });
    const err = (await getCustomer(c, 6).catch((e: unknown) => e)) as ActitimeApiError;
    expect(err.status).toBe(403);
    // Nothing of the HTML reaches the assistant: no key, no "actiTIME said".
    expect(err.key).toBeUndefined();
    expect(shown(err)).toEqual({
      status: 403,
      message: 'access denied: the user lacks the permission or cannot see the object',
      hint: 'ask an actiTIME administrator for the permission, or pick an object within your scope',
    });
  });

  it('REL-RT-08 DELETE 503 then 404 on the retry is reported as deleted by the first attempt', async () => {
    const c = h.client({ timeUnitMs: 1000 });
    h.sim.faults.inject({ method: 'DELETE', path: '/customers/11', status: 503 });
    h.sim.faults.inject({
      method: 'DELETE',
      path: '/customers/11',
      status: 404,
      body: { key: 'api.error.object_not_found', message: 'Object with given ID does not exist' },
    });
    await expect(deleteCustomer(c, 11)).resolves.toEqual({ deleted: true, goneOnRetry: true });
    expect(h.hits('/customers/11', 'DELETE').map((r) => r.status)).toEqual([503, 404]);

    // 503 then a real delete: plain success.
    h.sim.faults.inject({ method: 'DELETE', path: '/customers/9', status: 503 });
    await expect(deleteCustomer(c, 9, { revokeApprovedWeeks: true })).resolves.toEqual({
      deleted: true,
      goneOnRetry: false,
    });
    await expect(getCustomer(c, 9)).rejects.toMatchObject({ status: 404 });

    // A 404 without an earlier ambiguous failure stays an error.
    await expect(deleteCustomer(c, 9)).rejects.toMatchObject({ status: 404 });

    // A bare DELETE request (not flagged idempotent) is never retried after a 503.
    h.sim.faults.inject({ method: 'DELETE', path: '/customers/6', status: 503 });
    const err = await c.request({ method: 'DELETE', path: ['customers', 6] }).catch((e: unknown) => e);
    expect((err as ActitimeApiError).maybeApplied).toBe(true);
    expect(h.hits('/customers/6', 'DELETE')).toHaveLength(1);
  });

  it('REL-RT-09 retries respect the write spacing: no two write starts closer than minTime', async () => {
    const c = h.client({ limits: { writeMinTimeMs: 100 }, backoffBaseMs: 20 });
    await getMe(c);
    h.sim.faults.inject({ method: 'PATCH', path: '/timetrack/trainee/2026-10-09/143', status: 503 });
    await Promise.all([
      setTimeCell(c, 'trainee', '2026-10-09', 143, { time: 60 }),
      setTimeCell(c, 'trainee', '2026-10-12', 143, { time: 30 }),
    ]);
    const writes = h.sim.requests.filter((r) => r.method === 'PATCH');
    expect(writes).toHaveLength(3);
    for (const gap of gaps(writes)) expect(gap).toBeGreaterThanOrEqual(99);
    expect((await getTimeCell(c, 'trainee', '2026-10-09', 143)).time).toBe(60);
  });

  it('REL-RT-10 after one 401 no further request is sent with those credentials', async () => {
    const lines: string[] = [];
    const c = new ActitimeClient(
      { baseUrl: h.sim.baseUrl, username: 'admin', password: 'Wr0ng-Pa55word', timeUnitMs: 50 },
      { logger: createLogger('debug', (l) => lines.push(l)) },
    );
    try {
      const first = (await getCustomer(c, 6).catch((e: unknown) => e)) as ActitimeApiError;
      const started = now();
      const second = (await getCustomer(c, 7).catch((e: unknown) => e)) as ActitimeApiError;
      expect(now() - started).toBeLessThan(20);
      expect(first.status).toBe(401);
      expect(second).toBeInstanceOf(ActitimeApiError);
      expect([second.status, second.key, second.message]).toEqual([first.status, first.key, first.message]);
      // Concurrent calls before the first answer: still a single request (the credential probe).
      const c2 = new ActitimeClient(
        { baseUrl: h.sim.baseUrl, username: 'jsmith', password: 'Wr0ng-Pa55word' },
        { logger: createLogger('debug', (l) => lines.push(l)) },
      );
      const results = await Promise.allSettled([getMe(c2), getMe(c2), getMe(c2), getMe(c2), getMe(c2)]);
      await c2.close();
      expect(
        results.every((r) => r.status === 'rejected' && (r.reason as ActitimeApiError).status === 401),
      ).toBe(true);
      expect(h.sim.requests).toHaveLength(2);
      expect(h.sim.requests.map((r) => r.status)).toEqual([401, 401]);
      expectNoSecrets(lines, 'Wr0ng-Pa55word', Buffer.from('admin:Wr0ng-Pa55word').toString('base64'));
      expectNoSecrets(lines, 'Wr0ng-Pa55word', Buffer.from('jsmith:Wr0ng-Pa55word').toString('base64'));
    } finally {
      await c.close();
    }
  });

  it('REL-RT-02 a batch with a write is sent once after a 5xx; a batch of GETs and set-style PATCHes is retried', async () => {
    const c = h.client();
    h.sim.faults.inject({ method: 'POST', path: '/batch', status: 503 });
    const unsafe = await runBatch(c, [
      { method: 'GET', path: ['customers', 6] },
      { method: 'POST', path: ['customers'], body: { name: 'Batch Created' } },
    ]).catch((e: unknown) => e);
    expect((unsafe as ActitimeApiError).status).toBe(503);
    expect((unsafe as ActitimeApiError).maybeApplied).toBe(true);
    expect(h.hits('/batch')).toHaveLength(1);

    h.sim.faults.inject({ method: 'POST', path: '/batch', status: 503 });
    const safe = await runBatch(c, [
      { method: 'GET', path: ['customers', 6] },
      { method: 'PATCH', path: ['customers', 7], body: { description: 'batched' } },
    ]);
    expect(safe.map((o) => o.status)).toEqual([200, 200]);
    expect(h.hits('/batch').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('ip_banned stops all requests for the ban (60 time units), then allows them again', async () => {
    const c = h.client({ timeUnitMs: 10 });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 403,
      body: { key: 'api.error.ip_banned', message: 'banned' },
    });
    const first = (await getCustomer(c, 6).catch((e: unknown) => e)) as ActitimeApiError;
    expect(first.shortKey).toBe('ip_banned');
    expect(shown(first)).toEqual({
      status: 403,
      key: 'api.error.ip_banned',
      message: 'actiTIME temporarily banned this address after failed sign-ins. actiTIME said: "banned"',
      hint: 'wait about a minute, then check ACTITIME_USERNAME/ACTITIME_PASSWORD',
    });
    const during = (await getCustomer(c, 7).catch((e: unknown) => e)) as ActitimeApiError;
    expect(during.shortKey).toBe('ip_banned');
    expect(h.sim.requests).toHaveLength(1);
    // Keep calling until the ban is over: every call refused meanwhile is refused here, without a request.
    let after: unknown;
    await waitFor(
      async () => {
        after = await getCustomer(c, 7).catch((e: unknown) => e);
        return !(after instanceof ActitimeApiError && after.shortKey === 'ip_banned');
      },
      { intervalMs: 20, message: 'the end of the ban' },
    );
    expect(after).toMatchObject({ id: 7 });
    const [banned, allowed] = h.sim.requests;
    expect(h.sim.requests).toHaveLength(2);
    // The ban lasted at least 60 units (10 ms each) on the wire.
    expect(allowed!.arrivedAt - banned!.arrivedAt).toBeGreaterThanOrEqual(60 * 10);
  });
});
