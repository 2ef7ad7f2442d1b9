/**
 * Tool rows: each tool called through the official MCP SDK client (test/helpers/mcp.ts connectClient) against
 * the simulator at a simulated latency, and against the minimum: hand-written raw requests (bench/raw.ts) for
 * the same job, in the same run. Requests and round trips come from the simulator's request log
 * (src/simulator/round-trips.ts), wall time from the caller.
 *
 * Each repetition: a fresh simulator state (sim.reset()) and a fresh MCP session; the session's first call
 * ("cold": sign-in, settings) is recorded, then the measured call ("warm") follows in the same session. Between
 * them the rate windows start afresh (sim.reset(), and a pause when the first call spent much of the budget)
 * so one call's budget does not slow the next.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { criticalPath } from '../src/simulator/round-trips.js';
import type { SimulatorHandle } from '../src/simulator/server.js';
import { TEAM_FIRST_USER_ID } from '../src/simulator/seed-team.js';
import { connectClient } from '../test/helpers/mcp.js';
import { rawClient, type Raw } from './raw.js';
import { median, ratio, type Figures, type Target, type ToolRow } from './report.js';

/** Dates of the team seed at the pinned TODAY 2026-10-07 (a Wednesday): W0 = 2026-10-05. */
const W0_DAYS = ['2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09'];
const W_1_DAYS = ['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02'];
const MONTH = { from: '2026-09-01', to: '2026-09-30', halves: ['2026-09-15', '2026-09-16'] };
/** Twenty open tasks the admin may log time on. */
const TASKS = [143, 102, 103, 104, 105, 106, 112, 114, 115, 121, 123, 124, 126, 127, 129, 80, 81, 82, 92, 93];
const TEAM = 50;

interface Scenario {
  name: string;
  user: string;
  tool: string;
  /** Arguments of the session's first call and of the measured one (they differ for writes). */
  coldArgs: Record<string, unknown>;
  args: Record<string, unknown>;
  minimum(raw: Raw): Promise<void>;
  /** Issue 12's round-trip target, if it names one. */
  maxRoundTrips?: number;
  /** The rate floor target (100 cells in one call). */
  rateFloor?: boolean;
}

function cells(n: number, days: readonly string[]) {
  return Array.from({ length: n }, (_, i) => ({
    task: String(TASKS[Math.floor(i / days.length) % TASKS.length]),
    date: days[i % days.length]!,
    duration: 15,
  }));
}

function logTime(n: number): Scenario {
  const entries = cells(n, n === 1 ? W0_DAYS.slice(0, 1) : W0_DAYS);
  return {
    name: `log_time ${n} ${n === 1 ? 'entry' : 'entries'}`,
    user: 'admin',
    tool: 'log_time',
    coldArgs: { entries: cells(n, n === 1 ? W_1_DAYS.slice(0, 1) : W_1_DAYS) },
    args: { entries },
    // One write per cell: a PATCH of its delta, or all of them in one /batch.
    minimum: async (raw) => {
      const ops = entries.map((e) => ({
        method: 'PATCH',
        relativeUrl: `/timetrack/1/${e.date}/${e.task}/time`,
        body: { delta: e.duration },
      }));
      if (ops.length === 1) await raw.send('PATCH', ops[0]!.relativeUrl, ops[0]!.body);
      else await raw.batch(ops);
    },
    ...(n === 1 ? { maxRoundTrips: 2 } : {}),
    ...(n === 100 ? { rateFloor: true } : {}),
  };
}

const qs = (q: Record<string, string | number>) =>
  '?' + new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString();

export const SCENARIOS: Scenario[] = [
  {
    name: 'search_tasks "testing"',
    user: 'admin',
    tool: 'search_tasks',
    coldArgs: { words: 'testing' },
    args: { words: 'testing' },
    minimum: async (raw) => {
      await raw.get(
        '/tasks' +
          qs({
            words: 'testing',
            sort: '+name',
            offset: 0,
            limit: 26,
            includeReferenced: 'projects,customers',
          }),
      );
    },
    maxRoundTrips: 1,
  },
  {
    name: 'get_timesheet (me, this week)',
    user: 'admin',
    tool: 'get_timesheet',
    coldArgs: {},
    args: {},
    // The week's time (with task, project and customer names), leave and schedule, at once.
    minimum: async (raw) => {
      const week = { dateFrom: W0_DAYS[0]!, dateTo: '2026-10-11', userIds: 1 };
      await Promise.all([
        raw.get('/timetrack' + qs({ ...week, includeReferenced: 'tasks,projects,customers' })),
        raw.get('/leavetime' + qs({ ...week, includeReferenced: 'leaveTypes' })),
        raw.get('/users/1/schedule' + qs({ dateFrom: week.dateFrom, dateTo: week.dateTo })),
      ]);
    },
    maxRoundTrips: 2,
  },
  logTime(1),
  logTime(20),
  logTime(100),
  {
    name: `find_missing_time (${TEAM}-user team, a month)`,
    user: 'teamlead',
    tool: 'find_missing_time',
    coldArgs: { users: ['my team'], period: 'last month' },
    args: { users: ['my team'], period: 'last month' },
    // Who is in the team, their time (two half-months, each under one page) and leave at once; then every
    // schedule in one /batch.
    minimum: async (raw) => {
      const range = { dateFrom: MONTH.from, dateTo: MONTH.to };
      const [users] = await Promise.all([
        raw.get('/users' + qs({ active: 'true', offset: 0, limit: 1000 })) as Promise<{
          items: Array<{ id: number }>;
        }>,
        raw.get('/timetrack' + qs({ dateFrom: MONTH.from, dateTo: MONTH.halves[0]! })),
        raw.get('/timetrack' + qs({ dateFrom: MONTH.halves[1]!, dateTo: MONTH.to })),
        raw.get('/leavetime' + qs(range)),
      ]);
      const team = users.items.filter((u) => u.id >= TEAM_FIRST_USER_ID);
      await raw.batch(
        team.map((u) => ({ method: 'GET', relativeUrl: `/users/${u.id}/schedule` + qs(range) })),
      );
    },
    maxRoundTrips: 3,
  },
  {
    name: 'summarize_time (a month by project, user)',
    user: 'admin',
    tool: 'summarize_time',
    coldArgs: { period: 'last month', groupBy: ['project', 'user'] },
    args: { period: 'last month', groupBy: ['project', 'user'] },
    // The month's time with user, task and type-of-work names: two half-months at once (each under a page).
    minimum: async (raw) => {
      const refs = { includeReferenced: 'users,tasks,typesOfWork' };
      await Promise.all([
        raw.get('/timetrack' + qs({ dateFrom: MONTH.from, dateTo: MONTH.halves[0]!, ...refs })),
        raw.get('/timetrack' + qs({ dateFrom: MONTH.halves[1]!, dateTo: MONTH.to, ...refs })),
      ]);
    },
  },
  {
    name: 'get_time_entries (a month, 1000 rows)',
    user: 'admin',
    tool: 'get_time_entries',
    coldArgs: { period: 'last month', limit: 1000 },
    args: { period: 'last month', limit: 1000 },
    minimum: async (raw) => {
      await raw.get(
        '/timetrack' +
          qs({ dateFrom: MONTH.from, dateTo: MONTH.to, stopAfter: 1000, includeReferenced: 'users,tasks' }),
      );
    },
  },
];

/** Figures of what the simulator logged since it was cleared, for a job that took `wallMs`. */
export function figuresOf(sim: SimulatorHandle, wallMs: number): Figures {
  const log = [...sim.requests];
  const path = criticalPath(log);
  const top = log.filter((r) => r.batchOf === undefined);
  const isBatch = (r: (typeof log)[number]) => r.method === 'POST' && r.path === '/batch';
  const counted = top.filter((r) => !isBatch(r)).length + log.filter((r) => r.batchOf !== undefined).length;
  return { wallMs, requests: top.length, roundTrips: path.roundTrips, counted };
}

function medianFigures(runs: readonly Figures[]): Figures {
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    requests: median(runs.map((r) => r.requests)),
    roundTrips: median(runs.map((r) => r.roundTrips)),
    counted: median(runs.map((r) => r.counted)),
  };
}

async function timedCall(sim: SimulatorHandle, job: () => Promise<void>): Promise<Figures> {
  sim.clearRequests();
  const t0 = performance.now();
  await job();
  const wallMs = performance.now() - t0;
  return figuresOf(sim, wallMs);
}

/** Lets the client's own rate window empty after a call that spent much of the per-second budget. */
async function restBudget(sim: SimulatorHandle, spent: Figures): Promise<void> {
  sim.reset();
  if (spent.counted >= sim.limits.perSecond / 4) await sleep(sim.limits.secondWindowMs + 50);
}

export interface ToolBenchOptions {
  repetitions: number;
  now: () => number;
  /** Called with each row when it is done (progress on stderr). */
  onRow?: (row: ToolRow) => void;
  only?: readonly string[];
}

export async function toolRows(sim: SimulatorHandle, options: ToolBenchOptions): Promise<ToolRow[]> {
  const latency = sim.latency.latencyMs;
  const rows: ToolRow[] = [];
  for (const s of SCENARIOS) {
    if (options.only && !options.only.some((o) => s.name.startsWith(o))) continue;
    const cold: Figures[] = [];
    const warm: Figures[] = [];
    const minimum: Figures[] = [];
    for (let rep = 0; rep < options.repetitions; rep++) {
      sim.reset();
      const c = await connectClient({ simulator: sim, user: s.user, now: options.now, logLevel: 'silent' });
      try {
        const call = (args: Record<string, unknown>) => async () => {
          const res = await c.client.callTool({ name: s.tool, arguments: args });
          if (res.isError) throw new Error(`${s.name}: ${JSON.stringify(res.content).slice(0, 300)}`);
        };
        cold.push(await timedCall(sim, call(s.coldArgs)));
        await restBudget(sim, cold.at(-1)!);
        warm.push(await timedCall(sim, call(s.args)));
      } finally {
        await c.close();
      }
      await restBudget(sim, warm.at(-1)!);
      const raw = rawClient(sim, s.user);
      try {
        await raw.get('/users/me'); // connections open, credentials proven: as warm as the session
        await restBudget(sim, { wallMs: 0, requests: 1, roundTrips: 1, counted: 1 });
        minimum.push(await timedCall(sim, () => s.minimum(raw)));
      } finally {
        await raw.close();
      }
    }
    const ours = medianFigures(warm);
    const min = medianFigures(minimum);
    const targets: Target[] = [];
    if (s.maxRoundTrips !== undefined)
      targets.push({ text: `round trips ≤ ${s.maxRoundTrips}`, met: ours.roundTrips <= s.maxRoundTrips });
    targets.push({
      text: 'requests ≤ 1.2× min',
      met: ratio(ours.requests, min.requests) <= 1.2,
    });
    targets.push({
      text: `wall ≤ RT × ${latency} + 15 ms`,
      met: ours.wallMs <= ours.roundTrips * latency + 15,
    });
    if (s.rateFloor) {
      const floor = rateFloorMs(sim, ours.counted, latency);
      targets.push({
        text: `wall ≤ 1.1× rate floor (${ours.counted} counted → ${floor} ms)`,
        met: ours.wallMs <= 1.1 * floor,
      });
    }
    const row: ToolRow = {
      kind: 'tool',
      name: s.name,
      ours,
      cold: medianFigures(cold),
      minimum: min,
      targets,
    };
    options.onRow?.(row);
    rows.push(row);
  }
  return rows;
}

/**
 * The least time actiTIME's per-second limit allows for `counted` requests: every full window but the last is
 * waited out, and the last one's answers still take a round trip.
 */
export function rateFloorMs(sim: SimulatorHandle, counted: number, latencyMs: number): number {
  const windows = Math.max(1, Math.ceil(counted / sim.limits.perSecond));
  return (windows - 1) * sim.limits.secondWindowMs + latencyMs;
}
