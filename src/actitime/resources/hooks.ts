/**
 * REST hook subscriptions (docs/actitime-model.md §2.15).
 *
 * Filter ids: the project's model sends number arrays (`{"userIds": [3, 4]}`), a swagger-derived model types
 * them as comma-separated strings (`{"userIds": "3,4"}`), and a server taking one form refuses the other with
 * 400 (docs/actitime-model.md §2.15). createHook sends the form this server took last (numbers at first) and,
 * on a 400 about the filter, the other form once: a 400 created nothing, so the second attempt cannot make a
 * second subscription. The form that worked is remembered per client. Filters are read back in both forms.
 */
import type { ActitimeClient } from '../client.js';
import { ActitimeApiError } from '../errors.js';
import { HookListSchema, HookSchema, type Hook } from '../schemas.js';
import { deleteById, type CallOptions, type DeleteResult } from './common.js';

export interface HookFilter {
  customerIds?: number[];
  projectIds?: number[];
  taskIds?: number[];
  userIds?: number[];
  departmentIds?: number[];
}

export interface HookCreate {
  target_url: string;
  /** e.g. `*`, `task`, `task.create`, `timetrack.update` (case-sensitive). */
  event: string;
  filter?: HookFilter | null;
  enabled?: boolean;
}

export type FilterForm = 'numbers' | 'strings';

/** The filter form each server accepted; absent until a create with a filter succeeded. */
const filterForms = new WeakMap<ActitimeClient, FilterForm>();

/** The form createHook sends first to this server. */
export function hookFilterForm(c: ActitimeClient): FilterForm {
  return filterForms.get(c) ?? 'numbers';
}

/** All subscriptions (envelope or bare array on the wire; `targetUrl` normalised to `target_url`). */
export function listHooks(c: ActitimeClient, opts: CallOptions = {}): Promise<Hook[]> {
  return c.request({ method: 'GET', path: ['hooks'], schema: HookListSchema, signal: opts.signal });
}

export async function createHook(c: ActitimeClient, body: HookCreate, opts: CallOptions = {}): Promise<Hook> {
  const filter = body.filter;
  if (!filter || Object.keys(filter).length === 0) return postHook(c, body, opts);
  const first = hookFilterForm(c);
  let refused: ActitimeApiError;
  try {
    const hook = await postHook(c, { ...body, filter: inForm(filter, first) }, opts);
    filterForms.set(c, first);
    return hook;
  } catch (err) {
    if (!refusesFilter(err)) throw err;
    refused = err;
  }
  const other: FilterForm = first === 'numbers' ? 'strings' : 'numbers';
  try {
    const hook = await postHook(c, { ...body, filter: inForm(filter, other) }, opts);
    filterForms.set(c, other);
    return hook;
  } catch (err) {
    // Both forms refused: the first answer is about the form this client prefers.
    throw refusesFilter(err) ? refused : err;
  }
}

function postHook(c: ActitimeClient, body: unknown, opts: CallOptions): Promise<Hook> {
  return c.request({ method: 'POST', path: ['hooks'], body, schema: HookSchema, signal: opts.signal });
}

function inForm(filter: HookFilter, form: FilterForm): Record<string, number[] | string> {
  const out: Record<string, number[] | string> = {};
  for (const [key, ids] of Object.entries(filter) as Array<[string, number[] | undefined]>) {
    if (ids !== undefined) out[key] = form === 'numbers' ? ids : ids.join(',');
  }
  return out;
}

/**
 * A 400 that is about the filter: one naming the field `filter` (or a part of it); with no field named, an
 * invalid-argument refusal, also when the server sends one generic key for every validation error and only
 * its message says so (docs/actitime-model.md §1.11). A 400 naming another field is about that field.
 */
function refusesFilter(err: unknown): err is ActitimeApiError {
  if (!(err instanceof ActitimeApiError) || err.status !== 400) return false;
  const fields = (err.fields ?? '').split(/[\s,;]+/).filter((f) => f !== '');
  if (fields.length > 0) return fields.some((f) => /^filter\b/i.test(f));
  if (err.shortKey === 'invalid_argument') return true;
  const generic = err.shortKey === '' || err.shortKey === 'bad_request';
  return generic && /\b(argument|filter)/i.test(err.upstreamMessage ?? '');
}

export function deleteHook(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<DeleteResult> {
  return deleteById(c, ['hooks', id], undefined, opts);
}

/** Removes every subscription to `targetUrl`. Repeating it is harmless. */
export async function unsubscribeHooks(
  c: ActitimeClient,
  targetUrl: string,
  opts: CallOptions = {},
): Promise<void> {
  await c.request({
    method: 'POST',
    path: ['hooks', 'unsubscribe'],
    body: { target_url: targetUrl },
    idempotent: true,
    signal: opts.signal,
  });
}
