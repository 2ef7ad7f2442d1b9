/** REST hook subscriptions (§2.15). */
import type { ActitimeClient } from '../client.js';
import { HookListSchema, HookSchema, type Hook } from '../schemas.js';
import { deleteById, type CallOptions, type DeleteResult } from './common.js';

export interface HookCreate {
  target_url: string;
  /** e.g. `*`, `task`, `task.create`, `timetrack.update` (case-sensitive). */
  event: string;
  filter?: {
    customerIds?: number[];
    projectIds?: number[];
    taskIds?: number[];
    userIds?: number[];
    departmentIds?: number[];
  } | null;
  enabled?: boolean;
}

/** All subscriptions (envelope or bare array on the wire; `targetUrl` normalised to `target_url`). */
export function listHooks(c: ActitimeClient, opts: CallOptions = {}): Promise<Hook[]> {
  return c.request({ method: 'GET', path: ['hooks'], schema: HookListSchema, signal: opts.signal });
}

export function createHook(c: ActitimeClient, body: HookCreate, opts: CallOptions = {}): Promise<Hook> {
  return c.request({ method: 'POST', path: ['hooks'], body, schema: HookSchema, signal: opts.signal });
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
