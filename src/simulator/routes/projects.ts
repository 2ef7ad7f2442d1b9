/** Projects (docs/actitime-model.md §2.4) with their comments and assigned users. */
import { commonFilter, paginate, parseIncludes, parsePage, parseSort, queryIds, refMap } from '../list.js';
import {
  accessDenied,
  canManageScope,
  canReadCustomer,
  canReadProject,
  managesCustomer,
  notFound,
} from '../permissions.js';
import type { Project, Store } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import {
  bodyObject,
  has,
  intField,
  nameField,
  nameTaken,
  nullableString,
  ok,
  optionalBool,
} from './common.js';
import { scopeHandlers } from './scope-objects.js';
import { customerView, projectOut, projectView } from './views.js';

const scope = scopeHandlers<Project>({
  kind: 'project',
  objects: (store) => store.projects,
  canRead: canReadProject,
  customerId: (_store, p) => p.customerId,
  taskIds: (store, p) => store.tasksOfProjects(new Set([p.id])),
  remove: (store, p) => store.deleteProjects([p.id]),
  out: projectOut,
  assignment: (_store, p) => ({ customerId: p.customerId, projectId: p.id }),
});

export const visibleProject = scope.visible;

function projectNameTaken(store: Store, customerId: number, name: string, exceptId?: number): boolean {
  return nameTaken(
    [...store.projects.values()]
      .filter((p) => p.customerId === customerId && p.id !== exceptId)
      .map((p) => p.name),
    name,
  );
}

function emit(ctx: RouteContext, event: string, p: Project): void {
  const { store } = ctx;
  const plain = projectView(store, p, ctx.apiBaseUrl);
  store.hooks.emit(event, (sub) => (canReadProject(store, sub, p) ? plain : null));
}

export function registerProjects(r: RouteRegistrar): void {
  r.add('GET', '/projects', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    const filter = commonFilter<Project>(ctx, { ids: true, name: true, words: true, archived: true });
    const customerIds = queryIds(query, 'customerIds');
    const includes = parseIncludes(ctx, ['customers']);
    const sort = parseSort<Project>(query, { name: (p) => p.name, created: (p) => p.created });
    const items = [...store.projects.values()].filter(
      (p) =>
        filter(p) &&
        (customerIds === undefined || customerIds.has(p.customerId)) &&
        canReadProject(store, user, p),
    );
    items.sort(sort);
    const env = paginate(items, page);
    const out: Record<string, unknown> = {
      ...env,
      items: env.items.map((p) => projectOut(store, user, p, ctx.apiBaseUrl)),
    };
    if (includes.has('customers')) {
      const ids = new Set(env.items.map((p) => p.customerId));
      out.customers = refMap(
        [...ids].flatMap((id) => {
          const c = store.customers.get(id);
          return c ? [customerView(store, c, ctx.apiBaseUrl)] : [];
        }),
      );
    }
    return ok(out);
  });

  r.add('GET', '/projects/:id', scope.get);

  r.add('POST', '/projects', (ctx) => {
    const { store, user } = ctx;
    if (!canManageScope(user)) throw accessDenied();
    const body = bodyObject(ctx);
    const customerId = intField(body, 'customerId', true);
    const name = nameField(body);
    const description = nullableString(body, 'description') ?? null;
    const archived = optionalBool(body, 'archived') ?? false;
    const customer = store.customers.get(customerId);
    if (!customer) throw notFound('customerId');
    if (!canReadCustomer(store, user, customer) || !managesCustomer(user, customerId)) throw accessDenied();
    if (projectNameTaken(store, customerId, name))
      throw new SimError(400, 'project_exists', undefined, 'name');
    const p = store.addProject({
      id: store.nextId('projects'),
      customerId,
      name,
      description,
      archived,
      created: store.clockMs(),
    });
    emit(ctx, 'project.create', p);
    return ok(projectOut(store, user, p, ctx.apiBaseUrl));
  });

  r.add('PATCH', '/projects/:id', (ctx) => {
    const { store, user } = ctx;
    const p = visibleProject(ctx);
    if (!managesCustomer(user, p.customerId)) throw accessDenied();
    const body = bodyObject(ctx);
    const name = has(body, 'name') ? nameField(body) : undefined;
    const description = nullableString(body, 'description');
    const archived = optionalBool(body, 'archived');
    const customerId = intField(body, 'customerId');
    if (customerId !== undefined && customerId !== p.customerId) {
      if (!store.customers.has(customerId)) throw notFound('customerId');
      if (!managesCustomer(user, customerId)) throw accessDenied();
    }
    const targetCustomer = customerId ?? p.customerId;
    if (projectNameTaken(store, targetCustomer, name ?? p.name, p.id))
      throw new SimError(400, 'project_exists', undefined, 'name');
    const moved = targetCustomer !== p.customerId;
    if (name !== undefined) p.name = name;
    if (description !== undefined) p.description = description;
    if (archived !== undefined) p.archived = archived;
    p.customerId = targetCustomer;
    if (has(body, 'name') || has(body, 'description') || has(body, 'archived') || !moved)
      emit(ctx, 'project.update', p);
    if (moved) emit(ctx, 'project.move', p);
    return ok(projectOut(store, user, p, ctx.apiBaseUrl));
  });

  r.add('DELETE', '/projects/:id', scope.remove);
  r.add('GET', '/projects/:id/comments', scope.comments);
  r.add('GET', '/projects/:id/assignedUsers', scope.assignedUsers);
}
