/**
 * Tasks by id, name, `Project / Task` or `Customer / Project / Task`. A task counts as archived when its project
 * or customer is. Servers that leave out project or customer names get them from the reference maps, or from
 * the project itself.
 */
import type { Task } from '../../actitime/schemas.js';
import { ToolError } from '../errors.js';
import type { RefMap } from '../work-index.js';
import { byName, findByName, nameNotFound, type NameAdapter, type NameFilter } from './by-name.js';
import { customers } from './customer.js';
import { LOOKUP_LIMIT, SUGGEST_LIMIT } from './match.js';
import { taskPath, splitPath } from './path.js';
import { projectsOf } from './project.js';
import { loadById, parseRef } from './ref.js';
import { withArchivedHint } from './refusals.js';
import { workOf, type Ref, type ResolveOptions, type ResolvedTask, type Resolver } from './types.js';

interface TaskPage {
  items: Task[];
  projects?: RefMap;
  customers?: RefMap;
}

function nameIn(map: RefMap | undefined, id: number | null | undefined): string | undefined {
  const v = id == null ? undefined : map?.[String(id)]?.name;
  return typeof v === 'string' ? v : undefined;
}

function withNames(t: Task, page: TaskPage): Task {
  return {
    ...t,
    projectName: t.projectName ?? nameIn(page.projects, t.projectId),
    customerName: t.customerName ?? nameIn(page.customers, t.customerId),
  };
}

function liveTasks(page: TaskPage, includeArchived: boolean): Task[] {
  const items = page.items.map((t) => withNames(t, page));
  if (includeArchived) return items;
  return items.filter(
    (t) =>
      page.projects?.[String(t.projectId)]?.archived !== true &&
      page.customers?.[String(t.customerId)]?.archived !== true,
  );
}

interface TaskScope {
  projectIds?: number[];
  customerIds?: number[];
}

/** The task list has no `archived` filter: archived projects and customers are dropped from each page here. */
function tasksIn(scope: TaskScope): NameAdapter<Task> {
  const page = (r: Resolver, q: Partial<NameFilter> & { limit: number }): Promise<TaskPage> =>
    workOf(r).tasks({ ...q, sort: 'name', includeReferenced: ['projects', 'customers'] });
  return {
    what: 'task',
    async find(r, filter, includeArchived) {
      const got = await page(r, { ...filter, ...scope, limit: LOOKUP_LIMIT });
      return { items: liveTasks(got, includeArchived), fetched: got.items.length };
    },
    async probe(r, words, includeArchived) {
      return liveTasks(await page(r, { words, ...scope, limit: SUGGEST_LIMIT }), includeArchived);
    },
    path: (t) => taskPath(t),
  };
}

async function taskOut(r: Resolver, t: Task): Promise<ResolvedTask> {
  let task = t;
  if ((task.projectName == null || task.customerName == null) && task.projectId != null) {
    const p = await workOf(r).project(task.projectId);
    task = {
      ...task,
      projectName: task.projectName ?? p.name,
      customerName: task.customerName ?? p.customerName,
      customerId: task.customerId ?? p.customerId,
    };
  }
  return {
    id: task.id,
    name: task.name,
    path: taskPath(task),
    projectId: task.projectId ?? 0,
    projectName: task.projectName ?? '',
    customerId: task.customerId ?? 0,
    customerName: task.customerName ?? '',
    status: task.status ?? undefined,
    task,
  };
}

/** Tasks named `taskName` in the projects named `projectName` (of one customer, when given). */
async function taskUnder(
  r: Resolver,
  customerName: string | undefined,
  projectName: string,
  taskName: string,
  field: string,
  includeArchived: boolean,
): Promise<Task> {
  let customerIds: number[] | undefined;
  if (customerName !== undefined) {
    customerIds = [(await byName(customers, r, customerName, field, includeArchived)).id];
  }
  const projects = await findByName(projectsOf(customerIds), r, projectName, includeArchived);
  if (projects.kind === 'none') {
    throw await nameNotFound(projectsOf(customerIds), r, projectName, field, includeArchived);
  }
  // A project name shared by several customers is fine as long as the task name settles it.
  const projectIds = projects.kind === 'one' ? [projects.item.id] : projects.items.map((p) => p.id);
  return byName(tasksIn({ projectIds }), r, taskName, field, includeArchived);
}

/** `[customer, project, task]` or `[project, task]` parts of a path. */
function taskAt(r: Resolver, parts: string[], field: string, includeArchived: boolean): Promise<Task> {
  const [a, b, c] = parts;
  return parts.length === 3
    ? taskUnder(r, a, b!, c!, field, includeArchived)
    : taskUnder(r, undefined, a!, b!, field, includeArchived);
}

export function resolveTask(r: Resolver, ref: Ref, options: ResolveOptions = {}): Promise<ResolvedTask> {
  return withArchivedHint(resolveTaskByRef(r, ref, options), options);
}

async function resolveTaskByRef(r: Resolver, ref: Ref, options: ResolveOptions): Promise<ResolvedTask> {
  const field = options.field ?? 'task';
  const includeArchived = options.includeArchived === true;
  const parsed = parseRef(ref, field);
  const byId = await loadById(ref, parsed, 'task', field, (id) => workOf(r).task(id));
  if (byId) return taskOut(r, byId);
  const text = parsed.text;
  const spaced = splitPath(text, true);
  if (spaced.length > 3) {
    throw new ToolError('validation', `${field}: a task path has at most three parts`, {
      field,
      hint: 'use "Customer / Project / Task", "Project / Task" or a task name',
    });
  }
  if (spaced.length >= 2) return taskOut(r, await taskAt(r, spaced, field, includeArchived));
  if (text.includes('/')) {
    // A bare slash may belong to a name ("I/O testing"): the whole text first, then as a path.
    const whole = await findByName(tasksIn({}), r, text, includeArchived);
    if (whole.kind === 'one') return taskOut(r, whole.item);
    const parts = splitPath(text, false);
    if (whole.kind === 'none' && (parts.length === 2 || parts.length === 3)) {
      return taskOut(r, await taskAt(r, parts, field, includeArchived));
    }
  }
  return taskOut(r, await byName(tasksIn({}), r, text, field, includeArchived));
}
