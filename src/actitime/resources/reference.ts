/**
 * Read-only reference data (docs/actitime-model.md §2.9–2.12): leave types, types of work, departments, time zone groups. Lists return
 * every matching item (they are short) and are cached with their query; single objects are cached by id.
 */
import { z } from 'zod';
import { cacheKey } from '../cache.js';
import type { ActitimeClient } from '../client.js';
import {
  DepartmentListSchema,
  DepartmentSchema,
  LeaveTypeListSchema,
  LeaveTypeSchema,
  TimeZoneGroupListSchema,
  TimeZoneGroupSchema,
  TypeOfWorkListSchema,
  TypeOfWorkSchema,
  type Department,
  type LeaveType,
  type TimeZoneGroup,
  type TypeOfWork,
} from '../schemas.js';
import { toQuery, type CallOptions, type Sort } from './common.js';
import { collectPages, pageSizeFor, type Page } from './paging.js';

export interface LeaveTypesQuery {
  ids?: number[];
  name?: string;
  words?: string;
  balance?: string;
  archived?: boolean;
  sort?: Sort;
}

export interface TypesOfWorkQuery {
  ids?: number[];
  name?: string;
  words?: string;
  archived?: boolean;
  billable?: boolean;
  sort?: Sort;
}

export interface DepartmentsQuery {
  name?: string;
  sort?: Sort;
}

export interface TimeZoneGroupsQuery {
  name?: string;
  sort?: Sort;
}

/**
 * Every item of a reference list (all pages), cached per query. The first page goes without `limit` (the API's
 * default is its maximum, docs/actitime-model.md §1.6), so it does not wait for GET /info; only a list longer than
 * that page reads on, with the page size /info allows.
 */
export function listAllCached<T>(
  c: ActitimeClient,
  resource: string,
  schema: z.ZodType<Page<T>>,
  q: object | undefined,
  opts: CallOptions,
): Promise<T[]> {
  return c.cache.get(
    cacheKey(resource, q),
    async () => {
      const page = (offset: number, limit?: number) =>
        c.request({
          method: 'GET',
          path: [resource],
          query: { ...toQuery(q), offset, ...(limit === undefined ? {} : { limit }) },
          schema,
        });
      const first = await page(0);
      const echoed = first.limit ?? undefined;
      if (first.items.length === 0 || (echoed !== undefined && first.items.length < echoed))
        return first.items;
      const size = await pageSizeFor(c, undefined, {});
      if (echoed === undefined && first.items.length < size) return first.items;
      const rest = await collectPages<T, Page<T>>(page, first.items.length, size);
      return [...first.items, ...rest.items];
    },
    opts.signal,
  );
}

function getCached<T>(
  c: ActitimeClient,
  resource: string,
  id: number | string,
  schema: z.ZodType<T>,
  opts: CallOptions,
): Promise<T> {
  return c.cache.get(
    `${resource}:id:${String(id)}`,
    () => c.request({ method: 'GET', path: [resource, id], schema }),
    opts.signal,
  );
}

export function listLeaveTypes(
  c: ActitimeClient,
  q: LeaveTypesQuery = {},
  opts: CallOptions = {},
): Promise<LeaveType[]> {
  return listAllCached(c, 'leaveTypes', LeaveTypeListSchema, q, opts);
}

export function getLeaveType(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<LeaveType> {
  return getCached(c, 'leaveTypes', id, LeaveTypeSchema, opts);
}

export function listTypesOfWork(
  c: ActitimeClient,
  q: TypesOfWorkQuery = {},
  opts: CallOptions = {},
): Promise<TypeOfWork[]> {
  return listAllCached(c, 'typesOfWork', TypeOfWorkListSchema, q, opts);
}

/** `id` or `'default'` (the default type of work). */
export function getTypeOfWork(
  c: ActitimeClient,
  id: number | 'default',
  opts: CallOptions = {},
): Promise<TypeOfWork> {
  return getCached(c, 'typesOfWork', id, TypeOfWorkSchema, opts);
}

export function listDepartments(
  c: ActitimeClient,
  q: DepartmentsQuery = {},
  opts: CallOptions = {},
): Promise<Department[]> {
  return listAllCached(c, 'departments', DepartmentListSchema, q, opts);
}

export function getDepartment(c: ActitimeClient, id: number, opts: CallOptions = {}): Promise<Department> {
  return getCached(c, 'departments', id, DepartmentSchema, opts);
}

export function listTimeZoneGroups(
  c: ActitimeClient,
  q: TimeZoneGroupsQuery = {},
  opts: CallOptions = {},
): Promise<TimeZoneGroup[]> {
  return listAllCached(c, 'timeZoneGroups', TimeZoneGroupListSchema, q, opts);
}

/** `id` or `'default'` (the default group, id -1). */
export function getTimeZoneGroup(
  c: ActitimeClient,
  id: number | 'default',
  opts: CallOptions = {},
): Promise<TimeZoneGroup> {
  return getCached(c, 'timeZoneGroups', id, TimeZoneGroupSchema, opts);
}
