/**
 * The `time` toolset: log time (add or set, many entries at once), read one user's timesheet, list raw time
 * entries, and find who has not logged their scheduled time. Periods and dates are resolved in the caller's
 * time zone and the company's week; every result echoes the resolved dates.
 */
import { MISSING_TIME_VIEW_URI, TIMESHEET_VIEW_URI } from '../resources/views.js';
import { z } from 'zod';

import { listAllUsersCached } from '../actitime/resources/users.js';
import { listTimetrack } from '../actitime/resources/timetrack.js';
import type { User } from '../actitime/schemas.js';
import { durationInput, formatMinutes } from '../domain/duration.js';
import { ToolError } from '../domain/errors.js';
import {
  applyLogTimePlan,
  lowersTime,
  planLogTime,
  planResult,
  writeLogTime,
  type EntryProblem,
  type LogTimeContext,
  type LogTimePlan,
  type LogTimeResult,
  type StoredTimePlan,
} from '../domain/log-time.js';
import { findMissingTime } from '../domain/missing-time.js';
import { parsePeriod, resolveDate, todayDate, type Period } from '../domain/period.js';
import { resolveCustomer } from '../domain/resolve/customer.js';
import { resolveProject } from '../domain/resolve/project.js';
import { resolveDepartment } from '../domain/resolve/reference-lists.js';
import { resolveTask } from '../domain/resolve/task.js';
import type { Ref } from '../domain/resolve/types.js';
import { resolveUserList } from '../domain/resolve/user-groups.js';
import { resolveUser } from '../domain/resolve/user.js';
import { commentInput } from '../domain/sanitize.js';
import { buildTimesheet, nameOf } from '../domain/timesheet.js';
import { withWorkIndex } from '../domain/work-index.js';
import { ENTRY_STATUSES } from '../domain/write-outcome.js';
import { timerOnSheet } from './timer-state.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';
import { ARG } from './arg-text.js';
import { refInput } from './inputs.js';
import { errorBody } from './format.js';
import { emulatedDeltaNote } from './error-text.js';
import {
  confirmQuestion,
  issuePlan,
  needsConfirmation,
  planConflict,
  redeemPlan,
  TIME_QUESTION,
  unconfirmed,
} from './plan-text.js';

// ---- shared with leave.ts ---------------------------------------------------------------------------------

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
        // The specific hint ("use one of: …") travels with the issue to the validation error (format.ts).
        ctx.addIssue({
          code: 'custom',
          message: bare(err.message, field),
          ...(err.hint === undefined ? {} : { params: { hint: err.hint } }),
        });
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
  const now = ctx.now();
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

/** Characters of rows a list result may hold, well under the text cap of a result (SEC-OUT-02). */
export const ROWS_CHAR_BUDGET = 80_000;

/**
 * Rows grouped by date → the leading whole days that fit `limit` rows and the character budget (at least one
 * day), and `next`, the first date left out (or the page's own `nextDateFrom`), unless it is past `to`.
 */
export function wholeDays<T>(
  byDate: ReadonlyMap<string, T[]>,
  limit: number,
  pageNext: string | null,
  to: string,
): { rows: T[]; next: string | undefined } {
  const rows: T[] = [];
  let chars = 0;
  let next: string | undefined;
  for (const [date, group] of byDate) {
    const size = group.reduce((n, r) => n + JSON.stringify(r).length + 1, 0);
    if (rows.length > 0 && (rows.length + group.length > limit || chars + size > ROWS_CHAR_BUDGET)) {
      next = date;
      break;
    }
    rows.push(...group);
    chars += size;
  }
  next ??= pageNext ?? undefined;
  return { rows, next: next !== undefined && next <= to ? next : undefined };
}

/** Users named in `refs` (`me` allowed), each once, in order. */
export function resolveUsers(ctx: ToolContext, refs: readonly Ref[], field = 'users'): Promise<User[]> {
  return resolveUserList(ctx, refs, field);
}

/** An id (number or digit string) or a name, as everywhere else (refInput). */
const Ref = refInput();
const Refs = z.array(Ref).max(50);
/**
 * Output schemas name the top-level fields only; rows and nested objects stay open because their fields are
 * listed in each description and tools/list has a size budget (every schema is sent to the model).
 */
export const Obj = z.looseObject({});
export const Rows = z.array(z.unknown());
/** Per-entry write results: the status is the one vocabulary explained in the server instructions. */
export const WriteRows = z.array(z.looseObject({ status: z.enum(ENTRY_STATUSES) }));
/** Time and leave entry lists: flat rows, each user named once in `users`, cut at whole days. */
export const EntryListOutput = z.object({
  period: Obj,
  rows: Rows,
  users: z.record(z.string(), z.string()),
  totals: Obj,
  hasMore: z.boolean(),
  next: z.string().optional(),
});
const num = z.number();

/** The output fields of log_time, shared by the tools that write through its plan (copy_time). */
export const LOG_TIME_OUTPUT = {
  entries: WriteRows,
  summary: z.record(z.string(), num),
  days: Rows,
  timeZone: z.string(),
  dryRun: z.boolean().optional(),
  status: z.string().optional(),
  planToken: z.string().optional(),
  note: z.string().optional(),
};

// ---- log_time ---------------------------------------------------------------------------------------------

const Entry = z
  .object({
    task: Ref.describe(ARG.task),
    date: periodInput({ single: true }).optional().describe(ARG.date),
    duration: durationInput({
      signed: true,
      allowZero: true,
      description: 'minutes or "1h30m"; negative subtracts (add)',
    }),
    mode: z.enum(['add', 'set']).optional().describe(ARG.mode),
    comment: commentInput('replaces the cell’s comment; "" clears').optional(),
    user: Ref.optional().describe(ARG.user),
  })
  .superRefine((e, ctx) => {
    if ((e.mode ?? 'add') === 'add' && e.duration === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: 'adding 0 minutes changes nothing',
        params: { hint: 'to change only the comment, send mode "set" with the cell’s current minutes' },
      });
    if (e.mode === 'set' && e.duration < 0)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'set needs 0 or more minutes' });
  });

export const logTimeTool = defineTool({
  name: 'log_time',
  title: 'Log time',
  description:
    'Add (atomic) or set time on task-days. Ambiguous names write nothing; approved weeks and days over 24 h ' +
    'are refused; a lowering set may need confirmation. Returns entries {before, after, status, error}, days ' +
    '{total, scheduled, warnings}.',
  toolset: 'time',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    entries: z.array(Entry).min(1).max(100).describe('the task-day cells to write'),
    dryRun: z.boolean().optional().describe(ARG.dryRun),
    confirm: z.string().max(64).optional().describe(ARG.confirm),
  }),
  outputSchema: z.object(LOG_TIME_OUTPUT),
  async handler(args, ctx) {
    const lctx = await logTimeContext(ctx);
    const tool = 'log_time';
    if (args.confirm !== undefined) return applyTimeToken(ctx, lctx, tool, args);
    const plan = await planLogTime(
      lctx,
      args.entries.map((e) => ({
        task: e.task,
        minutes: e.duration,
        ...(e.date === undefined ? {} : { date: e.date }),
        ...(e.mode === undefined ? {} : { mode: e.mode }),
        ...(e.comment === undefined ? {} : { comment: e.comment }),
        ...(e.user === undefined ? {} : { user: e.user }),
      })),
    );
    return runTimePlan(ctx, lctx, tool, args, plan);
  },
});

/** What planning and writing time needs from the tool context. */
export async function logTimeContext(ctx: ToolContext): Promise<LogTimeContext> {
  return {
    client: ctx.client,
    signal: ctx.signal,
    me: () => ctx.me(),
    calendar: await ctx.calendar(),
    now: ctx.now(),
    describe: describeProblem,
  };
}

/** Fields a tool adds to every result of its plan (copy_time's `copied`); kept with the plan's token. */
type Extra = Record<string, unknown>;

/** Applies exactly the plan a `confirm` token stands for (its extra fields shown again). */
export async function applyTimeToken(
  ctx: ToolContext,
  lctx: LogTimeContext,
  tool: string,
  args: Record<string, unknown>,
) {
  const { extra, ...stored } = redeemPlan<StoredTimePlan & { extra?: Extra }>(ctx, tool, args);
  return { ...shown(await applyLogTimePlan(lctx, stored)), ...extra };
}

/**
 * A planned time write, the log_time way: dryRun → the plan and its planToken; a write the policy confirms
 * (a lowering set, or every write under `writes`) → the user is asked, or confirmation_required; else written.
 */
export async function runTimePlan(
  ctx: ToolContext,
  lctx: LogTimeContext,
  tool: string,
  args: Record<string, unknown>,
  plan: LogTimePlan,
  extra: Extra = {},
) {
  const stored: StoredTimePlan & { extra?: Extra } =
    Object.keys(extra).length > 0 ? { ...plan.stored, extra } : plan.stored;
  const token = () => issuePlan(ctx, tool, args, stored);
  if (args.dryRun === true) return { ...shown(planResult(plan)), planToken: token(), ...extra };
  const writes = plan.stored.cells.length > 0;
  if (!needsConfirmation(ctx.config.confirm, writes, lowersTime(plan)))
    return { ...shown(await writeLogTime(lctx, plan)), ...extra };
  const question = confirmQuestion(
    TIME_QUESTION,
    plan.plans
      .filter((p) => p.result.status === 'planned')
      .map(({ result: r }) => ({
        label: `${r.date} ${r.task} (${r.user})`,
        before: r.before,
        after: r.after ?? 0,
      })),
  );
  const answer = await ctx.askUser(question);
  if (answer === 'accept') return { ...shown(await applyLogTimePlan(lctx, plan.stored)), ...extra };
  const { dryRun: _planned, ...view } = shown(planResult(plan));
  return { ...view, ...unconfirmed(answer, token), ...extra };
}

/** A result as shown: the emulated-delta note, and the sentence of a plan conflict. */
export function shown(result: LogTimeResult) {
  return {
    ...result,
    entries: result.entries.map((e) =>
      e.emulated
        ? { ...e, note: emulatedDeltaNote('timetrack.delta') }
        : e.current !== undefined && e.expected !== undefined
          ? { ...e, error: planConflict(e.current, e.expected) }
          : e,
    ),
  };
}

// ---- get_timesheet ----------------------------------------------------------------------------------------

/** A day × task grid is for reading, not for a year: longer ranges belong to get_time_entries. */
export const TIMESHEET_MAX_DAYS = 62;

export const getTimesheet = defineTool({
  name: 'get_timesheet',
  title: 'Timesheet',
  description:
    'Returns a user’s day × task grid (≤ 62 days): days {scheduled, logged, leave, missing, overtime, approved}, ' +
    'tasks {path, minutes per day}, projects, leave, totals, timer (your running one). The API hides locks ' +
    '(locked: null).',
  toolset: 'time',
  access: 'read',
  view: TIMESHEET_VIEW_URI,
  inputSchema: z.object({
    user: Ref.optional().describe(ARG.user),
    period: periodInput({ maxDays: TIMESHEET_MAX_DAYS }).optional().describe(ARG.period('this week')),
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
    timer: Obj.optional(),
  }),
  async handler({ user, period }, ctx) {
    const [who, { period: p, today }] = await Promise.all([
      resolveUser(ctx, user, { field: 'user' }),
      periodFor(ctx, period ?? 'this week', 'period', TIMESHEET_MAX_DAYS),
    ]);
    const [sheet, running] = await Promise.all([
      buildTimesheet(ctx.client, { user: who, period: echo(p), today, signal: ctx.signal }),
      timerOnSheet(ctx, who.id, p, today),
    ]);
    return { ...sheet, ...running };
  },
});

/** The users, tasks, projects and customers a time read is narrowed to, as ids (undefined = no filter). */
export async function timeFilters(
  ctx: ToolContext,
  args: { users?: Ref[]; tasks?: Ref[]; projects?: Ref[]; customers?: Ref[] },
) {
  const each = async <T>(
    refs: Ref[] | undefined,
    field: string,
    f: (ref: Ref, field: string) => Promise<T>,
  ) => (refs === undefined ? undefined : Promise.all(refs.map((r, i) => f(r, `${field}[${i}]`))));
  const work = await withWorkIndex(ctx, [
    ...(args.tasks ?? []),
    ...(args.projects ?? []),
    ...(args.customers ?? []),
  ]);
  const [users, tasks, projects, customers] = await Promise.all([
    args.users === undefined ? undefined : resolveUsers(ctx, args.users),
    each(args.tasks, 'tasks', (ref, field) => resolveTask(work, ref, { field, includeArchived: true })),
    each(args.projects, 'projects', (ref, field) =>
      resolveProject(work, ref, { field, includeArchived: true }),
    ),
    each(args.customers, 'customers', (ref, field) =>
      resolveCustomer(work, ref, { field, includeArchived: true }),
    ),
  ]);
  return {
    users,
    query: {
      ...(users ? { userIds: users.map((u) => u.id) } : {}),
      ...(tasks ? { taskIds: tasks.map((t) => t.id) } : {}),
      ...(projects ? { projectIds: projects.map((p) => p.id) } : {}),
      ...(customers ? { customerIds: customers.map((c) => c.id) } : {}),
    },
  };
}

// ---- get_time_entries -------------------------------------------------------------------------------------

export const getTimeEntries = defineTool({
  name: 'get_time_entries',
  title: 'Time entries',
  description:
    'Returns time-track rows {date, userId, taskId, task, minutes, comment, approved}, filtered, with user names and ' +
    'totals; whole days up to limit, then hasMore and next (the rest’s period). Totals: summarize_time.',
  toolset: 'time',
  access: 'read',
  inputSchema: z.object({
    period: periodInput().optional().describe(ARG.period('this week')),
    users: Refs.optional().describe(ARG.users),
    tasks: Refs.optional().describe(ARG.tasks),
    projects: Refs.optional().describe(ARG.projects),
    customers: Refs.optional().describe(ARG.customers),
    approved: z.boolean().optional().describe('only approved (true) or unapproved (false) weeks'),
    limit: z.int().min(1).max(1000).optional().describe('rows; default 200'),
  }),
  outputSchema: EntryListOutput,
  async handler(args, ctx) {
    const { period } = await periodFor(ctx, args.period ?? 'this week', 'period');
    const { users, query } = await timeFilters(ctx, args);
    const limit = args.limit ?? 200;
    const page = await listTimetrack(
      ctx.client,
      {
        dateFrom: period.from,
        dateTo: period.to,
        ...query,
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
    const { rows, next } = wholeDays(byDate, limit, page.nextDateFrom, period.to);
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

/** Whom find_missing_time checks, and whether that is everyone the caller sees. */
async function missingTimeUsers(
  ctx: ToolContext,
  args: { users?: Ref[] | undefined; department?: Ref | undefined },
): Promise<{ users: User[]; allVisible: boolean }> {
  if (args.users !== undefined) {
    const [people, department] = await Promise.allSettled([
      resolveUsers(ctx, args.users),
      args.department === undefined ? undefined : resolveDepartment(ctx, args.department),
    ]);
    // The users' refusal first, as when they were looked up first.
    if (people.status === 'rejected') throw people.reason;
    if (department.status === 'rejected') throw department.reason;
    const listed = people.value;
    const dept = department.value;
    return {
      users: dept ? listed.filter((u) => (u.departmentId ?? -1) === dept.id) : listed,
      allVisible: false,
    };
  }
  if (args.department !== undefined) {
    const dept = await resolveDepartment(ctx, args.department);
    const all = await listAllUsersCached(
      ctx.client,
      { department: dept.id, active: true },
      { signal: ctx.signal },
    );
    return { users: all.items, allVisible: false };
  }
  const all = await listAllUsersCached(ctx.client, { active: true }, { signal: ctx.signal });
  return { users: all.items, allVisible: true };
}

export const findMissingTimeTool = defineTool({
  name: 'find_missing_time',
  title: 'Find missing time',
  description:
    'Who logged less than scheduled (time + leave) up to today; default everyone active you can see. Returns ' +
    'users (most missing first) with their gap days, people (everyone’s totals) and totals.',
  toolset: 'time',
  access: 'read',
  view: MISSING_TIME_VIEW_URI,
  inputSchema: z.object({
    users: Refs.optional().describe(ARG.users),
    department: Ref.optional().describe(ARG.department),
    period: periodInput().optional().describe(ARG.period('last week')),
  }),
  outputSchema: z.object({
    period: Obj,
    checkedTo: z.string().optional(),
    users: Rows,
    people: Rows,
    totals: Obj,
    truncated: z.boolean().optional(),
  }),
  async handler(args, ctx) {
    // The period and the users do not depend on each other: looked up together.
    const [{ period, today }, { users, allVisible }] = await Promise.all([
      periodFor(ctx, args.period ?? 'last week', 'period'),
      missingTimeUsers(ctx, args),
    ]);
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
