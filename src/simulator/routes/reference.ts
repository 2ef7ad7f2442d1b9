/**
 * Read-only reference data (docs/actitime-model.md §2.9–2.12): leave types, types of work, departments, time zone groups.
 * Only GET is registered, so the router answers other methods with 405.
 */
import {
  commonFilter,
  paginate,
  parseIncludes,
  parsePage,
  parseSort,
  queryBool,
  queryEnum,
} from '../list.js';
import { notFound } from '../permissions.js';
import type { Department, LeaveType, TimeZoneGroup, TypeOfWork } from '../store.js';
import type { RouteContext, RouteRegistrar } from '../types.js';
import { ok, pathId } from './common.js';
import { departmentView, leaveTypeView, timeZoneGroupView, typeOfWorkView } from './views.js';

function byId<T>(ctx: RouteContext, map: Map<number, T>, isDefault: (item: T) => boolean): T {
  const raw = ctx.params.id;
  const item = raw === 'default' ? [...map.values()].find(isDefault) : map.get(pathId(ctx));
  if (!item) throw notFound('id');
  return item;
}

export function registerReference(r: RouteRegistrar): void {
  r.add('GET', '/leaveTypes', (ctx) => {
    const { store, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
    const filter = commonFilter<LeaveType>(ctx, { ids: true, name: true, words: true, archived: true });
    const balance = queryEnum(query, 'balance', ['PTO', 'Sick', 'None'] as const);
    const sort = parseSort<LeaveType>(query, { name: (l) => l.name });
    const items = [...store.leaveTypes.values()].filter(
      (l) => filter(l) && (balance === undefined || l.balance === balance),
    );
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map(leaveTypeView) });
  });

  r.add('GET', '/leaveTypes/:id', (ctx) => ok(leaveTypeView(byId(ctx, ctx.store.leaveTypes, () => false))));

  r.add('GET', '/typesOfWork', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
    const filter = commonFilter<TypeOfWork>(ctx, { ids: true, name: true, words: true, archived: true });
    const billable = queryBool(query, 'billable');
    const sort = parseSort<TypeOfWork>(query, { name: (t) => t.name });
    const items = [...store.typesOfWork.values()].filter(
      (t) => filter(t) && (billable === undefined || t.billable === billable),
    );
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map((t) => typeOfWorkView(user, t)) });
  });

  r.add('GET', '/typesOfWork/:id', (ctx) =>
    ok(
      typeOfWorkView(
        ctx.user,
        byId(ctx, ctx.store.typesOfWork, (t) => t.default),
      ),
    ),
  );

  r.add('GET', '/departments', (ctx) => {
    const { store, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
    const filter = commonFilter<Department>(ctx, { name: true });
    const sort = parseSort<Department>(query, { name: (d) => d.name });
    const items = [...store.departments.values()].filter(filter);
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map(departmentView) });
  });

  r.add('GET', '/departments/:id', (ctx) =>
    ok(departmentView(byId(ctx, ctx.store.departments, () => false))),
  );

  r.add('GET', '/timeZoneGroups', (ctx) => {
    const { store, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
    const filter = commonFilter<TimeZoneGroup>(ctx, { name: true });
    const sort = parseSort<TimeZoneGroup>(query, { name: (g) => g.name });
    const items = [...store.timeZoneGroups.values()].filter(filter);
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map(timeZoneGroupView) });
  });

  r.add('GET', '/timeZoneGroups/:id', (ctx) =>
    ok(timeZoneGroupView(byId(ctx, ctx.store.timeZoneGroups, (g) => g.default))),
  );
}
