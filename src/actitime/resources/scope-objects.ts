/**
 * Customers, projects and tasks (docs/actitime-model.md §2.3–2.5) share one endpoint shape: a paged list, read, create, update (set
 * semantics, so retried once), delete with `revokeApprovedWeeks`, comments and assigned users. The per-resource
 * modules bind it to their collection and schemas and export the named functions.
 */
import type { z } from 'zod';
import type { ActitimeClient } from '../client.js';
import { AssignedUsersSchema, CommentListSchema, type AssignedUsers, type CommentList } from '../schemas.js';
import { deleteById, toQuery, type CallOptions, type DeleteResult } from './common.js';
import type { CommentsQuery } from './comments.js';
import { collectPages, pageSizeFor, type Collected, type Page } from './paging.js';

export interface DeleteOptions extends CallOptions {
  /** Also delete time in approved weeks (which lose their approval); otherwise 400 approved_time_exists. */
  revokeApprovedWeeks?: boolean;
}

/** Property-style (not method-style) so each can be exported on its own without an unbound `this`. */
export interface ScopeObjectEndpoints<Q, L extends Page<unknown>, O, C, P> {
  /** One page. */
  list: (c: ActitimeClient, q?: Q, opts?: CallOptions) => Promise<L>;
  /** Every page from `q.offset` (default 0) to the end, reference maps merged; `q.limit` caps the page size. */
  listAll: (c: ActitimeClient, q?: Q, opts?: CallOptions) => Promise<Collected<L>>;
  get: (c: ActitimeClient, id: number, opts?: CallOptions) => Promise<O>;
  create: (c: ActitimeClient, body: C, opts?: CallOptions) => Promise<O>;
  update: (c: ActitimeClient, id: number, patch: P, opts?: CallOptions) => Promise<O>;
  remove: (c: ActitimeClient, id: number, opts?: DeleteOptions) => Promise<DeleteResult>;
  comments: (c: ActitimeClient, id: number, q?: CommentsQuery, opts?: CallOptions) => Promise<CommentList>;
  /** Newer servers only (docs/actitime-model.md §2.17); older ones answer 404 unknown_resource. */
  assignedUsers: (c: ActitimeClient, id: number, opts?: CallOptions) => Promise<AssignedUsers>;
}

export function scopeObjectEndpoints<
  Q extends { offset?: number; limit?: number },
  L extends Page<unknown>,
  O,
  C,
  P,
>(
  collection: 'customers' | 'projects' | 'tasks',
  listSchema: z.ZodType<L>,
  schema: z.ZodType<O>,
): ScopeObjectEndpoints<Q, L, O, C, P> {
  const list = (c: ActitimeClient, q: Q = {} as Q, opts: CallOptions = {}): Promise<L> =>
    c.request({
      method: 'GET',
      path: [collection],
      query: toQuery(q),
      schema: listSchema,
      signal: opts.signal,
    });
  return {
    list,
    async listAll(c, q = {} as Q, opts = {}) {
      const size = await pageSizeFor(c, q.limit, opts);
      return collectPages((offset, limit) => list(c, { ...q, offset, limit }, opts), q.offset ?? 0, size);
    },
    get: (c, id, opts = {}) =>
      c.request({ method: 'GET', path: [collection, id], schema, signal: opts.signal }),
    create: (c, body, opts = {}) =>
      c.request({ method: 'POST', path: [collection], body, schema, signal: opts.signal }),
    update: (c, id, patch, opts = {}) =>
      c.request({
        method: 'PATCH',
        path: [collection, id],
        body: patch,
        idempotent: true,
        schema,
        signal: opts.signal,
      }),
    remove: (c, id, opts = {}) =>
      deleteById(c, [collection, id], { revokeApprovedWeeks: opts.revokeApprovedWeeks }, opts),
    comments: (c, id, q = {}, opts = {}) =>
      c.request({
        method: 'GET',
        path: [collection, id, 'comments'],
        query: toQuery(q),
        schema: CommentListSchema,
        signal: opts.signal,
      }),
    assignedUsers: (c, id, opts = {}) =>
      c.request({
        method: 'GET',
        path: [collection, id, 'assignedUsers'],
        schema: AssignedUsersSchema,
        signal: opts.signal,
      }),
  };
}
