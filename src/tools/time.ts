/**
 * The `time` toolset: log time (add or set, many entries at once), read one user's timesheet, list raw time
 * entries, and find who has not logged their scheduled time. Periods and dates are resolved in the caller's
 * time zone and the company's week; every result echoes the resolved dates.
 */
import { z } from 'zod';

import { listAllUsers } from '../actitime/resources/users.js';
import { listTimetrack } from '../actitime/resources/timetrack.js';
import type { User } from '../actitime/schemas.js';
import { durationInput, formatMinutes } from '../domain/duration.js';
import { ToolError } from '../domain/errors.js';
import { logTime, type EntryProblem } from '../domain/log-time.js';
import { findMissingTime } from '../domain/missing-time.js';
import { parsePeriod, resolveDate, todayDate, type Period } from '../domain/period.js';
import {
  resolveCustomer,
  resolveDepartment,
  resolveProject,
  resolveTask,
  resolveUser,
} from '../domain/resolve.js';
import { commentInput } from '../domain/sanitize.js';
import { buildTimesheet, nameOf } from '../domain/timesheet.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';
import { errorBody } from './format.js';

// ---- shared with leave.ts ---------------------------------------------------------------------------------

/**
 * The present moment. A context may carry its own clock (`now`), as tests do to pin "today"; otherwise the
 * system clock.
 */
export function nowOf(ctx: ToolContext): number {
  const clock = (ctx as ToolContext & { now?: () => number }).now;
  return typeof clock === 'function' ? clock() : Date.now();
}

/** Strips a leading `field: ` that ToolError messages carry (zod issues name the field already). */
function bare(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/**
 * A period argument. Its grammar, real calendar dates and the 366-day cap are checked during input validation
 * (in UTC, which changes neither the syntax nor the length), so a bad period costs no request (SEC-IN-03); the
 * handler resolves it again in the user's zone.
 */
export function periodInput(opts: { single?: boolean; maxDays?: number } = {}) {
  const field = opts.single ? 'date' : 'period';
  return z
    .string()
    .max(64)
    .superRefine((spec, ctx) => {
      try {
        const check = {
          timeZone: 'UTC',
          weekStart: 1,
          field,
          ...(opts.maxDays ? { maxDays: opts.maxDays } : {}),
        };
        if (opts.single) resolveDate(spec, check);
        else parsePeriod(spec, check);
      } catch (err) {
        if (!(err instanceof ToolError)) throw err;
        ctx.addIssue({ code: 'custom', message: bare(err.message, field) });
      }
    });
}

/** Resolves a period spec for the caller: their zone, the company's week start, now. */
export async function periodFor(
  ctx: ToolContext,
  spec: string,
  field: string,
  maxDays?: number,
): Promise<{ period: Period; today: string }> {
  const cal = await ctx.calendar();
  const now = nowOf(ctx);
  const period = parsePeriod(spec, { ...cal, now, field, ...(maxDays ? { maxDays } : {}) });
  return { period, today: todayDate(cal.timeZone, now) };
}

export const echo = (p: Period) => ({ from: p.from, to: p.to, timeZone: p.timeZone, weekStart: p.weekStart });

/** A thrown error as an entry's problem: the same trusted text a tool error would carry. */
export function describeProblem(err: unknown): EntryProblem {
  const e = errorBody(err)?.error;
  if (!e)
    return { kind: 'internal', message: 'internal error in actitime-mcp; details are in the server log' };
  const out: EntryProblem = { message: e.message };
  if (e.status !== undefined) out.status = e.status;
  if (e.key !== undefined) out.key = e.key;
  if (e.kind !== undefined) out.kind = e.kind;
  if (e.hint !== undefined) out.hint = e.hint;
  if (e.maybeApplied) out.maybeApplied = true;
  return out;
}

/** Users named in `refs` (`me` allowed), each once, in order. */
export async function resolveUsers(
  ctx: ToolContext,
  refs: readonly string[],
  field = 'users',
): Promise<User[]> {
  const out = new Map<number, User>();
  for (const [i, ref] of refs.entries()) {
    const u = await resolveUser(ctx, ref, { field: `${field}[${i}]` });
    out.set(u.id, u);
  }
  return [...out.values()];
}

const Ref = z.string().min(1).max(800);
const Refs = z.array(Ref).min(1).max(50);
/**
 * Output shapes stay loose below the top level (an object of named values): the row fields are listed in each
 * description, and the whole tools/list has a size budget.
 */
export const Obj = z.looseObject({});
export const Rows = z.array(Obj);
const num = z.number();

// ---- log_time ---------------------------------------------------------------------------------------------

const Entry = z
  .object({
    task: Ref.describe('Task id, name or "Customer / Project / Task"'),
    date: periodInput({ single: true })
      .optional()
      .describe('YYYY-MM-DD, today, yesterday, friday… (default today)'),
    duration: durationInput({
      signed: true,
      allowZero: true,
      description: 'e.g. 90, "1h30m", "1.5h"; add may be negative',
    }),
    mode: z
      .enum(['add', 'set'])
      .optional()
      .describe('add (default) adds to the cell; set replaces it, 0 clears'),
    comment: commentInput('Comment; "" clears').optional(),
    user: Ref.optional().describe('Default: you'),
  })
  .superRefine((e, ctx) => {
    if ((e.mode ?? 'add') === 'add' && e.duration === 0)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'adding 0 minutes changes nothing' });
    if (e.mode === 'set' && e.duration < 0)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'set needs 0 or more minutes' });
  });

export const logTimeTool = defineTool({
  name: 'log_time',
  title: 'Log time',
  description:
    'Add (default) or set time on tasks: 1–100 entries, each {task, date, duration, mode, comment, user}. add ' +
    'is atomic and sums; set replaces the cell. Checked before sending: names (ambiguous → candidates, nothing ' +
    'written), approved weeks and the 24 h day limit. Locked days are refused by actiTIME. dryRun: plan only. ' +
    'Returns per entry {task, date, before, after, status: applied|refused|failed|maybe_applied|planned, ' +
    'error}; on maybe_applied re-read before retrying.',
  toolset: 'time',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    entries: z.array(Entry).min(1).max(100),
    dryRun: z.boolean().optional(),
  }),
  outputSchema: z.object({
    entries: Rows,
    summary: z.record(z.string(), num),
    timeZone: z.string(),
    dryRun: z.boolean().optional(),
  }),
  async handler({ entries, dryRun }, ctx) {
    const calendar = await ctx.calendar();
    return logTime(
      {
        client: ctx.client,
        signal: ctx.signal,
        me: () => ctx.me(),
        calendar,
        now: nowOf(ctx),
        describe: describeProblem,
      },
      entries.map((e) => ({
        task: e.task,
        minutes: e.duration,
        ...(e.date === undefined ? {} : { date: e.date }),
        ...(e.mode === undefined ? {} : { mode: e.mode }),
        ...(e.comment === undefined ? {} : { comment: e.comment }),
        ...(e.user === undefined ? {} : { user: e.user }),
      })),
      { dryRun: dryRun === true },
    );
  },
});

// ---- get_timesheet ----------------------------------------------------------------------------------------

/** A day × task grid is for reading, not for a year: longer ranges belong to get_time_entries. */
export const TIMESHEET_MAX_DAYS = 62;

export const getTimesheet = defineTool({
  name: 'get_timesheet',
  title: 'Timesheet',
  description:
    'One user’s timesheet (default: you) for a period (default this week, at most 62 days): per day scheduled, ' +
    'logged, leave, missing, overtime (minutes; hm = h:mm) and approved (null = unknown); a task × day grid ' +
    '(minutes aligned with days) with totals per task and project; leave per type; totals. locked is always ' +
    'null: actiTIME does not show locks.',
  toolset: 'time',
  access: 'read',
  inputSchema: z.object({
    user: Ref.optional(),
    period: periodInput({ maxDays: TIMESHEET_MAX_DAYS })
      .optional()
      .describe('e.g. this week, last month, 2026-W47'),
  }),
  outputSchema: z.object({
    user: Obj,
    period: Obj,
    days: Rows,
    tasks: Rows,
    projects: Rows,
    leave: Rows,
    totals: Obj,
    locked: z.null(),
  }),
  async handler({ user, period }, ctx) {
    const [who, { period: p, today }] = await Promise.all([
      resolveUser(ctx, user, { field: 'user' }),
      periodFor(ctx, period ?? 'this week', 'period', TIMESHEET_MAX_DAYS),
    ]);
    return buildTimesheet(ctx.client, { user: who, period: echo(p), today, signal: ctx.signal });
  },
});

// ---- get_time_entries -------------------------------------------------------------------------------------

export const getTimeEntries = defineTool({
  name: 'get_time_entries',
  title: 'Time entries',
  description:
    'Raw time-track rows for a period (default this week), filtered by users (default: everyone you can see), ' +
    'tasks, projects, customers (names or ids) and approved. Returns rows {date, userId, taskId, task path, ' +
    'minutes, comment, approved} in date order, user names, totals; at most limit rows by whole days, then ' +
    'hasMore with next (the period to ask for the rest).',
  toolset: 'time',
  access: 'read',
  inputSchema: z.object({
    period: periodInput().optional(),
    users: Refs.optional(),
    tasks: Refs.optional(),
    projects: Refs.optional(),
    customers: Refs.optional(),
    approved: z.boolean().optional(),
    limit: z.int().min(1).max(1000).optional().describe('Default 200'),
  }),
  outputSchema: z.object({
    period: Obj,
    rows: Rows,
    users: z.record(z.string(), z.string()),
    totals: Obj,
    hasMore: z.boolean(),
    next: z.string().optional(),
  }),
  async handler(args, ctx) {
    const { period } = await periodFor(ctx, args.period ?? 'this week', 'period');
    const each = async <T>(
      refs: string[] | undefined,
      field: string,
      f: (ref: string, field: string) => Promise<T>,
    ) => (refs === undefined ? undefined : Promise.all(refs.map((r, i) => f(r, `${field}[${i}]`))));
    const [users, tasks, projects, customers] = await Promise.all([
      args.users === undefined ? undefined : resolveUsers(ctx, args.users),
      each(args.tasks, 'tasks', (ref, field) => resolveTask(ctx, ref, { field, includeArchived: true })),
      each(args.projects, 'projects', (ref, field) =>
        resolveProject(ctx, ref, { field, includeArchived: true }),
      ),
      each(args.customers, 'customers', (ref, field) =>
        resolveCustomer(ctx, ref, { field, includeArchived: true }),
      ),
    ]);
    const limit = args.limit ?? 200;
    const page = await listTimetrack(
      ctx.client,
      {
        dateFrom: period.from,
        dateTo: period.to,
        ...(users ? { userIds: users.map((u) => u.id) } : {}),
        ...(tasks ? { taskIds: tasks.map((t) => t.id) } : {}),
        ...(projects ? { projectIds: projects.map((p) => p.id) } : {}),
        ...(customers ? { customerIds: customers.map((c) => c.id) } : {}),
        ...(args.approved === undefined ? {} : { approved: args.approved }),
        stopAfter: limit,
        includeReferenced: ['users', 'tasks'],
      },
      { signal: ctx.signal },
    );
    type Row = {
      date: string;
      userId: number;
      taskId: number;
      task: string;
      minutes: number;
      comment?: string;
      approved: boolean;
    };
    const taskMap = (page.tasks ?? {}) as Record<string, Record<string, unknown>>;
    const pathOf = (id: number): string => {
      const t = taskMap[String(id)];
      const parts = [t?.customerName, t?.projectName, t?.name].filter(
        (s): s is string => typeof s === 'string' && s !== '',
      );
      return parts.length > 0 ? parts.join(' / ') : `task ${id}`;
    };
    // Whole days only, so that `next` starts exactly where the rows stop.
    const byDate = new Map<string, Row[]>();
    for (const d of page.data) {
      if (d.date > period.to) continue;
      const group = byDate.get(d.date) ?? [];
      for (const r of d.records) {
        group.push({
          date: d.date,
          userId: d.userId,
          taskId: r.taskId,
          task: pathOf(r.taskId),
          minutes: r.time,
          ...(r.comment ? { comment: r.comment } : {}),
          approved: d.approved,
        });
      }
      byDate.set(d.date, group);
    }
    const rows: Row[] = [];
    let next: string | undefined;
    for (const [date, group] of byDate) {
      if (rows.length > 0 && rows.length + group.length > limit) {
        next = date;
        break;
      }
      rows.push(...group);
    }
    next ??= page.nextDateFrom ?? undefined;
    if (next !== undefined && next > period.to) next = undefined;
    const userMap = (page.users ?? {}) as Record<string, User>;
    const names: Record<string, string> = {};
    for (const r of rows) {
      const u = userMap[String(r.userId)] ?? users?.find((x) => x.id === r.userId);
      names[String(r.userId)] ??= u ? nameOf(u) : `user ${r.userId}`;
    }
    const minutes = rows.reduce((s, r) => s + r.minutes, 0);
    return {
      period: echo(period),
      rows,
      users: names,
      totals: { rows: rows.length, minutes, hm: formatMinutes(minutes) },
      hasMore: next !== undefined,
      ...(next === undefined ? {} : { next: `${next}..${period.to}` }),
    };
  },
});

// ---- find_missing_time ------------------------------------------------------------------------------------

export const findMissingTimeTool = defineTool({
  name: 'find_missing_time',
  title: 'Find missing time',
  description:
    'Who has not logged their scheduled time: for users (names/ids/me), a department, or by default everyone ' +
    'active you can see, over a period (default last week). Returns users with gaps, most missing first, each ' +
    'with missing minutes, h:mm and the days {date, scheduled, logged, leave, missing}; totals. Days after ' +
    'today are not missing. Reports progress per user.',
  toolset: 'time',
  access: 'read',
  inputSchema: z.object({
    users: Refs.optional(),
    department: Ref.optional(),
    period: periodInput().optional(),
  }),
  outputSchema: z.object({
    period: Obj,
    checkedTo: z.string().optional(),
    users: Rows,
    totals: Obj,
    truncated: z.boolean().optional(),
  }),
  async handler(args, ctx) {
    const { period, today } = await periodFor(ctx, args.period ?? 'last week', 'period');
    let users: User[];
    let allVisible = false;
    if (args.users !== undefined) {
      users = await resolveUsers(ctx, args.users);
      if (args.department !== undefined) {
        const dept = await resolveDepartment(ctx, args.department);
        users = users.filter((u) => (u.departmentId ?? -1) === dept.id);
      }
    } else if (args.department !== undefined) {
      const dept = await resolveDepartment(ctx, args.department);
      users = (await listAllUsers(ctx.client, { department: dept.id, active: true }, { signal: ctx.signal }))
        .items;
    } else {
      users = (await listAllUsers(ctx.client, { active: true }, { signal: ctx.signal })).items;
      allVisible = true;
    }
    return findMissingTime(ctx.client, {
      users,
      allVisible,
      period: echo(period),
      today,
      signal: ctx.signal,
      progress: (done, total) => ctx.progress(done, total, `${done} of ${total} reads`),
    });
  },
});

export const timeTools: AnyTool[] = [
  logTimeTool,
  getTimesheet,
  getTimeEntries,
  findMissingTimeTool,
] as AnyTool[];
