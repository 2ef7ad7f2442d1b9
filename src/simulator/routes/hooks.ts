/**
 * REST hook subscriptions (docs/actitime-model.md §2.15). Anyone may subscribe; a user sees and removes their own
 * subscriptions, the admin everyone's. `filter` is checked, stored and echoed; matching is on the event name
 * only.
 */
import { invalid, paginate, parseIncludes, parsePage, parseSort } from '../list.js';
import { accessDenied, isAdmin, notFound } from '../permissions.js';
import type { StoreUser } from '../store.js';
import type { RouteContext, RouteRegistrar } from '../types.js';
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

const ID_LIST = /Ids$/;
const ID_STRING = /^\s*-?\d+\s*(,\s*-?\d+\s*)*$/;

/**
 * `filter`: an object whose `…Ids` entries are id lists. The model takes number arrays; a swagger-derived model
 * types them as comma-separated strings, which hook-filter-strings takes instead. Each form refuses the other,
 * so a client has to find out which one the server speaks (docs/actitime-model.md §2.15).
 */
function filterField(ctx: RouteContext, body: Record<string, unknown>): Record<string, unknown> | null {
  if (!has(body, 'filter') || body.filter === null) return null;
  if (typeof body.filter !== 'object' || Array.isArray(body.filter)) throw invalid('filter');
  const filter = body.filter as Record<string, unknown>;
  const strings = ctx.quirks.has('hook-filter-strings');
  for (const [key, v] of Object.entries(filter)) {
    if (!ID_LIST.test(key) || v === null) continue;
    const valid = strings
      ? typeof v === 'string' && ID_STRING.test(v)
      : Array.isArray(v) && v.every((id) => typeof id === 'number' && Number.isInteger(id));
    if (!valid) throw invalid('filter');
  }
  return filter;
}

export function registerHooks(r: RouteRegistrar): void {
  r.add('GET', '/hooks', (ctx) => {
    const { store, user, query } = ctx;
    const page = parsePage(ctx);
    // No maps on this endpoint: any includeReferenced value is one it does not list (docs/actitime-model.md §1.9).
    parseIncludes(ctx, []);
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
    const filter = filterField(ctx, body);
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
