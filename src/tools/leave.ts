/**
 * The `leave` toolset: read leave time, and log it by leave-type name for a day or a range, as a duration or
 * "full day" (that day's scheduled minutes). Leave works like time-track (docs/actitime-model.md §2.8): the delta is atomic, the set is
 * absolute, locks and the 24 h day limit apply, approval does not.
 */
import { z } from 'zod';

import { runBatch, type BatchOp } from '../actitime/resources/batch.js';
import { UnsupportedError } from '../actitime/errors.js';
import { isUnknownResource } from '../actitime/resources/common.js';
import { isEmptyBody } from '../actitime/resources/empty-body.js';
import {
  addLeaveDelta,
  hasLeaveDelta,
  listAllLeavetime,
  listLeavetime,
  markNoLeaveDelta,
  setLeaveCell,
} from '../actitime/resources/leavetime.js';
import { listAllTimetrack } from '../actitime/resources/timetrack.js';
import { getSchedule } from '../actitime/resources/users.js';
import { LeaveCellSchema, type User } from '../actitime/schemas.js';
import { durationInput, formatMinutes, MINUTES_PER_DAY } from '../domain/duration.js';
import {
  batchOutcomeOf,
  failureOf,
  precheckProblem,
  type EntryProblem,
  type EntryStatus,
} from '../domain/log-time.js';
import { eachDate } from '../domain/period.js';
import { applyCellPlan, daySummaries, settleRow, type CellPlan } from '../domain/plan.js';
import { resolveLeaveType } from '../domain/resolve/reference-lists.js';
import { resolveUser } from '../domain/resolve/user.js';
import { dayKey, leaveTotals, nameOf, scheduleByDate, timeTotals } from '../domain/timesheet.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';
import {
  confirmQuestion,
  issuePlan,
  LEAVE_QUESTION,
  needsConfirmation,
  planConflict,
  redeemPlan,
  unconfirmed,
} from './plan-text.js';
import { emulatedDeltaNote, UNREAD_AFTER_WRITE } from './error-text.js';
import { ARG } from './arg-text.js';
import { refInput } from './inputs.js';
import {
  describeProblem,
  echo,
  EntryListOutput,
  Obj,
  periodFor,
  periodInput,
  resolveUsers,
  WriteRows,
  wholeDays,
} from './time.js';

/** An id (number or digit string) or a name, as everywhere else (refInput). */
const Ref = refInput();
const Refs = z.array(Ref).max(50);

// ---- get_leave_time ---------------------------------------------------------------------------------------

const MAX_LEAVE_ROWS = 1000;

export const getLeaveTime = defineTool({
  name: 'get_leave_time',
  title: 'Leave time',
  description:
    'Returns leave rows {date, userId, leaveTypeId, type, minutes}, filtered, with user names and totals per type; ' +
    'whole days up to 1000 rows, then hasMore and next.',
  toolset: 'leave',
  access: 'read',
  inputSchema: z.object({
    period: periodInput().optional().describe(ARG.period('this month')),
    users: Refs.optional().describe(ARG.users),
    leaveTypes: Refs.optional().describe('ids or names, e.g. ["Vacation"]'),
  }),
  outputSchema: EntryListOutput,
  async handler(args, ctx) {
    const { period } = await periodFor(ctx, args.period ?? 'this month', 'period');
    const [users, types] = await Promise.all([
      args.users === undefined ? undefined : resolveUsers(ctx, args.users),
      args.leaveTypes === undefined
        ? undefined
        : Promise.all(
            args.leaveTypes.map((ref, i) =>
              resolveLeaveType(ctx, ref, { field: `leaveTypes[${i}]`, includeArchived: true }),
            ),
          ),
    ]);
    const page = await listLeavetime(
      ctx.client,
      {
        dateFrom: period.from,
        dateTo: period.to,
        ...(users ? { userIds: users.map((u) => u.id) } : {}),
        ...(types ? { leaveTypeIds: types.map((t) => t.id) } : {}),
        stopAfter: MAX_LEAVE_ROWS,
        includeReferenced: ['users', 'leaveTypes'],
      },
      { signal: ctx.signal },
    );
    const typeMap = (page.leaveTypes ?? {}) as Record<string, { name?: unknown }>;
    const typeName = (id: number): string => {
      const n = typeMap[String(id)]?.name ?? types?.find((t) => t.id === id)?.name;
      return typeof n === 'string' ? n : `leave type ${id}`;
    };
    type Row = { date: string; userId: number; leaveTypeId: number; type: string; minutes: number };
    const byDate = new Map<string, Row[]>();
    for (const r of page.data) {
      if (r.date > period.to) continue;
      const group = byDate.get(r.date) ?? [];
      group.push({
        date: r.date,
        userId: r.userId,
        leaveTypeId: r.leaveTypeId,
        type: typeName(r.leaveTypeId),
        minutes: r.leaveTime,
      });
      byDate.set(r.date, group);
    }
    const { rows, next } = wholeDays(byDate, MAX_LEAVE_ROWS, page.nextDateFrom, period.to);

    const userMap = (page.users ?? {}) as Record<string, User>;
    const names: Record<string, string> = {};
    const byType: Record<string, number> = {};
    for (const r of rows) {
      const u = userMap[String(r.userId)] ?? users?.find((x) => x.id === r.userId);
      names[String(r.userId)] ??= u ? nameOf(u) : `user ${r.userId}`;
      byType[r.type] = (byType[r.type] ?? 0) + r.minutes;
    }
    const minutes = rows.reduce((s, r) => s + r.minutes, 0);
    return {
      period: echo(period),
      rows,
      users: names,
      totals: { rows: rows.length, minutes, hm: formatMinutes(minutes), byType },
      hasMore: next !== undefined,
      ...(next === undefined ? {} : { next: `${next}..${period.to}` }),
    };
  },
});

// ---- log_leave_time ---------------------------------------------------------------------------------------

/** Leave for longer than a quarter at once is more likely a mistake than a plan. */
export const LEAVE_MAX_DAYS = 92;

type DayStatus = EntryStatus;

type DayResult = {
  date: string;
  minutes: number;
  before: number;
  after?: number;
  status: DayStatus;
  error?: EntryProblem;
  /** Added as read-then-set on a server without the delta endpoint. */
  emulated?: true;
  /** A plan applied later found the cell changed (value now, planned before): not written. */
  current?: number;
  expected?: number;
};

/** What a log_leave_time planToken carries. */
interface StoredLeavePlan extends CellPlan {
  view: LeaveView;
  /** date → time + leave on the day before the plan, without this cell. */
  others: Record<string, number>;
}

interface LeaveView {
  user: { id: number; name: string };
  leaveType: { id: number; name: string };
  mode: 'add' | 'set';
  days: DayResult[];
  single: boolean;
  period: ReturnType<typeof echo>;
}

export const logLeaveTime = defineTool({
  name: 'log_leave_time',
  title: 'Log leave time',
  description:
    'Enter leave of one type for a day or range (scheduled days only); add is atomic; days over 24 h are ' +
    'refused. Returns days {before, after, total, scheduled, warnings, status, error}.',
  toolset: 'leave',
  access: 'write',
  idempotent: false,
  inputSchema: z
    .object({
      leaveType: Ref.describe('id or name, e.g. "Vacation"'),
      date: periodInput({ maxDays: LEAVE_MAX_DAYS })
        .optional()
        .describe('a day or range, e.g. "2026-12-21..2026-12-24"; default today'),
      duration: z
        .union([z.literal('full day'), durationInput({ signed: true, allowZero: true })])
        .describe('per day: minutes, "4h" or "full day" (the scheduled time, as set)'),
      mode: z.enum(['add', 'set']).optional().describe(ARG.mode),
      user: Ref.optional().describe(ARG.user),
      dryRun: z.boolean().optional().describe(ARG.dryRun),
      confirm: z.string().max(64).optional().describe(ARG.confirm),
    })
    .superRefine((a, ctx) => {
      if (typeof a.duration !== 'number') return;
      if ((a.mode ?? 'add') === 'add' && a.duration === 0)
        ctx.addIssue({ code: 'custom', path: ['duration'], message: 'adding 0 minutes changes nothing' });
      if (a.mode === 'set' && a.duration < 0)
        ctx.addIssue({ code: 'custom', path: ['duration'], message: 'set needs 0 or more minutes' });
    }),
  outputSchema: z.object({
    user: Obj,
    leaveType: Obj,
    mode: z.string(),
    days: WriteRows,
    summary: z.record(z.string(), z.number()),
    period: Obj,
    dryRun: z.boolean().optional(),
    status: z.string().optional(),
    planToken: z.string().optional(),
    note: z.string().optional(),
  }),
  async handler(args, ctx) {
    const tool = 'log_leave_time';
    if (args.confirm !== undefined) return applyLeavePlan(ctx, redeemPlan<StoredLeavePlan>(ctx, tool, args));
    const fullDay = args.duration === 'full day';
    const mode = args.mode ?? (fullDay ? 'set' : 'add');
    const [{ period, today }, leaveType, user] = await Promise.all([
      periodFor(ctx, args.date ?? 'today', 'date', LEAVE_MAX_DAYS),
      resolveLeaveType(ctx, args.leaveType, { field: 'leaveType' }),
      resolveUser(ctx, args.user, { field: 'user' }),
    ]);
    const call = { signal: ctx.signal };
    const range = { dateFrom: period.from, dateTo: period.to, userIds: [user.id] };
    const [time, leave, schedule] = await Promise.all([
      listAllTimetrack(ctx.client, range, call),
      listAllLeavetime(ctx.client, range, call),
      getSchedule(ctx.client, user.id, period.from, period.to, call),
    ]);
    const scheduled = scheduleByDate(schedule);
    const dayTime = timeTotals(time);
    const dayLeave = leaveTotals(leave);
    const cells = new Map<string, number>();
    for (const r of leave.data) if (r.leaveTypeId === leaveType.id) cells.set(r.date, r.leaveTime);

    const single = period.from === period.to;
    const days: DayResult[] = eachDate(period.from, period.to).map((date) => {
      const planned = scheduled.get(date) ?? 0;
      const before = cells.get(date) ?? 0;
      if (!single && planned === 0) return { date, minutes: 0, before, status: 'skipped' };
      if (fullDay && planned === 0) {
        return {
          date,
          minutes: 0,
          before,
          status: 'refused',
          error: precheckProblem(
            'no_schedule',
            `not sent: ${date} has no scheduled time, so "full day" means nothing`,
            'give a duration instead',
          ),
        };
      }
      const minutes = fullDay ? planned : (args.duration as number);
      const after = mode === 'add' ? before + minutes : minutes;
      const dayTotal = (dayTime.get(dayKey(user.id, date)) ?? 0) + (dayLeave.get(dayKey(user.id, date)) ?? 0);
      let error: EntryProblem | undefined;
      if (after < 0 || after > MINUTES_PER_DAY) {
        error = precheckProblem(
          'invalid_argument',
          `not sent: the leave cell would hold ${after} minutes; a cell holds 0–${MINUTES_PER_DAY}`,
          'change the duration',
        );
      } else if (dayTotal - before + after > MINUTES_PER_DAY) {
        error = precheckProblem(
          'day_limit_exceeded',
          `not sent: ${date} would hold ${formatMinutes(dayTotal - before + after)} of time and leave, more than 24:00`,
          'reduce the duration so the day stays within 24 h',
        );
      }
      return error
        ? { date, minutes, before, status: 'refused', error }
        : { date, minutes, before, after, status: 'planned' };
    });

    const todo = days.filter((d) => d.status === 'planned');
    const others: Record<string, number> = {};
    const plannedSchedule: Record<string, number> = {};
    for (const date of eachDate(period.from, period.to)) {
      const k = dayKey(user.id, date);
      others[date] = (dayTime.get(k) ?? 0) + (dayLeave.get(k) ?? 0) - (cells.get(date) ?? 0);
      const m = scheduled.get(date);
      if (m !== undefined) plannedSchedule[k] = m;
    }
    const stored: StoredLeavePlan = {
      cells: todo.map((d) => ({
        kind: 'leave' as const,
        userId: user.id,
        date: d.date,
        id: leaveType.id,
        before: d.before,
        after: d.after ?? 0,
      })),
      scheduled: plannedSchedule,
      today,
      others,
      view: {
        user: { id: user.id, name: nameOf(user) },
        leaveType: { id: leaveType.id, name: leaveType.name },
        mode,
        days: structuredClone(days),
        single,
        period: echo(period),
      },
    };
    const token = () => issuePlan(ctx, tool, args, stored);
    if (args.dryRun)
      return { ...leaveResult(stored, stored.view.days, true), dryRun: true, planToken: token() };
    const lowers = mode === 'set' && todo.some((d) => (d.after ?? 0) < d.before);
    if (needsConfirmation(ctx.config.confirm, todo.length > 0, lowers)) {
      const question = confirmQuestion(
        LEAVE_QUESTION,
        todo.map((d) => ({
          label: `${d.date} ${leaveType.name} (${nameOf(user)})`,
          before: d.before,
          after: d.after ?? 0,
        })),
      );
      const answer = await ctx.askUser(question);
      if (answer === 'accept') return applyLeavePlan(ctx, stored);
      return { ...leaveResult(stored, stored.view.days, true), ...unconfirmed(answer, token) };
    }

    const emulated = await writeLeave(
      ctx.client,
      todo,
      { userId: user.id, leaveTypeId: leaveType.id, mode },
      call,
    );
    return {
      ...leaveResult(stored, days, false),
      ...(emulated ? { note: emulatedDeltaNote('leavetime.delta') } : {}),
    };
  },
});

/**
 * The result: per day (skipped days only for a single date) the cell, and the day's weekday, total after,
 * schedule and warnings. `planned`: totals as the plan would leave them.
 */
function leaveResult(
  stored: StoredLeavePlan,
  days: DayResult[],
  planned: boolean,
  totalsAfter?: ReadonlyMap<string, number>,
) {
  const { view } = stored;
  const userId = view.user.id;
  const totals = new Map<string, number>();
  for (const d of days) {
    const cell = (planned ? d.status === 'planned' : d.status === 'applied') && d.after !== undefined;
    const value = cell ? d.after! : d.status === 'conflict' ? (d.current ?? d.before) : d.before;
    totals.set(dayKey(userId, d.date), (stored.others[d.date] ?? 0) + value);
  }
  const summaries = daySummaries(
    days.map((d) => ({ userId, date: d.date })),
    totalsAfter ?? totals,
    stored,
  );
  const byDate = new Map(summaries.map((s) => [s.date, s]));
  const summary: Record<string, number> = {};
  for (const d of days) summary[d.status] = (summary[d.status] ?? 0) + 1;
  const shown = view.single ? days : days.filter((d) => d.status !== 'skipped');
  return {
    user: view.user,
    leaveType: view.leaveType,
    mode: view.mode,
    days: shown.map((d) => {
      const s = byDate.get(d.date)!;
      const { current, expected, ...rest } = d;
      return {
        ...rest,
        ...(current !== undefined && expected !== undefined
          ? { error: planConflict(current, expected) }
          : {}),
        weekday: s.weekday,
        total: s.total,
        ...(s.scheduled === undefined ? {} : { scheduled: s.scheduled }),
        warnings: s.warnings,
      };
    }),
    summary,
    period: view.period,
  };
}

/** Applies a stored leave plan exactly (src/domain/plan.ts): days changed since are conflicts, not written. */
async function applyLeavePlan(ctx: ToolContext, stored: StoredLeavePlan) {
  const { outcomes, totals } = await applyCellPlan(
    { client: ctx.client, signal: ctx.signal, describe: describeProblem },
    stored,
  );
  const byDate = new Map(stored.cells.map((c, i) => [c.date, outcomes[i]!]));
  const days = stored.view.days.map((d) => structuredClone(d));
  for (const d of days) {
    if (d.status !== 'planned') continue;
    settleRow(d, byDate.get(d.date)!, true);
  }
  // Days the plan did not write keep the totals just read.
  return leaveResult(
    stored,
    days,
    false,
    stored.cells.length > 0 ? withRead(stored, days, totals) : undefined,
  );
}

/** The totals applyCellPlan read (time + leave after the write), for every day shown. */
function withRead(
  stored: StoredLeavePlan,
  days: DayResult[],
  read: ReadonlyMap<string, number>,
): Map<string, number> {
  const dates = stored.cells.map((c) => c.date).sort();
  const inRead = (date: string) => date >= dates[0]! && date <= dates[dates.length - 1]!;
  const out = new Map<string, number>();
  for (const d of days) {
    const k = dayKey(stored.view.user.id, d.date);
    out.set(k, inRead(d.date) ? (read.get(k) ?? 0) : (stored.others[d.date] ?? 0) + d.before);
  }
  return out;
}

type Client = Parameters<typeof runBatch>[0];
type LeaveTarget = { userId: number; leaveTypeId: number; mode: 'add' | 'set' };

/**
 * Writes the planned days: `add` as atomic deltas, `set` as absolute values. A server without the delta
 * endpoint (docs/actitime-model.md §4) gets the planned totals as absolute sets instead, each day marked
 * `emulated`; when the first deltas reveal it (404 unknown_resource: nothing was applied), those days are sent
 * again that way. Returns whether any day was emulated.
 */
async function writeLeave(
  client: Client,
  days: DayResult[],
  cell: LeaveTarget,
  call: { signal: AbortSignal },
): Promise<boolean> {
  if (days.length === 0) return false;
  const emulate = cell.mode === 'add' && !hasLeaveDelta(client);
  const missing = await sendLeave(client, days, cell, emulate || cell.mode === 'set' ? 'set' : 'delta', call);
  if (missing.length > 0) await sendLeave(client, missing, cell, 'set', call);
  const emulated = cell.mode === 'add' ? (emulate ? days : missing) : [];
  for (const d of emulated) d.emulated = true;
  return emulated.length > 0;
}

/** One kind of write for `days` (one request, or a batch); returns the days whose delta the server lacks. */
async function sendLeave(
  client: Client,
  days: DayResult[],
  cell: LeaveTarget,
  kind: 'delta' | 'set',
  call: { signal: AbortSignal },
): Promise<DayResult[]> {
  const fail = (d: DayResult, f: { status: DayStatus; error: EntryProblem }) => {
    delete d.after;
    d.status = f.status;
    d.error = f.error;
  };
  // A set writes the planned value: the duration, or in add mode before + duration.
  const target = (d: DayResult) => d.after ?? d.minutes;
  if (days.length === 1) {
    const d = days[0]!;
    try {
      if (kind === 'delta') {
        const res = await addLeaveDelta(client, cell.userId, d.date, cell.leaveTypeId, d.minutes, call);
        if (res.leaveTime === undefined) unread(d);
        else applied(d, res.leaveTime);
      } else {
        const res = await setLeaveCell(client, cell.userId, d.date, cell.leaveTypeId, target(d), call);
        applied(d, res.leaveTime);
      }
    } catch (err) {
      if (err instanceof UnsupportedError) return [d];
      fail(d, failureOf(describeProblem, err));
    }
    return [];
  }
  const ops: BatchOp[] = days.map((d, i) =>
    kind === 'delta'
      ? {
          id: String(i),
          method: 'PATCH',
          path: ['leavetime', cell.userId, d.date, cell.leaveTypeId, 'time'],
          body: { delta: d.minutes },
          idempotent: false,
        }
      : {
          id: String(i),
          method: 'PATCH',
          path: ['leavetime', cell.userId, d.date, cell.leaveTypeId],
          body: { leaveTime: target(d) },
          idempotent: true,
        },
  );
  let outcomes;
  try {
    outcomes = await runBatch(client, ops, call);
  } catch (err) {
    for (const d of days) fail(d, failureOf(describeProblem, err));
    return [];
  }
  const missing: DayResult[] = [];
  const bodiless: DayResult[] = [];
  days.forEach((d, i) => {
    const outcome = outcomes[i];
    if (kind === 'delta' && isUnknownResource(outcome?.error)) {
      markNoLeaveDelta(client);
      missing.push(d);
      return;
    }
    const o = batchOutcomeOf(describeProblem, outcome, kind === 'delta');
    if (o.status !== 'applied') return fail(d, o);
    const parsed = LeaveCellSchema.safeParse(o.body);
    if (parsed.success) applied(d, parsed.data.leaveTime);
    else if (kind === 'delta' && isEmptyBody(o.body)) bodiless.push(d);
    else applied(d, target(d));
  });
  if (bodiless.length > 0) await readBackDays(client, bodiless, cell, call);
  return missing;
}

function applied(d: DayResult, after: number): void {
  d.status = 'applied';
  d.after = after;
}

/** Applied, but the value it produced could not be seen: the planned one is reported, and said to be so. */
function unread(d: DayResult): void {
  d.status = 'applied';
  d.after ??= d.before + d.minutes;
  d.error = { kind: 'unverified', ...UNREAD_AFTER_WRITE };
}

/** Deltas answered without bodies: one read of their days shows what the sums came to. */
async function readBackDays(
  client: Client,
  days: DayResult[],
  cell: LeaveTarget,
  call: { signal: AbortSignal },
): Promise<void> {
  const dates = days.map((d) => d.date).sort();
  let list;
  try {
    list = await listAllLeavetime(
      client,
      {
        dateFrom: dates[0]!,
        dateTo: dates[dates.length - 1]!,
        userIds: [cell.userId],
        leaveTypeIds: [cell.leaveTypeId],
      },
      call,
    );
  } catch {
    for (const d of days) unread(d);
    return;
  }
  const seen = new Map<string, number>();
  for (const r of list.data)
    if (r.userId === cell.userId && r.leaveTypeId === cell.leaveTypeId) seen.set(r.date, r.leaveTime);
  // A day the list leaves out is an empty cell.
  for (const d of days) applied(d, seen.get(d.date) ?? 0);
}

export const leaveTools: AnyTool[] = [getLeaveTime, logLeaveTime] as AnyTool[];
