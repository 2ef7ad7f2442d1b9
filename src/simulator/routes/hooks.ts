/**
 * REST hook subscriptions (reference §2.15). Anyone may subscribe; a user sees and removes their own
 * subscriptions, the admin everyone's. `filter` is stored and echoed; matching is on the event name only.
 */
import { invalid, paginate, parseIncludes, parsePage, parseSort } from '../list.js';
import { accessDenied, isAdmin, notFound } from '../permissions.js';
import type { StoreUser } from '../store.js';
import type { RouteRegistrar } from '../types.js';
import { HOOK_EVENTS, type HookSubscription } from '../webhooks.js';
import { bodyObject, has, mandatory, noContent, ok, optionalBool, pathId } from './common.js';

function owns(user: StoreUser, sub: HookSubscription): boolean {
  return isAdmin(user) || sub.userId === user.id;
}

function targetUrl(body: Record<string, unknown>): string {
  const v = body.target_url;
  if (v === undefined || v === null || v === '') throw mandatory('target_url');
  if (typeof v !== 'string' || v.length > 2048) throw invalid('target_url');
  try {
    const url = new URL(v);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalid('target_url');
  }
  return v;
}

export function registerHooks(r: RouteRegistrar): void {
  r.add('GET', '/hooks', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(query, store.limits.maxQueryLimit);
    // No maps on this endpoint: any includeReferenced value is one it does not list (§1.9).
    parseIncludes(query, []);
    const sort = parseSort<HookSubscription>(query, { event: (s) => s.event });
    const items = store.hooks.list().filter((s) => owns(user, s));
    items.sort(sort);
    const env = paginate(items, page);
    return ok({ ...env, items: env.items.map((s) => ({ ...s })) });
  });

  r.add('POST', '/hooks', (ctx) => {
    const { store, user } = ctx;
    const body = bodyObject(ctx);
    const target_url = targetUrl(body);
    const event = body.event;
    if (event === undefined || event === null || event === '') throw mandatory('event');
    if (typeof event !== 'string' || !HOOK_EVENTS.has(event)) throw invalid('event');
    let filter: Record<string, unknown> | null = null;
    if (has(body, 'filter') && body.filter !== null) {
      if (typeof body.filter !== 'object' || Array.isArray(body.filter)) throw invalid('filter');
      filter = body.filter as Record<string, unknown>;
    }
    const enabled = optionalBool(body, 'enabled') ?? true;
    const sub = store.hooks.add({ target_url, event, filter, enabled, userId: user.id });
    return ok({ ...sub });
  });

  r.add('DELETE', '/hooks/:id', (ctx) => {
    const { store, user } = ctx;
    const sub = store.hooks.get(pathId(ctx));
    if (!sub) throw notFound('id');
    if (!owns(user, sub)) throw accessDenied();
    store.hooks.remove(sub.id);
    return noContent();
  });

  r.add('POST', '/hooks/unsubscribe', (ctx) => {
    const { store, user } = ctx;
    const target = targetUrl(bodyObject(ctx));
    for (const sub of store.hooks.list())
      if (sub.target_url === target && owns(user, sub)) store.hooks.remove(sub.id);
    return noContent();
  });
}
