/**
 * Time-track (docs/actitime-model.md §2.7): the date-paged list, cells (absolute PATCH and atomic delta), lock/unlock.
 * Refusal order for writes: unknown user/task (404) → scope (403) → body → lock → approval → day limit.
 */
import { addDays, daysBetween, parseDate } from '../dates.js';
import { invalid, parseIncludes, queryBool, queryDate, queryIds, queryInt, refMap } from '../list.js';
import {
  accessDenied,
  canLock,
  canReadTimeOf,
  canWriteTimeOf,
  canWriteTimeOnTask,
  notFound,
} from '../permissions.js';
import type { Store, StoreUser, Task, TimeRecord } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import {
  bodyObject,
  has,
  intField,
  mandatory,
  noContent,
  ok,
  pathDate,
  pathUser,
  type Body,
} from './common.js';
import {
  customerView,
  departmentView,
  projectView,
  statusView,
  taskView,
  timeZoneGroupView,
  typeOfWorkView,
  userView,
} from './views.js';

export const MAX_DAY_MINUTES = 1440;

/** dateFrom (required), dateTo (optional, not before dateFrom) and stopAfter (default 1000, ≥ 1). */
export function parseDateWindow(query: URLSearchParams): {
  dateFrom: string;
  dateTo?: string;
  stopAfter: number;
} {
  if (query.get('dateFrom') === null) throw mandatory('dateFrom');
  const dateFrom = queryDate(query, 'dateFrom') as string;
  const dateTo = queryDate(query, 'dateTo');
  if (dateTo !== undefined && dateTo < dateFrom) throw invalid('dateTo');
  const stopAfter = queryInt(query, 'stopAfter') ?? 1000;
  if (stopAfter < 1) throw invalid('stopAfter');
  return { dateFrom, dateTo, stopAfter };
}

/** The users a list covers: explicit `userIds` must all be readable (403); omitted = every readable user. */
export function listUsers(store: Store, caller: StoreUser, userIds: Set<number> | undefined): StoreUser[] {
  if (userIds === undefined) return [...store.users.values()].filter((u) => canReadTimeOf(caller, u));
  const out: StoreUser[] = [];
  for (const id of userIds) {
    const u = store.users.get(id);
    if (!u) continue;
    if (!canReadTimeOf(caller, u)) throw accessDenied();
    out.push(u);
  }
  return out;
}

/**
 * The stopAfter cut over rows sorted by date: counting `weight` in order, once the budget is reached the current
 * date is completed and the rest dropped. Returns how many rows are kept.
 */
export function cutAfter<T extends { date: string }>(
  rows: T[],
  stopAfter: number,
  weight: (row: T) => number,
): number {
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    count += weight(rows[i] as T);
    if (count >= stopAfter) {
      let j = i + 1;
      while (j < rows.length && rows[j]?.date === rows[i]?.date) j++;
      return j;
    }
  }
  return rows.length;
}

/** Response dateTo / nextDateFrom after a cut. */
export function windowEnd(
  rows: Array<{ date: string }>,
  kept: number,
  dateFrom: string,
  dateTo: string | undefined,
): { dateTo: string; nextDateFrom: string | null } {
  if (kept < rows.length) {
    const last = rows[kept - 1]?.date ?? dateFrom;
    return { dateTo: last, nextDateFrom: addDays(last, 1) };
  }
  return { dateTo: dateTo ?? rows[rows.length - 1]?.date ?? dateFrom, nextDateFrom: null };
}

function recordOut(taskId: number, r: TimeRecord) {
  return r.comment ? { taskId, time: r.time, comment: r.comment } : { taskId, time: r.time };
}

function taskParam(ctx: RouteContext): Task {
  const raw = ctx.params.taskId ?? '';
  if (!/^-?\d+$/.test(raw)) throw invalid('taskId');
  const t = ctx.store.tasks.get(Number(raw));
  if (!t) throw notFound('taskId');
  return t;
}

/**
 * The `users`, `departments` and time-zone-group maps of a time list, for the users of its rows; `tzKey` is the
 * name the list gives the last map.
 */
export function addUserRefs(
  out: Record<string, unknown>,
  store: Store,
  caller: StoreUser,
  includes: Set<string>,
  rows: ReadonlyArray<{ userId: number }>,
  tzKey: 'timeZoneGroups' | 'timeZoneGroup',
): void {
  const seenUsers = [...new Set(rows.map((d) => d.userId))].flatMap((id) => store.users.get(id) ?? []);
  if (includes.has('users')) out.users = refMap(seenUsers.map((u) => userView(store, caller, u)));
  if (includes.has('departments'))
    out.departments = refMap(
      [...new Set(seenUsers.map((u) => u.departmentId))].flatMap((id) => {
        const d = store.departments.get(id);
        return d ? [departmentView(d)] : [];
      }),
    );
  if (includes.has('timeZoneGroups'))
    out[tzKey] = refMap(
      [...new Set(seenUsers.map((u) => u.timeZoneGroupId))].flatMap((id) => {
        const g = store.timeZoneGroups.get(id);
        return g ? [timeZoneGroupView(g)] : [];
      }),
    );
}

/** Lock, then approval (time only), for one user-day. */
export function checkDayOpen(store: Store, userId: number, date: string, isTime: boolean): void {
  if (store.isLocked(userId, date)) throw new SimError(400, 'timetrack_locked');
  if (isTime && store.isApproved(userId, date)) throw new SimError(400, 'timetrack_approved');
}

function emitTime(ctx: RouteContext, target: StoreUser, date: string, task: Task): void {
  const { store } = ctx;
  const rec = store.getTime(target.id, date, task.id);
  const project = store.projects.get(task.projectId);
  const payload = {
    userId: target.id,
    taskId: task.id,
    taskName: task.name,
    time: rec?.time ?? 0,
    comment: rec?.comment ?? '',
    date,
    projectId: task.projectId,
    customerId: project?.customerId ?? 0,
  };
  store.hooks.emit('timetrack.update', (sub) => (canReadTimeOf(sub, target) ? payload : null));
}

/** Applies a new cell value after every check; returns the cell response. */
function writeCell(
  ctx: RouteContext,
  target: StoreUser,
  date: string,
  task: Task,
  time: number,
  comment: string | null | undefined,
) {
  const { store } = ctx;
  checkDayOpen(store, target.id, date, true);
  const old = store.getTime(target.id, date, task.id);
  if (store.dayTotal(target.id, date) - (old?.time ?? 0) + time > MAX_DAY_MINUTES)
    throw new SimError(400, 'day_limit_exceeded');
  const newComment = comment === undefined ? old?.comment : comment || undefined;
  store.setTime(target.id, date, task.id, time, newComment);
  if (old !== undefined || time > 0) emitTime(ctx, target, date, task);
  const rec = store.getTime(target.id, date, task.id);
  return rec ? recordOut(task.id, rec) : { taskId: task.id, time: 0 };
}

function writableCell(ctx: RouteContext): { target: StoreUser; date: string; task: Task } {
  const target = pathUser(ctx);
  const date = pathDate(ctx.store, ctx.params.date, target);
  const task = taskParam(ctx);
  if (!canWriteTimeOf(ctx.user, target) || !canWriteTimeOnTask(ctx.store, ctx.user, target, task))
    throw accessDenied();
  return { target, date, task };
}

function minutesField(body: Body, field: string): number {
  const v = intField(body, field, true);
  if (v < 0 || v > MAX_DAY_MINUTES) throw invalid(field);
  return v;
}

function commentField(body: Body): string | null | undefined {
  if (!has(body, 'comment')) return undefined;
  const v = body.comment;
  if (v === null) return null;
  if (typeof v !== 'string') throw invalid('comment');
  return v;
}

/** The lock/unlock body: `{dateFrom*, dateTo*, userIds?: int[]}`. */
function lockBody(ctx: RouteContext): { from: string; to: string; userIds: number[] | null } {
  if (!canLock(ctx.user)) throw accessDenied();
  const body = bodyObject(ctx);
  const dates = (['dateFrom', 'dateTo'] as const).map((f) => {
    if (!has(body, f) || body[f] === null) throw mandatory(f);
    const d = parseDate(body[f]);
    if (!d) throw invalid(f);
    return d;
  });
  const [from, to] = dates as [string, string];
  if (to < from) throw invalid('dateTo');
  let userIds: number[] | null = null;
  if (has(body, 'userIds') && body.userIds !== null) {
    const v = body.userIds;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x)))
      throw invalid('userIds');
    for (const id of v as number[]) if (!ctx.store.users.has(id)) throw notFound('userIds');
    userIds = v as number[];
  }
  return { from, to, userIds };
}

export function registerTimetrack(r: RouteRegistrar): void {
  r.add('GET', '/timetrack', (ctx) => {
    const { store, user, query } = ctx;
    const { dateFrom, dateTo, stopAfter } = parseDateWindow(query);
    const users = listUsers(store, user, queryIds(query, 'userIds'));
    const taskIds = queryIds(query, 'taskIds');
    const projectIds = queryIds(query, 'projectIds');
    const customerIds = queryIds(query, 'customerIds');
    const approved = queryBool(query, 'approved');
    const includes = parseIncludes(ctx, [
      'users',
      'departments',
      'timeZoneGroups',
      'customers',
      'projects',
      'tasks',
      'typesOfWork',
      'workflowStatuses',
    ]);
    const taskOk = (taskId: number): boolean => {
      if (taskIds !== undefined && !taskIds.has(taskId)) return false;
      if (projectIds === undefined && customerIds === undefined) return true;
      const t = store.tasks.get(taskId);
      if (!t) return false;
      if (projectIds !== undefined && !projectIds.has(t.projectId)) return false;
      return customerIds === undefined || customerIds.has(store.taskCustomerId(t));
    };

    const rows: Array<{
      userId: number;
      date: string;
      approved: boolean;
      records: ReturnType<typeof recordOut>[];
    }> = [];
    for (const u of users) {
      for (const [date, day] of store.userDays(u.id) ?? []) {
        if (date < dateFrom || (dateTo !== undefined && date > dateTo)) continue;
        const isApproved = store.isApproved(u.id, date);
        if (approved !== undefined && approved !== isApproved) continue;
        const records = [...day]
          .filter(([taskId]) => taskOk(taskId))
          .sort(([a], [b]) => a - b)
          .map(([taskId, rec]) => recordOut(taskId, rec));
        if (records.length > 0) rows.push({ userId: u.id, date, approved: isApproved, records });
      }
    }
    rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.userId - b.userId));
    const kept = cutAfter(rows, stopAfter, (row) => row.records.length);
    const end = windowEnd(rows, kept, dateFrom, dateTo);
    const data = rows.slice(0, kept).map((row) => ({
      userId: row.userId,
      date: row.date,
      dayOffset: daysBetween(dateFrom, row.date),
      approved: row.approved,
      records: row.records,
    }));
    const out: Record<string, unknown> = {
      dateFrom,
      dateTo: end.dateTo,
      nextDateFrom: end.nextDateFrom,
      data,
    };

    // Quirk kept on purpose (docs/actitime-model.md §1.9): the time-track list names the time-zone map in the singular.
    addUserRefs(out, store, user, includes, data, 'timeZoneGroup');
    const tasks = [...new Set(data.flatMap((d) => d.records.map((rec) => rec.taskId)))].flatMap(
      (id) => store.tasks.get(id) ?? [],
    );
    if (includes.has('tasks')) out.tasks = refMap(tasks.map((t) => taskView(store, t, ctx.apiBaseUrl)));
    if (includes.has('projects'))
      out.projects = refMap(
        [...new Set(tasks.map((t) => t.projectId))].flatMap((id) => {
          const p = store.projects.get(id);
          return p ? [projectView(store, p, ctx.apiBaseUrl)] : [];
        }),
      );
    if (includes.has('customers'))
      out.customers = refMap(
        [...new Set(tasks.map((t) => store.taskCustomerId(t)))].flatMap((id) => {
          const c = store.customers.get(id);
          return c ? [customerView(store, c, ctx.apiBaseUrl)] : [];
        }),
      );
    if (includes.has('typesOfWork'))
      out.typesOfWork = refMap(
        [...new Set(tasks.map((t) => t.typeOfWorkId))].flatMap((id) => {
          const tw = store.typesOfWork.get(id);
          return tw ? [typeOfWorkView(user, tw)] : [];
        }),
      );
    if (includes.has('workflowStatuses'))
      out.workflowStatuses = refMap(
        [...new Set(tasks.map((t) => t.workflowStatusId))].flatMap((id) => {
          const s = store.workflowStatuses.get(id);
          return s ? [statusView(s)] : [];
        }),
      );
    return ok(out);
  });

  r.add('GET', '/timetrack/:user/:date/:taskId', (ctx) => {
    const target = pathUser(ctx);
    const date = pathDate(ctx.store, ctx.params.date, target);
    const task = taskParam(ctx);
    const rec = ctx.store.getTime(target.id, date, task.id);
    // Some servers answer an empty cell as zero minutes, as public clients handle (docs/actitime-model.md §2.7).
    if (!rec && ctx.quirks.has('missing-cell-zero')) return ok({ taskId: task.id, time: 0 });
    if (!rec) throw notFound();
    return ok(recordOut(task.id, rec));
  });

  r.add('PATCH', '/timetrack/:user/:date/:taskId', (ctx) => {
    const { target, date, task } = writableCell(ctx);
    const body = bodyObject(ctx);
    const time = minutesField(body, 'time');
    // Whether an omitted comment is kept is unconfirmed; a public client re-sends it in case it is cleared
    // (docs/actitime-model.md §2.7).
    const cleared = ctx.quirks.has('comment-cleared') ? null : undefined;
    const comment = commentField(body) ?? cleared;
    return ok(writeCell(ctx, target, date, task, time, comment));
  });

  r.add('PATCH', '/timetrack/:user/:date/:taskId/time', (ctx) => {
    const { target, date, task } = writableCell(ctx);
    const body = bodyObject(ctx);
    const delta = intField(body, 'delta', true);
    const result = (ctx.store.getTime(target.id, date, task.id)?.time ?? 0) + delta;
    if (result < 0 || result > MAX_DAY_MINUTES) throw invalid('delta');
    return ok(writeCell(ctx, target, date, task, result, undefined));
  });

  r.add('POST', '/timetrack/lock', (ctx) => {
    const { from, to, userIds } = lockBody(ctx);
    ctx.store.setLock(from, to, userIds, true);
    return noContent();
  });

  r.add('POST', '/timetrack/unlock', (ctx) => {
    const { from, to, userIds } = lockBody(ctx);
    ctx.store.setLock(from, to, userIds, false);
    return noContent();
  });
}
