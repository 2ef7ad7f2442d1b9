/** Tasks (docs/actitime-model.md §2.5) with their comments and assigned users. */
import { parseDate } from '../dates.js';
import {
  commonFilter,
  invalid,
  paginate,
  parseIncludes,
  parsePage,
  parseSort,
  queryEnum,
  queryIds,
  refMap,
} from '../list.js';
import {
  accessDenied,
  canManageScope,
  canReadProject,
  canReadTask,
  managesCustomer,
  notFound,
} from '../permissions.js';
import type { StatusType, Store, StoreUser, Task } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import { type Body, bodyObject, has, intField, nameField, nameTaken, nullableString, ok } from './common.js';
import { scopeHandlers } from './scope-objects.js';
import { customerView, projectView, statusView, taskOut, taskView, typeOfWorkView } from './views.js';

const STATUS_ORDER: Record<string, number> = { open: 0, completed: 1 };

const scope = scopeHandlers<Task>({
  kind: 'task',
  objects: (store) => store.tasks,
  canRead: canReadTask,
  customerId: (store, t) => store.taskCustomerId(t),
  taskIds: (_store, t) => [t.id],
  remove: (store, t) => store.deleteTasks([t.id]),
  out: taskOut,
  assignment: (store, t) => ({ customerId: store.taskCustomerId(t), projectId: t.projectId, taskId: t.id }),
});

export const visibleTask = scope.visible;

function taskNameTaken(store: Store, projectId: number, name: string, exceptId?: number): boolean {
  return nameTaken(
    [...store.tasks.values()]
      .filter((t) => t.projectId === projectId && t.id !== exceptId)
      .map((t) => t.name),
    name,
  );
}

/** The lowest-id workflow status of a type. */
function firstStatusOfType(store: Store, type: StatusType): number {
  let best: number | undefined;
  for (const s of store.workflowStatuses.values())
    if (s.type === type && (best === undefined || s.id < best)) best = s.id;
  if (best === undefined) throw invalid('status');
  return best;
}

/**
 * `status` or `workflowStatusId` (never both). Returns the status id to set, or undefined when neither was sent.
 * `status` alone picks the lowest-id status of that type, unless the task already has a status of that type.
 */
function statusFromBody(store: Store, body: Body, current?: Task): number | undefined {
  const hasStatus = has(body, 'status');
  const hasId = has(body, 'workflowStatusId');
  if (hasStatus && hasId) throw invalid('status,workflowStatusId');
  if (hasId) {
    const id = intField(body, 'workflowStatusId', true);
    if (!store.workflowStatuses.has(id)) throw notFound('workflowStatusId');
    return id;
  }
  if (hasStatus) {
    const v = body.status;
    if (v !== 'open' && v !== 'completed') throw invalid('status');
    if (current && store.workflowStatuses.get(current.workflowStatusId)?.type === v)
      return current.workflowStatusId;
    return firstStatusOfType(store, v);
  }
  return undefined;
}

function deadlineField(body: Body): string | null | undefined {
  if (!has(body, 'deadline')) return undefined;
  const v = body.deadline;
  if (v === null) return null;
  const d = parseDate(v);
  if (!d) throw invalid('deadline');
  return d;
}

function estimateField(body: Body): number | null | undefined {
  if (!has(body, 'estimatedTime')) return undefined;
  const v = body.estimatedTime;
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid('estimatedTime');
  return v;
}

function typeOfWorkField(store: Store, body: Body): number | undefined {
  const id = intField(body, 'typeOfWorkId');
  if (id !== undefined && !store.typesOfWork.has(id)) throw notFound('typeOfWorkId');
  return id;
}

function defaultTypeOfWork(store: Store): number {
  for (const t of store.typesOfWork.values()) if (t.default) return t.id;
  const first = store.typesOfWork.keys().next();
  return first.done ? 0 : first.value;
}

/** The project a task goes to: unknown → 404, not administered by the caller → 403. */
function targetProject(store: Store, user: StoreUser, projectId: number) {
  const p = store.projects.get(projectId);
  if (!p) throw notFound('projectId');
  if (!canReadProject(store, user, p) || !managesCustomer(user, p.customerId)) throw accessDenied();
  return p;
}

function emit(ctx: RouteContext, event: string, t: Task): void {
  const { store } = ctx;
  const plain = taskView(store, t, ctx.apiBaseUrl);
  store.hooks.emit(event, (sub) => (canReadTask(store, sub, t) ? plain : null));
}

export function registerTasks(r: RouteRegistrar): void {
  r.add('GET', '/tasks', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    const filter = commonFilter<Task>(ctx, { ids: true, name: true, words: true });
    const customerIds = queryIds(query, 'customerIds');
    const projectIds = queryIds(query, 'projectIds');
    const typeOfWorkIds = queryIds(query, 'typeOfWorkIds');
    const workflowStatusIds = queryIds(query, 'workflowStatusIds');
    const status = queryEnum(query, 'status', ['open', 'completed'] as const);
    const includes = parseIncludes(ctx, ['customers', 'projects', 'typesOfWork', 'workflowStatuses']);
    const statusType = (t: Task) => store.workflowStatuses.get(t.workflowStatusId)?.type ?? 'open';
    const sort = parseSort<Task>(query, {
      name: (t) => t.name,
      created: (t) => t.created,
      status: (t) => STATUS_ORDER[statusType(t)] ?? 0,
    });
    const items = [...store.tasks.values()].filter(
      (t) =>
        filter(t) &&
        (projectIds === undefined || projectIds.has(t.projectId)) &&
        (customerIds === undefined || customerIds.has(store.taskCustomerId(t))) &&
        (typeOfWorkIds === undefined || typeOfWorkIds.has(t.typeOfWorkId)) &&
        (workflowStatusIds === undefined || workflowStatusIds.has(t.workflowStatusId)) &&
        (status === undefined || statusType(t) === status) &&
        canReadTask(store, user, t),
    );
    items.sort(sort);
    const env = paginate(items, page);
    const out: Record<string, unknown> = {
      ...env,
      items: env.items.map((t) => taskOut(store, user, t, ctx.apiBaseUrl)),
    };
    const collect = <T extends { id: number }>(ids: Iterable<number>, get: (id: number) => T | undefined) =>
      refMap([...new Set(ids)].flatMap((id) => (get(id) ? [get(id) as T] : [])));
    if (includes.has('customers'))
      out.customers = collect(
        env.items.map((t) => store.taskCustomerId(t)),
        (id) => {
          const c = store.customers.get(id);
          return c && customerView(store, c, ctx.apiBaseUrl);
        },
      );
    if (includes.has('projects'))
      out.projects = collect(
        env.items.map((t) => t.projectId),
        (id) => {
          const p = store.projects.get(id);
          return p && projectView(store, p, ctx.apiBaseUrl);
        },
      );
    if (includes.has('typesOfWork'))
      out.typesOfWork = collect(
        env.items.map((t) => t.typeOfWorkId),
        (id) => {
          const tw = store.typesOfWork.get(id);
          return tw && typeOfWorkView(user, tw);
        },
      );
    if (includes.has('workflowStatuses'))
      out.workflowStatuses = collect(
        env.items.map((t) => t.workflowStatusId),
        (id) => {
          const s = store.workflowStatuses.get(id);
          return s && statusView(s);
        },
      );
    return ok(out);
  });

  r.add('GET', '/tasks/:id', scope.get);

  r.add('POST', '/tasks', (ctx) => {
    const { store, user } = ctx;
    if (!canManageScope(user)) throw accessDenied();
    const body = bodyObject(ctx);
    const projectId = intField(body, 'projectId', true);
    const name = nameField(body);
    const description = nullableString(body, 'description') ?? null;
    const workflowStatusId = statusFromBody(store, body) ?? firstStatusOfType(store, 'open');
    const typeOfWorkId = typeOfWorkField(store, body) ?? defaultTypeOfWork(store);
    const deadline = deadlineField(body) ?? null;
    const estimatedTime = estimateField(body) ?? null;
    targetProject(store, user, projectId);
    if (taskNameTaken(store, projectId, name)) throw new SimError(400, 'task_exists', undefined, 'name');
    const t = store.addTask({
      id: store.nextId('tasks'),
      projectId,
      name,
      description,
      created: store.clockMs(),
      workflowStatusId,
      typeOfWorkId,
      deadline,
      estimatedTime,
    });
    emit(ctx, 'task.create', t);
    return ok(taskOut(store, user, t, ctx.apiBaseUrl));
  });

  r.add('PATCH', '/tasks/:id', (ctx) => {
    const { store, user } = ctx;
    const t = visibleTask(ctx);
    if (!managesCustomer(user, store.taskCustomerId(t))) throw accessDenied();
    const body = bodyObject(ctx);
    const name = has(body, 'name') ? nameField(body) : undefined;
    const description = nullableString(body, 'description');
    const workflowStatusId = statusFromBody(store, body, t);
    const typeOfWorkId = typeOfWorkField(store, body);
    const deadline = deadlineField(body);
    const estimatedTime = estimateField(body);
    const projectId = intField(body, 'projectId');
    if (projectId !== undefined && projectId !== t.projectId) targetProject(store, user, projectId);
    const target = projectId ?? t.projectId;
    if (taskNameTaken(store, target, name ?? t.name, t.id))
      throw new SimError(400, 'task_exists', undefined, 'name');
    const moved = target !== t.projectId;
    if (name !== undefined) t.name = name;
    if (description !== undefined) t.description = description;
    if (workflowStatusId !== undefined) t.workflowStatusId = workflowStatusId;
    if (typeOfWorkId !== undefined) t.typeOfWorkId = typeOfWorkId;
    if (deadline !== undefined) t.deadline = deadline;
    if (estimatedTime !== undefined) t.estimatedTime = estimatedTime;
    t.projectId = target;
    const otherFields = Object.keys(body).some((k) => k !== 'projectId' && body[k] !== undefined);
    if (otherFields || !moved) emit(ctx, 'task.update', t);
    if (moved) emit(ctx, 'task.move', t);
    return ok(taskOut(store, user, t, ctx.apiBaseUrl));
  });

  r.add('DELETE', '/tasks/:id', scope.remove);
  r.add('GET', '/tasks/:id/comments', scope.comments);
  r.add('GET', '/tasks/:id/assignedUsers', scope.assignedUsers);
}
