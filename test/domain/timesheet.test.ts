import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ActitimeClient } from '../../src/actitime/client.js';
import { getUser } from '../../src/actitime/resources/users.js';
import type { LeavetimeList, TimetrackList, User } from '../../src/actitime/schemas.js';
import { addDays, eachDate } from '../../src/domain/period.js';
import { assembleTimesheet, buildTimesheet, weekStartOf } from '../../src/domain/timesheet.js';
import { createLogger } from '../../src/logger.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { noonClock, TODAY, week } from '../simulator/demo-calendar.js';

const USER = { id: 9, fullName: 'Pat Test', username: 'pat' } as User;
const PERIOD = { from: '2026-10-05', to: '2026-10-11', timeZone: 'UTC', weekStart: 1 };

function list(data: TimetrackList['data'], maps: Partial<TimetrackList> = {}): TimetrackList {
  return { dateFrom: PERIOD.from, dateTo: PERIOD.to, nextDateFrom: null, data, ...maps };
}
const noLeave = { dateFrom: PERIOD.from, dateTo: PERIOD.to, nextDateFrom: null, data: [] } as LeavetimeList;
const schedule = (values: number[], from = PERIOD.from) =>
  new Map(values.map((m, i) => [addDays(from, i), m]));

describe('assembleTimesheet (pure)', () => {
  it('grid, totals, missing until today only, overtime, h:mm', () => {
    const sheet = assembleTimesheet(
      { user: USER, period: PERIOD, today: '2026-10-07' },
      list(
        [
          {
            userId: 9,
            date: '2026-10-05',
            approved: false,
            records: [
              { taskId: 1, time: 300 },
              { taskId: 2, time: 240 },
            ],
          },
          { userId: 9, date: '2026-10-06', approved: false, records: [{ taskId: 1, time: 90 }] },
        ],
        {
          tasks: {
            '1': { id: 1, name: 'Build', projectId: 10, projectName: 'Ship', customerName: 'Acme' },
            '2': { id: 2, name: 'Test', projectId: 10 },
          },
          projects: { '10': { id: 10, name: 'Ship', customerId: 5 } },
          customers: { '5': { id: 5, name: 'Acme' } },
        },
      ),
      noLeave,
      schedule([480, 480, 480, 480, 480, 0, 0]),
    );
    expect(sheet.days.map((d) => [d.logged, d.missing, d.overtime, d.loggedHm])).toEqual([
      [540, 0, 60, '9:00'],
      [90, 390, 0, '1:30'],
      [0, 480, 0, '0:00'], // today
      [0, 0, 0, '0:00'], // after today: not missing
      [0, 0, 0, '0:00'],
      [0, 0, 0, '0:00'],
      [0, 0, 0, '0:00'],
    ]);
    expect(sheet.tasks).toEqual([
      { id: 1, path: 'Acme / Ship / Build', minutes: [300, 90, 0, 0, 0, 0, 0], total: 390, totalHm: '6:30' },
      // Names missing from the task are taken from the project and customer maps.
      { id: 2, path: 'Acme / Ship / Test', minutes: [240, 0, 0, 0, 0, 0, 0], total: 240, totalHm: '4:00' },
    ]);
    expect(sheet.projects).toEqual([{ id: 10, path: 'Acme / Ship', total: 630, totalHm: '10:30' }]);
    expect(sheet.totals).toEqual({
      scheduled: 2400,
      logged: 630,
      leave: 0,
      missing: 870,
      overtime: 60,
      loggedHm: '10:30',
    });
    expect(sheet.locked).toBeNull();
    expect(sheet.user).toEqual({ id: 9, name: 'Pat Test' });
  });

  it('approval is per company week: a recorded approved day marks its week; a week without time is null', () => {
    const period = { ...PERIOD, from: '2026-10-01', to: '2026-10-14' };
    const sheet = assembleTimesheet(
      { user: USER, period, today: '2026-10-20' },
      list([
        { userId: 9, date: '2026-10-06', approved: true, records: [{ taskId: 1, time: 60 }] },
        { userId: 9, date: '2026-10-13', approved: false, records: [{ taskId: 1, time: 60 }] },
      ]),
      noLeave,
      schedule(Array(14).fill(0), period.from),
    );
    const byDate = Object.fromEntries(sheet.days.map((d) => [d.date, d.approved]));
    expect(byDate['2026-10-01']).toBeNull(); // week of 28 Sep: no time read
    expect(byDate['2026-10-05']).toBe(true);
    expect(byDate['2026-10-11']).toBe(true); // Sunday of the approved week
    expect(byDate['2026-10-12']).toBe(false);

    // The same data with a Sunday week start: the approved Tuesday's week is Sunday 4 … Saturday 10.
    const sunday = assembleTimesheet(
      { user: USER, period: { ...period, weekStart: 0 }, today: '2026-10-20' },
      list([{ userId: 9, date: '2026-10-06', approved: true, records: [{ taskId: 1, time: 60 }] }]),
      noLeave,
      schedule(Array(14).fill(0), period.from),
    );
    const s = Object.fromEntries(sunday.days.map((d) => [d.date, d.approved]));
    expect([s['2026-10-03'], s['2026-10-04'], s['2026-10-10'], s['2026-10-11']]).toEqual([
      null,
      true,
      true,
      null,
    ]);
  });

  it('leave per type per day counts against missing; schedule is aligned by the dates the server answered for', () => {
    const sheet = assembleTimesheet(
      { user: USER, period: PERIOD, today: '2026-10-31' },
      list([]),
      {
        ...noLeave,
        data: [
          { userId: 9, date: '2026-10-06', leaveTypeId: 2, leaveTime: 480 },
          { userId: 9, date: '2026-10-07', leaveTypeId: 3, leaveTime: 120 },
          { userId: 8, date: '2026-10-07', leaveTypeId: 3, leaveTime: 999 }, // another user: ignored
        ],
        leaveTypes: { '2': { id: 2, name: 'Vacation' } },
      },
      // The server answered from the day before the period: every value shifts by one.
      schedule([0, 480, 480, 480, 480, 480, 0, 0], addDays(PERIOD.from, -1)),
    );
    expect(sheet.leave).toEqual([
      { id: 2, name: 'Vacation', minutes: [0, 480, 0, 0, 0, 0, 0], total: 480 },
      { id: 3, name: 'leave type 3', minutes: [0, 0, 120, 0, 0, 0, 0], total: 120 },
    ]);
    expect(sheet.days.map((d) => d.scheduled)).toEqual([480, 480, 480, 480, 480, 0, 0]);
    expect(sheet.days.map((d) => d.missing)).toEqual([480, 0, 360, 480, 480, 0, 0]);
  });

  it('weekStartOf', () => {
    expect(weekStartOf('2026-10-07', 1)).toBe('2026-10-05');
    expect(weekStartOf('2026-10-07', 0)).toBe('2026-10-04');
    expect(weekStartOf('2026-10-04', 1)).toBe('2026-09-28');
    expect(weekStartOf('2026-10-10', 6)).toBe('2026-10-10');
  });
});

describe('buildTimesheet against the simulator', () => {
  let sim: SimulatorHandle;
  let client: ActitimeClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: TODAY, now: noonClock() });
    client = new ActitimeClient(
      { baseUrl: sim.baseUrl, username: 'admin', password: 'manager' },
      { logger: createLogger('error', () => undefined) },
    );
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('three reads for a normal period; time is read for whole weeks', async () => {
    const user = await getUser(client, 4);
    const mark = sim.requests.length;
    const period = { from: week(-2, 2), to: week(-1, 1), timeZone: 'America/New_York', weekStart: 1 };
    const sheet = await buildTimesheet(client, { user, period, today: TODAY });
    const sent = sim.requests.slice(mark);
    expect(sent.map((r) => r.path).sort()).toEqual(['/leavetime', '/timetrack', '/users/4/schedule']);
    const time = sent.find((r) => r.path === '/timetrack')!;
    expect(time.query).toMatchObject({ dateFrom: week(-2), dateTo: week(-1, 6), userIds: '4' });
    expect(sent.find((r) => r.path === '/users/4/schedule')!.query).toMatchObject({
      dateFrom: period.from,
      dateTo: period.to,
    });
    expect(sheet.days.map((d) => d.date)).toEqual(eachDate(period.from, period.to));
  });

  it('follows nextDateFrom when the list is cut (over 1000 records) and still matches the store', async () => {
    const from = week(-6);
    const to = week(-1, 6);
    // pwhite (6) gets 30 tasks a day for six weeks: well over one page of 1000 records.
    const tasks = [...sim.store.tasks.keys()].slice(0, 30);
    for (const date of eachDate(from, to)) for (const t of tasks) sim.store.setTime(6, date, t, 10);
    const user = await getUser(client, 6);
    const mark = sim.requests.length;
    const sheet = await buildTimesheet(client, {
      user,
      period: { from, to, timeZone: 'America/New_York', weekStart: 1 },
      today: TODAY,
    });
    const pages = sim.requests.slice(mark).filter((r) => r.path === '/timetrack');
    expect(pages.length).toBeGreaterThan(1);
    for (let i = 1; i < pages.length; i++)
      expect(pages[i]!.query.dateFrom! > pages[i - 1]!.query.dateFrom!).toBe(true);
    for (const d of sheet.days) {
      const day = sim.store.getDay(6, d.date);
      expect(d.logged, d.date).toBe([...(day?.values() ?? [])].reduce((s, r) => s + r.time, 0));
    }
    expect(sheet.tasks.length).toBeGreaterThanOrEqual(30);
  });
});
