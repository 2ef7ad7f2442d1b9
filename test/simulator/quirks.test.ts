/**
 * Quirk switches on the wire: for each one, the default simulator's answer and the quirk's alternative.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, dateToUtcMs } from '../../src/simulator/dates.js';
import { parseQuirks, QUIRK_SUMMARY, QUIRKS, type Quirk } from '../../src/simulator/quirks.js';
import type { SimulatorOptions } from '../../src/simulator/types.js';
import { api, startTestSimulator, type ApiResponse, type SimulatorHandle } from '../helpers/simulator.js';
import { noonClock, TODAY, week } from './demo-calendar.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const started = new Map<string, Promise<SimulatorHandle>>();
afterAll(async () => {
  for (const sim of started.values()) await (await sim).close();
});

/** One simulator per quirk profile (and limits), shared by the tests that use it. */
function sim(quirks: Quirk[] | 'all' = [], extra: Partial<SimulatorOptions> = {}): Promise<SimulatorHandle> {
  const key = JSON.stringify([quirks, extra]);
  let s = started.get(key);
  if (!s) {
    s = startTestSimulator({ today: TODAY, now: noonClock(), quirks, ...extra });
    started.set(key, s);
  }
  return s;
}

async function call(
  quirks: Quirk[] | 'all',
  method: string,
  path: string,
  body?: unknown,
  user = 'admin',
): Promise<ApiResponse> {
  return api(await sim(quirks), method, path, { user, body });
}

function expectError(res: ApiResponse, status: number, key: string, message?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ key: `api.error.${key}`, ...(message ? { message } : {}) });
}

/** A working day after the seeded history: no time, no lock, no approval. */
const FREE_DAY = week(3, 1);

describe('SIM-04 parseQuirks', () => {
  it('SIM-04 reads comma lists in canonical order without repeats, "all", "" and lists', () => {
    expect(parseQuirks('no-delta, side-403,no-delta')).toEqual(['side-403', 'no-delta']);
    expect(parseQuirks('')).toEqual([]);
    expect(parseQuirks([])).toEqual([]);
    expect(parseQuirks('all')).toEqual([...QUIRKS]);
    expect(parseQuirks(['generic-errors', 'side-html,lenient-params'])).toEqual([
      'side-html',
      'generic-errors',
      'lenient-params',
    ]);
    expect(QUIRKS).toHaveLength(15);
    for (const q of QUIRKS) expect(QUIRK_SUMMARY[q]).toMatch(/^[^\n]{10,110}$/);
  });

  it('SIM-04 an unknown name is an error naming it and every valid one', () => {
    expect(() => parseQuirks('side-403,side-500')).toThrow(/unknown quirk "side-500"/);
    let message = '';
    try {
      parseQuirks(['nope']);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/"nope"/);
    for (const q of QUIRKS) expect(message).toContain(q);
  });

  it('SIM-04 startSimulator refuses an unknown quirk and exposes the active set, kept by reset()', async () => {
    await expect(startTestSimulator({ quirks: ['side-403', 'bogus'] as unknown as Quirk[] })).rejects.toThrow(
      /unknown quirk "bogus"/,
    );
    const plain = await sim();
    expect([...plain.quirks]).toEqual([]);
    const all = await sim('all');
    expect([...all.quirks]).toEqual([...QUIRKS]);
    all.reset();
    expect(all.quirks.size).toBe(QUIRKS.length);
  });
});

describe('SIM-04 side endpoints (side-403, side-404, side-html)', () => {
  const paths = ['/users/4/workAssignments', '/customers/6/assignedUsers', '/projects/13/assignedUsers'];
  paths.push('/tasks/143/assignedUsers');

  it.each(paths)('SIM-04 GET %s: 200 by default, refused as each side-* quirk says', async (path) => {
    const plain = await call([], 'GET', path);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^application\/json/);

    expectError(
      await call(['side-403'], 'GET', path),
      403,
      'access_denied',
      'User does not have access to the specified object or lacks permissions to perform the requested operation',
    );
    expectError(
      await call(['side-404'], 'GET', path),
      404,
      'object_not_found',
      'Object with given ID does not exist',
    );
    const html = await call(['side-html'], 'GET', path);
    expect(html.status).toBe(404);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toMatch(/^<!doctype html>.*HTTP Status 404/);
  });

  it('SIM-04 precedence side-html > side-404 > side-403, also under all and inside /batch', async () => {
    expectError(
      await call(['side-403', 'side-404'], 'GET', '/tasks/143/assignedUsers'),
      404,
      'object_not_found',
    );
    const html = await call(['side-404', 'side-html'], 'GET', '/tasks/143/assignedUsers');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect((await call('all', 'GET', '/users/me/workAssignments')).headers['content-type']).toMatch(
      /^text\/html/,
    );

    const batch = await call(['side-403'], 'POST', '/batch?includeResponseBody=always', [
      { id: 'a', method: 'GET', relativeUrl: '/tasks/143/assignedUsers' },
      { id: 'b', method: 'GET', relativeUrl: '/tasks/143' },
    ]);
    expect(batch.body).toMatchObject([
      { id: 'a', status: 403, body: { key: 'api.error.access_denied' } },
      { id: 'b', status: 200, body: { id: 143 } },
    ]);
  });
});

describe('SIM-04 zoned-timestamps', () => {
  it('SIM-04 default: New York company zone, deadlines and created stamps from UTC midnight', async () => {
    expect((await call([], 'GET', '/timeZoneGroups/-1')).body).toEqual({
      id: -1,
      name: 'New York',
      timeZoneId: 'America/New_York',
      default: true,
    });
    const task = (await call([], 'GET', '/tasks/143')).body as { deadline: number; created: number };
    expect(task.deadline).toBe(dateToUtcMs(addDays(TODAY, 10)));
    const customer = (await call([], 'GET', '/customers/6')).body as { created: number };
    expect(customer.created % DAY_MS).toBe(9 * HOUR_MS);
  });

  it('SIM-04 quirk: Moscow company zone; deadlines and seeded created stamps at its midnight', async () => {
    const q: Quirk[] = ['zoned-timestamps'];
    expect((await call(q, 'GET', '/timeZoneGroups/default')).body).toEqual({
      id: -1,
      name: 'Moscow',
      timeZoneId: 'Europe/Moscow',
      default: true,
    });
    const task = (await call(q, 'GET', '/tasks/143')).body as { deadline: number; created: number };
    expect(task.deadline).toBe(dateToUtcMs(addDays(TODAY, 10)) - 3 * HOUR_MS);
    for (const path of ['/customers/6', '/projects/13', '/tasks/143']) {
      const { created } = (await call(q, 'GET', path)).body as { created: number };
      expect((created + 3 * HOUR_MS) % DAY_MS, path).toBe(0);
    }
    const created = await call(q, 'POST', '/tasks', { projectId: 14, name: 'Zoned', deadline: '2026-12-01' });
    expect(created.body).toMatchObject({ deadline: Date.parse('2026-11-30T21:00:00Z') });
  });
});

describe('SIM-04 comment-cleared', () => {
  async function patchTwice(q: Quirk[]): Promise<unknown> {
    const path = `/timetrack/admin/${FREE_DAY}/143`;
    expect((await call(q, 'PATCH', path, { time: 60, comment: 'keep me?' })).status).toBe(200);
    const second = await call(q, 'PATCH', path, { time: 90 });
    expect(second.status).toBe(200);
    expect((await call(q, 'GET', path)).body).toEqual(second.body);
    (await sim(q)).reset();
    return second.body;
  }

  it('SIM-04 default keeps the comment of a PATCH without one; the quirk clears it', async () => {
    expect(await patchTwice([])).toEqual({ taskId: 143, time: 90, comment: 'keep me?' });
    expect(await patchTwice(['comment-cleared'])).toEqual({ taskId: 143, time: 90 });
  });
});

describe('SIM-04 batch-no-bodies', () => {
  const ops = [{ id: 'c', method: 'GET', relativeUrl: '/customers/6' }];

  it('SIM-04 without includeResponseBody: bodies by default, statuses only under the quirk', async () => {
    expect((await call([], 'POST', '/batch', ops)).body).toMatchObject([
      { id: 'c', status: 200, body: { id: 6 } },
    ]);
    expect((await call(['batch-no-bodies'], 'POST', '/batch', ops)).body).toEqual([{ id: 'c', status: 200 }]);
    for (const mode of ['always', 'get'])
      expect(
        (await call(['batch-no-bodies'], 'POST', `/batch?includeResponseBody=${mode}`, ops)).body,
      ).toMatchObject([{ id: 'c', status: 200, body: { id: 6 } }]);
  });
});

describe('SIM-04 hook-filter-strings', () => {
  const hook = (filter: unknown) => ({ target_url: 'https://hooks.example/x', event: 'task', filter });

  it('SIM-04 default takes number arrays only; the quirk comma strings only, echoed as strings', async () => {
    const plain = await call([], 'POST', '/hooks', hook({ userIds: [3, 4] }));
    expect(plain.body).toMatchObject({ filter: { userIds: [3, 4] } });
    expectError(await call([], 'POST', '/hooks', hook({ userIds: '3,4' })), 400, 'invalid_argument');
    expect((await call([], 'POST', '/hooks', hook({ userIds: '3,4' }))).body).toMatchObject({
      fields: 'filter',
    });

    const q: Quirk[] = ['hook-filter-strings'];
    const strings = await call(q, 'POST', '/hooks', hook({ userIds: '3,4', projectIds: '13' }));
    expect(strings.body).toMatchObject({ filter: { userIds: '3,4', projectIds: '13' } });
    const refused = await call(q, 'POST', '/hooks', hook({ userIds: [3, 4] }));
    expectError(refused, 400, 'invalid_argument');
    expect(refused.body).toMatchObject({ fields: 'filter' });
    expectError(await call(q, 'POST', '/hooks', hook({ taskIds: '1,,2' })), 400, 'invalid_argument');
    expect((await call(q, 'GET', '/hooks')).body).toMatchObject({
      items: [{ filter: { userIds: '3,4', projectIds: '13' } }],
    });
    for (const s of [await sim(), await sim(q)]) s.reset();
  });
});

describe('SIM-04 exact-user-name', () => {
  const ids = async (q: Quirk[], name: string): Promise<number[]> => {
    const res = await call(q, 'GET', `/users?name=${encodeURIComponent(name)}`);
    expect(res.status).toBe(200);
    return (res.body as { items: Array<{ id: number }> }).items.map((u) => u.id);
  };

  it('SIM-04 default: every word a substring of name or username; quirk: the whole name, any case', async () => {
    expect(await ids([], 'smith')).toEqual([4]);
    expect(await ids([], 'jsmith')).toEqual([4]);
    expect(await ids([], 'john smith')).toEqual([4]);

    const q: Quirk[] = ['exact-user-name'];
    expect(await ids(q, 'smith')).toEqual([]);
    expect(await ids(q, 'jsmith')).toEqual([]);
    expect(await ids(q, 'JOHN SMITH')).toEqual([4]);
    expect(await ids(q, 'john a. smith')).toEqual([4]);
  });
});

describe('SIM-04 empty-write-responses', () => {
  it('SIM-04 default answers the cells; the quirk an empty 200 or a 204, and the writes still apply', async () => {
    const leave = `/leavetime/admin/${FREE_DAY}/1`;
    const time = `/timetrack/admin/${FREE_DAY}/143/time`;
    expect((await call([], 'PATCH', leave, { leaveTime: 60 })).body).toEqual({
      leaveTypeId: 1,
      leaveTime: 60,
    });
    expect((await call([], 'PATCH', time, { delta: 30 })).body).toEqual({ taskId: 143, time: 30 });
    expect((await call([], 'PATCH', `${leave}/time`, { delta: 15 })).body).toEqual({
      leaveTypeId: 1,
      leaveTime: 75,
    });

    const q: Quirk[] = ['empty-write-responses'];
    const empty = await call(q, 'PATCH', leave, { leaveTime: 60 });
    expect(empty.status).toBe(200);
    expect(empty.body).toBeUndefined();
    expect(empty.headers['content-length']).toBe('0');
    expect(empty.headers['content-type']).toBeUndefined();
    for (const [path, body] of [
      [time, { delta: 30 }],
      [`${leave}/time`, { delta: 15 }],
    ] as const) {
      const res = await call(q, 'PATCH', path, body);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
    }
    expect((await call(q, 'GET', leave)).body).toEqual({ leaveTypeId: 1, leaveTime: 75 });
    expect((await call(q, 'GET', `/timetrack/admin/${FREE_DAY}/143`)).body).toEqual({
      taskId: 143,
      time: 30,
    });
    expectError(await call(q, 'PATCH', leave, { leaveTime: 2000 }), 400, 'invalid_argument');
    for (const s of [await sim(), await sim(q)]) s.reset();
  });
});

describe('SIM-04 leave-time-field', () => {
  it('SIM-04 leave rows and cells carry leaveTime by default, time under the quirk; writes take leaveTime', async () => {
    const list = `/leavetime?dateFrom=${week(-5)}&dateTo=${week(-5, 0)}&userIds=4`;
    expect((await call([], 'GET', list)).body).toMatchObject({
      data: [{ userId: 4, leaveTypeId: 2, leaveTime: 480 }],
    });
    const q: Quirk[] = ['leave-time-field'];
    const rows = ((await call(q, 'GET', list)).body as { data: object[] }).data;
    expect(rows).toEqual([{ userId: 4, date: week(-5), dayOffset: 0, leaveTypeId: 2, time: 480 }]);

    const cell = `/leavetime/admin/${FREE_DAY}/1`;
    expect((await call(q, 'PATCH', cell, { leaveTime: 60 })).body).toEqual({ leaveTypeId: 1, time: 60 });
    expect((await call(q, 'PATCH', `${cell}/time`, { delta: 30 })).body).toEqual({
      leaveTypeId: 1,
      time: 90,
    });
    expect((await call(q, 'GET', cell)).body).toEqual({ leaveTypeId: 1, time: 90 });
    expectError(await call(q, 'PATCH', cell, { time: 60 }), 400, 'mandatory_field');
    (await sim(q)).reset();
  });
});

describe('SIM-04 generic-errors', () => {
  const duplicate = { name: 'Big Bang Company' };

  it('SIM-04 default keys by default; under the quirk every 400 is bad_request and duplicates 403', async () => {
    expectError(await call([], 'POST', '/customers', duplicate), 400, 'customer_exists');
    expectError(await call([], 'POST', '/customers', {}), 400, 'mandatory_field');

    const q: Quirk[] = ['generic-errors'];
    const dup = await call(q, 'POST', '/customers', duplicate);
    expect(dup.status).toBe(403);
    expect(dup.body).toEqual({
      key: 'api.error.bad_request',
      message: 'Customer with specified name already exists',
      fields: 'name',
    });
    expect((await call(q, 'POST', '/customers', {})).body).toEqual({
      key: 'api.error.bad_request',
      message: 'Mandatory field is not specified',
      fields: 'name',
    });
    expectError(
      await call(q, 'GET', '/customers?limit=abc'),
      400,
      'bad_request',
      'Cannot parse provided arguments',
    );
    const broken = await api(await sim(q), 'POST', '/customers', {
      user: 'admin',
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expectError(broken, 400, 'bad_request', 'Cannot parse provided arguments');
    expectError(await call(q, 'DELETE', '/workflowStatuses/1'), 400, 'bad_request');
    expectError(await call(q, 'PATCH', `/timetrack/admin/${week(-7)}/143`, { time: 60 }), 400, 'bad_request');
  });

  it('SIM-04 under the quirk auth, 404, 405 and 415 keep their keys; batch slots and batch_too_large map too', async () => {
    const q: Quirk[] = ['generic-errors'];
    expectError(await call(q, 'GET', '/customers/9999'), 404, 'object_not_found');
    expectError(await call(q, 'GET', '/nowhere'), 404, 'unknown_resource');
    expectError(await call(q, 'PUT', '/customers/6'), 405, 'method_not_allowed');
    expectError(await call(q, 'GET', '/customers/7', undefined, 'trainee'), 403, 'access_denied');
    expectError(
      await api(await sim(q), 'GET', '/customers', { user: { username: 'x', password: 'y' } }),
      401,
      'authentication_failed',
    );
    const text = await api(await sim(q), 'POST', '/customers', {
      user: 'admin',
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(text, 415, 'unsupported_media_type');

    const batch = await call(q, 'POST', '/batch', [
      { id: 1, method: 'POST', relativeUrl: '/customers', body: duplicate },
      { id: 2, method: 'POST', relativeUrl: '/customers', body: {} },
      { id: 3, method: 'POST', relativeUrl: '/batch', body: [] },
      { id: 4, method: 'GET', relativeUrl: '/customers/9999' },
    ]);
    expect(batch.body).toMatchObject([
      { id: 1, status: 403, body: { key: 'api.error.bad_request', fields: 'name' } },
      { id: 2, status: 400, body: { key: 'api.error.bad_request', fields: 'name' } },
      { id: 3, status: 400, body: { key: 'api.error.bad_request' } },
      { id: 4, status: 404, body: { key: 'api.error.object_not_found' } },
    ]);
    const tooLarge = Array.from({ length: 101 }, () => ({ method: 'GET', relativeUrl: '/info' }));
    expectError(
      await call(q, 'POST', '/batch', tooLarge),
      400,
      'bad_request',
      'Batch request contains too many operations',
    );
    expectError(await call([], 'POST', '/batch', tooLarge), 400, 'batch_too_large');
  });
});

describe('SIM-04 no-rate-headers', () => {
  it('SIM-04 rate headers by default; none under the quirk, a 429 keeping Retry-After', async () => {
    const plain = await call([], 'GET', '/info');
    expect(plain.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
    expect(plain.headers['x-ratelimit-reset']).toMatch(/^\d+$/);

    const limited = await sim(['no-rate-headers'], { limits: { perSecond: 1, secondWindowMs: 60_000 } });
    const first = await api(limited, 'GET', '/info', { user: 'admin' });
    expect(first.status).toBe(200);
    const second = await api(limited, 'GET', '/info', { user: 'admin' });
    expectError(second, 429, 'too_many_requests');
    for (const res of [first, second]) {
      expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
      expect(res.headers['x-ratelimit-reset']).toBeUndefined();
    }
    expect(first.headers['retry-after']).toBeUndefined();
    expect(second.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('SIM-04 lenient-params', () => {
  it('SIM-04 default refuses limit=0, limit over the maximum, unknown includeReferenced and archived=all', async () => {
    for (const query of ['limit=0', 'limit=1001', 'includeReferenced=bogus', 'archived=all']) {
      const res = await call([], 'GET', `/customers?${query}`);
      expectError(res, 400, 'invalid_argument');
    }
  });

  it('SIM-04 quirk: answers them (the maximum, ignored, both), still refusing negative or garbage values', async () => {
    const q: Quirk[] = ['lenient-params'];
    for (const limit of ['0', '1001', '50000'])
      expect((await call(q, 'GET', `/customers?limit=${limit}`)).body).toMatchObject({
        offset: 0,
        limit: 1000,
      });
    expect((await call(q, 'GET', '/customers?includeReferenced=bogus')).status).toBe(200);
    const projects = await call(q, 'GET', '/projects?ids=13&includeReferenced=bogus,customers');
    expect(projects.body).toMatchObject({ customers: { 6: { id: 6 } } });
    const all = (await call(q, 'GET', '/customers?archived=all')).body as { items: Array<{ id: number }> };
    expect(all.items.map((c) => c.id)).toEqual([6, 7, 9, 11]);
    expect((await call(q, 'GET', '/customers?archived=true')).body).toMatchObject({ items: [{ id: 11 }] });
    for (const query of ['limit=-1', 'limit=ten', 'offset=-1', 'archived=maybe'])
      expectError(await call(q, 'GET', `/customers?${query}`), 400, 'invalid_argument');
    for (const profile of [[], q])
      expect((await call(profile, 'GET', '/customers?offset=500')).body).toMatchObject({
        offset: 500,
        items: [],
      });
  });
});

describe('SIM-04 no-delta', () => {
  it('SIM-04 the /time delta endpoints exist by default and are unknown under the quirk', async () => {
    const paths = [`/timetrack/admin/${FREE_DAY}/143/time`, `/leavetime/admin/${FREE_DAY}/1/time`];
    for (const path of paths) {
      expect((await call([], 'PATCH', path, { delta: 0 })).status).toBe(200);
      expectError(
        await call(['no-delta'], 'PATCH', path, { delta: 30 }),
        404,
        'unknown_resource',
        'HTTP 404 Not Found',
      );
      expectError(await call(['no-delta'], 'GET', path), 404, 'unknown_resource');
    }
    expect((await call(['no-delta'], 'GET', `/timetrack/admin/${FREE_DAY}/143`)).status).toBe(404);
    expect((await call(['no-delta'], 'PATCH', `/timetrack/admin/${FREE_DAY}/143`, { time: 0 })).status).toBe(
      200,
    );
  });
});

describe('SIM-04 missing-cell-zero', () => {
  it('SIM-04 an empty cell is 404 by default and 0 minutes under the quirk', async () => {
    const time = `/timetrack/admin/${FREE_DAY}/143`;
    const leave = `/leavetime/admin/${FREE_DAY}/1`;
    expectError(await call([], 'GET', time), 404, 'object_not_found');
    expectError(await call([], 'GET', leave), 404, 'object_not_found');
    expect((await call(['missing-cell-zero'], 'GET', time)).body).toEqual({ taskId: 143, time: 0 });
    expect((await call(['missing-cell-zero'], 'GET', leave)).body).toEqual({ leaveTypeId: 1, leaveTime: 0 });
    const both: Quirk[] = ['missing-cell-zero', 'leave-time-field'];
    expect((await call(both, 'GET', leave)).body).toEqual({ leaveTypeId: 1, time: 0 });
    expectError(
      await call(['missing-cell-zero'], 'GET', `/timetrack/admin/${FREE_DAY}/9999`),
      404,
      'object_not_found',
    );
  });
});
