/** Helpers shared by the resource routes: path ids, body fields, the user path parameter, comments lists. */
import { parseDate } from '../dates.js';
import { invalid, paginate, parseIncludes, parsePage, parseIntStrict, parseSort, refMap } from '../list.js';
import { accessDenied, canReadUser, notFound } from '../permissions.js';
import type { Comment, CommentTarget, Store, StoreUser } from '../store.js';
import { SimError, type RouteContext, type RouteResult } from '../types.js';
import { commentView, userView } from './views.js';

export type Body = Record<string, unknown>;

export function ok(body: unknown): RouteResult {
  return { status: 200, body };
}

export function noContent(): RouteResult {
  return { status: 204 };
}

export function mandatory(field: string): SimError {
  return new SimError(400, 'mandatory_field', undefined, field);
}

/** An integer path parameter; anything else is unparsable (400). */
export function pathId(ctx: RouteContext, name = 'id'): number {
  return parseIntStrict(ctx.params[name] ?? '', name);
}

/** The JSON body as an object: none → 400 mandatory_field, a non-object → 400 invalid_argument. */
export function bodyObject(ctx: RouteContext): Body {
  const b = ctx.body;
  if (b === undefined || b === null) throw mandatory('body');
  if (typeof b !== 'object' || Array.isArray(b)) throw invalid('body');
  return b as Body;
}

export function has(body: Body, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, field) && body[field] !== undefined;
}

/** A name: required (missing or null → mandatory_field), a string, 1–255 characters (else string_length). */
export function nameField(body: Body, field = 'name'): string {
  const v = body[field];
  if (v === undefined || v === null) throw mandatory(field);
  if (typeof v !== 'string') throw invalid(field);
  if (v.length < 1 || v.length > 255) throw new SimError(400, 'string_length', undefined, field);
  return v;
}

export function requiredString(body: Body, field: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw mandatory(field);
  if (typeof v !== 'string') throw invalid(field);
  if (v.length > 255) throw new SimError(400, 'string_length', undefined, field);
  return v;
}

/** An optional `string | null` field; undefined when absent. */
export function nullableString(body: Body, field: string): string | null | undefined {
  if (!has(body, field)) return undefined;
  const v = body[field];
  if (v === null) return null;
  if (typeof v !== 'string') throw invalid(field);
  return v;
}

export function optionalString(body: Body, field: string): string | undefined {
  if (!has(body, field)) return undefined;
  const v = body[field];
  if (typeof v !== 'string') throw invalid(field);
  return v;
}

export function optionalBool(body: Body, field: string): boolean | undefined {
  if (!has(body, field)) return undefined;
  const v = body[field];
  if (typeof v !== 'boolean') throw invalid(field);
  return v;
}

/** An integer field: required when `required`, else undefined when absent. Strings are not numbers. */
export function intField(body: Body, field: string, required: true): number;
export function intField(body: Body, field: string, required?: false): number | undefined;
export function intField(body: Body, field: string, required = false): number | undefined {
  if (!has(body, field) || body[field] === null) {
    if (required) throw mandatory(field);
    if (body[field] === null) throw invalid(field);
    return undefined;
  }
  const v = body[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(field);
  return v;
}

/** A date field limited to 1970-01-01…3000-12-31 (hire and release dates). */
export function boundedDate(value: unknown, field: string): string {
  const d = parseDate(value);
  if (!d || d < '1970-01-01' || d > '3000-12-31') throw invalid(field);
  return d;
}

/** A date path parameter; `today` is resolved in the path user's time-zone group. */
export function pathDate(store: Store, raw: string | undefined, pathUser: StoreUser): string {
  if (raw === 'today') return store.todayFor(pathUser);
  const d = parseDate(raw);
  if (!d) throw invalid('date');
  return d;
}

/** The `{user}` path parameter: unknown → 404; invisible to the caller → 403. */
export function pathUser(ctx: RouteContext, name = 'user'): StoreUser {
  const u = ctx.store.resolveUser(ctx.params[name] ?? '', ctx.user);
  if (!u) throw notFound(name);
  if (!canReadUser(ctx.user, u)) throw accessDenied();
  return u;
}

/** A name unique ignoring case among `names`. */
export function nameTaken(names: Iterable<string>, name: string): boolean {
  const wanted = name.toLowerCase();
  for (const n of names) if (n.toLowerCase() === wanted) return true;
  return false;
}

/** GET …/{id}/comments: `{offset, limit, items, users?}`. */
export function commentsList(ctx: RouteContext, target: CommentTarget, targetId: number): RouteResult {
  const page = parsePage(ctx);
  const includes = parseIncludes(ctx, ['users']);
  const sort = parseSort<Comment>(ctx.query, { created: (c) => c.created });
  const all = [...ctx.store.comments.values()].filter((c) => c.target === target && c.targetId === targetId);
  all.sort(sort);
  const env: Record<string, unknown> = paginate(all.map(commentView), page);
  if (includes.has('users')) {
    const ids = new Set<number>();
    for (const c of env.items as Array<{ userId: number; updatingUserId: number }>) {
      ids.add(c.userId);
      ids.add(c.updatingUserId);
    }
    env.users = refMap(
      [...ids].flatMap((id) => {
        const u = ctx.store.users.get(id);
        return u ? [userView(ctx.store, ctx.user, u)] : [];
      }),
    );
  }
  return ok(env);
}

/** The revokeApprovedWeeks query flag (default false). */
export function revokeFlag(query: URLSearchParams): boolean {
  const raw = query.get('revokeApprovedWeeks');
  if (raw === null) return false;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalid('revokeApprovedWeeks');
}

/** Users assigned to a customer, project or task (directly, through a parent, a child, or allScope). */
export function assignedUsers(
  store: Store,
  target: { customerId: number; projectId?: number; taskId?: number },
): number[] {
  const out: number[] = [];
  for (const u of store.users.values()) {
    const a = u.assignment;
    let hit = a.allScope || a.customerIds.has(target.customerId);
    if (!hit && target.projectId !== undefined) hit = a.projectIds.has(target.projectId);
    if (!hit && target.taskId !== undefined) hit = a.taskIds.has(target.taskId);
    if (!hit && target.taskId === undefined) {
      // Customers and projects count users assigned to something inside them.
      for (const pid of a.projectIds) {
        const p = store.projects.get(pid);
        if (p && target.projectId === undefined && p.customerId === target.customerId) hit = true;
      }
      for (const tid of a.taskIds) {
        const t = store.tasks.get(tid);
        if (!t) continue;
        if (
          target.projectId !== undefined
            ? t.projectId === target.projectId
            : store.taskCustomerId(t) === target.customerId
        )
          hit = true;
      }
    }
    if (hit) out.push(u.id);
  }
  return out.sort((x, y) => x - y);
}
