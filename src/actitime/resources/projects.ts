/** Projects (§2.4): list, read, create, update (a `customerId` change is a move), delete, comments, assigned users. */
import type { ActitimeClient } from '../client.js';
import {
  AssignedUsersSchema,
  CommentListSchema,
  ProjectListSchema,
  ProjectSchema,
  type AssignedUsers,
  type CommentList,
  type ProjectList,
  type Project,
} from '../schemas.js';
import { deleteById, toQuery, type CallOptions, type DeleteResult, type Sort } from './common.js';
import type { CommentsQuery } from './comments.js';
import type { DeleteOptions } from './customers.js';
import { collectPages, pageSizeFor, type Collected } from './paging.js';

export interface ProjectsQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  customerIds?: number[];
  name?: string;
  words?: string;
  archived?: boolean;
  sort?: Sort;
  includeReferenced?: Array<'customers'>;
}

export interface ProjectCreate {
  customerId: number;
  name: string;
  description?: string | null;
  archived?: boolean;
}

export type ProjectPatch = Partial<ProjectCreate>;

/** One page. */
export function listProjects(
  c: ActitimeClient,
  q: ProjectsQuery = {},
  opts: CallOptions = {},
): Promise<ProjectList> {
  return c.request({
    method: 'GET',
    path: ['projects'],
    query: toQuery(q),
    schema: ProjectListSchema,
    signal: opts.signal,
  });
}

/** Every page from `q.offset` (default 0) to the end, reference maps merged. */
export async function listAllProjects(
  c: ActitimeClient,
  q: ProjectsQuery = {},
  opts: CallOptions = {},
): Promise<Collected<ProjectList>> {
  const size = await pageSizeFor(c, q.limit, opts);
  return collectPages((offset, limit) => listProjects(c, { ...q, offset, limit }, opts), q.offset ?? 0, size);
}

export function getProject(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<Project> {
  return c.request({ method: 'GET', path: ['projects', id], schema: ProjectSchema, signal: opts.signal });
}

export function createProject(
  c: ActitimeClient,
  body: ProjectCreate,
  opts: CallOptions = {},
): Promise<Project> {
  return c.request({ method: 'POST', path: ['projects'], body, schema: ProjectSchema, signal: opts.signal });
}

export function updateProject(
  c: ActitimeClient,
  id: number,
  patch: ProjectPatch,
  opts: CallOptions = {},
): Promise<Project> {
  return c.request({
    method: 'PATCH',
    path: ['projects', id],
    body: patch,
    idempotent: true,
    schema: ProjectSchema,
    signal: opts.signal,
  });
}

export function deleteProject(
  c: ActitimeClient,
  id: number,
  opts: DeleteOptions = {},
): Promise<DeleteResult> {
  return deleteById(c, ['projects', id], { revokeApprovedWeeks: opts.revokeApprovedWeeks }, opts);
}

export function listProjectComments(
  c: ActitimeClient,
  id: number,
  q: CommentsQuery = {},
  opts: CallOptions = {},
): Promise<CommentList> {
  return c.request({
    method: 'GET',
    path: ['projects', id, 'comments'],
    query: toQuery(q),
    schema: CommentListSchema,
    signal: opts.signal,
  });
}

/** Newer servers only (§2.17); older ones answer 404 unknown_resource. */
export function getProjectAssignedUsers(
  c: ActitimeClient,
  id: number,
  opts: CallOptions = {},
): Promise<AssignedUsers> {
  return c.request({
    method: 'GET',
    path: ['projects', id, 'assignedUsers'],
    schema: AssignedUsersSchema,
    signal: opts.signal,
  });
}
