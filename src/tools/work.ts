/**
 * The `work` toolset: find, read, create, change and delete customers, projects and tasks. Every object argument
 * takes an id or a name (src/domain/resolve/), so "create a project Apollo for Big Bang Company" is one call.
 * Lists are paged by the caller (limit ≤ 100, `hasMore`/`nextOffset`), never read to the end (SEC-OUT-02).
 */
import { z } from 'zod';

import { ActitimeApiError } from '../actitime/errors.js';
import {
  createCustomer,
  deleteCustomer,
  getCustomerAssignedUsers,
  listCustomerComments,
  listCustomers,
  updateCustomer,
  type CustomerPatch,
} from '../actitime/resources/customers.js';
import {
  createProject,
  deleteProject,
  getProjectAssignedUsers,
  listProjectComments,
  listProjects,
  updateProject,
  type ProjectPatch,
} from '../actitime/resources/projects.js';
import {
  createTask,
  deleteTask,
  getTaskAssignedUsers,
  listTaskComments,
  listTasks,
  updateTask,
  type TaskCreate,
  type TaskPatch,
} from '../actitime/resources/tasks.js';
import { listUsers } from '../actitime/resources/users.js';
import {
  isZonedMidnight,
  type AssignedUsers,
  type CommentList,
  type Customer,
  type Project,
  type Task,
} from '../actitime/schemas.js';
import { checkDuration } from '../domain/duration.js';
import { invalid } from '../domain/errors.js';
import { dateOfEpoch, isCalendarDate, resolveDate } from '../domain/period.js';
import { resolveCustomer } from '../domain/resolve/customer.js';
import { projectPath, taskPath } from '../domain/resolve/path.js';
import { resolveProject } from '../domain/resolve/project.js';
import { resolveTypeOfWork, resolveWorkflowStatus } from '../domain/resolve/reference-lists.js';
import { resolveTask } from '../domain/resolve/task.js';
import type { Ref } from '../domain/resolve/types.js';
import { userLabel } from '../domain/resolve/user.js';
import { nameInput, textInput } from '../domain/sanitize.js';
import {
  confirmInput,
  confirmOutput,
  confirmStep,
  confirmWrite,
  heldOutput,
  workItemDeleteImpact,
} from './confirm.js';
import { APPROVED_TIME_TEXT } from './confirm-text.js';
import { ToolError } from '../domain/errors.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';
import { optionalPart } from './optional-part.js';

// ---- shared input pieces -------------------------------------------------------------------------------------

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 25;
/** actiTIME ids are Java ints. */
export const MAX_ID = 2_147_483_647;

const isId = (n: number) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_ID;

/**
 * An object named by id or by name; names are resolved, never put in a URL (SEC-IN-02). Checks are refinements,
 * so they run at the boundary without bloating the JSON schema in tools/list.
 */
export const refInput = (description?: string) => {
  const schema = z.union([
    z.number().refine(isId, 'an id must be a positive whole number'),
    z.string().refine((t) => t.trim().length > 0 && t.length <= 800, 'a name must have 1–800 characters'),
  ]);
  return description ? schema.describe(description) : schema;
};

/** An id only (no name): a number or a string of digits, as everywhere an id is taken. */
export const idInput = () =>
  z.union([
    z.number().refine(isId, 'an id must be a positive whole number'),
    z
      .string()
      .regex(/^\s*\d{1,10}\s*$/, 'an id must be a positive whole number')
      .transform(Number)
      .refine(isId, 'an id must be a positive whole number'),
  ]);

export const limitInput = z.int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE);
export const offsetInput = z.int().min(0).max(10_000_000).default(0);

const Kind = z.enum(['customer', 'project', 'task']);
type Kind = z.infer<typeof Kind>;

const DESCRIPTION_MAX = 5000;
const descriptionInput = textInput({ max: DESCRIPTION_MAX });
/** A duration (minutes, "2h", "1h30m"); estimates run past one day, capped at 10,000 hours. */
const estimateInput = z.union([z.number(), z.string().max(40)]).transform((value, ctx) => {
  const result = checkDuration(value, { max: 600_000, allowZero: true });
  if ('minutes' in result) return result.minutes;
  ctx.addIssue({ code: 'custom', message: result.problem });
  return z.NEVER;
});
const dateInput = z.string().min(1).max(40);

// ---- output pieces -------------------------------------------------------------------------------------------

/** Drops null and undefined values so results stay compact and match optional output fields. */
export function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

function isoTime(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Output numbers are plain numbers: `z.int()` would add ±2^53 bounds to every field of tools/list. */
export const num = z.number();

/**
 * Output schemas declare the stable core of each object (id, name, path); the other fields (status, deadline,
 * customer, …) pass as extra keys. Declaring all of them would double the size of tools/list.
 */
export const Core = z.looseObject({ id: num, name: z.string(), path: z.string() });
const ListItem = Core;

/**
 * A customer, project or task with every property it has (description, archived, customer/project ids and
 * names, status, workflowStatus, typeOfWork with ids, deadline, estimatedTime, created, url, canModify,
 * canDelete). Only the common core is declared, to keep tools/list small; the rest passes as extra keys.
 */
export const WorkItem = z.looseObject({
  kind: Kind,
  id: num,
  name: z.string(),
  path: z.string(),
});
export type WorkItemOut = {
  kind: Kind;
  id: number;
  name: string;
  path: string;
  description?: string;
  archived?: boolean;
  customerId?: number;
  customerName?: string;
  projectId?: number;
  projectName?: string;
  status?: string;
  workflowStatusId?: number;
  workflowStatus?: string;
  typeOfWorkId?: number;
  typeOfWork?: string;
  deadline?: string;
  estimatedTime?: number;
  created?: string;
  url?: string;
  canModify?: boolean;
  canDelete?: boolean;
};

/** The deadline as a date; epoch ms off a UTC midnight are read in the company zone when it is known. */
function taskDeadline(t: Task, zone: string | undefined): string | null | undefined {
  return zone !== undefined && isZonedMidnight(t.deadlineMs) ? dateOfEpoch(t.deadlineMs, zone) : t.deadline;
}

/**
 * The company zone, asked for only when some deadline needs it (not a UTC midnight), so servers that send UTC
 * midnights cost no extra request.
 */
export async function zoneFor(
  ctx: Partial<Pick<ToolContext, 'companyZone'>>,
  tasks: readonly Task[],
): Promise<string | undefined> {
  if (!ctx.companyZone || !tasks.some((t) => isZonedMidnight(t.deadlineMs))) return undefined;
  return ctx.companyZone();
}

export function taskItem(t: Task, zone?: string): { id: number; name: string; path: string } {
  return compact({
    id: t.id,
    name: t.name,
    path: taskPath(t),
    status: t.status,
    workflowStatus: t.workflowStatusName,
    typeOfWork: t.typeOfWorkName,
    deadline: taskDeadline(t, zone),
    estimatedTime: t.estimatedTime,
  }) as { id: number; name: string; path: string };
}

export function customerItem(c: Customer): WorkItemOut {
  return compact({
    kind: 'customer' as const,
    id: c.id,
    name: c.name,
    path: c.name,
    description: c.description === '' ? undefined : c.description,
    archived: c.archived,
    created: isoTime(c.created),
    url: c.url,
    canModify: c.allowedActions?.canModify,
    canDelete: c.allowedActions?.canDelete,
  }) as WorkItemOut;
}

export function projectItem(p: Project): WorkItemOut {
  return compact({
    kind: 'project' as const,
    id: p.id,
    name: p.name,
    path: projectPath(p),
    description: p.description === '' ? undefined : p.description,
    archived: p.archived,
    customerId: p.customerId,
    customerName: p.customerName,
    created: isoTime(p.created),
    url: p.url,
    canModify: p.allowedActions?.canModify,
    canDelete: p.allowedActions?.canDelete,
  }) as WorkItemOut;
}

export function taskWorkItem(t: Task, zone?: string): WorkItemOut {
  return compact({
    kind: 'task' as const,
    id: t.id,
    name: t.name,
    path: taskPath(t),
    description: t.description === '' ? undefined : t.description,
    customerId: t.customerId,
    customerName: t.customerName,
    projectId: t.projectId,
    projectName: t.projectName,
    status: t.status,
    workflowStatusId: t.workflowStatusId,
    workflowStatus: t.workflowStatusName,
    typeOfWorkId: t.typeOfWorkId,
    typeOfWork: t.typeOfWorkName,
    deadline: taskDeadline(t, zone),
    estimatedTime: t.estimatedTime,
    created: isoTime(t.created),
    url: t.url,
    canModify: t.allowedActions?.canModify,
    canDelete: t.allowedActions?.canDelete,
  }) as WorkItemOut;
}

/** Resolves a customer, project or task and returns it as a work item. */
export async function loadWorkItem(
  ctx: Pick<ToolContext, 'client' | 'signal'> & Partial<Pick<ToolContext, 'companyZone'>>,
  kind: Kind,
  ref: Ref,
  includeArchived: boolean,
): Promise<WorkItemOut> {
  const options = { field: 'ref', includeArchived };
  if (kind === 'customer') return customerItem((await resolveCustomer(ctx, ref, options)).customer);
  if (kind === 'project') return projectItem((await resolveProject(ctx, ref, options)).project);
  const { task } = await resolveTask(ctx, ref, options);
  return taskWorkItem(task, await zoneFor(ctx, [task]));
}

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
  customer: refInput().optional(),
  project: refInput().optional(),
  status: z.enum(['open', 'completed']).optional(),
  workflowStatus: refInput().optional(),
  typeOfWork: refInput().optional(),
  includeArchived: z.boolean().default(false),
  sort: z.enum(['name', 'created', 'status', '-created']).default('name'),
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
    'Find tasks by name words and filters (objects by id or name). Returns items with id, "Customer / Project ' +
    '/ Task" path, status, deadline, estimatedTime (min); if hasMore, call again with offset = nextOffset.',
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
  kind: z.enum(['project', 'customer']).default('project'),
  words: z.string().min(1).max(200).optional().describe('all words in the name'),
  customer: refInput().optional(),
  includeArchived: z.boolean().default(false),
  sort: z.enum(['name', 'created', '-created']).default('name'),
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
  title: 'Search projects or customers',
  description:
    'Find projects (default) or customers (kind=customer) by name words or customer. Returns items with id and ' +
    'path; if hasMore, call again with offset = nextOffset.',
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
  kind: Kind,
  ref: refInput(),
  includeComments: z.boolean().default(false),
  includeArchived: z.boolean().default(false),
});

/**
 * `{item, assignedUsers: {count, users: [{id, name?}]} | null, unavailable?: {assignedUsers: reason},
 * comments?: [{id, author, created, text}], moreComments?}`; assignedUsers is null when this actiTIME does not
 * offer or refuses the assignments endpoint.
 */
const GetWorkItemOutput = z.looseObject({ item: Core });

async function commentsOf(ctx: ToolContext, kind: Kind, id: number) {
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
async function assignedOf(ctx: ToolContext, kind: Kind, id: number) {
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
  title: 'Get customer, project or task',
  description:
    'Read a customer, project or task by id, name or path ("Customer / Project / Task"). Returns its ' +
    'properties, assigned users and, with includeComments, its comments.',
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

// ---- create_customer / create_project / create_task ---------------------------------------------------------

/** The created object itself, with all its properties; or, held for confirmation, `{status, impact, …}`. */
const CreatedOutput = z.looseObject({ id: num.optional(), name: z.string().optional(), ...heldOutput });

export const createCustomerTool = defineTool({
  name: 'create_customer',
  title: 'Create customer',
  description: 'Create a customer; names are unique (key customer_exists). Returns the new customer.',
  toolset: 'work',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    name: nameInput(''),
    description: descriptionInput.optional(),
    archived: z.boolean().optional(),
    confirm: confirmInput,
  }),
  outputSchema: CreatedOutput,
  async handler(args, ctx) {
    const held = await confirmWrite(ctx, 'create_customer', args, 'Create customer', args.name);
    if (held) return held;
    const c = await createCustomer(
      ctx.client,
      compact({ name: args.name.trim(), description: args.description, archived: args.archived }) as {
        name: string;
      },
      { signal: ctx.signal },
    );
    return customerItem(c);
  },
});

export const createProjectTool = defineTool({
  name: 'create_project',
  title: 'Create project',
  description:
    'Create a project for a customer (id or name), e.g. name "Apollo", customer "Big Bang Company". Returns ' +
    'the new project.',
  toolset: 'work',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    name: nameInput(''),
    customer: refInput(),
    description: descriptionInput.optional(),
    confirm: confirmInput,
  }),
  outputSchema: CreatedOutput,
  async handler(args, ctx) {
    const held = await confirmWrite(ctx, 'create_project', args, 'Create project', args.name);
    if (held) return held;
    const customer = await resolveCustomer(ctx, args.customer);
    const p = await createProject(
      ctx.client,
      compact({ customerId: customer.id, name: args.name.trim(), description: args.description }) as {
        customerId: number;
        name: string;
      },
      { signal: ctx.signal },
    );
    return projectItem({ ...p, customerName: p.customerName ?? customer.name });
  },
});

/** A deadline argument: YYYY-MM-DD as is, or a day phrase in the caller's calendar. */
async function deadlineOf(ctx: ToolContext, value: string, field: string): Promise<string> {
  const text = value.trim();
  if (isCalendarDate(text)) return text;
  const calendar = await ctx.calendar();
  return resolveDate(text, { ...calendar, field });
}

export const createTaskTool = defineTool({
  name: 'create_task',
  title: 'Create task',
  description:
    'Create a task in a project (id, name or "Customer / Project"). deadline: YYYY-MM-DD; estimate: minutes ' +
    'or "2h30m"; status or workflowStatus, not both. Returns the new task.',
  toolset: 'work',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    name: nameInput(''),
    project: refInput(),
    customer: refInput('to tell same-named projects apart').optional(),
    description: descriptionInput.optional(),
    status: z.enum(['open', 'completed']).optional(),
    workflowStatus: refInput().optional(),
    typeOfWork: refInput().optional(),
    deadline: dateInput.optional(),
    estimate: estimateInput.optional(),
    confirm: confirmInput,
  }),
  outputSchema: CreatedOutput,
  async handler(args, ctx) {
    if (args.status !== undefined && args.workflowStatus !== undefined) {
      throw invalid('workflowStatus', 'workflowStatus: give either status or workflowStatus, not both');
    }
    const held = await confirmWrite(ctx, 'create_task', args, 'Create task', args.name);
    if (held) return held;
    const [project, status, type, deadline] = await Promise.all([
      resolveProject(ctx, args.project, args.customer === undefined ? {} : { customer: args.customer }),
      args.workflowStatus === undefined ? undefined : resolveWorkflowStatus(ctx, args.workflowStatus),
      args.typeOfWork === undefined ? undefined : resolveTypeOfWork(ctx, args.typeOfWork),
      args.deadline === undefined ? undefined : deadlineOf(ctx, args.deadline, 'deadline'),
    ]);
    const body: TaskCreate = { projectId: project.id, name: args.name.trim() };
    if (args.description !== undefined) body.description = args.description;
    if (args.status !== undefined) body.status = args.status;
    if (status) body.workflowStatusId = status.id;
    if (type) body.typeOfWorkId = type.id;
    if (deadline !== undefined) body.deadline = deadline;
    if (args.estimate !== undefined) body.estimatedTime = args.estimate;
    const t = await createTask(ctx.client, body, { signal: ctx.signal });
    return taskWorkItem(
      {
        ...t,
        projectName: t.projectName ?? project.name,
        customerName: t.customerName ?? project.customerName,
      },
      await zoneFor(ctx, [t]),
    );
  },
});

// ---- update_work_item ----------------------------------------------------------------------------------------

const Changes = z.strictObject({
  name: nameInput('').optional(),
  description: descriptionInput.nullable().optional(),
  archived: z.boolean().optional(),
  moveTo: refInput().optional(),
  status: z.enum(['open', 'completed']).optional(),
  workflowStatus: refInput().optional(),
  typeOfWork: refInput().optional(),
  deadline: dateInput.nullable().optional(),
  estimate: estimateInput.nullable().optional(),
});
type ChangesIn = z.output<typeof Changes>;

const ALLOWED: Record<Kind, ReadonlyArray<keyof ChangesIn>> = {
  customer: ['name', 'description', 'archived'],
  project: ['name', 'description', 'archived', 'moveTo'],
  task: ['name', 'description', 'moveTo', 'status', 'workflowStatus', 'typeOfWork', 'deadline', 'estimate'],
};

/**
 * `{item, changed, before, after}`: `changed` lists the fields that changed (empty when nothing needed to, and
 * then no request was sent); before/after hold their values.
 */
const UpdateOutput = z.looseObject({
  item: Core.optional(),
  changed: z.array(z.string()).optional(),
  ...heldOutput,
});

/** The comparable view of an object: what before/after report. */
function viewOf(item: WorkItemOut): Record<string, string | number | boolean | null> {
  return {
    name: item.name,
    description: item.description ?? null,
    archived: item.archived ?? null,
    customer: item.kind === 'project' ? (item.customerName ?? null) : null,
    project: item.kind === 'task' ? `${item.customerName ?? ''} / ${item.projectName ?? ''}` : null,
    status: item.status ?? null,
    workflowStatus: item.workflowStatus ?? null,
    typeOfWork: item.typeOfWork ?? null,
    deadline: item.deadline ?? null,
    estimatedTime: item.estimatedTime ?? null,
  };
}

export const updateWorkItem = defineTool({
  name: 'update_work_item',
  title: 'Update customer, project or task',
  description:
    'Change a customer, project or task. changes: name, description, archived (customer/project), moveTo ' +
    '(project: customer; task: project), and for tasks status (complete/reopen), workflowStatus, typeOfWork, ' +
    'deadline, estimate (null clears). Returns before/after of what changed.',
  toolset: 'work',
  access: 'write',
  idempotent: true,
  inputSchema: z.object({
    kind: Kind,
    ref: refInput(),
    changes: Changes,
    includeArchived: z.boolean().default(false),
    confirm: confirmInput,
  }),
  outputSchema: UpdateOutput,
  async handler(args, ctx) {
    const { kind, changes } = args;
    const given = (Object.keys(changes) as Array<keyof ChangesIn>).filter((k) => changes[k] !== undefined);
    for (const key of given) {
      if (!ALLOWED[kind].includes(key)) {
        throw invalid(`changes.${key}`, `changes.${key}: a ${kind} has no such field`);
      }
    }
    if (given.length === 0) throw invalid('changes', 'changes: nothing to change');
    if (changes.status !== undefined && changes.workflowStatus !== undefined) {
      throw invalid('changes.workflowStatus', 'changes: give either status or workflowStatus, not both');
    }
    const held = await confirmWrite(ctx, 'update_work_item', args, `Update ${args.kind}`, String(args.ref));
    if (held) return held;
    // Unarchiving by name has to find the archived object.
    const includeArchived = args.includeArchived || changes.archived === false;
    const before = await loadWorkItem(ctx, kind, args.ref, includeArchived);
    // The undo journal restores ids (customerId, projectId, workflowStatusId…), which `before` below shows as names.
    ctx.noteForJournal({ previous: before });
    const opts = { signal: ctx.signal };

    let after: WorkItemOut;
    if (kind === 'customer') {
      const patch: CustomerPatch = {};
      setIf(patch, 'name', changes.name?.trim(), before.name);
      setIf(patch, 'description', changes.description, before.description ?? null);
      setIf(patch, 'archived', changes.archived, before.archived);
      after = Object.keys(patch).length
        ? customerItem(await updateCustomer(ctx.client, before.id, patch, opts))
        : before;
    } else if (kind === 'project') {
      const patch: ProjectPatch = {};
      setIf(patch, 'name', changes.name?.trim(), before.name);
      setIf(patch, 'description', changes.description, before.description ?? null);
      setIf(patch, 'archived', changes.archived, before.archived);
      if (changes.moveTo !== undefined) {
        const target = await resolveCustomer(ctx, changes.moveTo, { field: 'changes.moveTo' });
        setIf(patch, 'customerId', target.id, before.customerId);
      }
      after = Object.keys(patch).length
        ? projectItem(await updateProject(ctx.client, before.id, patch, opts))
        : before;
    } else {
      const patch: TaskPatch = {};
      setIf(patch, 'name', changes.name?.trim(), before.name);
      setIf(patch, 'description', changes.description, before.description ?? null);
      const [target, status, type, deadline] = await Promise.all([
        changes.moveTo === undefined
          ? undefined
          : resolveProject(ctx, changes.moveTo, { field: 'changes.moveTo' }),
        changes.workflowStatus === undefined
          ? undefined
          : resolveWorkflowStatus(ctx, changes.workflowStatus, { field: 'changes.workflowStatus' }),
        changes.typeOfWork === undefined
          ? undefined
          : resolveTypeOfWork(ctx, changes.typeOfWork, { field: 'changes.typeOfWork' }),
        changes.deadline === undefined || changes.deadline === null
          ? changes.deadline
          : deadlineOf(ctx, changes.deadline, 'changes.deadline'),
      ]);
      if (target) setIf(patch, 'projectId', target.id, before.projectId);
      setIf(patch, 'status', changes.status, before.status);
      if (status) setIf(patch, 'workflowStatusId', status.id, before.workflowStatusId);
      if (type) setIf(patch, 'typeOfWorkId', type.id, before.typeOfWorkId);
      setIf(patch, 'deadline', deadline, before.deadline ?? null);
      setIf(patch, 'estimatedTime', changes.estimate, before.estimatedTime ?? null);
      after = Object.keys(patch).length
        ? await updateTask(ctx.client, before.id, patch, opts).then(async (t) =>
            taskWorkItem(t, await zoneFor(ctx, [t])),
          )
        : before;
    }
    const b = viewOf(before);
    const a = viewOf(after);
    const changed = Object.keys(a).filter((k) => a[k] !== b[k]);
    return {
      item: after,
      changed,
      before: Object.fromEntries(changed.map((k) => [k, b[k] ?? null])),
      after: Object.fromEntries(changed.map((k) => [k, a[k] ?? null])),
    };
  },
});

/** Puts `value` into the patch only when given and different from the current value. */
function setIf<P extends object, K extends keyof P>(
  patch: P,
  key: K,
  value: P[K] | undefined,
  current: unknown,
): void {
  if (value === undefined) return;
  if (value === current || (value === null && current === undefined)) return;
  patch[key] = value;
}

// ---- delete_work_item ----------------------------------------------------------------------------------------

/**
 * `{deleted, cascaded: {projects?, tasks?, minutes, approvedWeeks, countsAreMinimums?, note},
 * revokedApprovedWeeks, firstAttemptProbablyDeleted?}`, or a result that changed nothing (confirm.ts).
 */
const DeleteOutput = z.looseObject({
  deleted: Core.optional(),
  revokedApprovedWeeks: z.boolean().optional(),
  ...confirmOutput,
});

const CASCADE_NOTE: Record<Kind, string> = {
  customer: 'its projects, their tasks and all time-track on those tasks were deleted too',
  project: 'its tasks and all time-track on them were deleted too',
  task: 'all time-track on the task was deleted too',
};

export const deleteWorkItem = defineTool({
  name: 'delete_work_item',
  title: 'Delete customer, project or task',
  description:
    'Permanently delete a customer, project or task with everything below it and its time-track, after the ' +
    'user confirms. Approved time blocks it unless revokeApprovedWeeks. Returns what went.',
  toolset: 'work',
  access: 'destructive',
  idempotent: true,
  inputSchema: z.object({
    kind: Kind,
    ref: refInput(),
    revokeApprovedWeeks: z.boolean().default(false),
    includeArchived: z.boolean().default(false),
    confirm: confirmInput,
  }),
  outputSchema: DeleteOutput,
  async handler(args, ctx) {
    const { kind } = args;
    const item = await loadWorkItem(ctx, kind, args.ref, args.includeArchived);
    const target = { kind, id: item.id, name: item.name, path: item.path };
    // The first assessment also serves the approved-time check; every later one reads afresh.
    let first: ReturnType<typeof workItemDeleteImpact> | undefined;
    const assess = () => {
      const next = first ?? workItemDeleteImpact(ctx, target);
      first = undefined;
      return next;
    };
    if (!args.revokeApprovedWeeks) {
      first = workItemDeleteImpact(ctx, target);
      const weeks = (await first).impact.approvedWeeks ?? 0;
      // actiTIME would refuse the delete after the user said yes: refuse it before asking.
      if (weeks > 0) {
        throw new ToolError('conflict', APPROVED_TIME_TEXT.message(weeks), {
          field: 'revokeApprovedWeeks',
          hint: APPROVED_TIME_TEXT.hint,
        });
      }
    }
    const step = await confirmStep(ctx, 'delete_work_item', args, 'destructive', assess);
    if (!step.proceed) return step.result;
    // What goes with it is read before deleting, also when nothing asked first (policy never).
    const { impact } = step.assessment ?? (await assess());
    const del = { revokeApprovedWeeks: args.revokeApprovedWeeks, signal: ctx.signal };
    let result;
    try {
      result =
        kind === 'customer'
          ? await deleteCustomer(ctx.client, item.id, del)
          : kind === 'project'
            ? await deleteProject(ctx.client, item.id, del)
            : await deleteTask(ctx.client, item.id, del);
    } catch (err) {
      if (err instanceof ActitimeApiError && err.meaning === 'approved_time_exists') {
        // Same status, key and message; `fields` names the argument that lets the delete through.
        throw new ActitimeApiError(err.status, err.key, err.upstreamMessage, 'revokeApprovedWeeks');
      }
      throw err;
    }
    return {
      deleted: target,
      cascaded: compact({
        projects: impact.projects,
        tasks: impact.tasks,
        minutes: impact.minutes,
        approvedWeeks: impact.approvedWeeks,
        countsAreMinimums: impact.countsAreMinimums,
        note: CASCADE_NOTE[kind],
      }),
      revokedApprovedWeeks: args.revokeApprovedWeeks,
      ...(result.goneOnRetry ? { firstAttemptProbablyDeleted: true } : {}),
    };
  },
});

export const workTools: AnyTool[] = [
  searchTasks,
  searchProjects,
  getWorkItem,
  createCustomerTool,
  createProjectTool,
  createTaskTool,
  updateWorkItem,
  deleteWorkItem,
] as AnyTool[];
