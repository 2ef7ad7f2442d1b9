/**
 * The `reference` toolset: settings and the short lists other tools refer to by id (leave types, types of
 * work, departments, time-zone groups, workflow statuses). Served from the client's reference cache.
 */
import { z } from 'zod';

import { getInfo } from '../actitime/resources/info.js';
import {
  listDepartments,
  listLeaveTypes,
  listTimeZoneGroups,
  listTypesOfWork,
} from '../actitime/resources/reference.js';
import { listWorkflowStatuses } from '../actitime/resources/workflowStatuses.js';
import type { Info } from '../actitime/schemas.js';
import { defineTool, type AnyTool } from './define.js';

export const REFERENCE_KINDS = [
  'settings',
  'leave_types',
  'types_of_work',
  'departments',
  'time_zone_groups',
  'workflow_statuses',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

type Label = { singular?: string; plural?: string };

/** What kind=settings returns; the tool description lists these fields for the model. */
type Settings = {
  company?: string;
  /** UI names of the three levels and of departments: what this company calls a customer, project, task. */
  names?: { customer?: Label; project?: Label; task?: Label; department?: Label };
  /** First day of the week: 0 = Sunday … 6 = Saturday. */
  weekStart?: number;
  weekStartName?: string;
  currency?: string;
  decimalSeparator?: string;
  timeFormat?: string;
  clockFormat?: string;
  features?: Record<string, boolean>;
  limits: { maxBatchSize: number; maxQueryLimit: number };
  actiTimeUrl?: string;
};

/** One row of a reference list; which optional fields appear depends on the kind. */
type ItemOut = {
  id: number;
  name: string;
  archived?: boolean;
  default?: boolean;
  /** leave types */
  balance?: string;
  rateFactor?: number;
  /** types of work; absent when the caller may not see rates */
  rate?: number;
  billable?: boolean;
  /** time-zone groups: IANA zone */
  timeZoneId?: string;
  /** workflow statuses: open | completed */
  type?: string;
};

// The tool description lists the kinds and what each returns; the schemas stay terse (tools/list size budget).
const Input = z.object({
  kind: z.enum(REFERENCE_KINDS).describe('what to list'),
  includeArchived: z.boolean().default(false).describe('also archived items'),
});

/**
 * Declared to the client: the top-level keys, and items as open objects with an id and a name. Their other
 * fields are listed in the description; Settings and ItemOut above type what the handler builds.
 */
const Output = z.object({
  // The kinds are listed once, in the input schema (tools/list size budget).
  kind: z.string(),
  settings: z.looseObject({}).optional(),
  items: z.array(z.looseObject({ id: z.number(), name: z.string() })).optional(),
  count: z.number().optional(),
});

/** Keeps only defined, non-null values, so results stay compact and match the optional output fields. */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

function label(l: { singular?: string | null; plural?: string | null } | null | undefined) {
  return l ? compact({ singular: l.singular, plural: l.plural }) : undefined;
}

export function settingsOf(info: Info): Settings {
  const weekStart = info.format?.dayOfWeekStart ?? undefined;
  const features = Object.fromEntries(
    Object.entries(info.features ?? {}).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'),
  );
  const url = info.urls?.actiTime;
  return compact({
    company: info.company?.name,
    names: info.customNames
      ? compact({
          customer: label(info.customNames.firstLevel),
          project: label(info.customNames.secondLevel),
          task: label(info.customNames.thirdLevel),
          department: label(info.customNames.department),
        })
      : undefined,
    weekStart,
    weekStartName: weekStart === undefined ? undefined : WEEKDAY_NAMES[weekStart],
    currency: info.format?.currency,
    decimalSeparator: info.format?.decimalSeparator,
    timeFormat: info.format?.timeFormat,
    clockFormat: info.format?.clockFormat,
    features,
    limits: { maxBatchSize: info.limits.maxBatchSize, maxQueryLimit: info.limits.maxQueryLimit },
    actiTimeUrl: typeof url === 'string' ? url : undefined,
  }) as Settings;
}

export const getReferenceData = defineTool({
  name: 'get_reference_data',
  title: 'Reference data',
  description:
    'Returns company settings (weekStart 0 = Sunday, currency, formats, limits) or a reference list’s items {id, name}.',
  toolset: 'reference',
  access: 'read',
  inputSchema: Input,
  outputSchema: Output,
  async handler({ kind, includeArchived }, ctx) {
    const opts = { signal: ctx.signal };
    const archived = includeArchived ? undefined : false;
    let items: ItemOut[];
    switch (kind) {
      case 'settings':
        return { kind, settings: settingsOf(await getInfo(ctx.client, opts)) };
      case 'leave_types':
        items = (await listLeaveTypes(ctx.client, { archived }, opts)).map((t) =>
          compact({
            id: t.id,
            name: t.name,
            balance: t.balance,
            rateFactor: t.rateFactor,
            archived: t.archived,
          }),
        ) as ItemOut[];
        break;
      case 'types_of_work':
        items = (await listTypesOfWork(ctx.client, { archived }, opts)).map((t) =>
          compact({
            id: t.id,
            name: t.name,
            billable: t.billable,
            rate: t.rate,
            default: t.default,
            archived: t.archived,
          }),
        ) as ItemOut[];
        break;
      case 'departments':
        items = (await listDepartments(ctx.client, {}, opts)).map((d) =>
          compact({ id: d.id, name: d.name, default: d.default }),
        ) as ItemOut[];
        break;
      case 'time_zone_groups':
        items = (await listTimeZoneGroups(ctx.client, {}, opts)).map((g) =>
          compact({ id: g.id, name: g.name, timeZoneId: g.timeZoneId, default: g.default }),
        ) as ItemOut[];
        break;
      case 'workflow_statuses':
        items = (await listWorkflowStatuses(ctx.client, {}, opts)).map((s) =>
          compact({ id: s.id, name: s.name, type: s.type }),
        ) as ItemOut[];
        break;
    }
    return { kind, items, count: items.length };
  },
});

export const referenceTools: AnyTool[] = [getReferenceData];
