/**
 * Logging time: plan first, then write. Planning resolves every entry (task, user, date in the caller's zone)
 * and reads the affected days ONCE (one time-track list over the whole weeks involved, one leave list) to
 * refuse, before anything is sent, what actiTIME would refuse and what can be seen through the API:
 * - a cell outside 0…1440 minutes;
 * - time in an approved week (the `approved` flag of the list);
 * - a day whose time + leave would pass 24 h.
 * Locks cannot be seen through the API: a locked day is left to actiTIME, whose `timetrack_locked` refusal is
 * reported per entry with its hint. Completed tasks are not refused: actiTIME accepts time on them.
 *
 * Writing: `add` sends the atomic delta (PATCH …/time), never read-modify-write, so concurrent adds sum
 * exactly; `set` sends the absolute value (PATCH cell, safe to repeat) and always the comment: the one given, or
 * the cell's current one, because whether actiTIME keeps an omitted comment is not confirmed anywhere. One entry
 * is one request; several go through POST /batch. Every entry gets its own outcome: applied, refused (by the
 * pre-check or actiTIME), not_applied (nothing was written; safe to send again), maybe_applied (the request may
 * have reached actiTIME; re-read before retrying) or conflict (applied; another writer changed the cell too).
 *
 * A comment with `add` (docs/reliability.md, "add with a comment"): the delta endpoint carries no comment, so
 * after the delta one batch reads the cell and writes the comment with the value the delta produced. When that
 * read shows another writer's change in between, the write has just overwritten it, and a second delta of the
 * difference restores it atomically: the cell ends with their value plus ours, and the entry says `conflict`.
 */
import { ActitimeError, UnsupportedError } from '../actitime/errors.js';
import { isMissingRoute } from '../actitime/resources/common.js';
import { runBatch, type BatchOp, type BatchOutcome } from '../actitime/resources/batch.js';
import { listAllLeavetime } from '../actitime/resources/leavetime.js';
import {
  addTimeDelta,
  listAllTimetrack,
  setTimeCell,
  TIME_DELTA_FEATURE,
} from '../actitime/resources/timetrack.js';
import { getSchedulesSettled } from '../actitime/resources/users.js';
import { TimeCellSchema, type Schedule } from '../actitime/schemas.js';
import {
  batchOutcomeOf,
  failureOf,
  precheckProblem,
  type EntryProblem,
  type EntryStatus,
} from './write-outcome.js';

export {
  batchOutcomeOf,
  failureOf,
  precheckProblem,
  type EntryProblem,
  type EntryStatus,
  type Failure,
} from './write-outcome.js';
import { formatMinutes, MINUTES_PER_DAY } from './duration.js';
import { addDays, resolveDate, todayDate } from './period.js';
import {
  applyCellPlan,
  daySummaries,
  mergeCells,
  settleRow,
  type CellOutcome,
  type CellPlan,
  type DaySummary,
} from './plan.js';
import { resolveTask } from './resolve/task.js';
import type { Ref, ResolvedTask, Resolver } from './resolve/types.js';
import { resolveUser } from './resolve/user.js';
import { parseRef } from './resolve/ref.js';
import { primeTasks, withWorkIndex } from './work-index.js';
import {
  approvalByWeek,
  dayKey,
  leaveTotals,
  nameOf,
  scheduleByDate,
  timeTotals,
  weekStartOf,
} from './timesheet.js';

export type LogMode = 'add' | 'set';

export interface LogEntryInput {
  task: Ref;
  /** A single-day spec (`2026-11-20`, `today`, `yesterday`, `friday`); default today. */
  date?: string;
  /** add: signed minutes to add; set: the new value, 0 clears the cell. */
  minutes: number;
  mode?: LogMode;
  comment?: string;
  /** Default: the caller. */
  user?: Ref;
}

export type EntryResult = {
  /** `Customer / Project / Task`. */
  task: string;
  taskId: number;
  user: string;
  userId: number;
  date: string;
  mode: LogMode;
  minutes: number;
  /** The cell before this entry (after the earlier entries of the same call, which run in order). */
  before: number;
  /** The cell as actiTIME returned it after the write; for a plan, the expected value. */
  after?: number;
  comment?: string;
  /** The cell's comment before this entry, when it had one (to restore a `set`). */
  commentBefore?: string;
  status: EntryStatus;
  error?: EntryProblem;
  /** A plan applied later found the cell changed: its value now and the planned `before`; nothing written. */
  current?: number;
  expected?: number;
  /**
   * `add` written as the absolute total because this actiTIME has no delta endpoint (an older version): not
   * atomic, so a change by someone else between our read and this write is lost.
   */
  emulated?: true;
};

export interface LogTimeContext extends Resolver {
  calendar: { timeZone: string; weekStart: number };
  /** The present moment (epoch ms), for `today`/`yesterday`. */
  now: number;
  /** Turns a thrown error into the problem shown for an entry (the tool layer's trusted templates). */
  describe: (err: unknown) => EntryProblem;
}

export type LogTimeResult = {
  entries: EntryResult[];
  /** Entries per status; statuses without entries are left out. */
  summary: Partial<Record<EntryStatus, number>>;
  /** Per user and day touched: weekday, total after, schedule, warnings. */
  days: DaySummary[];
  timeZone: string;
  dryRun?: true;
};

interface Planned {
  result: EntryResult;
  resolved: ResolvedTask;
  userId: number;
  /** set: the comment sent with the value (the given one, else the cell's current one, else ""). */
  wireComment: string;
}

export interface LogTimeOptions {
  dryRun?: boolean;
}

/** A plan: the entries as planned, and what applying it later needs (the stored plan). */
export interface LogTimePlan {
  plans: Planned[];
  /** The cells to change, merged per cell, with the schedule of the days involved. */
  stored: StoredTimePlan;
  /** `userId|date` → time + leave before the call. */
  base: Map<string, number>;
  /** cellKey → the cell's value before the call. */
  initial: Map<string, number>;
  timeZone: string;
}

/** What a planToken carries: the planned entries (to report them again) and the cells. */
export interface StoredTimePlan extends CellPlan {
  entries: EntryResult[];
  timeZone: string;
}

export async function logTime(
  ctx: LogTimeContext,
  entries: readonly LogEntryInput[],
  options: LogTimeOptions = {},
): Promise<LogTimeResult> {
  const plan = await planLogTime(ctx, entries);
  return options.dryRun ? planResult(plan) : writeLogTime(ctx, plan);
}

export async function planLogTime(
  ctx: LogTimeContext,
  entries: readonly LogEntryInput[],
): Promise<LogTimePlan> {
  const call = ctx.signal ? { signal: ctx.signal } : {};

  // 1. Dates first: they need no request, and a bad one must stop the call before any is sent.
  const dates = entries.map((e, i) =>
    resolveDate(e.date ?? 'today', {
      timeZone: ctx.calendar.timeZone,
      weekStart: ctx.calendar.weekStart,
      now: ctx.now,
      field: `entries[${i}].date`,
    }),
  );

  // 2. Names → ids, each distinct ref once (many names: from one copy of the lists; many ids: one list request).
  // Any failure (ambiguous, not found) fails the call: nothing is written, and the call's end drops the lookups
  // still queued. Tasks named only by id are looked up while the days are read (3.): their lookup cannot refuse
  // anything those reads are needed for. Tasks given by name are resolved first, so that an ambiguous or unknown
  // name costs no day read; a name the session's cache knows costs no request either.
  const taskRefs = entries.map((e) => e.task);
  const resolveTasks = async (): Promise<ResolvedTask[]> => {
    const names = await withWorkIndex(ctx, taskRefs);
    if (!names.work) await primeTasks(ctx.client, idsOf(taskRefs), ctx.signal);
    return resolveEach(
      entries,
      (e) => e.task,
      (ref, i) => resolveTask(names, ref, { field: `entries[${i}].task` }),
    );
  };
  const byIdOnly = taskRefs.every(isIdRef);
  const early = byIdOnly ? resolveTasks() : undefined;
  early?.catch(() => undefined);
  const named = early ? undefined : await resolveTasks();
  const users = await resolveEach(
    entries,
    (e) => e.user ?? 'me',
    (ref, i) => resolveUser(ctx, ref, { field: `entries[${i}].user` }),
  ).catch(async (err: unknown) => {
    await early; // a task's refusal comes first, as when tasks are resolved first
    throw err;
  });

  // 3. One read of the days involved (whole weeks, for approval) for every user involved, all at once with the
  // schedules (for the per-day summary; a failed one only leaves `scheduled` out; cached for a minute). Time and
  // leave are always read fresh: the approval and 24 h pre-checks (step 4) must never rest on a cached value.
  const userIds = [...new Set(users.map((u) => u.id))];
  const sorted = [...dates].sort();
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const ws = ctx.calendar.weekStart;
  const weekFrom = weekStartOf(first, ws);
  const weekTo = addDays(weekStartOf(last, ws), 6);
  const [time, leave, schedules, tasks] = await Promise.all([
    listAllTimetrack(ctx.client, { dateFrom: weekFrom, dateTo: weekTo, userIds }, call),
    listAllLeavetime(ctx.client, { dateFrom: first, dateTo: last, userIds }, call),
    // Whole weeks too: the next call writing another day of the same week finds the schedule cached.
    getSchedulesSettled(ctx.client, userIds, weekFrom, weekTo, call).catch(
      () => new Map<number, Schedule | ActitimeError>(),
    ),
    early ?? named!,
  ]);
  const scheduled: Record<string, number> = {};
  for (const [id, s] of schedules)
    if (!(s instanceof ActitimeError))
      for (const [date, m] of scheduleByDate(s)) scheduled[dayKey(id, date)] = m;
  const cells = new Map<string, number>();
  const comments = new Map<string, string>();
  for (const day of time.data)
    for (const r of day.records) {
      const key = cellKey(day.userId, day.date, r.taskId);
      cells.set(key, r.time);
      if (r.comment) comments.set(key, r.comment);
    }
  const initial = new Map(cells);
  const dayTime = timeTotals(time);
  const dayLeave = leaveTotals(leave);
  const base = new Map(dayTime);
  for (const [k, m] of dayLeave) base.set(k, (base.get(k) ?? 0) + m);
  const approved = approvalByWeek(time, ws);

  // 4. The plan, in order: each accepted entry changes the state the next one sees.
  const plans: Planned[] = entries.map((e, i) => {
    const task = tasks[i]!;
    const user = users[i]!;
    const date = dates[i]!;
    const mode = e.mode ?? 'add';
    const key = cellKey(user.id, date, task.id);
    const before = cells.get(key) ?? 0;
    const after = mode === 'add' ? before + e.minutes : e.minutes;
    const commentBefore = comments.get(key);
    const result: EntryResult = {
      task: task.path,
      taskId: task.id,
      user: nameOf(user),
      userId: user.id,
      date,
      mode,
      minutes: e.minutes,
      before,
      ...(commentBefore === undefined ? {} : { commentBefore }),
      after,
      ...(e.comment === undefined ? {} : { comment: e.comment }),
      status: 'planned',
    };
    const day = dayKey(user.id, date);
    const dayTotal = (dayTime.get(day) ?? 0) + (dayLeave.get(day) ?? 0);
    const refusal = precheck({
      before,
      after,
      approved: approved.get(dayKey(user.id, weekStartOf(date, ws))) === true,
      dayAfter: dayTotal - before + after,
      date,
      user: result.user,
    });
    const wireComment = e.comment ?? comments.get(key) ?? '';
    if (refusal) {
      result.status = 'refused';
      result.error = refusal;
      delete result.after;
    } else {
      cells.set(key, after);
      dayTime.set(day, (dayTime.get(day) ?? 0) - before + after);
      if (after === 0) comments.delete(key);
      else if (mode === 'set' || e.comment !== undefined) comments.set(key, wireComment);
    }
    return { result, resolved: task, userId: user.id, wireComment };
  });

  const accepted = plans.filter((p) => p.result.status === 'planned');
  const stored: StoredTimePlan = {
    cells: mergeCells(
      accepted.map((p) => ({
        kind: 'time' as const,
        userId: p.userId,
        date: p.result.date,
        id: p.result.taskId,
        before: p.result.before,
        after: p.result.after ?? 0,
        comment: p.wireComment,
      })),
    ),
    scheduled,
    today: todayDate(ctx.calendar.timeZone, ctx.now),
    entries: plans.map((p) => structuredClone(p.result)),
    timeZone: ctx.calendar.timeZone,
  };
  return { plans, stored, base, initial, timeZone: ctx.calendar.timeZone };
}

/** Whether the plan lowers or clears time on a cell (a `set` below the cell's value): what needs confirming. */
export function lowersTime(plan: LogTimePlan): boolean {
  return plan.plans.some(
    (p) =>
      p.result.mode === 'set' && p.result.status === 'planned' && (p.result.after ?? 0) < p.result.before,
  );
}

/** The plan as a dry run's result. */
export function planResult(plan: LogTimePlan): LogTimeResult {
  return finish(plan, true);
}

/** Writes a plan the usual way: adds as atomic deltas, sets as absolute values (see the top of the file). */
export async function writeLogTime(ctx: LogTimeContext, plan: LogTimePlan): Promise<LogTimeResult> {
  const accepted = plan.plans.filter((p) => p.result.status === 'planned');
  await write(ctx, accepted);
  const commented = accepted.filter(
    (p) =>
      p.result.mode === 'add' &&
      !p.result.emulated &&
      p.result.comment !== undefined &&
      p.result.status === 'applied' &&
      (p.result.after ?? 0) > 0,
  );
  if (commented.length > 0) await writeComments(ctx, commented);
  return finish(plan, false);
}

/**
 * Applies a stored plan exactly (applyCellPlan): each entry reports its cell's outcome; entries the plan
 * refused stay refused. A conflict carries `current` and `expected` and nothing was written for it.
 */
export async function applyLogTimePlan(ctx: LogTimeContext, stored: StoredTimePlan): Promise<LogTimeResult> {
  const { outcomes, totals } = await applyCellPlan(ctx, stored);
  const byCell = new Map<string, CellOutcome>();
  stored.cells.forEach((c, i) => byCell.set(cellKey(c.userId, c.date, c.id), outcomes[i]!));
  const entries = stored.entries.map((e) => structuredClone(e));
  const lastOfCell = new Map<string, EntryResult>();
  for (const e of entries) if (e.status === 'planned') lastOfCell.set(cellKey(e.userId, e.date, e.taskId), e);
  for (const e of entries) {
    if (e.status !== 'planned') continue;
    const key = cellKey(e.userId, e.date, e.taskId);
    settleRow(e, byCell.get(key)!, lastOfCell.get(key) === e);
  }
  return summarise(entries, stored.timeZone, false, daySummaries(entries, totals, stored));
}

function cellKey(userId: number, date: string, taskId: number): string {
  return `${userId}|${date}|${taskId}`;
}

/** A ref that names its task by id (what parseRef reads as one); a malformed ref is left to resolution. */
function isIdRef(ref: Ref): boolean {
  try {
    return parseRef(ref, 'task').kind === 'id';
  } catch {
    return false;
  }
}

function idsOf(refs: readonly Ref[]): number[] {
  const out: number[] = [];
  for (const ref of refs) {
    try {
      const p = parseRef(ref, 'task');
      if (p.kind === 'id') out.push(p.id);
    } catch {
      // Refused with its field by resolveTask.
    }
  }
  return out;
}

/** Resolves each distinct ref once; entries sharing a ref share the answer. */
async function resolveEach<T>(
  entries: readonly LogEntryInput[],
  refOf: (e: LogEntryInput) => Ref,
  resolve: (ref: Ref, index: number) => Promise<T>,
): Promise<T[]> {
  const memo = new Map<string, Promise<T>>();
  const pending = entries.map((e, i) => {
    const ref = refOf(e);
    const k = `${typeof ref}:${String(ref).trim().toLowerCase()}`;
    let p = memo.get(k);
    if (!p) memo.set(k, (p = resolve(ref, i)));
    return p;
  });
  return Promise.all(pending);
}

function precheck(s: {
  before: number;
  after: number;
  approved: boolean;
  dayAfter: number;
  date: string;
  user: string;
}): EntryProblem | undefined {
  if (s.after < 0 || s.after > MINUTES_PER_DAY) {
    return precheckProblem(
      'invalid_argument',
      `not sent: the cell would hold ${s.after} minutes (it holds ${s.before}); a cell holds 0–${MINUTES_PER_DAY}`,
      'change the duration so the cell stays within 0:00–24:00',
    );
  }
  if (s.approved) {
    return precheckProblem(
      'timetrack_approved',
      `not sent: the week of ${s.date} is approved for ${s.user}, and actiTIME refuses time changes in approved weeks`,
      'ask a manager to reject (reopen) the week first, or log on another day',
    );
  }
  if (s.dayAfter > MINUTES_PER_DAY) {
    return precheckProblem(
      'day_limit_exceeded',
      `not sent: ${s.date} would hold ${formatMinutes(s.dayAfter)} of time and leave for ${s.user}, more than 24:00`,
      'reduce the duration so the day stays within 24 h',
    );
  }
  return undefined;
}

function cellPath(p: Planned): Array<string | number> {
  return ['timetrack', p.userId, p.result.date, p.result.taskId];
}

/** An `add` goes as a delta unless this server lacks the endpoint; then as the total the plan expects. */
function sendsDelta(ctx: LogTimeContext, r: EntryResult): boolean {
  return r.mode === 'add' && !ctx.client.unsupported.has(TIME_DELTA_FEATURE);
}

function opOf(p: Planned, index: number, delta: boolean): BatchOp {
  const r = p.result;
  if (delta) {
    return {
      id: String(index),
      method: 'PATCH',
      path: [...cellPath(p), 'time'],
      body: { delta: r.minutes },
      idempotent: false,
    };
  }
  return {
    id: String(index),
    method: 'PATCH',
    path: cellPath(p),
    body: { time: absoluteOf(r), comment: p.wireComment },
    idempotent: true,
  };
}

/** The absolute value a write sends: `set` its value, an emulated `add` the total the plan expects. */
function absoluteOf(r: EntryResult): number {
  return r.mode === 'add' ? (r.after ?? r.before + r.minutes) : r.minutes;
}

async function write(ctx: LogTimeContext, accepted: Planned[]): Promise<void> {
  if (accepted.length === 0) return;
  const call = ctx.signal ? { signal: ctx.signal } : {};
  if (accepted.length === 1) {
    const p = accepted[0]!;
    const r = p.result;
    try {
      if (sendsDelta(ctx, r)) {
        try {
          applied(r, (await addTimeDelta(ctx.client, p.userId, r.date, r.taskId, r.minutes, call)).time);
          return;
        } catch (err) {
          // The endpoint does not exist, so nothing was written: the total goes instead.
          if (!(err instanceof UnsupportedError)) throw err;
        }
      }
      const cell = await setTimeCell(
        ctx.client,
        p.userId,
        r.date,
        r.taskId,
        { time: absoluteOf(r), comment: p.wireComment },
        call,
      );
      applied(r, cell.time);
      if (r.mode === 'add') r.emulated = true;
    } catch (err) {
      failed(ctx, r, err);
    }
    return;
  }
  const asDelta = accepted.map((p) => sendsDelta(ctx, p.result));
  let outcomes: BatchOutcome[];
  try {
    outcomes = await runBatch(
      ctx.client,
      accepted.map((p, i) => opOf(p, i, asDelta[i]!)),
      call,
    );
  } catch (err) {
    // The batch as a whole failed; each entry gets the same, conservative outcome.
    for (const p of accepted) failed(ctx, p.result, err);
    return;
  }
  const resend: Planned[] = [];
  accepted.forEach((p, i) => {
    const o = outcomes[i];
    if (asDelta[i] && isMissingRoute(o?.error)) {
      // No such endpoint on this server: nothing was applied, so the entry is sent again as its total.
      ctx.client.unsupported.add(TIME_DELTA_FEATURE);
      resend.push(p);
      return;
    }
    settle(ctx, p.result, o);
    if (p.result.mode === 'add' && !asDelta[i] && p.result.status === 'applied') p.result.emulated = true;
  });
  if (resend.length > 0) await write(ctx, resend);
}

function applied(r: EntryResult, after: number): void {
  r.status = 'applied';
  r.after = after;
}

function failed(ctx: LogTimeContext, r: EntryResult, err: unknown): void {
  delete r.after;
  const f = failureOf(ctx.describe, err);
  r.status = f.status;
  r.error = f.error;
}

function settle(ctx: LogTimeContext, r: EntryResult, outcome: BatchOutcome | undefined): void {
  const o = batchOutcomeOf(ctx.describe, outcome, r.mode === 'add');
  if (o.status === 'applied') {
    const cell = TimeCellSchema.safeParse(o.body);
    applied(r, cell.success ? cell.data.time : (r.after ?? 0));
    return;
  }
  delete r.after;
  r.status = o.status;
  r.error = o.error;
}

/**
 * The comments of applied `add` entries. Per entry, one batch reads the cell and writes the comment with the
 * value our delta produced, back to back on the server. A read that differs from that value shows another
 * writer's change after our delta, which the write has just replaced: a delta of the difference puts it back
 * (atomically, so even later changes survive) and the entry is reported as a conflict.
 */
async function writeComments(ctx: LogTimeContext, entries: Planned[]): Promise<void> {
  const call = ctx.signal ? { signal: ctx.signal } : {};
  const note = (r: EntryResult, err: unknown): void => {
    const problem = ctx.describe(err);
    r.error = {
      ...problem,
      message: `the time was added, but the comment was not saved: ${problem.message}`,
    };
  };
  const ops: BatchOp[] = entries.flatMap((p) => [
    { method: 'GET', path: cellPath(p) },
    {
      method: 'PATCH',
      path: cellPath(p),
      body: { time: p.result.after ?? 0, comment: p.result.comment ?? '' },
      idempotent: true,
    },
  ]);
  let outcomes: BatchOutcome[];
  try {
    outcomes = await runBatch(ctx.client, ops, { ...call, keepTogether: 2 });
  } catch (err) {
    for (const p of entries) note(p.result, err);
    return;
  }
  const repairs: Array<{ p: Planned; delta: number }> = [];
  entries.forEach((p, i) => {
    const read = outcomes[2 * i];
    const written = outcomes[2 * i + 1];
    const ours = p.result.after ?? 0;
    if (!written || written.status < 200 || written.status >= 300) {
      note(p.result, written?.error);
      return;
    }
    const seen = cellTime(read);
    if (seen === undefined) {
      // The read failed: a concurrent change cannot be ruled out, nor shown.
      p.result.error = {
        kind: 'unverified',
        message: `the time and the comment were saved, but the cell could not be re-read to rule out a concurrent change`,
        hint: 're-read the cell if another person or tool may have changed it at the same time',
      };
      return;
    }
    if (seen !== ours) repairs.push({ p, delta: seen - ours });
  });
  if (repairs.length === 0) return;
  await restore(ctx, repairs);
}

/** The time a batch GET of a cell saw: 0 for an empty cell (404), undefined when the read failed. */
function cellTime(read: BatchOutcome | undefined): number | undefined {
  if (!read) return undefined;
  if (read.status === 404) return 0;
  if (read.status < 200 || read.status >= 300) return undefined;
  const cell = TimeCellSchema.safeParse(read.body);
  return cell.success ? cell.data.time : undefined;
}

/** Gives back, as atomic deltas, the concurrent changes that writing the comments replaced. */
async function restore(ctx: LogTimeContext, repairs: Array<{ p: Planned; delta: number }>): Promise<void> {
  const call = ctx.signal ? { signal: ctx.signal } : {};
  const ops: BatchOp[] = repairs.map(({ p, delta }) => ({
    method: 'PATCH',
    path: [...cellPath(p), 'time'],
    body: { delta },
    idempotent: false,
  }));
  let outcomes: BatchOutcome[] | undefined;
  let failure: unknown;
  try {
    outcomes = await runBatch(ctx.client, ops, call);
  } catch (err) {
    failure = err;
  }
  repairs.forEach(({ p, delta }, i) => {
    const r = p.result;
    const o = outcomes ? batchOutcomeOf(ctx.describe, outcomes[i], true) : failureOf(ctx.describe, failure);
    const theirs = formatSigned(delta);
    if (o.status === 'applied') {
      const cell = TimeCellSchema.safeParse(o.body);
      r.status = 'conflict';
      r.after = cell.success ? cell.data.time : (r.after ?? 0) + delta;
      r.error = {
        kind: 'conflict',
        message: `another change to this cell (${theirs} minutes) arrived while the comment was being saved; both were kept: the cell holds ${r.after} minutes, your ${formatSigned(r.minutes)} included`,
        hint: 'check with whoever else logs on this task and day that the total is what you both meant',
      };
      return;
    }
    r.status = o.status === 'maybe_applied' ? 'maybe_applied' : 'conflict';
    delete r.after;
    r.error = {
      ...o.error,
      kind: 'conflict',
      message: `another change to this cell (${theirs} minutes) arrived while the comment was being saved, and putting it back failed: ${o.error.message}`,
      hint: `re-read the cell: it may lack ${theirs} minutes of the other change`,
    };
  });
}

function formatSigned(minutes: number): string {
  return minutes > 0 ? `+${minutes}` : String(minutes);
}

function finish(plan: LogTimePlan, dryRun: boolean): LogTimeResult {
  // The day totals after: the totals before, changed by each cell's last known value.
  const final = new Map<string, { userId: number; date: string; value: number }>();
  for (const p of plan.plans) {
    const r = p.result;
    const known = dryRun ? r.status === 'planned' : r.status === 'applied' || r.status === 'conflict';
    if (known && r.after !== undefined)
      final.set(cellKey(r.userId, r.date, r.taskId), { userId: r.userId, date: r.date, value: r.after });
  }
  const totals = new Map(plan.base);
  for (const [key, f] of final) {
    const k = dayKey(f.userId, f.date);
    totals.set(k, (totals.get(k) ?? 0) + f.value - (plan.initial.get(key) ?? 0));
  }
  const entries = plan.plans.map((p) => p.result);
  return summarise(entries, plan.timeZone, dryRun, daySummaries(entries, totals, plan.stored));
}

function summarise(
  entries: EntryResult[],
  timeZone: string,
  dryRun: boolean,
  days: DaySummary[],
): LogTimeResult {
  const summary: Partial<Record<EntryStatus, number>> = {};
  for (const e of entries) summary[e.status] = (summary[e.status] ?? 0) + 1;
  return {
    entries,
    summary,
    days,
    timeZone,
    ...(dryRun ? { dryRun: true as const } : {}),
  };
}
