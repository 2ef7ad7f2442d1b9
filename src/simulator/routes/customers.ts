/** Customers (docs/actitime-model.md §2.3) with their comments and assigned users. */
import { commonFilter, paginate, parseIncludes, parsePage, parseSort } from '../list.js';
import { accessDenied, canManageScope, canReadCustomer, managesCustomer } from '../permissions.js';
import type { Customer } from '../store.js';
import { SimError, type RouteContext, type RouteRegistrar } from '../types.js';
import { bodyObject, has, nameField, nameTaken, nullableString, ok, optionalBool } from './common.js';
import { scopeHandlers } from './scope-objects.js';
import { customerOut, customerView } from './views.js';

const scope = scopeHandlers<Customer>({
  kind: 'customer',
  objects: (store) => store.customers,
  canRead: canReadCustomer,
  customerId: (_store, c) => c.id,
  taskIds: (store, c) => store.tasksOfProjects(new Set(store.projectsOfCustomer(c.id))),
  remove: (store, c) => store.deleteCustomer(c.id),
  out: customerOut,
  assignment: (_store, c) => ({ customerId: c.id }),
});

/** The customer behind `:id`: missing → 404, invisible → 403. */
export const visibleCustomer = scope.visible;

function emit(ctx: RouteContext, event: string, c: Customer): void {
  const { store } = ctx;
  const plain = customerView(store, c, ctx.apiBaseUrl);
  store.hooks.emit(event, (sub) => (canReadCustomer(store, sub, c) ? plain : null));
}

export function registerCustomers(r: RouteRegistrar): void {
  r.add('GET', '/customers', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
    const filter = commonFilter<Customer>(ctx, { ids: true, name: true, words: true, archived: true });
    const sort = parseSort<Customer>(query, { name: (c) => c.name, created: (c) => c.created });
    const items = [...store.customers.values()].filter((c) => filter(c) && canReadCustomer(store, user, c));
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map((c) => customerOut(store, user, c, ctx.apiBaseUrl)) });
  });

  r.add('GET', '/customers/:id', scope.get);

  r.add('POST', '/customers', (ctx) => {
    const { store, user } = ctx;
    if (!canManageScope(user)) throw accessDenied();
    const body = bodyObject(ctx);
    const name = nameField(body);
    const description = nullableString(body, 'description') ?? null;
    const archived = optionalBool(body, 'archived') ?? false;
    if (
      nameTaken(
        [...store.customers.values()].map((c) => c.name),
        name,
      )
    )
      throw new SimError(400, 'customer_exists', undefined, 'name');
    const c = store.addCustomer({
      id: store.nextId('customers'),
      name,
      description,
      archived,
      created: store.clockMs(),
    });
    // A manager who creates a customer administers it (else it would vanish from their view at once).
    if (user.role === 'manager') user.scopeCustomerIds.add(c.id);
    emit(ctx, 'customer.create', c);
    return ok(customerOut(store, user, c, ctx.apiBaseUrl));
  });

  r.add('PATCH', '/customers/:id', (ctx) => {
    const { store, user } = ctx;
    const c = visibleCustomer(ctx);
    if (!managesCustomer(user, c.id)) throw accessDenied();
    const body = bodyObject(ctx);
    const name = has(body, 'name') ? nameField(body) : undefined;
    const description = nullableString(body, 'description');
    const archived = optionalBool(body, 'archived');
    if (
      name !== undefined &&
      nameTaken(
        [...store.customers.values()].filter((o) => o.id !== c.id).map((o) => o.name),
        name,
      )
    )
      throw new SimError(400, 'customer_exists', undefined, 'name');
    if (name !== undefined) c.name = name;
    if (description !== undefined) c.description = description;
    if (archived !== undefined) c.archived = archived;
    emit(ctx, 'customer.update', c);
    return ok(customerOut(store, user, c, ctx.apiBaseUrl));
  });

  r.add('DELETE', '/customers/:id', scope.remove);
  r.add('GET', '/customers/:id/comments', scope.comments);
  r.add('GET', '/customers/:id/assignedUsers', scope.assignedUsers);
}
