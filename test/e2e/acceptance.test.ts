/**
 * The issues' acceptance scenarios, run the way a user runs the product: the built CLI (`node dist/cli.js`)
 * spawned with no ACTITIME_* variable at all, so it serves its embedded demo actiTIME, behind an SDK client over
 * stdio. Nothing is pinned: the demo is seeded relative to the real current date (UTC), and every date the
 * assertions need is read back from the server's own answers.
 *
 * Known limit: "yesterday" is resolved in the admin's zone (America/New_York). A run that straddles midnight in
 * that zone between two calls sees two different "yesterdays"; the flow test then fails on its date check, with
 * a message saying so. The seeded-gap shape is checked only when the admin's "last week" is the seed's W-1
 * (not so on Mondays 00:00–05:00 UTC, when it is still Sunday in New York); the cross-check runs always.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { childEnv, ensureBuilt, spawnStdio, textOf, type Spawned } from '../helpers/mcp.js';

type Json = Record<string, unknown>;

async function call<T = Json>(cli: Spawned, name: string, args: Json): Promise<T> {
  const result = await cli.client.callTool({ name, arguments: args });
  const text = textOf(result);
  expect(result.isError, `${name}: ${text.slice(0, 400)}`).toBeFalsy();
  // SEC-OUT-05 on the wire: the text is the structured content, as compact JSON.
  expect(text).toBe(JSON.stringify(result.structuredContent));
  return result.structuredContent as T;
}

type LogEntry = {
  task: string;
  taskId: number;
  date: string;
  before: number;
  after?: number;
  status: string;
};
type LogOut = { entries: LogEntry[]; summary: Record<string, number> };
type Sheet = {
  period: { from: string; to: string };
  days: Array<{ date: string; logged: number }>;
  tasks: Array<{ id: number; path: string; minutes: number[]; total: number }>;
  totals: Record<string, number | string>;
};

/** A task's minutes and the day's logged total on the one-day timesheet `sheet`. */
function cellAndDay(sheet: Sheet, taskId: number): { cell: number; day: number } {
  expect(sheet.days).toHaveLength(1);
  return {
    cell: sheet.tasks.find((t) => t.id === taskId)?.minutes[0] ?? 0,
    day: sheet.days[0]!.logged,
  };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

/** The demo CLI exactly as a user starts it: no arguments, no ACTITIME_* variables. */
async function startDemoCli(): Promise<Spawned> {
  expect(Object.keys(childEnv()).filter((k) => k.startsWith('ACTITIME_'))).toEqual([]);
  return spawnStdio([], {});
}

describe('issue 4 acceptance: the built CLI with no configuration serves the demo', () => {
  let cli: Spawned;
  beforeAll(async () => {
    cli = await startDemoCli();
  });
  afterAll(() => cli.close());

  it('SIM-03 says on stderr that it serves the embedded demo, and lists the tools', async () => {
    const { tools } = await cli.client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['search_tasks', 'log_time', 'create_project', 'get_leave_time', 'get_timesheet']) {
      expect(names).toContain(name);
    }
    expect(cli.stderr()).toMatch(
      /no ACTITIME_URL configured — serving the embedded demo actiTIME at http:\/\/127\.0\.0\.1:\d+\/api\/v1 as admin/,
    );
  });

  it('SEC-OUT-05 search_tasks finds the seeded Spaceship building tasks by words', async () => {
    const out = await call<{ items: Array<{ id: number; path: string }>; hasMore: boolean }>(
      cli,
      'search_tasks',
      { words: 'engine testing' },
    );
    expect(out.items.map((i) => i.path)).toContain(
      'Big Bang Company / Spaceship building / Engine integration testing',
    );
  });

  it('SEC-OUT-05 log_time adds 45 minutes today, and get_timesheet shows them on that cell and day', async () => {
    const task = 'Big Bang Company / Spaceship building / Hull design';
    const logged = await call<LogOut>(cli, 'log_time', { entries: [{ task, duration: '45m' }] });
    expect(logged.entries).toHaveLength(1);
    const entry = logged.entries[0]!;
    expect(entry).toMatchObject({ task, status: 'applied' });
    expect(entry.after).toBe(entry.before + 45);

    const sheet = await call<Sheet>(cli, 'get_timesheet', { period: `${entry.date}..${entry.date}` });
    const row = sheet.tasks.find((t) => t.id === entry.taskId);
    expect(row?.path).toBe(task);
    expect(row?.minutes).toEqual([entry.after]);
  });

  it('SEC-OUT-05 create_project "Apollo" for Big Bang Company; search_projects then finds it', async () => {
    const created = await call<{ id: number; name: string; path: string }>(cli, 'create_project', {
      name: 'Apollo',
      customer: 'Big Bang Company',
    });
    expect(created).toMatchObject({ name: 'Apollo', path: 'Big Bang Company / Apollo' });
    const found = await call<{ items: Array<{ id: number; path: string }> }>(cli, 'search_projects', {
      words: 'Apollo',
    });
    expect(found.items).toEqual([
      expect.objectContaining({ id: created.id, path: 'Big Bang Company / Apollo' }),
    ]);
  });

  it('SEC-OUT-05 get_leave_time returns the seeded leave of the last eight weeks', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const out = await call<{
      rows: Array<{ date: string; userId: number; type: string; minutes: number }>;
      users: Record<string, string>;
      hasMore: boolean;
    }>(cli, 'get_leave_time', { period: `${addDays(today, -60)}..${today}` });
    // Seed: John A. Smith's vacation week (W-5), Tom Green's sick day and Anna Kowalski's time off (W-2).
    expect(out.rows.filter((r) => r.type === 'Vacation' && r.minutes === 480).length).toBeGreaterThanOrEqual(
      5,
    );
    expect(Object.values(out.users)).toEqual(expect.arrayContaining(['John A. Smith', 'Tom Green']));
    expect(out.hasMore).toBe(false);
  });

  it('reads the resource actitime://settings', async () => {
    const res = await cli.client.readResource({ uri: 'actitime://settings' });
    const first = res.contents[0] as { uri: string; mimeType?: string; text?: string };
    expect(first.mimeType).toBe('application/json');
    const info = JSON.parse(first.text ?? '{}') as Json;
    expect(info).toMatchObject({ company: { name: 'Demo Company' }, format: { dayOfWeekStart: 1 } });
  });
});

describe('issue 5 acceptance: assistant flows against the demo', () => {
  let cli: Spawned;
  beforeAll(async () => {
    cli = await startDemoCli();
  });
  afterAll(() => cli.close());

  it('SEC-OUT-05 find_missing_time for last week: the seeded gaps, minutes equal to schedule − time − leave', async () => {
    type Gaps = {
      period: { from: string; to: string };
      users: Array<{
        id: number;
        name: string;
        missing: number;
        days: Array<{ date: string; missing: number }>;
      }>;
    };
    const gaps = await call<Gaps>(cli, 'find_missing_time', { period: 'last week' });
    const { from, to } = gaps.period;
    expect(to).toBe(addDays(from, 6));

    // The same week from the raw reads: schedules, time-track rows and leave rows.
    const users = await call<{ items: Array<{ id: number; username: string }>; hasMore: boolean }>(
      cli,
      'list_users',
      { active: true, limit: 100 },
    );
    expect(users.hasMore).toBe(false);
    const entries = await call<{
      rows: Array<{ date: string; userId: number; minutes: number }>;
      hasMore: boolean;
    }>(cli, 'get_time_entries', { period: 'last week', limit: 1000 });
    expect(entries.hasMore).toBe(false);
    const leave = await call<{
      rows: Array<{ date: string; userId: number; minutes: number }>;
      hasMore: boolean;
    }>(cli, 'get_leave_time', { period: 'last week' });
    expect(leave.hasMore).toBe(false);
    const done = new Map<string, number>();
    for (const r of [...entries.rows, ...leave.rows]) {
      const key = `${r.userId}|${r.date}`;
      done.set(key, (done.get(key) ?? 0) + r.minutes);
    }
    const expected: string[] = [];
    for (const u of users.items) {
      const user = await call<{ schedule: { from: string; days: Record<string, number> } }>(cli, 'get_user', {
        user: u.id,
        // The explicit range: "last week" would be resolved in each user's own zone.
        schedule: `${from}..${to}`,
      });
      expect(user.schedule.from).toBe(from);
      for (const [date, scheduled] of Object.entries(user.schedule.days)) {
        const missing = scheduled - (done.get(`${u.id}|${date}`) ?? 0);
        if (missing > 0) expected.push(`${u.username} ${date} ${missing}`);
      }
    }
    const username = new Map(users.items.map((u) => [u.id, u.username]));
    const got = gaps.users.flatMap((u) => u.days.map((d) => `${username.get(u.id)} ${d.date} ${d.missing}`));
    expect(got.sort()).toEqual(expected.sort());
    for (const u of gaps.users) expect(u.missing).toBe(u.days.reduce((s, d) => s + d.missing, 0));

    // The seed's shape, when the admin's "last week" is the seed's W-1 (the UTC week before this one).
    const now = new Date();
    const utcToday = now.toISOString().slice(0, 10);
    const seedLastMonday = addDays(utcToday, -((now.getUTCDay() + 6) % 7) - 7);
    if (from !== seedLastMonday) {
      console.error(
        `issue 5: last week in New York starts ${from}, the seed's W-1 ${seedLastMonday}; shape skipped`,
      );
      return;
    }
    expect(got.sort()).toEqual(
      [
        `trainee ${addDays(from, 1)} 180`, // Tuesday: 300 of 480 logged
        `trainee ${addDays(from, 3)} 480`, // Thursday: nothing logged
        `akowalski ${addDays(from, 2)} 60`, // Wednesday: 180 of 240 logged
      ].sort(),
    );
    expect(gaps.users.map((u) => [username.get(u.id), u.missing])).toEqual([
      ['trainee', 660],
      ['akowalski', 60],
    ]);
  });

  it('SEC-OUT-05 "log 1h30 on Spaceship building / Testing yesterday", then "add 30 more minutes": cell and day +120', async () => {
    // The words a user says; the seed has a task named exactly "Testing" in Spaceship building.
    const task = 'Spaceship building / Testing';
    const before = await call<Sheet>(cli, 'get_timesheet', { period: 'yesterday' });
    const day = before.period.from;
    expect(before.period.to).toBe(day);
    const taskId = (
      await call<{ items: Array<{ id: number; path: string }> }>(cli, 'search_tasks', {
        words: 'Testing',
        project: 'Spaceship building',
      })
    ).items.find((i) => i.path === 'Big Bang Company / Spaceship building / Testing')!.id;
    const start = cellAndDay(before, taskId);

    const first = await call<LogOut>(cli, 'log_time', {
      entries: [{ task, date: 'yesterday', duration: '1h30' }],
    });
    const second = await call<LogOut>(cli, 'log_time', {
      entries: [{ task, date: 'yesterday', duration: '30m' }],
    });
    const dates = [first.entries[0]?.date, second.entries[0]?.date];
    expect(dates, 'midnight passed in the admin’s zone during the test').toEqual([day, day]);
    expect(first.entries[0]).toMatchObject({
      taskId,
      status: 'applied',
      before: start.cell,
      after: start.cell + 90,
    });
    expect(second.entries[0]).toMatchObject({
      taskId,
      status: 'applied',
      before: start.cell + 90,
      after: start.cell + 120,
    });

    const after = await call<Sheet>(cli, 'get_timesheet', { period: `${day}..${day}` });
    const end = cellAndDay(after, taskId);
    expect(end.cell - start.cell).toBe(120);
    expect(end.day - start.day).toBe(120);
  });
});
