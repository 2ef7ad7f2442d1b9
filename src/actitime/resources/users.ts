/**
 * Users (docs/actitime-model.md §2.2), their schedules and work assignments (docs/actitime-model.md §2.17), and user rates (docs/actitime-model.md §2.16, newer servers only).
 * `user` is a numeric id, a username, or `me`.
 */
import { z } from 'zod';
import type { ActitimeClient } from '../client.js';
import {
  ScheduleSchema,
  UserListSchema,
  UserSchema,
  WorkAssignmentsSchema,
  type Schedule,
  type User,
  type UserList,
  type WorkAssignments,
} from '../schemas.js';
import { toQuery, type CallOptions, type Sort, type UserRef } from './common.js';
import { collectPages, pageSizeFor, type Collected } from './paging.js';

export interface UsersQuery {
  offset?: number;
  limit?: number;
  ids?: number[];
  sort?: Sort;
  active?: boolean;
  username?: string;
  email?: string;
  name?: string;
  department?: number;
  timeZoneGroup?: number;
  includeReferenced?: Array<'departments' | 'timeZoneGroups'>;
}

export interface UserCreate {
  username: string;
  password: string;
  firstName: string;
  lastName: string;
  middleName?: string;
  email?: string;
  departmentId?: number;
  timeZoneGroupId?: number;
  hired?: string | null;
  releaseDate?: string | null;
  active?: boolean;
}

export type UserPatch = Partial<UserCreate>;

/** One page. */
export function listUsers(c: ActitimeClient, q: UsersQuery = {}, opts: CallOptions = {}): Promise<UserList> {
  return c.request({
    method: 'GET',
    path: ['users'],
    query: toQuery(q),
    schema: UserListSchema,
    signal: opts.signal,
  });
}

/** Every page from `q.offset` (default 0) to the end, reference maps merged. */
export async function listAllUsers(
  c: ActitimeClient,
  q: UsersQuery = {},
  opts: CallOptions = {},
): Promise<Collected<UserList>> {
  const size = await pageSizeFor(c, q.limit, opts);
  return collectPages((offset, limit) => listUsers(c, { ...q, offset, limit }, opts), q.offset ?? 0, size);
}

export function getUser(c: ActitimeClient, user: UserRef, opts: CallOptions = {}): Promise<User> {
  return c.request({ method: 'GET', path: ['users', user], schema: UserSchema, signal: opts.signal });
}

/** The authenticated user (also the cheapest credential check). */
export function getMe(c: ActitimeClient, opts: CallOptions = {}): Promise<User> {
  return getUser(c, 'me', opts);
}

/** Scheduled minutes per day, `dateFrom`…`dateTo` inclusive; both optional (server default: a week from today). */
export function getSchedule(
  c: ActitimeClient,
  user: UserRef,
  dateFrom?: string,
  dateTo?: string,
  opts: CallOptions = {},
): Promise<Schedule> {
  return c.request({
    method: 'GET',
    path: ['users', user, 'schedule'],
    query: { dateFrom, dateTo },
    schema: ScheduleSchema,
    signal: opts.signal,
  });
}

export function createUser(c: ActitimeClient, body: UserCreate, opts: CallOptions = {}): Promise<User> {
  return c.request({ method: 'POST', path: ['users'], body, schema: UserSchema, signal: opts.signal });
}

/** Creates the user and sends an e-mail invitation (body fields unconfirmed, docs/actitime-model.md §2.2). */
export function inviteUser(
  c: ActitimeClient,
  body: Partial<UserCreate>,
  opts: CallOptions = {},
): Promise<User> {
  return c.request({
    method: 'POST',
    path: ['users', 'invitation'],
    body,
    schema: UserSchema,
    signal: opts.signal,
  });
}

export function updateUser(
  c: ActitimeClient,
  user: UserRef,
  patch: UserPatch,
  opts: CallOptions = {},
): Promise<User> {
  return c.request({
    method: 'PATCH',
    path: ['users', user],
    body: patch,
    idempotent: true,
    schema: UserSchema,
    signal: opts.signal,
  });
}

/** Newer servers only (docs/actitime-model.md §2.17); older ones answer 404 unknown_resource. */
export function getWorkAssignments(
  c: ActitimeClient,
  user: UserRef,
  opts: CallOptions = {},
): Promise<WorkAssignments> {
  return c.request({
    method: 'GET',
    path: ['users', user, 'workAssignments'],
    schema: WorkAssignmentsSchema,
    signal: opts.signal,
  });
}

export const UserRateSchema = z.looseObject({
  dateFrom: z.string().nullish(),
  regularRate: z.number().nullish(),
  overtimeRate: z.number().nullish(),
  leaveRates: z.array(z.looseObject({ leaveTypeId: z.int(), rate: z.number().nullish() })).nullish(),
});
export type UserRate = z.output<typeof UserRateSchema>;

/** One user's rate history (docs/actitime-model.md §2.16, unconfirmed; older servers and the simulator may answer 404). */
export function getUserRates(c: ActitimeClient, user: UserRef, opts: CallOptions = {}): Promise<UserRate[]> {
  return c.request({
    method: 'GET',
    path: ['userRates', user],
    schema: z.array(UserRateSchema),
    signal: opts.signal,
  });
}

/** Replaces one user's rate history (PUT; idempotent). */
export function setUserRates(
  c: ActitimeClient,
  user: UserRef,
  rates: UserRate[],
  opts: CallOptions = {},
): Promise<UserRate[]> {
  return c.request({
    method: 'PUT',
    path: ['userRates', user],
    body: rates,
    idempotent: true,
    schema: z.array(UserRateSchema),
    signal: opts.signal,
  });
}
