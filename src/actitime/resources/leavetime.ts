/**
 * Leave time (docs/actitime-model.md §2.8): like time-track with `leaveTypeId` for `taskId` and `leaveTime` for `time`, no comments.
 * The same rules apply: 404 or 0 = empty cell; the delta is not idempotent and is only emulated on request.
 *
 * A write answered 2xx without a body (200 empty, 204; docs/actitime-model.md §4) is a success: a set reports
 * the value sent, a delta reads the cell back once, since only the server knows what the sum came to.
 */
import type { ActitimeClient } from '../client.js';
import { InvalidRequestError, UnsupportedError } from '../errors.js';
import { LeaveCellSchema, LeavetimeListSchema, type LeavetimeList } from '../schemas.js';
import { isNotFound, isUnknownResource, toQuery, type CallOptions, type UserRef } from './common.js';
import { requestMaybeEmpty } from './empty-body.js';
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

export interface LeaveDeltaResult {
  leaveTypeId: number;
  /**
   * Minutes after the delta. Absent only when the delta was applied (2xx) but the answer carried no body and
   * reading the cell back failed: the value is then unknown, the write is not in doubt.
   */
  leaveTime?: number;
  emulated?: true;
}

/** The `c.unsupported` entry of servers without the leave delta endpoint (docs/actitime-model.md §4 "Endpoint set"). */
export const LEAVE_DELTA_FEATURE = 'leavetime.delta';
const DELTA_FEATURE = LEAVE_DELTA_FEATURE;

/** False once this server has answered the leave delta with 404 unknown_resource. */
export function hasLeaveDelta(c: ActitimeClient): boolean {
  return !c.unsupported.has(DELTA_FEATURE);
}

/** Remembers a 404 unknown_resource of the delta seen elsewhere (a batch sub-result), as addLeaveDelta does. */
export function markNoLeaveDelta(c: ActitimeClient): void {
  c.unsupported.add(DELTA_FEATURE);
}

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
  const cell = await requestMaybeEmpty(c, {
    method: 'PATCH',
    path: ['leavetime', user, date, leaveTypeId],
    body: { leaveTime },
    idempotent: true,
    schema: LeaveCellSchema,
    signal: opts.signal,
  });
  // An absolute write that came back empty holds what was sent.
  if (cell === undefined) return { leaveTypeId, leaveTime };
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
      const cell = await requestMaybeEmpty(c, {
        method: 'PATCH',
        path: ['leavetime', user, date, leaveTypeId, 'time'],
        body: { delta },
        idempotent: false,
        schema: LeaveCellSchema,
        signal: opts.signal,
      });
      if (cell === undefined) return readBack(c, user, date, leaveTypeId, opts);
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

/** The cell after a delta that was answered without a body; a failed read leaves the value unknown, not the write. */
async function readBack(
  c: ActitimeClient,
  user: UserRef,
  date: string,
  leaveTypeId: number,
  opts: CallOptions,
): Promise<LeaveDeltaResult> {
  try {
    return await getLeaveCell(c, user, date, leaveTypeId, opts);
  } catch {
    return { leaveTypeId };
  }
}
