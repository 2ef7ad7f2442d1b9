/**
 * Leave time (§2.8): like time-track with `leaveTypeId` for `taskId` and `leaveTime` for `time`, no comments.
 * The same rules apply: 404 or 0 = empty cell; the delta is not idempotent and is only emulated on request.
 */
import type { ActitimeClient } from '../client.js';
import { InvalidRequestError, UnsupportedError } from '../errors.js';
import { LeaveCellSchema, LeavetimeListSchema, type LeavetimeList } from '../schemas.js';
import { isNotFound, isUnknownResource, toQuery, type CallOptions, type UserRef } from './common.js';
import { followDates, MAX_DAY_MINUTES, type DeltaOptions } from './timetrack.js';

export interface LeavetimeQuery {
  dateFrom: string;
  dateTo?: string;
  userIds?: number[];
  leaveTypeIds?: number[];
  stopAfter?: number;
  includeReferenced?: Array<'users' | 'departments' | 'timeZoneGroups' | 'leaveTypes'>;
}

export interface LeaveCell {
  leaveTypeId: number;
  /** Minutes; 0 = empty cell. */
  leaveTime: number;
}

export interface LeaveDeltaResult extends LeaveCell {
  emulated?: true;
}

const DELTA_FEATURE = 'leavetime.delta';

/** One response: may stop early (then `nextDateFrom` is set). */
export function listLeavetime(
  c: ActitimeClient,
  q: LeavetimeQuery,
  opts: CallOptions = {},
): Promise<LeavetimeList> {
  return c.request({
    method: 'GET',
    path: ['leavetime'],
    query: toQuery(q),
    schema: LeavetimeListSchema,
    signal: opts.signal,
  });
}

/** Follows `nextDateFrom` to the end; `data` concatenated, reference maps merged. */
export function listAllLeavetime(
  c: ActitimeClient,
  q: LeavetimeQuery,
  opts: CallOptions = {},
): Promise<LeavetimeList> {
  return followDates<LeavetimeList>(q, (dateFrom) => listLeavetime(c, { ...q, dateFrom }, opts));
}

export async function getLeaveCell(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  leaveTypeId: number,
  opts: CallOptions = {},
): Promise<LeaveCell> {
  try {
    const cell = await c.request({
      method: 'GET',
      path: ['leavetime', user, date, leaveTypeId],
      schema: LeaveCellSchema,
      signal: opts.signal,
    });
    return { leaveTypeId: cell.leaveTypeId ?? leaveTypeId, leaveTime: cell.leaveTime };
  } catch (err) {
    if (isNotFound(err)) return { leaveTypeId, leaveTime: 0 };
    throw err;
  }
}

/** Absolute write (idempotent): 0…1440 minutes, 0 deletes the cell. */
export async function setLeaveCell(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  leaveTypeId: number,
  leaveTime: number,
  opts: CallOptions = {},
): Promise<LeaveCell> {
  const cell = await c.request({
    method: 'PATCH',
    path: ['leavetime', user, date, leaveTypeId],
    body: { leaveTime },
    idempotent: true,
    schema: LeaveCellSchema,
    signal: opts.signal,
  });
  return { leaveTypeId: cell.leaveTypeId ?? leaveTypeId, leaveTime: cell.leaveTime };
}

/** Adds signed `delta` minutes atomically (NOT idempotent). See timetrack.ts for the unsupported-server rule. */
export async function addLeaveDelta(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  leaveTypeId: number,
  delta: number,
  opts: DeltaOptions = {},
): Promise<LeaveDeltaResult> {
  if (!c.unsupported.has(DELTA_FEATURE)) {
    try {
      const cell = await c.request({
        method: 'PATCH',
        path: ['leavetime', user, date, leaveTypeId, 'time'],
        body: { delta },
        idempotent: false,
        schema: LeaveCellSchema,
        signal: opts.signal,
      });
      return { leaveTypeId: cell.leaveTypeId ?? leaveTypeId, leaveTime: cell.leaveTime };
    } catch (err) {
      if (!isUnknownResource(err)) throw err;
      c.unsupported.add(DELTA_FEATURE);
    }
  }
  if (!opts.emulateIfUnsupported) {
    throw new UnsupportedError('leavetime.delta');
  }
  const current = await getLeaveCell(c, user, date, leaveTypeId, opts);
  const total = current.leaveTime + delta;
  if (total < 0 || total > MAX_DAY_MINUTES) {
    throw new InvalidRequestError('out_of_range', 'delta', total);
  }
  const cell = await setLeaveCell(c, user, date, leaveTypeId, total, opts);
  return { ...cell, emulated: true };
}
