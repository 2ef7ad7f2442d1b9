import { describe, expect, it } from 'vitest';
import { addDays, dateRange, weekStart } from '../../src/simulator/dates.js';
import { DEFAULT_LIMITS } from '../../src/simulator/rate-limit.js';
import { applySeed } from '../../src/simulator/seed.js';
import {
  TEAM_DEPARTMENT_ID,
  TEAM_FIRST_USER_ID,
  TEAM_LEAD_ID,
  teamUsername,
} from '../../src/simulator/seed-team.js';
import { Store, type SeedName } from '../../src/simulator/store.js';
import { api, startTestSimulator } from '../helpers/simulator.js';
import { noonClock, TODAY } from './demo-calendar.js';

function makeStore(seed: SeedName): Store {
  return new Store({
    seed,
    today: TODAY,
    now: noonClock(TODAY),
    limits: { ...DEFAULT_LIMITS },
    apiBaseUrl: 'http://127.0.0.1:1/api/v1',
    applySeed,
  });
}

function cells(store: Store, userId: number): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (const [date, day] of store.userDays(userId) ?? [])
    for (const [taskId, r] of day) out.push([date, taskId, r.time]);
  return out;
}

describe('team:N seed', () => {
  const store = makeStore('team:30');

  it('adds a team lead whose team is exactly N regular users, on top of the unchanged demo seed', () => {
    const demo = makeStore('demo');
    expect(store.users.size).toBe(demo.users.size + 31);
    for (const u of demo.users.values()) {
      expect(store.users.get(u.id)).toEqual(u);
      expect(cells(store, u.id)).toEqual(cells(demo, u.id));
    }
    expect(store.tasks.size).toBe(demo.tasks.size);
    const lead = store.users.get(TEAM_LEAD_ID)!;
    expect(lead).toMatchObject({ username: 'teamlead', role: 'manager', active: true });
    const ids = Array.from({ length: 30 }, (_, i) => TEAM_FIRST_USER_ID + i);
    expect([...lead.team]).toEqual(ids);
    const users = ids.map((id) => store.users.get(id)!);
    expect(users.map((u) => u.username)).toEqual(ids.map((_, i) => teamUsername(i)));
    expect(new Set(users.map((u) => store.fullName(u))).size).toBe(30);
    for (const u of users)
      expect(u).toMatchObject({ role: 'regular', active: true, departmentId: TEAM_DEPARTMENT_ID });
    expect(users.filter((u) => u.weeklySchedule[0] === 240).length).toBe(4);
  });

  it('gives every member schedules and weeks of logged time, with some gaps, never over the schedule', () => {
    const from = addDays(weekStart(TODAY, 1), -56);
    let scheduled = 0;
    let logged = 0;
    let gapDays = 0;
    for (let i = 0; i < 30; i++) {
      const u = store.users.get(TEAM_FIRST_USER_ID + i)!;
      const days = cells(store, u.id);
      expect(days.length).toBeGreaterThan(30);
      for (const date of dateRange(from, TODAY)) {
        const s = store.scheduleFor(u, date);
        const total = store.dayTotal(u.id, date);
        expect(total).toBeLessThanOrEqual(s);
        scheduled += s;
        logged += total;
        if (total < s) gapDays += 1;
      }
      for (const [date] of days) expect(date >= from && date <= TODAY).toBe(true);
    }
    expect(logged / scheduled).toBeGreaterThan(0.85);
    expect(logged / scheduled).toBeLessThan(1);
    expect(gapDays).toBeGreaterThan(0);
  });

  it('is the same store for the same N and day', () => {
    const again = makeStore('team:30');
    for (let i = 0; i < 30; i++)
      expect(cells(again, TEAM_FIRST_USER_ID + i)).toEqual(cells(store, TEAM_FIRST_USER_ID + i));
  });

  it('serves the team to its lead: "my team" of N through the API', async () => {
    const sim = await startTestSimulator({ seed: 'team:12', today: TODAY });
    try {
      const res = await api(sim, 'GET', '/users?limit=1000', { user: 'teamlead' });
      expect(res.status).toBe(200);
      const items = (res.body as { items: Array<{ id: number }> }).items;
      expect(items.map((u) => u.id).sort((a, b) => a - b)).toEqual([
        TEAM_LEAD_ID,
        ...Array.from({ length: 12 }, (_, i) => TEAM_FIRST_USER_ID + i),
      ]);
      const me = await api(sim, 'GET', '/users/me', { user: teamUsername(11) });
      expect(me.status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('refuses a team size out of range', async () => {
    await expect(startTestSimulator({ seed: 'team:0' })).rejects.toThrow(/team:N needs N from 1/);
  });
});
