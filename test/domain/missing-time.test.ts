import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ActitimeClient } from '../../src/actitime/client.js';
import { listAllUsers } from '../../src/actitime/resources/users.js';
import type { User } from '../../src/actitime/schemas.js';
import { findMissingTime, MAX_LISTED_DAYS } from '../../src/domain/missing-time.js';
import { addDays, eachDate } from '../../src/domain/period.js';
import { createLogger } from '../../src/logger.js';
import { roundTrips, withLatency } from '../helpers/round-trips.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { noonClock, TODAY, week } from '../simulator/demo-calendar.js';

const ZONE = 'America/New_York';

describe('findMissingTime against the simulator', () => {
  let sim: SimulatorHandle;
  let client: ActitimeClient;
  let active: User[];
  beforeAll(async () => {
    sim = await startTestSimulator({ today: TODAY, now: noonClock() });
    client = new ActitimeClient(
      { baseUrl: sim.baseUrl, username: 'admin', password: 'manager' },
      { logger: createLogger('error', () => undefined) },
    );
    active = (await listAllUsers(client, { active: true })).items;
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  /** Gaps the store implies for these users over from..to (days up to TODAY). */
  function expectedGaps(users: User[], from: string, to: string) {
    const out: Array<{ id: number; date: string; missing: number }> = [];
    for (const u of users) {
      const su = sim.store.users.get(u.id)!;
      for (const date of eachDate(from, to)) {
        if (date > TODAY) continue;
        const missing = sim.store.scheduleFor(su, date) - sim.store.dayTotal(u.id, date);
        if (missing > 0) out.push({ id: u.id, date, missing });
      }
    }
    return out;
  }
  const flat = (r: Awaited<ReturnType<typeof findMissingTime>>) =>
    r.users
      .flatMap((u) => (u.days ?? []).map((d) => ({ id: u.id, date: d.date, missing: d.missing })))
      .sort((a, b) => a.id - b.id || a.date.localeCompare(b.date));

  it('one time list, one leave list, the schedules in one batch, all at once; progress after each; leave counts', async () => {
    const users = active.filter((u) => [3, 4, 5].includes(u.id));
    const mark = sim.requests.length;
    const progress: Array<[number, number]> = [];
    const period = { from: week(-5), to: week(-1, 6), timeZone: ZONE, weekStart: 1 };
    const latency = withLatency(sim, 40);
    const report = await findMissingTime(client, {
      users,
      allVisible: false,
      period,
      today: TODAY,
      progress: async (done, total) => {
        progress.push([done, total]);
      },
    });
    latency.clear();
    const sent = sim.requests.slice(mark);
    expect(sent.filter((r) => r.path === '/timetrack')).toHaveLength(1);
    expect(sent.filter((r) => r.path === '/leavetime')).toHaveLength(1);
    const schedules = sent.filter((r) => r.path.endsWith('/schedule'));
    expect(schedules).toHaveLength(3);
    const batch = sent.find((r) => r.path === '/batch')!;
    expect(schedules.every((r) => r.batchOf === batch.seq)).toBe(true);
    expect(sent.filter((r) => r.batchOf === undefined)).toHaveLength(3);
    // The three went out together: none waited for another's answer.
    expect(roundTrips(sent)).toBe(1);
    expect(progress.map(([d]) => d)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every(([, t]) => t === 5)).toBe(true);

    expect(flat(report)).toEqual(expectedGaps(users, period.from, period.to));
    // John's vacation week (W-5) and Anna's 2 h of Time Off (W-2) leave no gap.
    expect(flat(report).some((g) => g.id === 4 && g.date >= week(-5) && g.date <= week(-5, 6))).toBe(false);
    expect(flat(report).some((g) => g.id === 5 && g.date === week(-2, 1))).toBe(false);
    // Worst first.
    const missing = report.users.map((u) => u.missing);
    expect(missing).toEqual([...missing].sort((a, b) => b - a));
  });

  it('everyone visible: no userIds on the lists; days after today are not read', async () => {
    const mark = sim.requests.length;
    const period = { from: week(0), to: week(0, 6), timeZone: ZONE, weekStart: 1 };
    const report = await findMissingTime(client, { users: active, allVisible: true, period, today: TODAY });
    const time = sim.requests.slice(mark).find((r) => r.path === '/timetrack')!;
    expect(time.query.userIds).toBeUndefined();
    expect(time.query.dateTo).toBe(TODAY);
    expect(report.checkedTo).toBe(TODAY);
    expect(flat(report)).toEqual(expectedGaps(active, period.from, TODAY));
    // The trainee's today is empty in the seed.
    expect(flat(report)).toContainEqual({ id: 3, date: TODAY, missing: 480 });
    expect(report.totals.usersChecked).toBe(active.length);
  });

  it('follows nextDateFrom across pages and caps the listed days', async () => {
    // A long stretch before the seeded history: every scheduled day is missing for every active user.
    const from = addDays(week(-8), -300);
    const to = addDays(week(-8), -1);
    // Over 1000 records in the range so the time list is cut: one task a day for pwhite on many days…
    for (const date of eachDate(from, to))
      for (const t of [143, 101, 102, 103, 104]) sim.store.setTime(6, date, t, 1);
    const mark = sim.requests.length;
    const report = await findMissingTime(client, {
      users: active,
      allVisible: false,
      period: { from, to, timeZone: ZONE, weekStart: 1 },
      today: TODAY,
    });
    const pages = sim.requests.slice(mark).filter((r) => r.path === '/timetrack');
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[1]!.query.dateFrom! > pages[0]!.query.dateFrom!).toBe(true);
    const expected = expectedGaps(active, from, to);
    expect(expected.length).toBeGreaterThan(MAX_LISTED_DAYS);
    expect(report.truncated).toBe(true);
    const listed = report.users.reduce((s, u) => s + (u.days?.length ?? 0), 0);
    expect(listed).toBeLessThanOrEqual(MAX_LISTED_DAYS);
    expect(report.users.reduce((s, u) => s + u.dayCount, 0)).toBe(expected.length);
    expect(report.totals.missing).toBe(expected.reduce((s, g) => s + g.missing, 0));
  });
});
