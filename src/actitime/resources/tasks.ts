/** Tasks (§2.5): list, read, create, update (a `projectId` change is a move), delete, comments, assigned users. */
import type { ActitimeClient } from '../client.js';
import {
  AssignedUsersSchema,
  CommentListSchema,
  TaskListSchema,
  TaskSchema,
  type AssignedUsers,
  type CommentList,
  type TaskList,
  type Task,
} from '../schemas.js';
import { deleteById, toQuery, type CallOptions, type DeleteResult, type Sort } from './common.js';
import type { CommentsQuery } from './comments.js';
import type { DeleteOptions } from './customers.js';
import { collectPages, pageSizeFor, type Collected } from './paging.js';

export interface TasksQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  name?: string;
  words?: string;
  sort?: Sort;
  customerIds?: number[];
  projectIds?: number[];
  typeOfWorkIds?: number[];
  workflowStatusIds?: number[];
  status?: 'open' | 'completed';
  includeReferenced?: Array<'customers' | 'projects' | 'typesOfWork' | 'workflowStatuses'>;
}

export interface TaskCreate {
  projectId: number;
  name: string;
  description?: string | null;
  /** Send either `status` or `workflowStatusId`. */
  status?: 'open' | 'completed';
  workflowStatusId?: number;
  typeOfWorkId?: number;
  /** `YYYY-MM-DD`, or null to clear. */
  deadline?: string | null;
  /** Minutes. */
  estimatedTime?: number | null;
}

export type TaskPatch = Partial<TaskCreate>;

/** One page. */
export function listTasks(c: ActitimeClient, q: TasksQuery = {}, opts: CallOptions = {}): Promise<TaskList> {
  return c.request({
    method: 'GET',
    path: ['tasks'],
    query: toQuery(q),
    schema: TaskListSchema,
    signal: opts.signal,
  });
}

/** Every page from `q.offset` (default 0) to the end, reference maps merged. */
export async function listAllTasks(
  c: ActitimeClient,
  q: TasksQuery = {},
  opts: CallOptions = {},
): Promise<Collected<TaskList>> {
  const size = await pageSizeFor(c, q.limit, opts);
  return collectPages((offset, limit) => listTasks(c, { ...q, offset, limit }, opts), q.offset ?? 0, size);
}

export function getTask(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<Task> {
  return c.request({ method: 'GET', path: ['tasks', id], schema: TaskSchema, signal: opts.signal });
}

export function createTask(c: ActitimeClient, body: TaskCreate, opts: CallOptions = {}): Promise<Task> {
  return c.request({ method: 'POST', path: ['tasks'], body, schema: TaskSchema, signal: opts.signal });
}

export function updateTask(
  c: ActitimeClient,
  id: number,
  patch: TaskPatch,
  opts: CallOptions = {},
): Promise<Task> {
  return c.request({
    method: 'PATCH',
    path: ['tasks', id],
    body: patch,
    idempotent: true,
    schema: TaskSchema,
    signal: opts.signal,
  });
}

export function deleteTask(c: ActitimeClient, id: number, opts: DeleteOptions = {}): Promise<DeleteResult> {
  return deleteById(c, ['tasks', id], { revokeApprovedWeeks: opts.revokeApprovedWeeks }, opts);
}

export function listTaskComments(
  c: ActitimeClient,
  id: number,
  q: CommentsQuery = {},
  opts: CallOptions = {},
): Promise<CommentList> {
  return c.request({
    method: 'GET',
    path: ['tasks', id, 'comments'],
    query: toQuery(q),
    schema: CommentListSchema,
    signal: opts.signal,
  });
}

/** Newer servers only (§2.17); older ones answer 404 unknown_resource. */
export function getTaskAssignedUsers(
  c: ActitimeClient,
  id: number,
  opts: CallOptions = {},
): Promise<AssignedUsers> {
  return c.request({
    method: 'GET',
    path: ['tasks', id, 'assignedUsers'],
    schema: AssignedUsersSchema,
    signal: opts.signal,
  });
}
