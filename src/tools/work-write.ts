/** The write tools of the `work` toolset: create, update and delete customers, projects and tasks. */
import { z } from 'zod';

import { ActitimeApiError } from '../actitime/errors.js';
import {
  createCustomer,
  deleteCustomer,
  updateCustomer,
  type CustomerPatch,
} from '../actitime/resources/customers.js';
import {
  createProject,
  deleteProject,
  updateProject,
  type ProjectPatch,
} from '../actitime/resources/projects.js';
import {
  createTask,
  deleteTask,
  updateTask,
  type TaskCreate,
  type TaskPatch,
} from '../actitime/resources/tasks.js';
import { checkDuration } from '../domain/duration.js';
import { invalid, ToolError } from '../domain/errors.js';
import { isCalendarDate, resolveDate } from '../domain/period.js';
import { resolveCustomer } from '../domain/resolve/customer.js';
import { resolveProject } from '../domain/resolve/project.js';
import { resolveTypeOfWork, resolveWorkflowStatus } from '../domain/resolve/reference-lists.js';
import { nameInput, textInput } from '../domain/sanitize.js';
import { ARG } from './arg-text.js';
import {
  confirmInput,
  confirmOutput,
  confirmStep,
  confirmWrite,
  heldOutput,
  workItemDeleteImpact,
} from './confirm.js';
import { APPROVED_TIME_TEXT } from './confirm-text.js';
import type { ToolContext } from './context.js';
import { defineTool } from './define.js';
import { refInput } from './inputs.js';
import { compact, num } from './outputs.js';
import {
  Core,
  customerItem,
  loadWorkItem,
  projectItem,
  taskWorkItem,
  WorkKind,
  zoneFor,
  type WorkItemOut,
} from './work-items.js';

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

// ---- create_customer / create_project / create_task ---------------------------------------------------------

/** The created object itself, with all its properties; or, held for confirmation, `{status, impact, …}`. */
const CreatedOutput = z.looseObject({ id: num.optional(), name: z.string().optional(), ...heldOutput });

export const createCustomerTool = defineTool({
  name: 'create_customer',
  title: 'Create customer',
  description: 'Create a customer (names are unique). Returns it.',
  toolset: 'work',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    name: nameInput('unique, e.g. "Big Bang Company"'),
    description: descriptionInput.optional().describe(ARG.description),
    archived: z.boolean().optional().describe('true: create it archived'),
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
  description: 'Create a project for a customer. Returns it.',
  toolset: 'work',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    name: nameInput('e.g. "Apollo"'),
    customer: refInput(ARG.customer),
    description: descriptionInput.optional().describe(ARG.description),
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
  description: 'Create a task in a project. Returns the task.',
  toolset: 'work',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    name: nameInput('e.g. "Testing"'),
    project: refInput(ARG.project),
    customer: refInput('to tell same-named projects apart').optional(),
    description: descriptionInput.optional().describe(ARG.description),
    status: z.enum(['open', 'completed']).optional().describe(ARG.taskStatus),
    workflowStatus: refInput().optional().describe(ARG.workflowStatus),
    typeOfWork: refInput().optional().describe(ARG.typeOfWork),
    deadline: dateInput.optional().describe('YYYY-MM-DD or a day, e.g. "friday"'),
    estimate: estimateInput.optional().describe('minutes or "2h30m"'),
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
  name: nameInput('new name').optional(),
  description: descriptionInput.nullable().optional().describe('null clears'),
  archived: z.boolean().optional().describe('customer or project'),
  moveTo: refInput().optional().describe('project: its customer; task: its project'),
  status: z.enum(['open', 'completed']).optional().describe('task: open or completed'),
  workflowStatus: refInput()
    .optional()
    .describe('task: ' + ARG.workflowStatus),
  typeOfWork: refInput().optional().describe('task: id or name'),
  deadline: dateInput.nullable().optional().describe('task: YYYY-MM-DD; null clears'),
  estimate: estimateInput.nullable().optional().describe('task: minutes or "2h"; null clears'),
});
type ChangesIn = z.output<typeof Changes>;

const ALLOWED: Record<WorkKind, ReadonlyArray<keyof ChangesIn>> = {
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
  title: 'Update work item',
  description:
    'Change, move, archive, complete or reopen a customer, project or task. Returns before/after of what ' +
    'changed.',
  toolset: 'work',
  access: 'write',
  idempotent: true,
  inputSchema: z.object({
    kind: WorkKind,
    ref: refInput(ARG.ref),
    changes: Changes.describe('only the fields to change'),
    includeArchived: z.boolean().default(false).describe(ARG.includeArchived),
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

const CASCADE_NOTE: Record<WorkKind, string> = {
  customer: 'its projects, their tasks and all time-track on those tasks were deleted too',
  project: 'its tasks and all time-track on them were deleted too',
  task: 'all time-track on the task was deleted too',
};

export const deleteWorkItem = defineTool({
  name: 'delete_work_item',
  title: 'Delete work item',
  description:
    'Permanently delete a customer, project or task with everything below it and its time, after the user ' +
    'confirms; approved time blocks it unless revokeApprovedWeeks. Returns what went.',
  // Rare and permanent: opt-in with the admin toolset, so it costs the default tools/list nothing.
  toolset: 'admin',
  access: 'destructive',
  idempotent: true,
  inputSchema: z.object({
    kind: WorkKind,
    ref: refInput(ARG.ref),
    revokeApprovedWeeks: z.boolean().default(false).describe('true: delete even with approved time'),
    includeArchived: z.boolean().default(false).describe(ARG.includeArchived),
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
