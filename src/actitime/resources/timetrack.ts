/**
 * Time-track (docs/actitime-model.md §2.7): the date-paged list, single cells, absolute and delta writes, lock/unlock.
 *
 * Missing cells: a 404 or `time: 0` both mean "empty" and come back as `{taskId, time: 0}`.
 *
 * Older servers without the delta endpoint (`…/time` → 404 unknown_resource, docs/actitime-model.md §4 "Endpoint set"): addTimeDelta
 * does NOT silently emulate it, because read-then-set is not atomic (a concurrent writer's change can be lost).
 * It throws a clear error unless the caller passes `emulateIfUnsupported: true`; then it reads the cell, sets
 * the sum, and returns `emulated: true` so the caller can say so. The missing endpoint is remembered per client
 * (`c.unsupported`), so later calls cost no 404.
 */
import type { ActitimeClient } from '../client.js';
import { InvalidRequestError, UnexpectedResponseError, UnsupportedError } from '../errors.js';
import { TimeCellSchema, TimetrackListSchema, type TimetrackList } from '../schemas.js';
import { isMissingRoute, isNotFound, toQuery, type CallOptions, type UserRef } from './common.js';
import { mergeTopLevel } from './paging.js';

export type TimetrackInclude =
  | 'users'
  | 'departments'
  | 'timeZoneGroups'
  | 'customers'
  | 'projects'
  | 'tasks'
  | 'typesOfWork'
  | 'workflowStatuses';

export interface TimetrackQuery {
  dateFrom: string;
  dateTo?: string;
  userIds?: number[];
  taskIds?: number[];
  projectIds?: number[];
  customerIds?: number[];
  approved?: boolean;
  stopAfter?: number;
  includeReferenced?: TimetrackInclude[];
}

export interface TimeCell {
  taskId: number;
  /** Minutes; 0 = empty cell. */
  time: number;
  comment?: string;
}

export interface TimeDeltaResult extends TimeCell {
  /** Set when the server lacks the delta endpoint and the delta was applied as read-then-set (not atomic). */
  emulated?: true;
}

export interface DeltaOptions extends CallOptions {
  /** On servers without the delta endpoint, read the cell and set the sum (reported as `emulated`). */
  emulateIfUnsupported?: boolean;
}

export const MAX_DAY_MINUTES = 1440;
/** The name under which a server without the delta endpoint is remembered in `client.unsupported`. */
export const TIME_DELTA_FEATURE = 'timetrack.delta';

/** One response: may stop early (then `nextDateFrom` is set). */
export function listTimetrack(
  c: ActitimeClient,
  q: TimetrackQuery,
  opts: CallOptions = {},
): Promise<TimetrackList> {
  return c.request({
    method: 'GET',
    path: ['timetrack'],
    query: toQuery(q),
    schema: TimetrackListSchema,
    signal: opts.signal,
  });
}

/**
 * Follows `nextDateFrom` until it is null (or passes `q.dateTo`) and concatenates `data`, merging reference
 * maps. The result's `dateFrom` is the requested one and `nextDateFrom` is null.
 */
export async function listAllTimetrack(
  c: ActitimeClient,
  q: TimetrackQuery,
  opts: CallOptions = {},
): Promise<TimetrackList> {
  return followDates<TimetrackList>(q, (dateFrom) => listTimetrack(c, { ...q, dateFrom }, opts));
}

/** Shared by time-track and leave time: the date-paged walk. */
export async function followDates<
  P extends { dateFrom: string; dateTo: string; nextDateFrom: string | null; data: unknown[] },
>(q: { dateFrom: string; dateTo?: string }, fetch: (dateFrom: string) => Promise<P>): Promise<P> {
  let from = q.dateFrom;
  const data: unknown[] = [];
  let merged: Record<string, unknown> = {};
  let last: P | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await fetch(from);
    // dayOffset counts from each response's own dateFrom; re-base it on the requested one.
    for (const item of page.data) data.push(rebase(item, q.dateFrom));
    merged = mergeTopLevel(merged, page);
    last = page;
    const next = page.nextDateFrom;
    if (!next || (q.dateTo !== undefined && next > q.dateTo)) break;
    if (next <= from) throw new UnexpectedResponseError('paging', 'nextDateFrom');
    from = next;
  }
  if (!last) throw new UnexpectedResponseError('paging', 'dateFrom');
  return { ...merged, dateFrom: q.dateFrom, dateTo: last.dateTo, nextDateFrom: null, data } as unknown as P;
}

function rebase(item: unknown, dateFrom: string): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const row = item as { date?: unknown; dayOffset?: unknown };
  if (typeof row.date !== 'string' || typeof row.dayOffset !== 'number') return item;
  const days = Math.round((Date.parse(row.date.slice(0, 10)) - Date.parse(dateFrom)) / 86_400_000);
  return Number.isFinite(days) && days !== row.dayOffset ? { ...row, dayOffset: days } : item;
}

/** The cell; an empty one (404 or time 0) is `{taskId, time: 0}`. */
export async function getTimeCell(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  taskId: number,
  opts: CallOptions = {},
): Promise<TimeCell> {
  try {
    const cell = await c.request({
      method: 'GET',
      path: ['timetrack', user, date, taskId],
      schema: TimeCellSchema,
      signal: opts.signal,
    });
    return toCell(cell, taskId);
  } catch (err) {
    if (isNotFound(err)) return { taskId, time: 0 };
    throw err;
  }
}

/**
 * Absolute write (idempotent): `time` 0…1440 minutes, 0 deletes the cell. An omitted `comment` keeps the old
 * one; `""` clears it.
 */
export async function setTimeCell(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  taskId: number,
  value: { time: number; comment?: string },
  opts: CallOptions = {},
): Promise<TimeCell> {
  const body: { time: number; comment?: string } = { time: value.time };
  if (value.comment !== undefined) body.comment = value.comment;
  const cell = await c.request({
    method: 'PATCH',
    path: ['timetrack', user, date, taskId],
    body,
    idempotent: true,
    schema: TimeCellSchema.optional(),
    signal: opts.signal,
  });
  // An empty success (quirk `empty-write-responses`) is success: the cell holds what was sent.
  return toCell(cell ?? body, taskId);
}

/** Adds signed `delta` minutes atomically (NOT idempotent: never retried once it may have reached the server). */
export async function addTimeDelta(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  taskId: number,
  delta: number,
  opts: DeltaOptions = {},
): Promise<TimeDeltaResult> {
  if (!c.unsupported.has(TIME_DELTA_FEATURE)) {
    try {
      const cell = await c.request({
        method: 'PATCH',
        path: ['timetrack', user, date, taskId, 'time'],
        body: { delta },
        idempotent: false,
        schema: TimeCellSchema.optional(),
        signal: opts.signal,
      });
      // An empty success (quirk `empty-write-responses`) is success; the total is read back.
      return cell ? toCell(cell, taskId) : await getTimeCell(c, user, date, taskId, opts);
    } catch (err) {
      if (!isMissingRoute(err)) throw err;
      c.unsupported.add(TIME_DELTA_FEATURE);
    }
  }
  if (!opts.emulateIfUnsupported) throw new UnsupportedError('timetrack.delta');
  const current = await getTimeCell(c, user, date, taskId, opts);
  const time = current.time + delta;
  if (time < 0 || time > MAX_DAY_MINUTES) {
    throw new InvalidRequestError('out_of_range', 'delta', time);
  }
  // The comment goes along: a server may clear an omitted one (quirk `comment-cleared`).
  const cell = await setTimeCell(c, user, date, taskId, { time, comment: current.comment ?? '' }, opts);
  return { ...cell, emulated: true };
}

type LockRange = { dateFrom: string; dateTo: string; userIds?: number[] };

/** Locks time and leave for the range (all users when `userIds` is omitted). Repeating it is harmless. */
export function lockTimetrack(c: ActitimeClient, range: LockRange, opts: CallOptions = {}): Promise<void> {
  return setLock(c, 'lock', range, opts);
}

export function unlockTimetrack(c: ActitimeClient, range: LockRange, opts: CallOptions = {}): Promise<void> {
  return setLock(c, 'unlock', range, opts);
}

async function setLock(
  c: ActitimeClient,
  action: 'lock' | 'unlock',
  range: LockRange,
  opts: CallOptions,
): Promise<void> {
  await c.request({
    method: 'POST',
    path: ['timetrack', action],
    body: range,
    idempotent: true,
    signal: opts.signal,
  });
}

function toCell(
  cell: { taskId?: number | null; time: number; comment?: string | null },
  taskId: number,
): TimeCell {
  if (cell.time === 0) return { taskId: cell.taskId ?? taskId, time: 0 };
  const out: TimeCell = { taskId: cell.taskId ?? taskId, time: cell.time };
  if (cell.comment) out.comment = cell.comment;
  return out;
}
