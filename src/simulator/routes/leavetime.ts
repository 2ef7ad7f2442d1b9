/**
 * Leave time (docs/actitime-model.md §2.8): like time-track with leave types, flat list records, no comments. Locks block
 * leave; approval does not. Write scope = time write scope (the user's own leave; a manager's team; admin all).
 */
import { daysBetween } from '../dates.js';
import { invalid, parseIncludes, queryIds, refMap } from '../list.js';
import { accessDenied, canReadTimeOf, canWriteTimeOf, notFound } from '../permissions.js';
import type { LeaveType, StoreUser } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import { bodyObject, intField, ok, pathDate, pathUser } from './common.js';
import {
  addUserRefs,
  checkDayOpen,
  cutAfter,
  listUsers,
  MAX_DAY_MINUTES,
  parseDateWindow,
  windowEnd,
} from './timetrack.js';
import { leaveTypeView } from './views.js';

function leaveTypeParam(ctx: RouteContext): LeaveType {
  const raw = ctx.params.leaveTypeId ?? '';
  if (!/^-?\d+$/.test(raw)) throw invalid('leaveTypeId');
  const l = ctx.store.leaveTypes.get(Number(raw));
  if (!l) throw notFound('leaveTypeId');
  return l;
}

function cell(ctx: RouteContext, write: boolean): { target: StoreUser; date: string; leaveType: LeaveType } {
  const target = pathUser(ctx);
  const date = pathDate(ctx.store, ctx.params.date, target);
  const leaveType = leaveTypeParam(ctx);
  if (write && !canWriteTimeOf(ctx.user, target)) throw accessDenied();
  return { target, date, leaveType };
}

/**
 * A leave row or cell: an older documentation page names the minutes `time`, as leave-time-field does
 * (docs/actitime-model.md §2.8); writes take `leaveTime` either way.
 */
function leaveOut<T extends object>(ctx: RouteContext, fields: T, minutes: number) {
  return ctx.quirks.has('leave-time-field')
    ? { ...fields, time: minutes }
    : { ...fields, leaveTime: minutes };
}

function writeLeave(
  ctx: RouteContext,
  target: StoreUser,
  date: string,
  leaveType: LeaveType,
  minutes: number,
) {
  const { store } = ctx;
  checkDayOpen(store, target.id, date, false);
  const old = store.getLeave(target.id, date, leaveType.id);
  if (store.dayTotal(target.id, date) - (old ?? 0) + minutes > MAX_DAY_MINUTES)
    throw new SimError(400, 'day_limit_exceeded');
  store.setLeave(target.id, date, leaveType.id, minutes);
  if (old !== undefined || minutes > 0) {
    const payload = { userId: target.id, date, leaveTypeId: leaveType.id, leaveTime: minutes };
    store.hooks.emit('leaveTime.update', (sub) => (canReadTimeOf(sub, target) ? payload : null));
  }
  return leaveOut(ctx, { leaveTypeId: leaveType.id }, minutes);
}

export function registerLeavetime(r: RouteRegistrar): void {
  r.add('GET', '/leavetime', (ctx) => {
    const { store, user, query } = ctx;
    const { dateFrom, dateTo, stopAfter } = parseDateWindow(query);
    const users = listUsers(store, user, queryIds(query, 'userIds'));
    const leaveTypeIds = queryIds(query, 'leaveTypeIds');
    const includes = parseIncludes(ctx, ['users', 'departments', 'timeZoneGroups', 'leaveTypes']);
    const rows: Array<{ userId: number; date: string; leaveTypeId: number; leaveTime: number }> = [];
    for (const u of users) {
      for (const [date, day] of store.userLeaveDays(u.id) ?? []) {
        if (date < dateFrom || (dateTo !== undefined && date > dateTo)) continue;
        for (const [leaveTypeId, leaveTime] of day) {
          if (leaveTypeIds === undefined || leaveTypeIds.has(leaveTypeId))
            rows.push({ userId: u.id, date, leaveTypeId, leaveTime });
        }
      }
    }
    rows.sort((a, b) =>
      a.date < b.date ? -1 : a.date > b.date ? 1 : a.userId - b.userId || a.leaveTypeId - b.leaveTypeId,
    );
    const kept = cutAfter(rows, stopAfter, () => 1);
    const end = windowEnd(rows, kept, dateFrom, dateTo);
    const data = rows.slice(0, kept).map((row) =>
      leaveOut(
        ctx,
        {
          userId: row.userId,
          date: row.date,
          dayOffset: daysBetween(dateFrom, row.date),
          leaveTypeId: row.leaveTypeId,
        },
        row.leaveTime,
      ),
    );
    const out: Record<string, unknown> = {
      dateFrom,
      dateTo: end.dateTo,
      nextDateFrom: end.nextDateFrom,
      data,
    };
    addUserRefs(out, store, user, includes, data, 'timeZoneGroups');
    if (includes.has('leaveTypes'))
      out.leaveTypes = refMap(
        [...new Set(data.map((d) => d.leaveTypeId))].flatMap((id) => {
          const l = store.leaveTypes.get(id);
          return l ? [leaveTypeView(l)] : [];
        }),
      );
    return ok(out);
  });

  r.add('GET', '/leavetime/:user/:date/:leaveTypeId', (ctx) => {
    const { target, date, leaveType } = cell(ctx, false);
    const minutes = ctx.store.getLeave(target.id, date, leaveType.id);
    // As for time cells, some servers answer an empty cell as zero (docs/actitime-model.md §2.8).
    if (minutes === undefined && !ctx.quirks.has('missing-cell-zero')) throw notFound();
    return ok(leaveOut(ctx, { leaveTypeId: leaveType.id }, minutes ?? 0));
  });

  r.add('PATCH', '/leavetime/:user/:date/:leaveTypeId', (ctx) => {
    const { target, date, leaveType } = cell(ctx, true);
    const body = bodyObject(ctx);
    const minutes = intField(body, 'leaveTime', true);
    if (minutes < 0 || minutes > MAX_DAY_MINUTES) throw invalid('leaveTime');
    return ok(writeLeave(ctx, target, date, leaveType, minutes));
  });

  r.add('PATCH', '/leavetime/:user/:date/:leaveTypeId/time', (ctx) => {
    const { target, date, leaveType } = cell(ctx, true);
    const body = bodyObject(ctx);
    const delta = intField(body, 'delta', true);
    const result = (ctx.store.getLeave(target.id, date, leaveType.id) ?? 0) + delta;
    if (result < 0 || result > MAX_DAY_MINUTES) throw invalid('delta');
    return ok(writeLeave(ctx, target, date, leaveType, result));
  });
}
