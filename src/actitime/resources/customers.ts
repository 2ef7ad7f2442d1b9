/** Customers (§2.3): list, read, create, update, delete, comments, assigned users. */
import type { ActitimeClient } from '../client.js';
import {
  AssignedUsersSchema,
  CommentListSchema,
  CustomerListSchema,
  CustomerSchema,
  type AssignedUsers,
  type CommentList,
  type CustomerList,
  type Customer,
} from '../schemas.js';
import { deleteById, toQuery, type CallOptions, type DeleteResult, type Sort } from './common.js';
import { collectPages, pageSizeFor, type Collected } from './paging.js';
import type { CommentsQuery } from './comments.js';

export interface CustomersQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  name?: string;
  words?: string;
  archived?: boolean;
  sort?: Sort;
}

export interface CustomerCreate {
  name: string;
  description?: string | null;
  archived?: boolean;
}

export type CustomerPatch = Partial<CustomerCreate>;

export interface DeleteOptions extends CallOptions {
  /** Also delete time in approved weeks (which lose their approval); otherwise 400 approved_time_exists. */
  revokeApprovedWeeks?: boolean;
}

/** One page. */
export function listCustomers(
  c: ActitimeClient,
  q: CustomersQuery = {},
  opts: CallOptions = {},
): Promise<CustomerList> {
  return c.request({
    method: 'GET',
    path: ['customers'],
    query: toQuery(q),
    schema: CustomerListSchema,
    signal: opts.signal,
  });
}

/** Every page from `q.offset` (default 0) to the end; `q.limit` caps the page size. */
export async function listAllCustomers(
  c: ActitimeClient,
  q: CustomersQuery = {},
  opts: CallOptions = {},
): Promise<Collected<CustomerList>> {
  const size = await pageSizeFor(c, q.limit, opts);
  return collectPages(
    (offset, limit) => listCustomers(c, { ...q, offset, limit }, opts),
    q.offset ?? 0,
    size,
  );
}

export function getCustomer(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<Customer> {
  return c.request({ method: 'GET', path: ['customers', id], schema: CustomerSchema, signal: opts.signal });
}

export function createCustomer(
  c: ActitimeClient,
  body: CustomerCreate,
  opts: CallOptions = {},
): Promise<Customer> {
  return c.request({
    method: 'POST',
    path: ['customers'],
    body,
    schema: CustomerSchema,
    signal: opts.signal,
  });
}

export function updateCustomer(
  c: ActitimeClient,
  id: number,
  patch: CustomerPatch,
  opts: CallOptions = {},
): Promise<Customer> {
  return c.request({
    method: 'PATCH',
    path: ['customers', id],
    body: patch,
    idempotent: true,
    schema: CustomerSchema,
    signal: opts.signal,
  });
}

export function deleteCustomer(
  c: ActitimeClient,
  id: number,
  opts: DeleteOptions = {},
): Promise<DeleteResult> {
  return deleteById(c, ['customers', id], { revokeApprovedWeeks: opts.revokeApprovedWeeks }, opts);
}

export function listCustomerComments(
  c: ActitimeClient,
  id: number,
  q: CommentsQuery = {},
  opts: CallOptions = {},
): Promise<CommentList> {
  return c.request({
    method: 'GET',
    path: ['customers', id, 'comments'],
    query: toQuery(q),
    schema: CommentListSchema,
    signal: opts.signal,
  });
}

/** Newer servers only (§2.17); older ones answer 404 unknown_resource. */
export function getCustomerAssignedUsers(
  c: ActitimeClient,
  id: number,
  opts: CallOptions = {},
): Promise<AssignedUsers> {
  return c.request({
    method: 'GET',
    path: ['customers', id, 'assignedUsers'],
    schema: AssignedUsersSchema,
    signal: opts.signal,
  });
}
