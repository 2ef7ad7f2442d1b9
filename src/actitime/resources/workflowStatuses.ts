/**
 * Workflow statuses (docs/actitime-model.md §2.13): CRUD. Reads are cached; every write goes through the client, which drops the
 * `workflowStatuses` cache entries.
 */
import type { ActitimeClient } from '../client.js';
import { WorkflowStatusListSchema, WorkflowStatusSchema, type WorkflowStatus } from '../schemas.js';
import { deleteById, type CallOptions, type DeleteResult, type Sort } from './common.js';
import { listAllCached } from './reference.js';

export interface WorkflowStatusesQuery {
  ids?: number[];
  name?: string;
  words?: string;
  type?: 'open' | 'completed';
  sort?: Sort;
}

export interface WorkflowStatusCreate {
  name: string;
  type: 'open' | 'completed';
}

export type WorkflowStatusPatch = Partial<WorkflowStatusCreate>;

/** Every matching status (all pages), cached per query. */
export function listWorkflowStatuses(
  c: ActitimeClient,
  q: WorkflowStatusesQuery = {},
  opts: CallOptions = {},
): Promise<WorkflowStatus[]> {
  return listAllCached(c, 'workflowStatuses', WorkflowStatusListSchema, q, opts);
}

export function getWorkflowStatus(
  c: ActitimeClient,
  id: number,
  opts: CallOptions = {},
): Promise<WorkflowStatus> {
  return c.cache.get(
    `workflowStatuses:id:${id}`,
    () => c.request({ method: 'GET', path: ['workflowStatuses', id], schema: WorkflowStatusSchema }),
    opts.signal,
  );
}

export function createWorkflowStatus(
  c: ActitimeClient,
  body: WorkflowStatusCreate,
  opts: CallOptions = {},
): Promise<WorkflowStatus> {
  return c.request({
    method: 'POST',
    path: ['workflowStatuses'],
    body,
    schema: WorkflowStatusSchema,
    signal: opts.signal,
  });
}

export function updateWorkflowStatus(
  c: ActitimeClient,
  id: number,
  patch: WorkflowStatusPatch,
  opts: CallOptions = {},
): Promise<WorkflowStatus> {
  return c.request({
    method: 'PATCH',
    path: ['workflowStatuses', id],
    body: patch,
    idempotent: true,
    schema: WorkflowStatusSchema,
    signal: opts.signal,
  });
}

export function deleteWorkflowStatus(
  c: ActitimeClient,
  id: number,
  opts: CallOptions = {},
): Promise<DeleteResult> {
  return deleteById(c, ['workflowStatuses', id], undefined, opts);
}
