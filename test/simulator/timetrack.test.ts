import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, week, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

interface Rec {
  taskId: number;
  time: number;
  comment?: string;
}
interface Day {
  userId: number;
  date: string;
  dayOffset: number;
  approved: boolean;
  records: Rec[];
}
interface TimeList {
  dateFrom: string;
  dateTo: string;
  nextDateFrom: string | null;
  data: Day[];
  [map: string]: unknown;
}

async function call(method: string, path: string, body?: unknown, user = 'admin') {
  return api(sim, method, path, { user, body });
}

async function timeList(query: string, user = 'admin'): Promise<TimeList> {
  const res = await call('GET', `/timetrack?${query}`, undefined, user);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as TimeList;
}

function expectKey(res: { status: number; body: unknown }, status: number, key: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ key: `api.error.${key}` });
}

describe('model §2.7 GET /timetrack', () => {
  it('requires dateFrom; bad dates and dateTo before dateFrom are 400', async () => {
    const missing = await call('GET', '/timetrack');
    expectKey(missing, 400, 'mandatory_field');
    expect(missing.body).toMatchObject({ fields: 'dateFrom' });
    expectKey(await call('GET', '/timetrack?dateFrom=2026-02-30'), 400, 'invalid_argument');
    expectKey(await call('GET', '/timetrack?dateFrom=07.10.2026'), 400, 'invalid_argument');
    expectKey(await call('GET', `/timetrack?dateFrom=${TODAY}&dateTo=${week(-1)}`), 400, 'invalid_argument');
    expectKey(await call('GET', `/timetrack?dateFrom=${TODAY}&stopAfter=0`), 400, 'invalid_argument');
    expectKey(await call('GET', `/timetrack?dateFrom=${TODAY}&approved=yes`), 400, 'invalid_argument');
  });

  it('lists only user-days with records, by date then user, with dayOffset, approved and comment-less records', async () => {
    const list = await timeList(`dateFrom=${week(-1)}&dateTo=${week(-1, 6)}`);
    expect(list.dateFrom).toBe(week(-1));
    expect(list.dateTo).toBe(week(-1, 6));
    expect(list.nextDateFrom).toBeNull();
    const keys = list.data.map((d) => `${d.date}|${d.userId}`);
    expect(keys).toEqual(
      [...keys].sort((a, b) =>
        a.split('|')[0]! < b.split('|')[0]!
          ? -1
          : a.split('|')[0]! > b.split('|')[0]!
            ? 1
            : Number(a.split('|')[1]) - Number(b.split('|')[1]),
      ),
    );
    const dates = new Set(list.data.map((d) => d.date));
    expect(dates.has(week(-1, 5))).toBe(false); // Saturday
    expect(list.data.filter((d) => d.userId === 3).map((d) => d.date)).toEqual([
      week(-1),
      week(-1, 1),
      week(-1, 2),
      week(-1, 4),
    ]);
    for (const d of list.data) {
      expect(Object.keys(d).sort()).toEqual(['approved', 'date', 'dayOffset', 'records', 'userId']);
      expect(d.dayOffset).toBe((Date.parse(d.date) - Date.parse(week(-1))) / 86_400_000);
      expect(d.approved).toBe(false);
      expect(d.records.length).toBeGreaterThan(0);
      for (const r of d.records) if ('comment' in r) expect(r.comment).toMatch(/\S/);
    }
    const all = list.data.flatMap((d) => d.records);
    expect(all.some((r) => !('comment' in r))).toBe(true);
    expect(all.some((r) => 'comment' in r)).toBe(true);
    const trainee = list.data
      .filter((d) => d.userId === 3)
      .map((d) => d.records.reduce((s, r) => s + r.time, 0));
    expect(trainee).toEqual([480, 300, 480, 480]);
  });

  it('defaults dateTo to the last date with a selected record, else dateFrom', async () => {
    const open = await timeList(`dateFrom=${week(-1)}`);
    expect(open.dateTo).toBe(TODAY);
    expect(open.nextDateFrom).toBeNull();
    const trainee = await timeList(`dateFrom=${week(-1)}&userIds=3`);
    expect(trainee.dateTo).toBe(week(0, 1)); // the trainee's today is empty
    const future = await timeList(`dateFrom=${week(1)}`);
    expect(future).toEqual({ dateFrom: week(1), dateTo: week(1), nextDateFrom: null, data: [] });
  });

  it('stopAfter cuts after whole days and nextDateFrom pages to the same data', async () => {
    const from = week(-3);
    const to = week(-1, 6);
    const full = await timeList(`dateFrom=${from}&dateTo=${to}`);
    const first = await timeList(`dateFrom=${from}&dateTo=${to}&stopAfter=5`);
    expect(first.nextDateFrom).not.toBeNull();
    const lastDate = first.data[first.data.length - 1]!.date;
    expect(first.dateTo).toBe(lastDate);
    expect(Date.parse(first.nextDateFrom!) - Date.parse(lastDate)).toBe(86_400_000);
    // The last date is complete: every user-day of that date is there.
    expect(first.data.filter((d) => d.date === lastDate)).toEqual(
      full.data.filter((d) => d.date === lastDate),
    );
    const counted = first.data.reduce((s, d) => s + d.records.length, 0);
    const withoutLastDay = first.data
      .filter((d) => d.date !== lastDate)
      .reduce((s, d) => s + d.records.length, 0);
    expect(counted).toBeGreaterThanOrEqual(5);
    expect(withoutLastDay).toBeLessThan(5);

    const collected: Day[] = [];
    let next: string | null = from;
    let calls = 0;
    while (next !== null) {
      const page = await timeList(`dateFrom=${next}&dateTo=${to}&stopAfter=5`);
      expect(page.dateFrom).toBe(next);
      collected.push(...page.data.map((d) => ({ ...d, dayOffset: 0 })));
      next = page.nextDateFrom;
      calls++;
    }
    expect(calls).toBeGreaterThan(3);
    expect(collected).toEqual(full.data.map((d) => ({ ...d, dayOffset: 0 })));
  });

  it('filters by userIds, taskIds, projectIds, customerIds and approved', async () => {
    const range = `dateFrom=${week(-8)}&dateTo=${TODAY}`;
    const byUser = await timeList(`${range}&userIds=3%2C5`);
    expect(new Set(byUser.data.map((d) => d.userId))).toEqual(new Set([3, 5]));
    const byTask = await timeList(`${range}&taskIds=136`);
    expect(byTask.data.length).toBeGreaterThan(0);
    expect(byTask.data.every((d) => d.records.every((r) => r.taskId === 136))).toBe(true);
    const byProject = await timeList(`${range}&projectIds=10`);
    expect(
      byProject.data
        .flatMap((d) => d.records.map((r) => r.taskId))
        .every((id) => [80, 81, 82, 83].includes(id)),
    ).toBe(true);
    const byCustomer = await timeList(`${range}&customerIds=9`);
    expect(
      byCustomer.data.flatMap((d) => d.records.map((r) => r.taskId)).every((id) => id >= 136 && id <= 145),
    ).toBe(true);
    const approved = await timeList(`${range}&approved=true`);
    expect(approved.data.length).toBeGreaterThan(0);
    expect(
      approved.data.every((d) => d.approved && [3, 4, 5, 6].includes(d.userId) && d.date <= week(-3, 6)),
    ).toBe(true);
    expect(approved.data.some((d) => d.userId === 4 && d.date >= week(-4) && d.date <= week(-4, 6))).toBe(
      false,
    );
    const unapproved = await timeList(`${range}&approved=false`);
    expect(unapproved.data.every((d) => !d.approved)).toBe(true);
    expect(approved.data.length + unapproved.data.length).toBe((await timeList(range)).data.length);
    const none = await timeList(`${range}&userIds=999`);
    expect(none.data).toEqual([]);
  });

  it('includeReferenced adds maps; time zone groups come under the singular key timeZoneGroup', async () => {
    const list = await timeList(
      `dateFrom=${week(-1)}&dateTo=${week(-1)}&userIds=2%2C3&includeReferenced=users%2Cdepartments%2CtimeZoneGroups%2Ccustomers%2Cprojects%2Ctasks%2CtypesOfWork%2CworkflowStatuses`,
    );
    expect(list).not.toHaveProperty('timeZoneGroups');
    expect(Object.keys(list.timeZoneGroup as object).sort()).toEqual(['-1', '2']);
    expect(Object.keys(list.users as object).sort()).toEqual(['2', '3']);
    expect(Object.keys(list.departments as object).sort()).toEqual(['5', '6']);
    const taskIds = [...new Set(list.data.flatMap((d) => d.records.map((r) => String(r.taskId))))].sort();
    expect(Object.keys(list.tasks as object).sort()).toEqual(taskIds);
    for (const map of ['users', 'tasks', 'projects', 'customers', 'typesOfWork', 'workflowStatuses'])
      for (const obj of Object.values(list[map] as object)) expect(obj).not.toHaveProperty('allowedActions');
    expect((list.users as Record<string, object>)['3']).toMatchObject({ fullName: 'Tom Green' });
  });

  it('lists only what the caller may read: a regular user their own days, a manager self and team', async () => {
    const range = `dateFrom=${week(-1)}&dateTo=${week(-1, 6)}`;
    const own = await timeList(range, 'trainee');
    expect(new Set(own.data.map((d) => d.userId))).toEqual(new Set([3]));
    const team = await timeList(range, 'manager');
    expect(new Set(team.data.map((d) => d.userId))).toEqual(new Set([2, 3, 4, 5, 6]));
    expectKey(await call('GET', `/timetrack?${range}&userIds=1`, undefined, 'manager'), 403, 'access_denied');
  });
});

describe('model §2.7 time-track cells', () => {
  it('GET returns {taskId, time, comment?}; an empty cell, unknown task or user is 404; bad date 400', async () => {
    const list = await timeList(`dateFrom=${week(-1)}&dateTo=${week(-1)}&userIds=4`);
    const rec = list.data[0]!.records[0]!;
    const res = await call('GET', `/timetrack/4/${week(-1)}/${rec.taskId}`);
    expect(res.body).toEqual(rec);
    expect((await call('GET', `/timetrack/jsmith/${week(-1)}/${rec.taskId}`)).body).toEqual(rec);
    expect((await call('GET', `/timetrack/me/${week(-1)}/${rec.taskId}`, undefined, 'jsmith')).body).toEqual(
      rec,
    );
    const empty = await call('GET', `/timetrack/4/${week(-1, 5)}/${rec.taskId}`);
    expectKey(empty, 404, 'object_not_found');
    expect(empty.body).toMatchObject({ message: 'Object with given ID does not exist' });
    expectKey(await call('GET', `/timetrack/4/${week(-1)}/99999`), 404, 'object_not_found');
    expectKey(await call('GET', `/timetrack/nobody/${week(-1)}/143`), 404, 'object_not_found');
    expectKey(await call('GET', `/timetrack/4/2026-13-01/143`), 400, 'invalid_argument');
  });

  it('PATCH is an absolute upsert: comment kept when omitted, "" clears, repeat is safe, 0 deletes', async () => {
    const path = `/timetrack/trainee/${TODAY}/143`;
    const set = await call('PATCH', path, { time: 90, comment: 'rig setup' }, 'trainee');
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ taskId: 143, time: 90, comment: 'rig setup' });
    expect((await call('PATCH', path, { time: 90, comment: 'rig setup' }, 'trainee')).body).toEqual(set.body);
    expect((await call('PATCH', path, { time: 120 }, 'trainee')).body).toEqual({
      taskId: 143,
      time: 120,
      comment: 'rig setup',
    });
    expect((await call('PATCH', path, { time: 120, comment: '' }, 'trainee')).body).toEqual({
      taskId: 143,
      time: 120,
    });
    expect((await call('GET', path, undefined, 'trainee')).body).toEqual({ taskId: 143, time: 120 });
    expect((await call('PATCH', path, { time: 0 }, 'trainee')).body).toEqual({ taskId: 143, time: 0 });
    expectKey(await call('GET', path, undefined, 'trainee'), 404, 'object_not_found');
    expect((await call('PATCH', path, { time: 0 }, 'trainee')).body).toEqual({ taskId: 143, time: 0 });
  });

  it('PATCH validates time (mandatory, integer, 0…1440)', async () => {
    const path = `/timetrack/3/${TODAY}/143`;
    const missing = await call('PATCH', path, { comment: 'x' });
    expectKey(missing, 400, 'mandatory_field');
    expect(missing.body).toMatchObject({ fields: 'time' });
    expectKey(await call('PATCH', path, { time: 1441 }), 400, 'invalid_argument');
    expectKey(await call('PATCH', path, { time: -1 }), 400, 'invalid_argument');
    expectKey(await call('PATCH', path, { time: '60' }), 400, 'invalid_argument');
    expectKey(await call('PATCH', path, { time: 1.5 }), 400, 'invalid_argument');
    expectKey(await call('PATCH', path, { time: 60, comment: 5 }), 400, 'invalid_argument');
  });

  it('PATCH …/time adds a delta atomically, is not idempotent, deletes at 0 and refuses results outside 0…1440', async () => {
    const path = `/timetrack/3/${TODAY}/143`;
    expect((await call('PATCH', `${path}/time`, { delta: 30 })).body).toEqual({ taskId: 143, time: 30 });
    expect((await call('PATCH', `${path}/time`, { delta: 30 })).body).toEqual({ taskId: 143, time: 60 });
    await Promise.all(Array.from({ length: 10 }, () => call('PATCH', `${path}/time`, { delta: 10 })));
    expect((await call('GET', path)).body).toEqual({ taskId: 143, time: 160 });
    expectKey(await call('PATCH', `${path}/time`, { delta: -161 }), 400, 'invalid_argument');
    expectKey(await call('PATCH', `${path}/time`, { delta: 1300 }), 400, 'invalid_argument');
    expectKey(await call('PATCH', `${path}/time`, {}), 400, 'mandatory_field');
    expect((await call('GET', path)).body).toEqual({ taskId: 143, time: 160 });
    await call('PATCH', path, { time: 160, comment: 'kept' });
    expect((await call('PATCH', `${path}/time`, { delta: -60 })).body).toEqual({
      taskId: 143,
      time: 100,
      comment: 'kept',
    });
    expect((await call('PATCH', `${path}/time`, { delta: -100 })).body).toEqual({ taskId: 143, time: 0 });
    expectKey(await call('GET', path), 404, 'object_not_found');
  });

  it('day_limit_exceeded when time + leave of the day would pass 1440', async () => {
    // pwhite has a full day today (480 min) on other tasks.
    expectKey(await call('PATCH', `/timetrack/6/${TODAY}/143`, { time: 961 }), 400, 'day_limit_exceeded');
    expect((await call('PATCH', `/timetrack/6/${TODAY}/143`, { time: 960 })).status).toBe(200);
    expectKey(await call('PATCH', `/timetrack/6/${TODAY}/143/time`, { delta: 1 }), 400, 'day_limit_exceeded');
    // The trainee's sick day holds 480 min of leave.
    expectKey(
      await call('PATCH', `/timetrack/3/${week(-2, 3)}/143`, { time: 961 }),
      400,
      'day_limit_exceeded',
    );
    expect((await call('PATCH', `/timetrack/3/${week(-2, 3)}/143`, { time: 960 })).status).toBe(200);
  });

  it('timetrack_locked on locked days, timetrack_approved in approved weeks, nothing changed', async () => {
    const locked = await call('GET', `/timetrack?dateFrom=${week(-7)}&dateTo=${week(-7)}&userIds=2`);
    const before = (locked.body as TimeList).data;
    expectKey(await call('PATCH', `/timetrack/2/${week(-7)}/143`, { time: 30 }), 400, 'timetrack_locked');
    expectKey(
      await call('PATCH', `/timetrack/2/${week(-7)}/143/time`, { delta: 30 }),
      400,
      'timetrack_locked',
    );
    expect(
      (await call('GET', `/timetrack?dateFrom=${week(-7)}&dateTo=${week(-7)}&userIds=2`)).body,
    ).toMatchObject({ data: before });
    expectKey(
      await call('PATCH', `/timetrack/3/${week(-4, 1)}/143`, { time: 30 }),
      400,
      'timetrack_approved',
    );
    // User 4's week W-4 is the one left unapproved.
    expect((await call('PATCH', `/timetrack/4/${week(-4, 1)}/143`, { time: 30 })).status).toBe(200);
  });

  it('lock/unlock (admin only) cover the given users and dates and answer 204', async () => {
    const lock = await call('POST', '/timetrack/lock', { dateFrom: TODAY, dateTo: TODAY, userIds: [6] });
    expect(lock.status).toBe(204);
    expect(lock.body).toBeUndefined();
    expectKey(await call('PATCH', `/timetrack/6/${TODAY}/143`, { time: 30 }), 400, 'timetrack_locked');
    expect((await call('PATCH', `/timetrack/4/${TODAY}/143`, { time: 30 })).status).toBe(200);
    expect((await call('POST', '/timetrack/unlock', { dateFrom: TODAY, dateTo: TODAY })).status).toBe(204);
    expect((await call('PATCH', `/timetrack/6/${TODAY}/143`, { time: 30 })).status).toBe(200);

    // Unlocking a seeded locked week for the admin (never approved) makes it writable for the admin only.
    expect(
      (await call('POST', '/timetrack/unlock', { dateFrom: week(-7), dateTo: week(-7, 6), userIds: [1] }))
        .status,
    ).toBe(204);
    expect((await call('PATCH', `/timetrack/1/${week(-7)}/143`, { time: 30 })).status).toBe(200);
    expectKey(await call('PATCH', `/timetrack/2/${week(-7)}/143`, { time: 30 }), 400, 'timetrack_locked');

    expectKey(
      await call('POST', '/timetrack/lock', { dateFrom: TODAY, dateTo: TODAY }, 'manager'),
      403,
      'access_denied',
    );
    expectKey(await call('POST', '/timetrack/lock', { dateFrom: TODAY }), 400, 'mandatory_field');
    expectKey(
      await call('POST', '/timetrack/lock', { dateFrom: TODAY, dateTo: week(-1) }),
      400,
      'invalid_argument',
    );
    expectKey(
      await call('POST', '/timetrack/lock', { dateFrom: TODAY, dateTo: TODAY, userIds: 6 }),
      400,
      'invalid_argument',
    );
    expectKey(
      await call('POST', '/timetrack/lock', { dateFrom: TODAY, dateTo: TODAY, userIds: [999] }),
      404,
      'object_not_found',
    );
  });

  it('write scope: own assignments, a manager the team on scope tasks, never others (403); unknown task 404', async () => {
    expect((await call('PATCH', `/timetrack/me/${TODAY}/143`, { time: 30 }, 'trainee')).status).toBe(200);
    expectKey(
      await call('PATCH', `/timetrack/me/${TODAY}/80`, { time: 30 }, 'trainee'),
      403,
      'access_denied',
    );
    expectKey(
      await call('PATCH', `/timetrack/jsmith/${TODAY}/143`, { time: 30 }, 'trainee'),
      403,
      'access_denied',
    );
    expectKey(
      await call('GET', `/timetrack/jsmith/${week(-1)}/143`, undefined, 'trainee'),
      403,
      'access_denied',
    );
    expect((await call('PATCH', `/timetrack/trainee/${TODAY}/80`, { time: 30 }, 'manager')).status).toBe(200);
    expectKey(
      await call('PATCH', `/timetrack/rgray/${TODAY}/143`, { time: 30 }, 'manager'),
      403,
      'access_denied',
    );
    expectKey(
      await call('PATCH', `/timetrack/pwhite/${TODAY}/151`, { time: 30 }, 'manager'),
      403,
      'access_denied',
    );
    expectKey(
      await call('PATCH', `/timetrack/me/${TODAY}/99999`, { time: 30 }, 'trainee'),
      404,
      'object_not_found',
    );
  });
});

describe("model §1.5 `today` in cell paths is resolved in the path user's time-zone group", () => {
  it('New York and London users get different dates at 02:00 UTC', async () => {
    // 2026-10-07T02:00Z is still 2026-10-06 in New York and already 2026-10-07 in London; the clock advances
    // from there in real time so rate windows still roll.
    const start = Date.UTC(2026, 9, 7, 2, 0);
    const realStart = Date.now();
    const zoned = await startTestSimulator({ today: TODAY, now: () => start + (Date.now() - realStart) });
    try {
      const ny = await api(zoned, 'PATCH', '/timetrack/trainee/today/143', {
        user: 'admin',
        body: { time: 15 },
      });
      expect(ny.status).toBe(200);
      expect(
        (await api(zoned, 'GET', '/timetrack/trainee/2026-10-06/143', { user: 'admin' })).body,
      ).toMatchObject({ time: 15 });
      const london = await api(zoned, 'PATCH', '/timetrack/akowalski/today/80', {
        user: 'admin',
        body: { time: 15 },
      });
      expect(london.status).toBe(200);
      const cell = await api(zoned, 'GET', '/timetrack/akowalski/2026-10-07/80', { user: 'admin' });
      expect(cell.body).toMatchObject({ taskId: 80, time: 15 });
      // The New York write did not land on the seed's today, where the trainee has no time.
      expect((await api(zoned, 'GET', '/timetrack/trainee/2026-10-07/143', { user: 'admin' })).status).toBe(
        404,
      );
      expect((await api(zoned, 'GET', '/timetrack/akowalski/today/80', { user: 'admin' })).body).toEqual(
        cell.body,
      );
      const schedule = await api(zoned, 'GET', '/users/trainee/schedule', { user: 'admin' });
      expect(schedule.body).toMatchObject({ dateFrom: '2026-10-06', dateTo: '2026-10-12' });
    } finally {
      await zoned.close();
    }
  });
});
