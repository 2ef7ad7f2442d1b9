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
 * exactly; `set` sends the absolute value (PATCH cell, safe to repeat). One entry is one request; several go
 * through POST /batch. Every entry gets its own outcome: applied, refused (by the pre-check or actiTIME),
 * failed (not applied) or maybe_applied (the request may have reached actiTIME; re-read before retrying).
 *
 * A comment with `add`: the delta endpoint carries no comment, so it is written afterwards with the absolute
 * value the delta returned. Between those two requests a concurrent writer's change to the same cell could be
 * overwritten; the window is one round trip and only entries with a comment have it.
 */
import { ActitimeApiError, ActitimeError } from '../actitime/errors.js';
import { runBatch, type BatchOp, type BatchOutcome } from '../actitime/resources/batch.js';
import { listAllLeavetime } from '../actitime/resources/leavetime.js';
import { addTimeDelta, listAllTimetrack, setTimeCell } from '../actitime/resources/timetrack.js';
import { TimeCellSchema } from '../actitime/schemas.js';
import { formatMinutes, MINUTES_PER_DAY } from './duration.js';
import { addDays, resolveDate } from './period.js';
import { resolveTask, resolveUser, type Ref, type ResolvedTask, type Resolver } from './resolve.js';
import { approvalByWeek, dayKey, leaveTotals, nameOf, timeTotals, weekStartOf } from './timesheet.js';

export type LogMode = 'add' | 'set';
export type EntryStatus = 'planned' | 'applied' | 'refused' | 'failed' | 'maybe_applied';

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

/** Why an entry was not (fully) applied, in the same shape as a tool error. */
export type EntryProblem = {
  status?: number;
  key?: string;
  kind?: string;
  message: string;
  hint?: string;
  maybeApplied?: true;
};

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
  status: EntryStatus;
  error?: EntryProblem;
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
  timeZone: string;
  dryRun?: true;
};

interface Planned {
  result: EntryResult;
  resolved: ResolvedTask;
  userId: number;
}

export async function logTime(
  ctx: LogTimeContext,
  entries: readonly LogEntryInput[],
  options: { dryRun?: boolean } = {},
): Promise<LogTimeResult> {
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

  // 2. Names → ids, each distinct ref once. Any failure (ambiguous, not found) fails the call: nothing is sent.
  const tasks = await resolveEach(
    entries,
    (e) => e.task,
    (ref, i) => resolveTask(ctx, ref, { field: `entries[${i}].task` }),
  );
  const users = await resolveEach(
    entries,
    (e) => e.user ?? 'me',
    (ref, i) => resolveUser(ctx, ref, { field: `entries[${i}].user` }),
  );

  // 3. One read of the days involved (whole weeks, for approval) for every user involved.
  const userIds = [...new Set(users.map((u) => u.id))];
  const sorted = [...dates].sort();
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const ws = ctx.calendar.weekStart;
  const [time, leave] = await Promise.all([
    listAllTimetrack(
      ctx.client,
      { dateFrom: weekStartOf(first, ws), dateTo: addDays(weekStartOf(last, ws), 6), userIds },
      call,
    ),
    listAllLeavetime(ctx.client, { dateFrom: first, dateTo: last, userIds }, call),
  ]);
  const cells = new Map<string, number>();
  for (const day of time.data)
    for (const r of day.records) cells.set(cellKey(day.userId, day.date, r.taskId), r.time);
  const dayTime = timeTotals(time);
  const dayLeave = leaveTotals(leave);
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
    const result: EntryResult = {
      task: task.path,
      taskId: task.id,
      user: nameOf(user),
      userId: user.id,
      date,
      mode,
      minutes: e.minutes,
      before,
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
    if (refusal) {
      result.status = 'refused';
      result.error = refusal;
      delete result.after;
    } else {
      cells.set(key, after);
      dayTime.set(day, (dayTime.get(day) ?? 0) - before + after);
    }
    return { result, resolved: task, userId: user.id };
  });

  const accepted = plans.filter((p) => p.result.status === 'planned');
  if (options.dryRun) return finish(plans, ctx.calendar.timeZone, true);

  // 5. The writes.
  await write(ctx, accepted);
  const commented = accepted.filter(
    (p) =>
      p.result.mode === 'add' &&
      p.result.comment !== undefined &&
      p.result.status === 'applied' &&
      (p.result.after ?? 0) > 0,
  );
  if (commented.length > 0) await writeComments(ctx, commented);
  return finish(plans, ctx.calendar.timeZone, false);
}

function cellKey(userId: number, date: string, taskId: number): string {
  return `${userId}|${date}|${taskId}`;
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
    return {
      key: 'invalid_argument',
      message: `not sent: the cell would hold ${s.after} minutes (it holds ${s.before}); a cell holds 0–${MINUTES_PER_DAY}`,
      hint: 'change the duration so the cell stays within 0:00–24:00',
    };
  }
  if (s.approved) {
    return {
      key: 'timetrack_approved',
      message: `not sent: the week of ${s.date} is approved for ${s.user}, and actiTIME refuses time changes in approved weeks`,
      hint: 'ask a manager to reject (reopen) the week first, or log on another day',
    };
  }
  if (s.dayAfter > MINUTES_PER_DAY) {
    return {
      key: 'day_limit_exceeded',
      message: `not sent: ${s.date} would hold ${formatMinutes(s.dayAfter)} of time and leave for ${s.user}, more than 24:00`,
      hint: 'reduce the duration so the day stays within 24 h',
    };
  }
  return undefined;
}

function opOf(p: Planned, index: number): BatchOp {
  const r = p.result;
  if (r.mode === 'add') {
    return {
      id: String(index),
      method: 'PATCH',
      path: ['timetrack', p.userId, r.date, r.taskId, 'time'],
      body: { delta: r.minutes },
      idempotent: false,
    };
  }
  const body: { time: number; comment?: string } = { time: r.minutes };
  if (r.comment !== undefined) body.comment = r.comment;
  return {
    id: String(index),
    method: 'PATCH',
    path: ['timetrack', p.userId, r.date, r.taskId],
    body,
    idempotent: true,
  };
}

async function write(ctx: LogTimeContext, accepted: Planned[]): Promise<void> {
  if (accepted.length === 0) return;
  const call = ctx.signal ? { signal: ctx.signal } : {};
  if (accepted.length === 1) {
    const p = accepted[0]!;
    const r = p.result;
    try {
      const cell =
        r.mode === 'add'
          ? await addTimeDelta(ctx.client, p.userId, r.date, r.taskId, r.minutes, call)
          : await setTimeCell(
              ctx.client,
              p.userId,
              r.date,
              r.taskId,
              r.comment === undefined ? { time: r.minutes } : { time: r.minutes, comment: r.comment },
              call,
            );
      applied(r, cell.time);
    } catch (err) {
      failed(ctx, r, err);
    }
    return;
  }
  let outcomes: BatchOutcome[];
  try {
    outcomes = await runBatch(
      ctx.client,
      accepted.map((p, i) => opOf(p, i)),
      call,
    );
  } catch (err) {
    // The batch as a whole failed; each entry gets the same, conservative outcome.
    for (const p of accepted) failed(ctx, p.result, err);
    return;
  }
  accepted.forEach((p, i) => settle(ctx, p.result, outcomes[i]));
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

export type Failure = { status: 'refused' | 'failed' | 'maybe_applied'; error: EntryProblem };

/** What a failed write means for its entry: refused (4xx), maybe applied (ambiguous), or failed (not applied). */
export function failureOf(describe: (err: unknown) => EntryProblem, err: unknown): Failure {
  const problem = describe(err);
  if (err instanceof ActitimeError && err.maybeApplied) {
    return {
      status: 'maybe_applied',
      error: { ...problem, maybeApplied: true, hint: 're-read the cell before retrying' },
    };
  }
  if (err instanceof ActitimeApiError && err.status >= 400 && err.status < 500) {
    return { status: 'refused', error: problem };
  }
  return { status: 'failed', error: problem };
}

/**
 * One batch operation's outcome: `{status: 'applied', body}` or a Failure. A sub-operation's 5xx on a delta may
 * have been applied before it failed; a set is safe to repeat, so it is plainly failed.
 */
export function batchOutcomeOf(
  describe: (err: unknown) => EntryProblem,
  outcome: BatchOutcome | undefined,
  isDelta: boolean,
): { status: 'applied'; body: unknown } | Failure {
  if (!outcome) return failureOf(describe, undefined);
  if (outcome.skipped) {
    return {
      status: 'failed',
      error: {
        message: 'not sent: an earlier part of the batch failed',
        hint: 'nothing was written for this entry; it is safe to send it again',
      },
    };
  }
  if (outcome.status >= 200 && outcome.status < 300) return { status: 'applied', body: outcome.body };
  const err = outcome.error;
  if (outcome.status >= 500 && isDelta && err && !err.maybeApplied) err.maybeApplied = true;
  return failureOf(describe, err);
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

/** The comments of `add` entries, written as the absolute value the delta returned (see the module note). */
async function writeComments(ctx: LogTimeContext, entries: Planned[]): Promise<void> {
  const call = ctx.signal ? { signal: ctx.signal } : {};
  const note = (r: EntryResult, err: unknown): void => {
    const problem = ctx.describe(err);
    r.error = {
      ...problem,
      message: `the time was added, but the comment was not saved: ${problem.message}`,
    };
  };
  if (entries.length === 1) {
    const p = entries[0]!;
    const r = p.result;
    try {
      const cell = await setTimeCell(
        ctx.client,
        p.userId,
        r.date,
        r.taskId,
        { time: r.after ?? 0, comment: r.comment ?? '' },
        call,
      );
      r.after = cell.time;
    } catch (err) {
      note(r, err);
    }
    return;
  }
  const ops: BatchOp[] = entries.map((p, i) => ({
    id: String(i),
    method: 'PATCH',
    path: ['timetrack', p.userId, p.result.date, p.result.taskId],
    body: { time: p.result.after ?? 0, comment: p.result.comment ?? '' },
    idempotent: true,
  }));
  try {
    const outcomes = await runBatch(ctx.client, ops, call);
    entries.forEach((p, i) => {
      const o = outcomes[i];
      if (!o || o.status < 200 || o.status >= 300) note(p.result, o?.error);
    });
  } catch (err) {
    for (const p of entries) note(p.result, err);
  }
}

function finish(plans: Planned[], timeZone: string, dryRun: boolean): LogTimeResult {
  const summary: Partial<Record<EntryStatus, number>> = {};
  for (const p of plans) summary[p.result.status] = (summary[p.result.status] ?? 0) + 1;
  return {
    entries: plans.map((p) => p.result),
    summary,
    timeZone,
    ...(dryRun ? { dryRun: true as const } : {}),
  };
}
