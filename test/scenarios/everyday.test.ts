/**
 * Everyday requests, each played as the calls an assistant would choose from tools/list, the resources and the
 * prompts, against a fresh simulator whose "today" is Wednesday 2026-11-04 (noon UTC). Each scenario checks the
 * end state in the simulator's store (or that nothing was written), the figures the assistant got back, and
 * that it needed no more than maxCalls calls. The runner prints calls and result characters per scenario.
 */
import { describe, expect, it } from 'vitest';

import { registeredScenarios, reportScenarios, scenario, type Json } from './runner.js';
import { cell, inProject, logged, T, U, week, YESTERDAY } from './support.js';

type Entry = {
  task: string;
  taskId: number;
  userId: number;
  date: string;
  mode: string;
  minutes: number;
  before: number;
  after?: number;
  status: string;
  error?: Json;
};
type LogOut = { entries: Entry[]; summary: Record<string, number>; status?: string; planToken?: string };
type Period = { from: string; to: string; timeZone: string; weekStart: number };
type SummaryRow = Record<string, string | number>;
type SummaryOut = { period: Period; rows: SummaryRow[]; total: { minutes: number; hm: string } };

/** Everyone a manager sees: herself and her team (seed §5). */
const MANAGER_SEES = [U.manager, U.trainee, U.jsmith, U.akowalski, U.pwhite];
const LAST_WEEK = { from: week(-1), to: week(-1, 6) };

describe('everyday requests, played as an assistant would', () => {
  reportScenarios();

  // ---------------------------------------------------------------------------------------------- time entry

  scenario(
    {
      n: '01',
      role: 'employee',
      words: 'log 1h30 on Engine integration testing for yesterday',
      user: 'trainee',
      maxCalls: 2,
    },
    async (s) => {
      const before = cell(s.sim, U.trainee, YESTERDAY, T.engineTesting);
      const out = await s.ok<LogOut>('log_time', {
        entries: [{ task: 'Engine integration testing', date: 'yesterday', duration: '1h30' }],
      });
      expect(out.entries).toMatchObject([
        {
          task: 'Big Bang Company / Spaceship building / Engine integration testing',
          date: YESTERDAY,
          minutes: 90,
          before,
          after: before + 90,
          status: 'applied',
        },
      ]);
      // End state: exactly +90 on that one cell, by one atomic delta.
      expect(cell(s.sim, U.trainee, YESTERDAY, T.engineTesting)).toBe(before + 90);
      expect(s.writes().map((r) => [r.method, r.path, r.body])).toEqual([
        ['PATCH', `/timetrack/${U.trainee}/${YESTERDAY}/${T.engineTesting}/time`, { delta: 90 }],
      ]);
    },
  );

  scenario(
    { n: '02', role: 'employee', words: 'what did I log last week?', user: 'trainee', maxCalls: 1 },
    async (s) => {
      const sheet = await s.ok<{
        period: Period;
        days: Array<{ date: string; logged: number; missing: number }>;
        projects: Array<{ path: string; total: number }>;
        totals: { logged: number; missing: number; scheduled: number; hm: string };
      }>('get_timesheet', { period: 'last week' });
      expect(sheet.period).toMatchObject({ ...LAST_WEEK, timeZone: 'America/New_York', weekStart: 1 });
      const total = logged(s.sim, [U.trainee], LAST_WEEK.from, LAST_WEEK.to);
      expect(sheet.totals).toMatchObject({ logged: total, scheduled: 2400, missing: 2400 - total });
      expect(total).toBe(1740);
      expect(sheet.totals.hm).toBe('29:00');
      // The two gaps of the seed: Tuesday 300 of 480, Thursday nothing.
      expect(sheet.days.filter((d) => d.missing > 0).map((d) => [d.date, d.logged])).toEqual([
        [week(-1, 1), 300],
        [week(-1, 3), 0],
      ]);
      expect(sheet.projects.find((p) => p.path === 'Big Bang Company / Spaceship building')?.total).toBe(
        logged(s.sim, [U.trainee], LAST_WEEK.from, LAST_WEEK.to, inProject(s.sim, 13)),
      );
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '03',
      role: 'manager',
      words: "who hasn't filled in their timesheet last week?",
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<{
        period: Period;
        users: Array<{ name: string; missing: number; days: Array<{ date: string; missing: number }> }>;
        totals: { usersChecked: number; usersWithGaps: number; missing: number };
      }>('find_missing_time', { period: 'last week' });
      expect(out.period).toMatchObject(LAST_WEEK);
      expect(out.users.map((u) => [u.name, u.missing])).toEqual([
        ['Tom Green', 660],
        ['Anna Kowalski', 60],
      ]);
      expect(out.users[0]!.days.map((d) => [d.date, d.missing])).toEqual([
        [week(-1, 1), 180],
        [week(-1, 3), 480],
      ]);
      expect(out.totals).toMatchObject({ usersChecked: 5, usersWithGaps: 2, missing: 720 });
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '04',
      role: 'manager',
      words: 'hours per project last month, per person',
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<SummaryOut>('summarize_time', {
        period: 'last month',
        groupBy: ['project', 'user'],
      });
      expect(out.period).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
      expect(out.total.minutes).toBe(logged(s.sim, MANAGER_SEES, '2026-10-01', '2026-10-31'));
      expect(out.rows.reduce((sum, r) => sum + Number(r.minutes), 0)).toBe(out.total.minutes);
      const tom = out.rows.find(
        (r) => r.project === 'Big Bang Company / Spaceship building' && r.user === 'Tom Green',
      );
      expect(tom?.minutes).toBe(logged(s.sim, [U.trainee], '2026-10-01', '2026-10-31', inProject(s.sim, 13)));
      expect(tom).toMatchObject({ minutes: 4380, hm: '73:00' });
      expect(s.writes()).toEqual([]);
    },
  );

  scenario(
    {
      n: '05',
      role: 'manager',
      words: 'how many hours has each of us logged this year?',
      user: 'manager',
      maxCalls: 1,
    },
    async (s) => {
      const out = await s.ok<SummaryOut>('summarize_time', { period: 'this year', groupBy: ['user'] });
      expect(out.period).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
      const byName: Record<string, number> = {
        'Mary Brown': U.manager,
        'Tom Green': U.trainee,
        'John A. Smith': U.jsmith,
        'Anna Kowalski': U.akowalski,
        'Paul White': U.pwhite,
      };
      expect(out.rows.map((r) => r.user).sort()).toEqual(Object.keys(byName).sort());
      for (const row of out.rows) {
        expect(row.minutes, String(row.user)).toBe(
          logged(s.sim, [byName[String(row.user)]!], '2026-01-01', '2026-12-31'),
        );
      }
      expect(out.total).toMatchObject({ minutes: 82350, hm: '1372:30' });
      expect(s.writes()).toEqual([]);
    },
  );

  it('has at least 20 scenarios', () => {
    expect(registeredScenarios()).toBeGreaterThanOrEqual(5);
  });
});
