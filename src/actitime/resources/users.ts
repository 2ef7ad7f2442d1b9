/**
 * Users (docs/actitime-model.md §2.2), their schedules and work assignments (docs/actitime-model.md §2.17), and user rates (docs/actitime-model.md §2.16, newer servers only).
 * `user` is a numeric id, a username, or `me`.
 */
import { z } from 'zod';
import { cacheKey, SCHEDULE_TTL_MS, WORK_TTL_MS } from '../cache.js';
import type { ActitimeClient } from '../client.js';
import { ActitimeError, UnexpectedResponseError } from '../errors.js';
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
import { runBatch, type BatchOp } from './batch.js';
import { toQuery, type CallOptions, type Sort, type UserRef } from './common.js';
import { getInfo } from './info.js';
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

/**
 * listAllUsers through the client's cache (WORK_TTL_MS; any write of this server to users drops it): for lists
 * read again and again, such as "everyone active" of find_missing_time.
 */
export function listAllUsersCached(
  c: ActitimeClient,
  q: UsersQuery = {},
  opts: CallOptions = {},
): Promise<Collected<UserList>> {
  return c.cache.fetch(cacheKey('users', { ...q, all: true }), (signal) => listAllUsers(c, q, { signal }), {
    ...opts,
    ttlMs: WORK_TTL_MS,
  });
}

/** One page through the client's cache; an empty page is not kept (someone may be adding that user now). */
export function listUsersCached(
  c: ActitimeClient,
  q: UsersQuery = {},
  opts: CallOptions = {},
): Promise<UserList> {
  return c.cache.fetch(cacheKey('users', q), (signal) => listUsers(c, q, { signal }), {
    ...opts,
    ttlMs: WORK_TTL_MS,
    keep: (page) => page.items.length > 0,
  });
}

/** A user by numeric id through the client's cache. */
export function getUserCached(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<User> {
  return c.cache.fetch(`users:id:${id}`, (signal) => getUser(c, id, { signal }), {
    ...opts,
    ttlMs: WORK_TTL_MS,
  });
}

export function getUser(c: ActitimeClient, user: UserRef, opts: CallOptions = {}): Promise<User> {
  return c.request({ method: 'GET', path: ['users', user], schema: UserSchema, signal: opts.signal });
}

/** The authenticated user (also the cheapest credential check); always asks actiTIME, and caches the answer. */
export async function getMe(c: ActitimeClient, opts: CallOptions = {}): Promise<User> {
  const me = await getUser(c, 'me', opts);
  c.cache.put(ME_KEY, me, WORK_TTL_MS);
  return me;
}

const ME_KEY = 'users:me';

/**
 * The authenticated user from the client's cache (for WORK_TTL_MS), so a server that answers each request with
 * a fresh session (stateless HTTP) does not ask for it on every tool call.
 */
export function getMeCached(c: ActitimeClient, opts: CallOptions = {}): Promise<User> {
  return c.cache.fetch(ME_KEY, (signal) => getMe(c, { signal }), { ...opts, ttlMs: WORK_TTL_MS });
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

function scheduleKey(user: number, dateFrom: string, dateTo: string): string {
  return `users:schedule:${user}:${dateFrom}:${dateTo}`;
}

/**
 * Schedules of many users for one range, cached for SCHEDULE_TTL_MS (a write of this server to a user drops
 * them). The ones not cached are read together: one GET for a single user, otherwise GET operations in POST
 * /batch (docs/actitime-model.md §2.14), every operation still one request of the rate limit, in chunks the
 * limiter sends side by side. Each user's answer is a Schedule or the error of its operation; a batch that
 * fails as a whole gives every user of its chunk that error.
 */
export function getSchedulesSettled(
  c: ActitimeClient,
  userIds: readonly number[],
  dateFrom: string,
  dateTo: string,
  opts: CallOptions = {},
): Promise<Map<number, Schedule | ActitimeError>> {
  return readSchedules(c, userIds, dateFrom, dateTo, opts, false);
}

/**
 * Like getSchedulesSettled, but a failure fails the whole read as soon as its answer comes (the first in the
 * order of `userIds` within a chunk): the call then ends, and its chunks still queued are never sent.
 */
export async function getSchedules(
  c: ActitimeClient,
  userIds: readonly number[],
  dateFrom: string,
  dateTo: string,
  opts: CallOptions = {},
): Promise<Map<number, Schedule>> {
  return (await readSchedules(c, userIds, dateFrom, dateTo, opts, true)) as Map<number, Schedule>;
}

async function readSchedules(
  c: ActitimeClient,
  userIds: readonly number[],
  dateFrom: string,
  dateTo: string,
  opts: CallOptions,
  failFast: boolean,
): Promise<Map<number, Schedule | ActitimeError>> {
  const found = new Map<number, Schedule | ActitimeError>();
  const missing: number[] = [];
  for (const id of new Set(userIds)) {
    const hit = c.cache.peek<Schedule>(scheduleKey(id, dateFrom, dateTo));
    if (hit) found.set(id, hit);
    else missing.push(id);
  }
  const keep = (id: number, s: Schedule): void => {
    c.cache.put(scheduleKey(id, dateFrom, dateTo), s, SCHEDULE_TTL_MS);
    found.set(id, s);
  };
  const fail = (id: number, err: unknown): void => {
    if (failFast || !(err instanceof ActitimeError)) throw err;
    found.set(id, err);
  };
  if (missing.length === 1) {
    const id = missing[0]!;
    try {
      keep(id, await getSchedule(c, id, dateFrom, dateTo, opts));
    } catch (err) {
      fail(id, err);
    }
  } else if (missing.length > 1) {
    const info = await getInfo(c, opts);
    const { perSecond, perMinute } = c.config.limits;
    const size = Math.max(1, Math.min(info.limits.maxBatchSize, perSecond, perMinute));
    const chunks: number[][] = [];
    for (let i = 0; i < missing.length; i += size) chunks.push(missing.slice(i, i + size));
    await Promise.all(
      chunks.map(async (ids) => {
        const ops: BatchOp[] = ids.map((id) => ({
          method: 'GET',
          path: ['users', id, 'schedule'],
          query: { dateFrom, dateTo },
        }));
        let outcomes;
        try {
          outcomes = await runBatch(c, ops, opts);
        } catch (err) {
          for (const id of ids) fail(id, err);
          return;
        }
        ids.forEach((id, i) => {
          const o = outcomes[i];
          if (!o || o.status < 200 || o.status >= 300) {
            fail(id, o?.error ?? new UnexpectedResponseError('batch_length', 'length'));
            return;
          }
          const parsed = ScheduleSchema.safeParse(o.body);
          if (parsed.success) keep(id, parsed.data);
          else fail(id, new UnexpectedResponseError('schema', 'schedule'));
        });
      }),
    );
  }
  // In the order asked.
  const out = new Map<number, Schedule | ActitimeError>();
  for (const id of userIds) out.set(id, found.get(id)!);
  return out;
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
