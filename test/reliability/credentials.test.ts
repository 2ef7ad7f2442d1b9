/**
 * Proven credentials (docs/reliability.md): only a 2xx proves them; until then requests go one at a time, so a
 * wrong password costs exactly one failed sign-in per process, whatever 5xx answers came first. Against the
 * simulator at its DEFAULT limits, where three 401s from one IP within 10 s ban it for a minute.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { ActitimeApiError } from '../../src/actitime/errors.js';
import { getCustomer, listCustomers } from '../../src/actitime/resources/customers.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { connectClient, errorOf } from '../helpers/mcp.js';
import { api } from '../helpers/simulator.js';
import { harness, type Harness } from './support.js';

const WRONG = 'Wr0ng-Pa55word-503';

describe('proven credentials at the default limits (REL-RT-10, SEC-CR-03)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** What reached authentication: every answer but the injected faults'. */
  const signIns = (hh: Harness) => hh.sim.requests.filter((r) => r.status === 401);

  it('REL-RT-10 a wrong password whose first answer is 503: six parallel calls send one sign-in, no ban', async () => {
    h = await harness();
    expect(h.sim.limits.banFailures).toBe(3);
    const c = h.client({ password: WRONG, timeUnitMs: 1000, backoffBaseMs: 10, backoffCapMs: 20 });
    h.sim.faults.inject({ status: 503 });
    const results = await Promise.allSettled([
      getMe(c),
      getCustomer(c, 6),
      getCustomer(c, 7),
      listCustomers(c),
      getMe(c),
      getCustomer(c, 9),
    ]);
    expect(
      results.map((r) => (r.status === 'rejected' ? (r.reason as ActitimeApiError).status : 200)),
    ).toEqual([401, 401, 401, 401, 401, 401]);
    // On the wire: the injected 503, then exactly one request with the wrong password; never a ban.
    expect(h.sim.requests.map((r) => r.status)).toEqual([503, 401]);
    expect(signIns(h)).toHaveLength(1);
    expect(h.sim.requests.some((r) => r.status === 403)).toBe(false);
    // The IP is not banned: the right password works at once.
    expect((await api(h.sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
  });

  it('REL-RT-10 after any mix of 5xx answers a wrong password still costs exactly one sign-in', async () => {
    h = await harness();
    const c = h.client({ password: WRONG, timeUnitMs: 1000, backoffBaseMs: 10, backoffCapMs: 20 });
    for (const status of [503, 500, 502]) h.sim.faults.inject({ status });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => getMe(c)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(h.sim.requests.map((r) => r.status)).toEqual([503, 500, 502, 401]);
    // One at a time: no two requests were ever in flight together before the credentials were settled.
    expect(h.sim.maxInFlight()).toBe(1);
    // Later calls fail locally with the same error, sending nothing.
    await expect(getCustomer(c, 6)).rejects.toMatchObject({ status: 401 });
    expect(signIns(h)).toHaveLength(1);
  });

  it('REL-RT-10 SEC-CR-01 six parallel tool calls over MCP with a wrong password and a 503 first: one sign-in, no ban', async () => {
    h = await harness();
    const c = await connectClient({
      simulator: h.sim,
      user: 'admin',
      password: WRONG,
      client: { backoffBaseMs: 10, backoffCapMs: 20 },
    });
    try {
      h.sim.faults.inject({ status: 503 });
      // Six calls whose first requests all differ (GET /users/1 … /users/6: no shared lookup or cache entry).
      const calls = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((user) => c.client.callTool({ name: 'get_user', arguments: { user } })),
      );
      for (const result of calls) {
        expect(errorOf(result)).toMatchObject({ status: 401, key: 'api.error.authentication_failed' });
        expect(JSON.stringify(result)).not.toContain(WRONG);
      }
      expect(h.sim.requests.map((r) => r.status)).toEqual([503, 401]);
      expect((await api(h.sim, 'GET', '/users/me', { user: 'admin' })).status).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('REL-RT-10 a 503 proves nothing for good credentials either: the next request is still sent alone', async () => {
    h = await harness();
    const c = h.client({ timeUnitMs: 1000, backoffBaseMs: 10, backoffCapMs: 20 });
    h.sim.faults.inject({ method: 'GET', path: '/users/me', status: 503 });
    // The next request (the new probe) is answered slowly: anything sent before its answer would arrive first.
    h.sim.faults.inject({ delayMs: 100 });
    await Promise.all([getMe(c), getCustomer(c, 6), getCustomer(c, 7), getCustomer(c, 9)]);
    const [first, second, ...rest] = h.sim.requests;
    expect([first!.status, second!.status]).toEqual([503, 200]);
    // The answer to the second request (the first 2xx) proved them: only then did the others go out, together.
    for (const r of rest) expect(r.arrivedAt).toBeGreaterThanOrEqual(second!.finishedAt!);
    expect(rest.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
