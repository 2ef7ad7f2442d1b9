/**
 * Plan → apply for time and leave cells (issue 10), and the per-day summary of what a write leaves behind.
 *
 * A plan is what a `dryRun` showed: per cell its planned `before` and `after` (and, for time, the comment to
 * send). Applying it re-reads the cells in one time-track list and one leave list (as planning does), then
 * writes through one POST /batch only the cells that still hold their planned `before`, each as an absolute set
 * of its planned `after`; a cell changed since is a conflict (current vs expected) and is not written. The
 * result is data; the sentences are the tool layer's.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { runBatch, type BatchOp, type BatchOutcome } from '../actitime/resources/batch.js';
import { listAllLeavetime } from '../actitime/resources/leavetime.js';
import { listAllTimetrack } from '../actitime/resources/timetrack.js';
import { LeaveCellSchema, TimeCellSchema } from '../actitime/schemas.js';
import { batchOutcomeOf, failureOf, type EntryProblem } from './write-outcome.js';
import { dayKey, leaveTotals, timeTotals } from './timesheet.js';

/** One cell of a plan: a time-track cell (`id` = task id) or a leave cell (`id` = leave type id). */
export interface PlannedCell {
  kind: 'time' | 'leave';
  userId: number;
  date: string;
  id: number;
  before: number;
  after: number;
  /** time: the comment sent with the value. */
  comment?: string;
}

export interface CellPlan {
  cells: PlannedCell[];
  /** `userId|date` → scheduled minutes, as read when planning (absent when the schedule could not be read). */
  scheduled: Record<string, number>;
  /** Today in the caller's zone when planning. */
  today: string;
}

export type CellOutcome =
  | { status: 'applied'; after: number }
  | { status: 'conflict'; current: number; expected: number }
  | { status: 'refused' | 'not_applied' | 'maybe_applied'; error: EntryProblem };

/** A planned row (an entry or a leave day) as its cell's outcome leaves it. */
export interface SettledRow {
  status: string;
  after?: number;
  current?: number;
  expected?: number;
  error?: EntryProblem;
}

/**
 * Puts a cell's outcome on the planned row standing for it: applied keeps the row's `after` unless
 * `afterFromCell` (the row is the cell's last step); a conflict shows current vs expected; anything else its
 * problem. Only an applied row keeps an `after`.
 */
export function settleRow(row: SettledRow, o: CellOutcome, afterFromCell: boolean): void {
  row.status = o.status;
  if (o.status === 'applied') {
    if (afterFromCell) row.after = o.after;
    return;
  }
  delete row.after;
  if (o.status === 'conflict') {
    row.current = o.current;
    row.expected = o.expected;
  } else row.error = o.error;
}

export interface AppliedPlan {
  /** In the order of `plan.cells`. */
  outcomes: CellOutcome[];
  /** `userId|date` → minutes of time + leave after the write (as far as known). */
  totals: Map<string, number>;
}

export function planCellKey(c: Pick<PlannedCell, 'kind' | 'userId' | 'date' | 'id'>): string {
  return `${c.kind}|${c.userId}|${c.date}|${c.id}`;
}

/**
 * Several entries on one cell run in order: the cell goes from the first entry's `before` to the last one's
 * `after`, with the last comment.
 */
export function mergeCells(cells: readonly PlannedCell[]): PlannedCell[] {
  const out = new Map<string, PlannedCell>();
  for (const c of cells) {
    const k = planCellKey(c);
    const seen = out.get(k);
    out.set(k, seen ? { ...c, before: seen.before } : { ...c });
  }
  return [...out.values()];
}

export async function applyCellPlan(
  ctx: { client: ActitimeClient; signal?: AbortSignal; describe: (err: unknown) => EntryProblem },
  plan: CellPlan,
): Promise<AppliedPlan> {
  const call = ctx.signal ? { signal: ctx.signal } : {};
  const cells = plan.cells;
  if (cells.length === 0) return { outcomes: [], totals: new Map() };
  const dates = cells.map((c) => c.date).sort();
  const range = {
    dateFrom: dates[0]!,
    dateTo: dates[dates.length - 1]!,
    userIds: [...new Set(cells.map((c) => c.userId))],
  };
  const [time, leave] = await Promise.all([
    listAllTimetrack(ctx.client, range, call),
    listAllLeavetime(ctx.client, range, call),
  ]);
  const current = new Map<string, number>();
  for (const day of time.data)
    for (const r of day.records)
      current.set(planCellKey({ kind: 'time', userId: day.userId, date: day.date, id: r.taskId }), r.time);
  for (const r of leave.data)
    current.set(
      planCellKey({ kind: 'leave', userId: r.userId, date: r.date, id: r.leaveTypeId }),
      r.leaveTime,
    );
  const totals = timeTotals(time);
  for (const [k, m] of leaveTotals(leave)) totals.set(k, (totals.get(k) ?? 0) + m);

  const outcomes: CellOutcome[] = [];
  const todo: Array<{ index: number; cell: PlannedCell; now: number }> = [];
  cells.forEach((cell, index) => {
    const now = current.get(planCellKey(cell)) ?? 0;
    if (now !== cell.before) outcomes[index] = { status: 'conflict', current: now, expected: cell.before };
    else todo.push({ index, cell, now });
  });
  if (todo.length > 0) {
    let results: BatchOutcome[] | undefined;
    let failure: unknown;
    try {
      results = await runBatch(
        ctx.client,
        todo.map(({ cell }, i) => opOf(cell, i)),
        call,
      );
    } catch (err) {
      failure = err;
    }
    todo.forEach(({ index, cell, now }, i) => {
      const o = results ? batchOutcomeOf(ctx.describe, results[i], false) : failureOf(ctx.describe, failure);
      if (o.status !== 'applied') {
        outcomes[index] = o;
        return;
      }
      const after = valueOf(cell, o.body);
      outcomes[index] = { status: 'applied', after };
      const k = dayKey(cell.userId, cell.date);
      totals.set(k, (totals.get(k) ?? 0) - now + after);
    });
  }
  return { outcomes, totals };
}

function opOf(cell: PlannedCell, i: number): BatchOp {
  return cell.kind === 'time'
    ? {
        id: String(i),
        method: 'PATCH',
        path: ['timetrack', cell.userId, cell.date, cell.id],
        body: { time: cell.after, comment: cell.comment ?? '' },
        idempotent: true,
      }
    : {
        id: String(i),
        method: 'PATCH',
        path: ['leavetime', cell.userId, cell.date, cell.id],
        body: { leaveTime: cell.after },
        idempotent: true,
      };
}

/** The value actiTIME answered with, else the planned one (a set is absolute). */
function valueOf(cell: PlannedCell, body: unknown): number {
  if (cell.kind === 'time') {
    const parsed = TimeCellSchema.safeParse(body);
    return parsed.success ? parsed.data.time : cell.after;
  }
  const parsed = LeaveCellSchema.safeParse(body);
  return parsed.success ? parsed.data.leaveTime : cell.after;
}

// ---- per-day summary ----------------------------------------------------------------------------------------

export type DayWarning = 'non_working_day' | 'over_schedule' | 'future_date';

export interface DaySummary {
  date: string;
  /** Only when the call touched several users. */
  userId?: number;
  weekday: string;
  /** Minutes of time + leave on the day after the write (for a plan: after it would be applied). */
  total: number;
  /** The user's scheduled minutes; absent when the schedule could not be read. */
  scheduled?: number;
  warnings: DayWarning[];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function weekdayOf(date: string): string {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

/** One summary per distinct user and day in `days`, in date order. */
export function daySummaries(
  days: ReadonlyArray<{ userId: number; date: string }>,
  totals: ReadonlyMap<string, number>,
  plan: Pick<CellPlan, 'scheduled' | 'today'>,
): DaySummary[] {
  const seen = new Map<string, { userId: number; date: string }>();
  for (const d of days) seen.set(dayKey(d.userId, d.date), d);
  const several = new Set(days.map((d) => d.userId)).size > 1;
  return [...seen.entries()]
    .sort(([, a], [, b]) => (a.date === b.date ? a.userId - b.userId : a.date < b.date ? -1 : 1))
    .map(([k, d]) => {
      const total = totals.get(k) ?? 0;
      const scheduled = plan.scheduled[k];
      const warnings: DayWarning[] = [];
      if (scheduled === 0 && total > 0) warnings.push('non_working_day');
      if (scheduled !== undefined && scheduled > 0 && total > scheduled) warnings.push('over_schedule');
      if (d.date > plan.today) warnings.push('future_date');
      return {
        date: d.date,
        ...(several ? { userId: d.userId } : {}),
        weekday: weekdayOf(d.date),
        total,
        ...(scheduled === undefined ? {} : { scheduled }),
        warnings,
      };
    });
}
