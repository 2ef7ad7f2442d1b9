/** Workflow statuses (docs/actitime-model.md §2.13): CRUD; a status in use or the last of its type cannot go away. */
import { commonFilter, invalid, paginate, parseIncludes, parsePage, parseSort, queryEnum } from '../list.js';
import { accessDenied, canManageScope, notFound } from '../permissions.js';
import type { StatusType, WorkflowStatus } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import {
  type Body,
  bodyObject,
  has,
  mandatory,
  nameField,
  nameTaken,
  noContent,
  ok,
  pathId,
} from './common.js';
import { lastOfType, statusOut } from './views.js';

const TYPE_ORDER: Record<StatusType, number> = { open: 0, completed: 1 };

function statusById(ctx: RouteContext): WorkflowStatus {
  const s = ctx.store.workflowStatuses.get(pathId(ctx));
  if (!s) throw notFound('id');
  return s;
}

function typeField(body: Body, required: boolean): StatusType | undefined {
  if (!has(body, 'type') || body.type === null) {
    if (required) throw mandatory('type');
    if (body.type === null) throw invalid('type');
    return undefined;
  }
  if (body.type !== 'open' && body.type !== 'completed') throw invalid('type');
  return body.type;
}

function checkNameFree(ctx: RouteContext, name: string, exceptId?: number): void {
  const names = [...ctx.store.workflowStatuses.values()].filter((s) => s.id !== exceptId).map((s) => s.name);
  if (nameTaken(names, name)) throw new SimError(400, 'workflow_status_exists', undefined, 'name');
}

export function registerWorkflowStatuses(r: RouteRegistrar): void {
  r.add('GET', '/workflowStatuses', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
    const filter = commonFilter<WorkflowStatus>(ctx, { ids: true, name: true, words: true });
    const type = queryEnum(query, 'type', ['open', 'completed'] as const);
    const sort = parseSort<WorkflowStatus>(query, { name: (s) => s.name, type: (s) => TYPE_ORDER[s.type] });
    const items = [...store.workflowStatuses.values()].filter(
      (s) => filter(s) && (type === undefined || s.type === type),
    );
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map((s) => statusOut(store, user, s)) });
  });

  r.add('GET', '/workflowStatuses/:id', (ctx) => ok(statusOut(ctx.store, ctx.user, statusById(ctx))));

  r.add('POST', '/workflowStatuses', (ctx) => {
    const { store, user } = ctx;
    if (!canManageScope(user)) throw accessDenied();
    const body = bodyObject(ctx);
    const name = nameField(body);
    const type = typeField(body, true) as StatusType;
    checkNameFree(ctx, name);
    const s = store.addWorkflowStatus({ id: store.nextId('workflowStatuses'), name, type });
    return ok(statusOut(store, user, s));
  });

  r.add('PATCH', '/workflowStatuses/:id', (ctx) => {
    const { store, user } = ctx;
    const s = statusById(ctx);
    if (!canManageScope(user)) throw accessDenied();
    const body = bodyObject(ctx);
    const name = has(body, 'name') ? nameField(body) : undefined;
    const type = typeField(body, false);
    if (name !== undefined) checkNameFree(ctx, name, s.id);
    // Changing the type of the last status of a type would leave that type empty.
    if (type !== undefined && type !== s.type && lastOfType(store, s))
      throw new SimError(400, 'last_workflow_status');
    if (name !== undefined) s.name = name;
    if (type !== undefined) s.type = type;
    return ok(statusOut(store, user, s));
  });

  r.add('DELETE', '/workflowStatuses/:id', (ctx) => {
    const { store, user } = ctx;
    const s = statusById(ctx);
    if (!canManageScope(user)) throw accessDenied();
    if (store.statusInUse(s.id)) throw new SimError(400, 'workflow_status_in_use');
    if (lastOfType(store, s)) throw new SimError(400, 'last_workflow_status');
    store.workflowStatuses.delete(s.id);
    return noContent();
  });
}
