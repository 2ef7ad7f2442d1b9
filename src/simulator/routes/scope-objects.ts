/**
 * The handlers customers, projects and tasks share (docs/actitime-model.md §2.3–2.5): read by id, delete with
 * `revokeApprovedWeeks`, comments and assigned users. Each object is looked up, then checked visible (missing →
 * 404, invisible → 403) before anything else.
 */
import { accessDenied, managesCustomer, notFound } from '../permissions.js';
import type { CommentTarget, Store, StoreUser } from '../store.js';
import { SimError, type RouteContext, type RouteHandler } from '../types.js';
import { assignedUsers, commentsList, noContent, ok, pathId, revokeFlag } from './common.js';

export interface ScopeKind<T extends { id: number }> {
  /** Comment target, and the prefix of the webhook events (`customer.delete`, …). */
  kind: CommentTarget;
  objects(store: Store): Map<number, T>;
  canRead(store: Store, user: StoreUser, o: T): boolean;
  /** The customer whose administrators may delete the object. */
  customerId(store: Store, o: T): number;
  /** The tasks whose approved weeks a delete would touch. */
  taskIds(store: Store, o: T): Iterable<number>;
  remove(store: Store, o: T): void;
  out(store: Store, user: StoreUser, o: T, apiBaseUrl: string): unknown;
  assignment(store: Store, o: T): { customerId: number; projectId?: number; taskId?: number };
}

export interface ScopeHandlers<T> {
  /** The object behind `:id`: missing → 404, invisible → 403. */
  visible: (ctx: RouteContext) => T;
  get: RouteHandler;
  remove: RouteHandler;
  comments: RouteHandler;
  assignedUsers: RouteHandler;
}

export function scopeHandlers<T extends { id: number }>(k: ScopeKind<T>): ScopeHandlers<T> {
  const visible = (ctx: RouteContext): T => {
    const o = k.objects(ctx.store).get(pathId(ctx));
    if (!o) throw notFound('id');
    if (!k.canRead(ctx.store, ctx.user, o)) throw accessDenied();
    return o;
  };
  return {
    visible,
    get: (ctx) => ok(k.out(ctx.store, ctx.user, visible(ctx), ctx.apiBaseUrl)),
    remove: (ctx) => {
      const { store, user } = ctx;
      const o = visible(ctx);
      if (!managesCustomer(user, k.customerId(store, o))) throw accessDenied();
      const revoke = revokeFlag(ctx.query);
      const approved = store.approvedWeeksOf(k.taskIds(store, o));
      if (approved.length > 0 && !revoke) throw new SimError(400, 'approved_time_exists');
      store.hooks.emit(`${k.kind}.delete`, (sub) => (k.canRead(store, sub, o) ? { id: o.id } : null));
      store.revokeApprovals(approved);
      k.remove(store, o);
      return noContent();
    },
    comments: (ctx) => commentsList(ctx, k.kind, visible(ctx).id),
    assignedUsers: (ctx) => ok({ userIds: assignedUsers(ctx.store, k.assignment(ctx.store, visible(ctx))) }),
  };
}
