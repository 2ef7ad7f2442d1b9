/**
 * Leave types, types of work, workflow statuses, departments and time-zone groups: short lists that come whole
 * from the client's reference cache, so a name is matched here rather than searched for.
 */
import {
  listDepartments,
  listLeaveTypes,
  listTimeZoneGroups,
  listTypesOfWork,
} from '../../actitime/resources/reference.js';
import { listWorkflowStatuses } from '../../actitime/resources/workflowStatuses.js';
import type {
  Department,
  LeaveType,
  TimeZoneGroup,
  TypeOfWork,
  WorkflowStatus,
} from '../../actitime/schemas.js';
import { closest, pick, type Named } from './match.js';
import { parseRef } from './ref.js';
import { ambiguous, notFound, notFoundId, withArchivedHint } from './refusals.js';
import { requestOptions, type Ref, type ResolveOptions, type Resolver } from './types.js';

interface RefLookup<T extends Named> {
  what: string;
  field: string;
  list: () => Promise<T[]>;
  /** For lists that know archiving. */
  archived?: (item: T) => boolean;
  allowNegative?: boolean;
}

async function resolveFromList<T extends Named>(
  ref: Ref,
  lookup: RefLookup<T>,
  includeArchived: boolean,
): Promise<T> {
  const { what, field } = lookup;
  const parsed = parseRef(ref, field, lookup.allowNegative === true);
  const all = await lookup.list();
  if (parsed.kind === 'id') {
    const byId = all.find((i) => i.id === parsed.id);
    if (byId) return byId;
    if (typeof ref === 'number' || parsed.id < 0) throw notFoundId(what, parsed.id, field);
  }
  const usable = includeArchived || !lookup.archived ? all : all.filter((i) => !lookup.archived!(i));
  const m = pick(usable, parsed.text);
  if (m.kind === 'one') return m.item;
  if (m.kind === 'many') {
    throw ambiguous(
      what,
      parsed.text,
      field,
      m.items.map((i) => ({ id: i.id, path: i.name })),
      false,
    );
  }
  const archivedOnly = usable.length !== all.length && pick(all, parsed.text).kind !== 'none';
  throw notFound(
    what,
    parsed.text,
    field,
    archivedOnly ? [] : closest(usable, parsed.text, (i) => i.name),
    archivedOnly,
  );
}

export function resolveLeaveType(r: Resolver, ref: Ref, options: ResolveOptions = {}): Promise<LeaveType> {
  return withArchivedHint(
    resolveFromList(
      ref,
      {
        what: 'leave type',
        field: options.field ?? 'leaveType',
        list: () => listLeaveTypes(r.client, {}, requestOptions(r)),
        archived: (t) => t.archived === true,
      },
      options.includeArchived === true,
    ),
    options,
  );
}

export function resolveTypeOfWork(r: Resolver, ref: Ref, options: ResolveOptions = {}): Promise<TypeOfWork> {
  return withArchivedHint(
    resolveFromList(
      ref,
      {
        what: 'type of work',
        field: options.field ?? 'typeOfWork',
        list: () => listTypesOfWork(r.client, {}, requestOptions(r)),
        archived: (t) => t.archived === true,
      },
      options.includeArchived === true,
    ),
    options,
  );
}

export function resolveWorkflowStatus(
  r: Resolver,
  ref: Ref,
  options: ResolveOptions = {},
): Promise<WorkflowStatus> {
  return resolveFromList(
    ref,
    {
      what: 'workflow status',
      field: options.field ?? 'workflowStatus',
      list: () => listWorkflowStatuses(r.client, {}, requestOptions(r)),
    },
    true,
  );
}

export function resolveDepartment(r: Resolver, ref: Ref, options: ResolveOptions = {}): Promise<Department> {
  return resolveFromList(
    ref,
    {
      what: 'department',
      field: options.field ?? 'department',
      list: () => listDepartments(r.client, {}, requestOptions(r)),
      allowNegative: true,
    },
    true,
  );
}

export function resolveTimeZoneGroup(
  r: Resolver,
  ref: Ref,
  options: ResolveOptions = {},
): Promise<TimeZoneGroup> {
  return resolveFromList(
    ref,
    {
      what: 'time zone group',
      field: options.field ?? 'timeZoneGroup',
      list: () => listTimeZoneGroups(r.client, {}, requestOptions(r)),
      allowNegative: true,
    },
    true,
  );
}
