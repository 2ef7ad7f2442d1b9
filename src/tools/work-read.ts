/** The read tools of the `work` toolset: search tasks, search projects or customers, read one work item. */
import { z } from 'zod';

import {
  getCustomerAssignedUsers,
  listCustomerComments,
  listCustomers,
} from '../actitime/resources/customers.js';
import {
  getProjectAssignedUsers,
  listProjectComments,
  listProjects,
} from '../actitime/resources/projects.js';
import { getTaskAssignedUsers, listTaskComments, listTasks } from '../actitime/resources/tasks.js';
import { listUsers } from '../actitime/resources/users.js';
import type { AssignedUsers, CommentList } from '../actitime/schemas.js';
import { invalid } from '../domain/errors.js';
import { resolveCustomer } from '../domain/resolve/customer.js';
import { projectPath } from '../domain/resolve/path.js';
import { resolveProject } from '../domain/resolve/project.js';
import { resolveTypeOfWork, resolveWorkflowStatus } from '../domain/resolve/reference-lists.js';
import { userLabel } from '../domain/resolve/user.js';
import { ARG } from './arg-text.js';
import type { ToolContext } from './context.js';
import { defineTool } from './define.js';
import { optionalPart } from './optional-part.js';
import { limitInput, offsetInput, refInput } from './inputs.js';
import { compact, isoTime, num } from './outputs.js';
import { Core, loadWorkItem, taskItem, WorkKind, zoneFor } from './work-items.js';

/** A row of a search result: the core of a work item, the rest as extra keys. */
const ListItem = Core;

/** Pages of a caller-facing list: ask one more row than `limit` to learn whether more exist. */
interface Paged<T> {
  items: T[];
  hasMore: boolean;
  nextOffset?: number;
}

/**
 * The first `limit` rows of `raw` that pass `keep`, and the API offset to continue from. Rows skipped by `keep`
 * (archived ones) still advance the offset, so a page may hold fewer than `limit` items while `hasMore` is true.
 */
function pageOf<T>(raw: T[], offset: number, limit: number, keep: (t: T) => boolean): Paged<T> {
  const items: T[] = [];
  let consumed = 0;
  for (const row of raw) {
    if (items.length === limit) break;
    consumed++;
    if (keep(row)) items.push(row);
  }
  const hasMore = consumed < raw.length || raw.length > limit;
  return hasMore ? { items, hasMore, nextOffset: offset + consumed } : { items, hasMore };
}

type ArchMap = Record<string, { archived?: unknown }> | undefined;
const isArchived = (map: ArchMap, id: number | null | undefined) =>
  id != null && map?.[String(id)]?.archived === true;

// ---- search_tasks --------------------------------------------------------------------------------------------

const SearchTasksInput = z.object({
  words: z.string().min(1).max(200).optional().describe('all words in the name'),
  customer: refInput().optional().describe(ARG.customer),
  project: refInput().optional().describe(ARG.project),
  status: z.enum(['open', 'completed']).optional().describe('default both'),
  workflowStatus: refInput().optional().describe('id or name'),
  typeOfWork: refInput().optional().describe(ARG.typeOfWork),
  includeArchived: z.boolean().default(false).describe(ARG.includeArchived),
  sort: z.enum(['name', 'created', 'status', '-created']).default('name').describe('-created: newest first'),
  limit: limitInput,
  offset: offsetInput,
});

const SearchTasksOutput = z.object({
  items: z.array(ListItem),
  hasMore: z.boolean(),
  nextOffset: num.optional(),
});

export const searchTasks = defineTool({
  name: 'search_tasks',
  title: 'Search tasks',
  description:
    'Find tasks by name words and filters. Returns items {id, path, status, deadline, estimatedTime (min)}, ' +
    'paged: hasMore and nextOffset.',
  toolset: 'work',
  access: 'read',
  inputSchema: SearchTasksInput,
  outputSchema: SearchTasksOutput,
  async handler(args, ctx) {
    const { includeArchived } = args;
    const [customer, project, workflowStatus, typeOfWork] = await Promise.all([
      args.customer === undefined ? undefined : resolveCustomer(ctx, args.customer, { includeArchived }),
      args.project === undefined
        ? undefined
        : resolveProject(ctx, args.project, {
            includeArchived,
            ...(args.customer === undefined ? {} : { customer: args.customer }),
          }),
      args.workflowStatus === undefined ? undefined : resolveWorkflowStatus(ctx, args.workflowStatus),
      args.typeOfWork === undefined
        ? undefined
        : resolveTypeOfWork(ctx, args.typeOfWork, { includeArchived: true }),
    ]);
    const page = await listTasks(
      ctx.client,
      {
        words: args.words,
        customerIds: customer && !project ? [customer.id] : undefined,
        projectIds: project ? [project.id] : undefined,
        status: args.status,
        workflowStatusIds: workflowStatus ? [workflowStatus.id] : undefined,
        typeOfWorkIds: typeOfWork ? [typeOfWork.id] : undefined,
        sort: args.sort,
        offset: args.offset,
        limit: args.limit + 1,
        includeReferenced: includeArchived ? undefined : ['projects', 'customers'],
      },
      { signal: ctx.signal },
    );
    const paged = pageOf(
      page.items,
      args.offset,
      args.limit,
      (t) =>
        includeArchived ||
        (!isArchived(page.projects as ArchMap, t.projectId) &&
          !isArchived(page.customers as ArchMap, t.customerId)),
    );
    const zone = await zoneFor(ctx, paged.items);
    return {
      items: paged.items.map((t) => taskItem(t, zone)),
      hasMore: paged.hasMore,
      ...(paged.nextOffset === undefined ? {} : { nextOffset: paged.nextOffset }),
    };
  },
});

// ---- search_projects -----------------------------------------------------------------------------------------

const SearchProjectsInput = z.object({
  kind: z.enum(['project', 'customer']).default('project').describe('what to find'),
  words: z.string().min(1).max(200).optional().describe('all words in the name'),
  customer: refInput().optional().describe('projects of this customer (id or name)'),
  includeArchived: z.boolean().default(false).describe(ARG.includeArchived),
  sort: z.enum(['name', 'created', '-created']).default('name').describe('-created: newest first'),
  limit: limitInput,
  offset: offsetInput,
});

const SearchProjectsOutput = z.object({
  items: z.array(ListItem),
  hasMore: z.boolean(),
  nextOffset: num.optional(),
});

export const searchProjects = defineTool({
  name: 'search_projects',
  title: 'Search projects',
  description:
    'Find projects or customers by name words. Returns items {id, path}, paged: hasMore and nextOffset.',
  toolset: 'work',
  access: 'read',
  inputSchema: SearchProjectsInput,
  outputSchema: SearchProjectsOutput,
  async handler(args, ctx) {
    const { kind, includeArchived } = args;
    const archived = includeArchived ? undefined : false;
    const opts = { signal: ctx.signal };
    if (kind === 'customer') {
      if (args.customer !== undefined) throw invalid('customer', 'customer: only for kind=project');
      const page = await listCustomers(
        ctx.client,
        {
          words: args.words,
          archived,
          sort: args.sort,
          offset: args.offset,
          limit: args.limit + 1,
        },
        opts,
      );
      const paged = pageOf(page.items, args.offset, args.limit, () => true);
      return {
        items: paged.items.map((c) =>
          compact({ id: c.id, name: c.name, path: c.name, archived: c.archived }),
        ),
        hasMore: paged.hasMore,
        ...(paged.nextOffset === undefined ? {} : { nextOffset: paged.nextOffset }),
      } as z.input<typeof SearchProjectsOutput>;
    }
    const customer =
      args.customer === undefined
        ? undefined
        : await resolveCustomer(ctx, args.customer, { includeArchived });
    const page = await listProjects(
      ctx.client,
      {
        words: args.words,
        customerIds: customer ? [customer.id] : undefined,
        archived,
        sort: args.sort,
        offset: args.offset,
        limit: args.limit + 1,
        includeReferenced: ['customers'],
      },
      opts,
    );
    const paged = pageOf(
      page.items,
      args.offset,
      args.limit,
      (p) => includeArchived || !isArchived(page.customers as ArchMap, p.customerId),
    );
    return {
      items: paged.items.map((p) =>
        compact({
          id: p.id,
          name: p.name,
          path: projectPath(p),
          customerId: p.customerId,
          archived: p.archived,
        }),
      ),
      hasMore: paged.hasMore,
      ...(paged.nextOffset === undefined ? {} : { nextOffset: paged.nextOffset }),
    } as z.input<typeof SearchProjectsOutput>;
  },
});

// ---- get_work_item -------------------------------------------------------------------------------------------

const MAX_COMMENTS = 20;
const MAX_ASSIGNED_NAMES = 50;
const ASSIGNED_FEATURE = 'assignedUsers';

const GetWorkItemInput = z.object({
  kind: WorkKind,
  ref: refInput(ARG.ref),
  includeComments: z.boolean().default(false).describe('also list comments'),
  includeArchived: z.boolean().default(false).describe(ARG.includeArchived),
});

/**
 * `{item, assignedUsers: {count, users: [{id, name?}]} | null, unavailable?: {assignedUsers: reason},
 * comments?: [{id, author, created, text}], moreComments?}`; assignedUsers is null when this actiTIME does not
 * offer or refuses the assignments endpoint.
 */
const GetWorkItemOutput = z.looseObject({ item: Core });

async function commentsOf(ctx: ToolContext, kind: WorkKind, id: number) {
  const q = { limit: MAX_COMMENTS + 1, includeReferenced: ['users' as const] };
  const opts = { signal: ctx.signal };
  const list: CommentList =
    kind === 'customer'
      ? await listCustomerComments(ctx.client, id, q, opts)
      : kind === 'project'
        ? await listProjectComments(ctx.client, id, q, opts)
        : await listTaskComments(ctx.client, id, q, opts);
  const users = (list.users ?? {}) as Record<string, { fullName?: unknown; username?: unknown }>;
  const author = (userId: number | null | undefined) => {
    if (userId == null) return undefined;
    const u = users[String(userId)];
    const name = typeof u?.fullName === 'string' ? u.fullName : undefined;
    return name ?? `user ${userId}`;
  };
  return {
    comments: list.items
      .slice(0, MAX_COMMENTS)
      .map((c) =>
        compact({ id: c.id, author: author(c.userId), created: isoTime(c.created), text: c.text ?? '' }),
      ) as Array<{ id: number; text: string }>,
    more: list.items.length > MAX_COMMENTS,
  };
}

/** Assigned users; `null` with a reason when the server does not offer or refuses the endpoint. */
async function assignedOf(ctx: ToolContext, kind: WorkKind, id: number) {
  const opts = { signal: ctx.signal };
  const part = await optionalPart(ctx, ASSIGNED_FEATURE, (): Promise<AssignedUsers> =>
    kind === 'customer'
      ? getCustomerAssignedUsers(ctx.client, id, opts)
      : kind === 'project'
        ? getProjectAssignedUsers(ctx.client, id, opts)
        : getTaskAssignedUsers(ctx.client, id, opts),
  );
  if (part.value === null) return part;
  const assigned = part.value;
  const ids = assigned.userIds.slice(0, MAX_ASSIGNED_NAMES);
  const names = new Map<number, string>();
  if (ids.length > 0) {
    // Only users the caller may see come back; the others keep just their id.
    const page = await listUsers(ctx.client, { ids, limit: ids.length }, opts);
    for (const u of page.items) names.set(u.id, userLabel(u));
  }
  return {
    value: {
      count: assigned.userIds.length,
      users: ids.map((uid) => compact({ id: uid, name: names.get(uid) }) as { id: number; name?: string }),
    },
  };
}

export const getWorkItem = defineTool({
  name: 'get_work_item',
  title: 'Work item',
  description: 'Returns a customer, project or task: its properties, assigned users and optionally comments.',
  toolset: 'work',
  access: 'read',
  inputSchema: GetWorkItemInput,
  outputSchema: GetWorkItemOutput,
  async handler(args, ctx) {
    const item = await loadWorkItem(ctx, args.kind, args.ref, args.includeArchived);
    const [comments, assigned] = await Promise.all([
      args.includeComments ? commentsOf(ctx, args.kind, item.id) : undefined,
      assignedOf(ctx, args.kind, item.id),
    ]);
    return {
      item,
      ...(comments ? { comments: comments.comments, moreComments: comments.more } : {}),
      assignedUsers: assigned.value,
      ...('reason' in assigned ? { unavailable: { assignedUsers: assigned.reason } } : {}),
    };
  },
});
