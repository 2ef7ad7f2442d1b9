import { describe, expect, it } from 'vitest';

import { addDays } from '../../src/domain/period.js';
import { userTools } from '../../src/tools/users.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import type { SimulatorHandle } from '../helpers/simulator.js';
import { toolCalls, toolSession, type Json } from '../helpers/tools.js';

// SEC-OUT-05: ok() checks that structuredContent passes the tool's output schema and the text is the same JSON.
const { ok, fail } = toolCalls(userTools);

describe('users tools against the simulator (SEC-OUT-05)', () => {
  let sim: SimulatorHandle;
  let admin: Connected;
  toolSession({ admin: { user: 'admin' } }, (s) => ({ sim, admin } = s));

  it('get_user defaults to the caller, with department and time-zone names', async () => {
    const out = await ok(admin, 'get_user', {});
    expect(out.user).toMatchObject({
      id: 1,
      name: 'System Administrator',
      username: 'admin',
      department: 'Top Management',
      timeZoneGroup: 'New York',
      timeZone: 'America/New_York',
      active: true,
    });
    expect(out).not.toHaveProperty('schedule');
  });

  it('get_user by full name with a schedule for "this week" in the user’s own zone', async () => {
    const out = await ok(admin, 'get_user', { user: 'Mary Brown', schedule: 'this week' });
    expect(out.user).toMatchObject({ id: 2, timeZone: 'Europe/London' });
    const schedule = out.schedule as { from: string; to: string; totalMinutes: number; days: Json };
    const mary = sim.store.users.get(2)!;
    const dates = Object.keys(schedule.days);
    expect(dates).toHaveLength(7);
    expect(dates[0]).toBe(schedule.from);
    expect(new Date(`${schedule.from}T00:00:00Z`).getUTCDay()).toBe(1); // the company week starts on Monday
    expect(dates[6]).toBe(addDays(schedule.from, 6));
    const expected = dates.map((d) => sim.store.scheduleFor(mary, d));
    expect(Object.values(schedule.days)).toEqual(expected);
    expect(schedule.totalMinutes).toBe(expected.reduce((a, b) => a + b, 0));
    const wire = sim.requests.find((r) => r.path === '/users/2/schedule');
    expect(wire?.query).toEqual({ dateFrom: schedule.from, dateTo: schedule.to });
  });

  it('get_user with assignments: project paths; feature-detected when the endpoint is missing', async () => {
    const out = await ok(admin, 'get_user', { user: 'akowalski', assignments: true });
    const a = out.assignments as { allScope: boolean; projects: Array<{ id: number; path: string }> };
    expect(a.allScope).toBe(false);
    expect(a.projects.map((p) => p.id).sort((x, y) => x - y)).toEqual([10, 17, 23]);
    expect(a.projects.find((p) => p.id === 10)?.path).toBe('Galaxy Corporation / Star map');
    expect((await ok(admin, 'get_user', { user: 'pwhite', assignments: true })).assignments).toEqual({
      allScope: true,
    });
    sim.faults.inject({
      path: /workAssignments$/,
      status: 404,
      body: { key: 'api.error.unknown_resource', message: 'HTTP 404 Not Found' },
    });
    const old = await ok(admin, 'get_user', { user: 3, assignments: true });
    expect(old.assignments).toBeNull();
    expect(old.unavailable).toEqual({
      assignments:
        'not available: this actiTIME version does not offer it (HTTP 404 api.error.unknown_resource)',
    });
  });

  it('unknown and ambiguous users: not_found with closest names, ambiguous with candidates', async () => {
    const none = await fail(admin, 'get_user', { user: 'Tom Grean' });
    expect(none.kind).toBe('not_found');
    expect((none.candidates as Array<{ id: number }>)[0]?.id).toBe(3);
    const many = await fail(admin, 'get_user', { user: 'an' });
    expect(many.kind).toBe('ambiguous');
    expect((many.candidates as unknown[]).length).toBeGreaterThan(1);
  });

  it('a regular user sees only themselves: another user is refused by actiTIME', async () => {
    const trainee = await connectClient({ simulator: sim, user: 'trainee' });
    try {
      const me = await ok(trainee, 'get_user', { schedule: 'today' });
      expect(me.user).toMatchObject({ id: 3, name: 'Tom Green' });
      const other = await fail(trainee, 'get_user', { user: 4 });
      expect(other).toMatchObject({ status: 403, key: 'api.error.access_denied' });
      const list = await ok(trainee, 'list_users', {});
      expect((list.items as Array<{ id: number }>).map((u) => u.id)).toEqual([3]);
    } finally {
      await trainee.close();
    }
  });

  it('list_users filters by department name and state, pages with hasMore/nextOffset', async () => {
    const eng = await ok(admin, 'list_users', { department: 'Engineering' });
    expect((eng.items as Array<{ id: number }>).map((u) => u.id).sort()).toEqual([3, 4, 7]);
    expect(sim.requests.find((r) => r.path === '/users')?.query).toMatchObject({ department: '6' });
    const disabled = await ok(admin, 'list_users', { active: false });
    expect(disabled.items).toEqual([
      expect.objectContaining({ id: 7, name: 'Rita Gray', active: false, department: 'Engineering' }),
    ]);
    const london = await ok(admin, 'list_users', { timeZoneGroup: 'London' });
    for (const u of london.items as Json[]) expect(u.timeZoneGroup).toBe('London');
    const page = await ok(admin, 'list_users', { limit: 3 });
    expect(page).toMatchObject({ hasMore: true, nextOffset: 3 });
    expect(page.items).toHaveLength(3);
    const rest = await ok(admin, 'list_users', { limit: 100, offset: 3 });
    expect(rest.hasMore).toBe(false);
    expect((page.items as unknown[]).length + (rest.items as unknown[]).length).toBe(sim.store.users.size);
  });

  it('SEC-IN-04 limit above the cap, fractional ids and a bad period are refused with 0 requests', async () => {
    sim.clearRequests();
    for (const [tool, args, field] of [
      ['list_users', { limit: 101 }, 'limit'],
      ['list_users', { department: 6.5 }, 'department'],
      ['get_user', { user: 2.5 }, 'user'],
      ['get_user', { user: true }, 'user'],
    ] as const) {
      const error = await fail(admin, tool, args);
      expect(error, JSON.stringify(args)).toMatchObject({ kind: 'validation', field });
    }
    expect(sim.requests).toHaveLength(0);
    const period = await fail(admin, 'get_user', { schedule: 'someday' });
    expect(period).toMatchObject({ kind: 'validation', field: 'schedule' });
    expect(sim.requests.filter((r) => r.path.endsWith('/schedule'))).toHaveLength(0);
  });
});
