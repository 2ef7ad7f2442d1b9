/** Users (docs/actitime-model.md §2.2), schedules and work assignments (docs/actitime-model.md §2.17). */
import { addDays, daysBetween, dateRange } from '../dates.js';
import {
  invalid,
  paginate,
  parseIncludes,
  parsePage,
  parseSort,
  queryBool,
  queryDate,
  queryIds,
  queryInt,
  refMap,
  wordsMatch,
} from '../list.js';
import { accessDenied, canManageAccounts, canReadUser, isAssigned, notFound } from '../permissions.js';
import type { Store, StoreUser } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import {
  type Body,
  bodyObject,
  boundedDate,
  has,
  intField,
  nameTaken,
  ok,
  optionalBool,
  optionalString,
  pathUser,
  requiredString,
} from './common.js';
import { departmentView, timeZoneGroupView, userOut, userView } from './views.js';

/** Longest schedule range served in one call. */
const MAX_SCHEDULE_DAYS = 3660;

function emitUser(ctx: RouteContext, event: string, u: StoreUser): void {
  const { store } = ctx;
  store.hooks.emit(event, (sub) => (canReadUser(sub, u) ? userView(store, sub, u) : null));
}

function usernameTaken(store: Store, username: string, exceptId?: number): boolean {
  return nameTaken(
    [...store.users.values()].filter((u) => u.id !== exceptId).map((u) => u.username),
    username,
  );
}

interface UserFields {
  username?: string;
  password?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  email?: string;
  departmentId?: number;
  timeZoneGroupId?: number;
  hired?: string | null;
  releaseDate?: string | null;
  active?: boolean;
}

/** Optional user fields of POST/PATCH, validated; references to departments/groups must exist (404). */
function userFields(store: Store, body: Body): UserFields {
  const out: UserFields = {};
  for (const f of ['username', 'firstName', 'lastName'] as const)
    if (has(body, f)) out[f] = requiredString(body, f);
  if (has(body, 'password')) out.password = requiredString(body, 'password');
  const middle = optionalString(body, 'middleName');
  if (middle !== undefined) out.middleName = middle;
  const email = optionalString(body, 'email');
  if (email !== undefined) out.email = email;
  const dept = intField(body, 'departmentId');
  if (dept !== undefined) {
    if (!store.departments.has(dept)) throw notFound('departmentId');
    out.departmentId = dept;
  }
  const tz = intField(body, 'timeZoneGroupId');
  if (tz !== undefined) {
    if (!store.timeZoneGroups.has(tz)) throw notFound('timeZoneGroupId');
    out.timeZoneGroupId = tz;
  }
  for (const f of ['hired', 'releaseDate'] as const) {
    if (has(body, f)) out[f] = body[f] === null ? null : boundedDate(body[f], f);
  }
  const active = optionalBool(body, 'active');
  if (active !== undefined) out.active = active;
  return out;
}

function createUser(ctx: RouteContext, invitation: boolean) {
  const { store, user } = ctx;
  if (!canManageAccounts(user)) throw accessDenied();
  const body = bodyObject(ctx);
  const required = invitation
    ? ['email', 'firstName', 'lastName']
    : ['username', 'password', 'firstName', 'lastName'];
  for (const f of required) requiredString(body, f);
  const f = userFields(store, body);
  const username = f.username ?? f.email ?? '';
  if (usernameTaken(store, username))
    throw new SimError(400, 'user_exists', 'User with specified username already exists', 'username');
  const u = store.addUser({
    id: store.nextId('users'),
    username,
    password: f.password ?? null,
    firstName: f.firstName ?? '',
    middleName: f.middleName ?? '',
    lastName: f.lastName ?? '',
    email: f.email ?? '',
    departmentId: f.departmentId ?? -1,
    timeZoneGroupId: f.timeZoneGroupId ?? -1,
    hired: f.hired ?? null,
    releaseDate: f.releaseDate ?? null,
    active: f.active ?? true,
    activated: !invitation,
    role: 'regular',
  });
  emitUser(ctx, 'user.create', u);
  return ok(userOut(store, user, u));
}

/** Effective assignments: every customer, project and task the user may track time on. */
function workAssignments(store: Store, u: StoreUser) {
  if (u.assignment.allScope) return { allScope: true, customerIds: [], projectIds: [], taskIds: [] };
  const tasks = [...store.tasks.values()].filter((t) => isAssigned(store, u, t));
  const projectIds = new Set([...u.assignment.projectIds].filter((id) => store.projects.has(id)));
  for (const p of store.projects.values())
    if (u.assignment.customerIds.has(p.customerId)) projectIds.add(p.id);
  for (const t of tasks) projectIds.add(t.projectId);
  const customerIds = new Set([...u.assignment.customerIds].filter((id) => store.customers.has(id)));
  for (const id of projectIds) {
    const p = store.projects.get(id);
    if (p) customerIds.add(p.customerId);
  }
  const sorted = (s: Iterable<number>) => [...s].sort((a, b) => a - b);
  return {
    allScope: false,
    customerIds: sorted(customerIds),
    projectIds: sorted(projectIds),
    taskIds: sorted(tasks.map((t) => t.id)),
  };
}

/**
 * The model reads `name` as a word search over the full name and username; elsewhere in the API `name` is
 * exact, which exact-user-name models (docs/actitime-model.md §2.2).
 */
function userNameMatcher(ctx: RouteContext): (store: Store, u: StoreUser, name: string) => boolean {
  if (!ctx.quirks.has('exact-user-name'))
    return (store, u, name) => wordsMatch(`${store.fullName(u)} ${u.username}`, name);
  return (store, u, name) => {
    const wanted = name.toLowerCase();
    return [store.fullName(u), `${u.firstName} ${u.lastName}`].some((n) => n.toLowerCase() === wanted);
  };
}

export function registerUsers(r: RouteRegistrar): void {
  r.add('GET', '/users', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    const ids = queryIds(query, 'ids');
    const active = queryBool(query, 'active');
    const username = query.get('username');
    const email = query.get('email');
    const name = query.get('name');
    const department = queryInt(query, 'department');
    const timeZoneGroup = queryInt(query, 'timeZoneGroup');
    const includes = parseIncludes(ctx, ['departments', 'timeZoneGroups']);
    const nameFilter = userNameMatcher(ctx);
    const sort = parseSort<StoreUser>(query, { lastName: (u) => u.lastName, hired: (u) => u.hired });
    const items = [...store.users.values()].filter(
      (u) =>
        canReadUser(user, u) &&
        (ids === undefined || ids.has(u.id)) &&
        (active === undefined || u.active === active) &&
        (username === null || u.username.toLowerCase() === username.toLowerCase()) &&
        (email === null || u.email.toLowerCase() === email.toLowerCase()) &&
        (name === null || nameFilter(store, u, name)) &&
        (department === undefined || u.departmentId === department) &&
        (timeZoneGroup === undefined || u.timeZoneGroupId === timeZoneGroup),
    );
    items.sort(sort);
    const env = paginate(items, page);
    const out: Record<string, unknown> = { ...env, items: env.items.map((u) => userOut(store, user, u)) };
    if (includes.has('departments'))
      out.departments = refMap(
        [...new Set(env.items.map((u) => u.departmentId))].flatMap((id) => {
          const d = store.departments.get(id);
          return d ? [departmentView(d)] : [];
        }),
      );
    if (includes.has('timeZoneGroups'))
      out.timeZoneGroups = refMap(
        [...new Set(env.items.map((u) => u.timeZoneGroupId))].flatMap((id) => {
          const g = store.timeZoneGroups.get(id);
          return g ? [timeZoneGroupView(g)] : [];
        }),
      );
    return ok(out);
  });

  r.add('POST', '/users', (ctx) => createUser(ctx, false));
  r.add('POST', '/users/invitation', (ctx) => createUser(ctx, true));

  r.add('GET', '/users/:user', (ctx) => ok(userOut(ctx.store, ctx.user, pathUser(ctx))));

  r.add('PATCH', '/users/:user', (ctx) => {
    const { store, user } = ctx;
    const target = pathUser(ctx);
    if (!canManageAccounts(user)) throw accessDenied();
    const body = bodyObject(ctx);
    const f = userFields(store, body);
    if (f.username !== undefined && usernameTaken(store, f.username, target.id))
      throw new SimError(400, 'user_exists', 'User with specified username already exists', 'username');
    Object.assign(target, f);
    emitUser(ctx, 'user.update', target);
    return ok(userOut(store, user, target));
  });

  r.add('GET', '/users/:user/schedule', (ctx) => {
    const { store, query } = ctx;
    const target = pathUser(ctx);
    const dateFrom = queryDate(query, 'dateFrom') ?? store.todayFor(target);
    const dateTo = queryDate(query, 'dateTo') ?? addDays(dateFrom, 6);
    if (dateTo < dateFrom) throw invalid('dateTo');
    if (daysBetween(dateFrom, dateTo) >= MAX_SCHEDULE_DAYS) throw invalid('dateTo');
    return ok({
      dateFrom,
      dateTo,
      schedule: dateRange(dateFrom, dateTo).map((d) => store.scheduleFor(target, d)),
    });
  });

  r.add('GET', '/users/:user/workAssignments', (ctx) => ok(workAssignments(ctx.store, pathUser(ctx))));
}
