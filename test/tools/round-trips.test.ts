/**
 * Requests and round trips per tool call (issue 12, items 3 and 4), read from the simulator's request log with
 * a modelled latency on every request (test/helpers/round-trips.ts): counts and overlaps, never wall-clock
 * timings. Also what the caches must never do: skip a pre-check that needs fresh data, or outlive this
 * server's own write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RecordedRequest } from '../../src/simulator/types.js';
import { findMissingTimeTool, getTimesheet, logTimeTool } from '../../src/tools/time.js';
import { errorOf, textOf, type Connected } from '../helpers/mcp.js';
import { describeLog, httpRequests, rateUnits, roundTrips, withLatency } from '../helpers/round-trips.js';
import { TODAY, week } from '../simulator/demo-calendar.js';
import { ok, refused, world, type World } from './time-support.js';

const ENGINE_TESTING = 103; // Big Bang Company / Spaceship building / Engine integration testing
const ADMIN = 1;

type Entry = { status: string; taskId: number; error?: { reason?: string; kind?: string; message: string } };
type LogOut = { entries: Entry[] };

describe('round trips and requests per call (80 ms of simulated latency on every request)', () => {
  let w: World;
  let admin: Connected;

  /** Runs `call` with latency on every request; the log of what it sent. */
  async function measure(call: () => Promise<unknown>): Promise<RecordedRequest[]> {
    w.sim.clearRequests();
    const latency = withLatency(w.sim, 80);
    try {
      await call();
    } finally {
      latency.clear();
    }
    return [...w.sim.requests];
  }
  const gets = (log: readonly RecordedRequest[], prefix: string) =>
    log.filter((r) => r.method === 'GET' && r.path.startsWith(prefix));
  const writes = (log: readonly RecordedRequest[]) =>
    log.filter((r) => r.method !== 'GET' && r.path !== '/batch');
  const log1 = (task: number | string, date: string, duration = 15) =>
    ok<LogOut>(admin, logTimeTool, { entries: [{ task, date, duration }] });

  beforeAll(async () => {
    w = await world(TODAY);
    // 44 more active users: with the seed's, a team of about 50.
    for (let i = 0; i < 44; i++) {
      w.sim.store.addUser({
        id: 2000 + i,
        username: `member${i}`,
        password: `member${i}`,
        firstName: 'Team',
        middleName: '',
        lastName: `Member ${i}`,
        email: `member${i}@demo-company.example`,
        departmentId: 5,
        timeZoneGroupId: 2,
        hired: '2020-01-06',
        releaseDate: null,
        active: true,
        role: 'regular',
      });
    }
    admin = await w.connect('admin');
  });
  afterAll(() => w.close());

  // The client's very first request goes alone (it checks the credentials, REL-RT-10): this call pays it.
  it('search_tasks: one request, one round trip', async () => {
    const sent = await measure(() =>
      admin.client.callTool({ name: 'search_tasks', arguments: { words: 'testing' } }),
    );
    expect(httpRequests(sent)).toHaveLength(1);
    expect(roundTrips(sent)).toBe(1);
  });

  it('get_timesheet: without the session lookups ≤ 2 round trips (me, settings and time-zone groups together); the next call 1', async () => {
    const first = await measure(() => ok(admin, getTimesheet, {}));
    expect(roundTrips(first), describeLog(first).join('\n')).toBeLessThanOrEqual(2);
    // me, info and the time-zone groups together, then time, leave and the schedule together.
    expect(httpRequests(first)).toHaveLength(6);
    const again = await measure(() => ok(admin, getTimesheet, {}));
    expect(roundTrips(again)).toBe(1);
    // Time and leave are read again; the schedule comes from the cache within its minute.
    expect(httpRequests(again).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/timetrack', '/leavetime']),
    );
    expect(gets(again, '/users/')).toHaveLength(0);
  });

  it('log_time one entry by task id: the task is read with the days (2 round trips); after a warm-up exactly 1 write and 1 read round trip, no task request', async () => {
    const cold = await measure(() => log1(ENGINE_TESTING, week(3, 0)));
    expect(gets(cold, `/tasks/${ENGINE_TESTING}`)).toHaveLength(1);
    expect(writes(cold)).toHaveLength(1);
    expect(roundTrips(cold), describeLog(cold).join('\n')).toBe(2);

    const warm = await measure(() => log1(ENGINE_TESTING, week(3, 1)));
    expect(writes(warm).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /timetrack/${ADMIN}/${week(3, 1)}/${ENGINE_TESTING}/time`,
    ]);
    expect(gets(warm, '/tasks')).toHaveLength(0);
    // The pre-checks' reads, fresh every time: the week's time-track and the day's leave (the new day's
    // schedule too, once).
    expect(gets(warm, '/timetrack')).toHaveLength(1);
    expect(gets(warm, '/leavetime')).toHaveLength(1);
    expect(httpRequests(warm).length).toBeLessThanOrEqual(4);
    expect(roundTrips(warm), describeLog(warm).join('\n')).toBe(2);
    const reads = httpRequests(warm).filter((r) => r.method === 'GET');
    const write = writes(warm)[0]!;
    // Every read answered before the write went out, all of them side by side.
    expect(reads.every((r) => r.finishedAt! <= write.arrivedAt)).toBe(true);
    expect(reads.every((r) => reads.every((o) => o.arrivedAt < r.finishedAt!))).toBe(true);
  });

  it('log_time by a name an earlier call resolved: no task request, 1 read round trip + the write', async () => {
    const name = 'Spaceship building / Engine integration testing';
    await log1(name, week(3, 2));
    const warm = await measure(() => log1(name, week(3, 2)));
    expect(gets(warm, '/tasks')).toHaveLength(0);
    expect(gets(warm, '/projects')).toHaveLength(0);
    expect(writes(warm)).toHaveLength(1);
    expect(roundTrips(warm), describeLog(warm).join('\n')).toBe(2);
  });

  it('log_time with 100 cells by id: the tasks in one list, the days in one read, the writes in one batch — 2 round trips, ≤ 104 operations', async () => {
    const ids = [...w.sim.store.tasks.keys()].filter((id) => id !== ENGINE_TESTING).slice(0, 20);
    const entries = ids.flatMap((task) =>
      [0, 1, 2, 3, 4].map((d) => ({ task, date: week(4, d), duration: 20 })),
    );
    let out: LogOut | undefined;
    const sent = await measure(async () => {
      out = await ok<LogOut>(admin, logTimeTool, { entries });
    });
    expect(out!.entries.every((e) => e.status === 'applied')).toBe(true);
    expect(gets(sent, '/tasks').filter((r) => r.batchOf === undefined)).toHaveLength(1);
    expect(gets(sent, '/tasks')[0]!.query.ids!.split(',')).toHaveLength(20);
    expect(writes(sent)).toHaveLength(100);
    expect(httpRequests(sent).length).toBeLessThanOrEqual(5);
    // 100 writes + the tasks, time-track, leave and schedule reads: the rate floor including the reads.
    expect(rateUnits(sent)).toBeLessThanOrEqual(104);
    expect(roundTrips(sent), describeLog(sent).join('\n')).toBe(2);
  });

  it('find_missing_time for about 50 users: the schedules as one batch, ≤ 3 round trips; again: 1 round trip, 2 requests', async () => {
    const team = [...w.sim.store.users.values()].filter((u) => u.active).length;
    expect(team).toBeGreaterThanOrEqual(50);
    const cold = await measure(() => ok(admin, findMissingTimeTool, { period: 'last month' }));
    const schedules = cold.filter((r) => /^\/users\/\d+\/schedule$/.test(r.path));
    expect(schedules).toHaveLength(team);
    expect(schedules.every((r) => r.batchOf !== undefined)).toBe(true);
    // The user list, then the time list, the leave list and the batch side by side.
    expect(httpRequests(cold).length).toBeLessThanOrEqual(4);
    expect(rateUnits(cold)).toBeLessThanOrEqual(team + 3);
    expect(roundTrips(cold), describeLog(cold).join('\n')).toBeLessThanOrEqual(3);

    const again = await measure(() => ok(admin, findMissingTimeTool, { period: 'last month' }));
    expect(
      httpRequests(again)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/leavetime', '/timetrack']);
    expect(roundTrips(again)).toBe(1);
  });

  it('the caches never decide a pre-check: a week someone else approved after a warm-up is refused before sending', async () => {
    const date = week(5, 1);
    await log1(ENGINE_TESTING, date);
    w.sim.store.setApproved(ADMIN, date, true);
    try {
      const sent = await measure(async () => {
        const out = await refused<LogOut>(admin, logTimeTool, {
          entries: [{ task: ENGINE_TESTING, date, duration: 15 }],
        });
        expect(out.entries[0]).toMatchObject({
          status: 'refused',
          error: { kind: 'precheck', reason: 'timetrack_approved' },
        });
        expect(out.entries[0]!.error!.message).toMatch(/^not sent: the week of /);
      });
      expect(writes(sent)).toHaveLength(0);
    } finally {
      w.sim.store.setApproved(ADMIN, date, false);
    }
  });

  it('the caches never decide a pre-check: leave someone else added after a warm-up counts toward the 24 h', async () => {
    const date = week(5, 2);
    await log1(ENGINE_TESTING, date, 60);
    w.sim.store.setLeave(ADMIN, date, 1, 1400);
    const sent = await measure(async () => {
      const out = await refused<LogOut>(admin, logTimeTool, {
        entries: [{ task: ENGINE_TESTING, date, duration: 15 }],
      });
      expect(out.entries[0]).toMatchObject({
        status: 'refused',
        error: { kind: 'precheck', reason: 'day_limit_exceeded' },
      });
    });
    expect(writes(sent)).toHaveLength(0);
  });

  it("this server's own rename drops the cached task names at once: the old name is unknown, the new one found", async () => {
    const task = [...w.sim.store.tasks.values()].find((t) => t.name === 'Engine integration testing')!;
    const oldName = 'Spaceship building / Engine integration testing';
    await log1(oldName, week(6, 0));
    const renamed = await admin.client.callTool({
      name: 'update_work_item',
      arguments: { kind: 'task', ref: task.id, changes: { name: 'Engine bench testing' } },
    });
    expect(renamed.isError, textOf(renamed)).toBeFalsy();
    const stale = await admin.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: oldName, date: week(6, 0), duration: 15 }] },
    });
    expect(errorOf(stale)).toMatchObject({ kind: 'not_found', field: 'entries[0].task' });
    const out = await log1('Spaceship building / Engine bench testing', week(6, 0));
    expect(out.entries[0]).toMatchObject({ status: 'applied', taskId: task.id });
  });
});
