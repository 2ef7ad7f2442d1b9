import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, week, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

interface LeaveRow {
  userId: number;
  date: string;
  dayOffset: number;
  leaveTypeId: number;
  leaveTime: number;
}
interface LeaveList {
  dateFrom: string;
  dateTo: string;
  nextDateFrom: string | null;
  data: LeaveRow[];
  [map: string]: unknown;
}

async function call(method: string, path: string, body?: unknown, user = 'admin') {
  return api(sim, method, path, { user, body });
}

async function leaveList(query: string, user = 'admin'): Promise<LeaveList> {
  const res = await call('GET', `/leavetime?${query}`, undefined, user);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as LeaveList;
}

function expectKey(res: { status: number; body: unknown }, status: number, key: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ key: `api.error.${key}` });
}

describe('model §2.8 GET /leavetime', () => {
  it('returns flat records per user, day and leave type, by date then user', async () => {
    const list = await leaveList(`dateFrom=${week(-8)}&dateTo=${week(2)}`);
    expect(list.nextDateFrom).toBeNull();
    expect(list.dateTo).toBe(week(2));
    expect(list.data).toEqual([
      ...[0, 1, 2, 3, 4].map((d) => ({
        userId: 4,
        date: week(-5, d),
        dayOffset: 3 * 7 + d,
        leaveTypeId: 2,
        leaveTime: 480,
      })),
      { userId: 5, date: week(-2, 1), dayOffset: 6 * 7 + 1, leaveTypeId: 3, leaveTime: 120 },
      { userId: 3, date: week(-2, 3), dayOffset: 6 * 7 + 3, leaveTypeId: 1, leaveTime: 480 },
      { userId: 6, date: week(1, 4), dayOffset: 9 * 7 + 4, leaveTypeId: 2, leaveTime: 480 },
    ]);
  });

  it('requires dateFrom, defaults dateTo to the last selected leave, filters users and leave types', async () => {
    expectKey(await call('GET', '/leavetime'), 400, 'mandatory_field');
    const open = await leaveList(`dateFrom=${week(-8)}&leaveTypeIds=1%2C3`);
    expect(open.dateTo).toBe(week(-2, 3));
    expect(open.data.map((r) => r.leaveTypeId)).toEqual([3, 1]);
    expect((await leaveList(`dateFrom=${week(-8)}&userIds=4`)).data).toHaveLength(5);
    expect(await leaveList(`dateFrom=${TODAY}&dateTo=${TODAY}`)).toEqual({
      dateFrom: TODAY,
      dateTo: TODAY,
      nextDateFrom: null,
      data: [],
    });
  });

  it('stopAfter pages by whole dates', async () => {
    const first = await leaveList(`dateFrom=${week(-8)}&stopAfter=2`);
    expect(first.data).toHaveLength(2);
    expect(first.dateTo).toBe(week(-5, 1));
    expect(first.nextDateFrom).toBe(week(-5, 2));
    const rest = await leaveList(`dateFrom=${first.nextDateFrom}&stopAfter=100`);
    expect(rest.nextDateFrom).toBeNull();
    expect(rest.data).toHaveLength(6);
  });

  it('includeReferenced uses the plural timeZoneGroups key here', async () => {
    const list = await leaveList(
      `dateFrom=${week(-8)}&includeReferenced=users%2Cdepartments%2CtimeZoneGroups%2CleaveTypes`,
    );
    expect(list).not.toHaveProperty('timeZoneGroup');
    expect(Object.keys(list.timeZoneGroups as object).sort()).toEqual(['-1', '2']);
    expect(Object.keys(list.users as object).sort()).toEqual(['3', '4', '5', '6']);
    expect(Object.keys(list.leaveTypes as object).sort()).toEqual(['1', '2', '3']);
    expect(Object.keys(list.departments as object).sort()).toEqual(['-1', '6', '7']);
  });

  it('reads own leave for a regular user, the team for a manager; others 403', async () => {
    expect(new Set((await leaveList(`dateFrom=${week(-8)}`, 'trainee')).data.map((r) => r.userId))).toEqual(
      new Set([3]),
    );
    expect(new Set((await leaveList(`dateFrom=${week(-8)}`, 'manager')).data.map((r) => r.userId))).toEqual(
      new Set([3, 4, 5, 6]),
    );
    expectKey(
      await call('GET', `/leavetime?dateFrom=${week(-8)}&userIds=4`, undefined, 'trainee'),
      403,
      'access_denied',
    );
  });
});

describe('model §2.8 leave cells', () => {
  it('GET {leaveTypeId, leaveTime}; missing cell or leave type 404', async () => {
    expect((await call('GET', `/leavetime/akowalski/${week(-2, 1)}/3`)).body).toEqual({
      leaveTypeId: 3,
      leaveTime: 120,
    });
    expectKey(await call('GET', `/leavetime/akowalski/${week(-2, 1)}/2`), 404, 'object_not_found');
    expectKey(await call('GET', `/leavetime/akowalski/${week(-2, 1)}/99`), 404, 'object_not_found');
    expectKey(await call('GET', `/leavetime/akowalski/${week(-2, 1)}/x`), 400, 'invalid_argument');
  });

  it('PATCH sets absolutely, 0 deletes; /time adds a delta; values outside 0…1440 are 400', async () => {
    const path = `/leavetime/me/${week(1, 1)}/2`;
    expect((await call('PATCH', path, { leaveTime: 240 }, 'trainee')).body).toEqual({
      leaveTypeId: 2,
      leaveTime: 240,
    });
    expect((await call('PATCH', `${path}/time`, { delta: 240 }, 'trainee')).body).toEqual({
      leaveTypeId: 2,
      leaveTime: 480,
    });
    expect((await call('GET', path, undefined, 'trainee')).body).toEqual({ leaveTypeId: 2, leaveTime: 480 });
    expectKey(await call('PATCH', `${path}/time`, { delta: -481 }, 'trainee'), 400, 'invalid_argument');
    expectKey(await call('PATCH', path, { leaveTime: 1441 }, 'trainee'), 400, 'invalid_argument');
    expectKey(await call('PATCH', path, {}, 'trainee'), 400, 'mandatory_field');
    expect((await call('PATCH', path, { leaveTime: 0 }, 'trainee')).body).toEqual({
      leaveTypeId: 2,
      leaveTime: 0,
    });
    expectKey(await call('GET', path, undefined, 'trainee'), 404, 'object_not_found');
  });

  it('an approved week does not block leave; a lock does; the day limit counts time + leave', async () => {
    expect((await call('PATCH', `/leavetime/3/${week(-4, 1)}/3`, { leaveTime: 60 })).status).toBe(200);
    expectKey(
      await call('PATCH', `/timetrack/3/${week(-4, 1)}/143`, { time: 60 }),
      400,
      'timetrack_approved',
    );
    expectKey(
      await call('PATCH', `/leavetime/3/${week(-7, 1)}/3`, { leaveTime: 60 }),
      400,
      'timetrack_locked',
    );
    // The trainee logged 480 min on Monday of the previous week.
    expectKey(
      await call('PATCH', `/leavetime/3/${week(-1)}/3`, { leaveTime: 961 }),
      400,
      'day_limit_exceeded',
    );
    expect((await call('PATCH', `/leavetime/3/${week(-1)}/3`, { leaveTime: 960 })).status).toBe(200);
    expectKey(
      await call('PATCH', `/timetrack/3/${week(-1)}/143/time`, { delta: 1 }),
      400,
      'day_limit_exceeded',
    );
  });

  it('write scope equals time write scope', async () => {
    expectKey(
      await call('PATCH', `/leavetime/jsmith/${TODAY}/1`, { leaveTime: 60 }, 'trainee'),
      403,
      'access_denied',
    );
    expect((await call('PATCH', `/leavetime/jsmith/${TODAY}/1`, { leaveTime: 60 }, 'manager')).status).toBe(
      200,
    );
    expectKey(
      await call('PATCH', `/leavetime/rgray/${TODAY}/1`, { leaveTime: 60 }, 'manager'),
      403,
      'access_denied',
    );
  });
});
