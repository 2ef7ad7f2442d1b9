/**
 * Customers, projects and tasks as the work tools and the work resources return them (work items): one shape
 * for all three kinds, so a caller can read any of them the same way.
 */
import { z } from 'zod';

import { ARG } from './arg-text.js';

import { isZonedMidnight, type Customer, type Project, type Task } from '../actitime/schemas.js';
import { dateOfEpoch } from '../domain/period.js';
import { resolveCustomer } from '../domain/resolve/customer.js';
import { projectPath, taskPath } from '../domain/resolve/path.js';
import { resolveProject } from '../domain/resolve/project.js';
import { resolveTask } from '../domain/resolve/task.js';
import type { Ref } from '../domain/resolve/types.js';
import type { ToolContext } from './context.js';
import { compact, isoTime, num } from './outputs.js';

export const WorkKind = z.enum(['customer', 'project', 'task']).describe(ARG.kind);
export type WorkKind = z.infer<typeof WorkKind>;

/**
 * Output schemas declare the stable core of each object (id, name, path); the other fields (status, deadline,
 * customer, …) pass as extra keys. Declaring all of them would double the size of tools/list.
 */
export const Core = z.looseObject({ id: num, name: z.string(), path: z.string() });

/**
 * A customer, project or task with every property it has (description, archived, customer/project ids and
 * names, status, workflowStatus, typeOfWork with ids, deadline, estimatedTime, created, url, canModify,
 * canDelete). Only the common core is declared, to keep tools/list small; the rest passes as extra keys.
 */
export const WorkItem = z.looseObject({
  kind: WorkKind,
  id: num,
  name: z.string(),
  path: z.string(),
});
export type WorkItemOut = {
  kind: WorkKind;
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
  kind: WorkKind,
  ref: Ref,
  includeArchived: boolean,
): Promise<WorkItemOut> {
  const options = { field: 'ref', includeArchived };
  if (kind === 'customer') return customerItem((await resolveCustomer(ctx, ref, options)).customer);
  if (kind === 'project') return projectItem((await resolveProject(ctx, ref, options)).project);
  const { task } = await resolveTask(ctx, ref, options);
  return taskWorkItem(task, await zoneFor(ctx, [task]));
}
