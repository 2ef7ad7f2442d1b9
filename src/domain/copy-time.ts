/**
 * Copying logged time from one day or period to another ("fill my missing days like yesterday", "copy last
 * week to this week"). This module only decides WHAT to write: it reads the source and target cells of one
 * user (one time-track list each, the target's leave and schedule, the source's schedule when days map one to
 * one) and turns them into log_time entries (task id, date, minutes, add/set, comment). Planning, the
 * pre-checks (approved weeks, 24 h days), confirmation and writing are log_time's (log-time.ts), so a copy is
 * refused, confirmed and reported exactly as the same entries given to log_time would be.
 *
 * Mapping: a one-day source goes to every day of the target; a source as long as the target maps day i to day
 * i (Mon → Mon); anything else is refused, naming `to`. Target days skipped, each with its reason:
 * - fully on leave (leave ≥ schedule);
 * - non-working (schedule 0: weekend, holiday), unless the target is one day named alone, or the days map one
 *   to one and the source day was non-working too (weekend → weekend);
 * - the source day itself (copying a day onto itself);
 * - a source day with nothing logged: nothing is copied, and nothing is cleared;
 * - fill-gaps only: a day that already holds time.
 * Modes: fill-gaps sets the source cells on empty days; add adds the source minutes to the target cells;
 * replace sets every target cell of the day to the source's (0 where the source has none; unchanged cells
 * send nothing). A source comment is copied only onto a target cell without one.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { listAllLeavetime } from '../actitime/resources/leavetime.js';
import { listAllTimetrack } from '../actitime/resources/timetrack.js';
import { getSchedule } from '../actitime/resources/users.js';
import type { TimetrackList } from '../actitime/schemas.js';
import { ToolError } from './errors.js';
import type { LogEntryInput } from './log-time.js';
import type { Ref } from './resolve/types.js';
import { eachDate } from './period.js';
import { leaveTotals, dayKey, scheduleByDate } from './timesheet.js';

export const COPY_MODES = ['fill-gaps', 'add', 'replace'] as const;
export type CopyMode = (typeof COPY_MODES)[number];

export type CopySkipReason =
  'has_time' | 'non_working_day' | 'leave' | 'source_empty' | 'source_day' | 'unchanged';

export interface DateRange {
  from: string;
  to: string;
}

/** What a copy did, in a few fields: the log_time result beside it has the cells. */
export type CopySummary = {
  from: DateRange;
  to: DateRange;
  mode: CopyMode;
  /** Task-day cells with time in the source period. */
  sourceCells: number;
  /** Target days given entries, each with the source day it copies. */
  filled: Array<{ date: string; from: string }>;
  skipped: Array<{ date: string; reason: CopySkipReason }>;
  /** Set when nothing is copied at all, saying why. */
  note?: string;
};

export interface CopyPlan {
  entries: LogEntryInput[];
  copied: CopySummary;
}

export interface CopyRequest {
  userId: number;
  /** The ref the entries name the user by (`me` for the caller, else the id). */
  user: Ref;
  from: DateRange;
  to: DateRange;
  mode: CopyMode;
}

interface Cell {
  minutes: number;
  comment?: string;
}

/** taskId → cell, per date. */
type Days = Map<string, Map<number, Cell>>;

function daysOf(list: TimetrackList, userId: number): Days {
  const out: Days = new Map();
  for (const day of list.data) {
    if (day.userId !== userId) continue;
    const cells = out.get(day.date) ?? new Map<number, Cell>();
    for (const r of day.records)
      if (r.time > 0) cells.set(r.taskId, { minutes: r.time, ...(r.comment ? { comment: r.comment } : {}) });
    out.set(day.date, cells);
  }
  return out;
}

/** Refuses a mapping that is neither one day → many nor day i → day i, before any request. */
export function checkMapping(from: DateRange, to: DateRange): void {
  const source = eachDate(from.from, from.to).length;
  const target = eachDate(to.from, to.to).length;
  if (source === 1 || source === target) return;
  throw new ToolError(
    'validation',
    `to: ${target} days (${to.from}..${to.to}) cannot take ${source} days from \`from\` (${from.from}..${from.to}); a copy maps one day to many, or day i to day i of a period as long`,
    {
      field: 'to',
      hint: `give \`from\` as one day, or \`to\` as ${source} days (e.g. from "last week" to "this week")`,
    },
  );
}

export async function planCopyTime(
  ctx: { client: ActitimeClient; signal?: AbortSignal },
  req: CopyRequest,
): Promise<CopyPlan> {
  checkMapping(req.from, req.to);
  const call = ctx.signal ? { signal: ctx.signal } : {};
  const sources = eachDate(req.from.from, req.from.to);
  const targets = eachDate(req.to.from, req.to.to);
  const pairwise = sources.length === targets.length && targets.length > 1;
  const userIds = [req.userId];
  const [source, target, leave, targetSchedule, sourceSchedule] = await Promise.all([
    listAllTimetrack(ctx.client, { dateFrom: req.from.from, dateTo: req.from.to, userIds }, call),
    listAllTimetrack(ctx.client, { dateFrom: req.to.from, dateTo: req.to.to, userIds }, call),
    listAllLeavetime(ctx.client, { dateFrom: req.to.from, dateTo: req.to.to, userIds }, call),
    getSchedule(ctx.client, req.userId, req.to.from, req.to.to, call),
    pairwise ? getSchedule(ctx.client, req.userId, req.from.from, req.from.to, call) : undefined,
  ]);
  const sourceDays = daysOf(source, req.userId);
  const targetDays = daysOf(target, req.userId);
  const leaveOf = leaveTotals(leave);
  const scheduled = scheduleByDate(targetSchedule);
  const sourceScheduled = sourceSchedule ? scheduleByDate(sourceSchedule) : new Map<string, number>();
  const sourceCells = [...sourceDays.values()].reduce((n, cells) => n + cells.size, 0);

  const entries: LogEntryInput[] = [];
  const filled: CopySummary['filled'] = [];
  const skipped: CopySummary['skipped'] = [];
  targets.forEach((date, i) => {
    const from = pairwise ? sources[i]! : sources[0]!;
    const skip = (reason: CopySkipReason) => skipped.push({ date, reason });
    const schedule = scheduled.get(date) ?? 0;
    const onLeave = leaveOf.get(dayKey(req.userId, date)) ?? 0;
    const src = sourceDays.get(from) ?? new Map<number, Cell>();
    const dst = targetDays.get(date) ?? new Map<number, Cell>();
    if (date === from) return skip('source_day');
    if (onLeave > 0 && onLeave >= schedule) return skip('leave');
    const named = targets.length === 1;
    const offToOff = pairwise && (sourceScheduled.get(from) ?? 0) === 0;
    if (schedule === 0 && !named && !offToOff) return skip('non_working_day');
    if (src.size === 0) return skip('source_empty');
    if (req.mode === 'fill-gaps' && dst.size > 0) return skip('has_time');

    const day = cellsFor(req.mode, src, dst).map((c) => ({
      task: c.taskId,
      date,
      minutes: c.minutes,
      mode: c.mode,
      user: req.user,
      ...(c.comment === undefined ? {} : { comment: c.comment }),
    }));
    if (day.length === 0) return skip('unchanged');
    entries.push(...day);
    filled.push({ date, from });
  });

  const copied: CopySummary = {
    from: { from: req.from.from, to: req.from.to },
    to: { from: req.to.from, to: req.to.to },
    mode: req.mode,
    sourceCells,
    filled,
    skipped,
  };
  if (sourceCells === 0)
    copied.note = `nothing is logged in ${req.from.from}..${req.from.to}: there is nothing to copy`;
  else if (entries.length === 0) copied.note = 'no target day takes the copy (see skipped)';
  return { entries, copied };
}

interface CopyCell {
  taskId: number;
  minutes: number;
  mode: 'add' | 'set';
  comment?: string;
}

/** The entries of one target day, in task id order. */
function cellsFor(
  mode: CopyMode,
  src: ReadonlyMap<number, Cell>,
  dst: ReadonlyMap<number, Cell>,
): CopyCell[] {
  // The source comment goes only where the target cell has none; otherwise the cell keeps its own.
  const commentFor = (s: Cell, taskId: number): { comment?: string } =>
    s.comment !== undefined && dst.get(taskId)?.comment === undefined ? { comment: s.comment } : {};
  const tasks = [...new Set([...src.keys(), ...(mode === 'replace' ? dst.keys() : [])])].sort(
    (a, b) => a - b,
  );
  return tasks.flatMap((taskId): CopyCell[] => {
    const s = src.get(taskId);
    if (mode === 'add') return [{ taskId, minutes: s!.minutes, mode: 'add', ...commentFor(s!, taskId) }];
    // fill-gaps (the day is empty) and replace set absolute values: safe to repeat, the comment in the same write.
    if (s === undefined) return [{ taskId, minutes: 0, mode: 'set' }];
    const comment = commentFor(s, taskId);
    if (dst.get(taskId)?.minutes === s.minutes && comment.comment === undefined) return [];
    return [{ taskId, minutes: s.minutes, mode: 'set', ...comment }];
  });
}
