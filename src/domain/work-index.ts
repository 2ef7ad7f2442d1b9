/**
 * Where name resolution reads customers, projects and tasks from. By default each lookup is a filtered API
 * request (a page of a few dozen rows). A call that names many objects at once (log_time with many entries,
 * get_time_entries with lists of tasks) loads the visible customers, projects and tasks ONCE instead — a few
 * pages — and answers every lookup from that copy, so a hundred names cost a handful of requests, not a
 * hundred or more, and an unknown name costs none (docs/reliability.md, "names from one list").
 *
 * The copy lives for one call only: it never serves a later call stale data. The local filters follow the
 * API's documented rules (docs/actitime-model.md §1.8: `name` exact, any case; `words` every word, any case; `archived`; id filters),
 * and resolve/match.ts re-checks every match the same way whichever source answered.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { getCustomer, listCustomers, type CustomersQuery } from '../actitime/resources/customers.js';
import { getProject, listProjects, type ProjectsQuery } from '../actitime/resources/projects.js';
import { getTask, listTasks, type TasksQuery } from '../actitime/resources/tasks.js';
import type { Customer, Project, Task } from '../actitime/schemas.js';
import { allWords, normaliseName } from './names.js';

export type RefMap = Record<string, { id: number; name?: unknown; archived?: unknown }>;

export interface WorkSource {
  customers(q: CustomersQuery): Promise<{ items: Customer[] }>;
  projects(q: ProjectsQuery): Promise<{ items: Project[]; customers?: RefMap }>;
  tasks(q: TasksQuery): Promise<{ items: Task[]; projects?: RefMap; customers?: RefMap }>;
  customer(id: number): Promise<Customer>;
  project(id: number): Promise<Project>;
  task(id: number): Promise<Task>;
}

/** Every lookup is a request. */
export function apiSource(client: ActitimeClient, signal?: AbortSignal): WorkSource {
  const opts = signal ? { signal } : {};
  return {
    customers: (q) => listCustomers(client, q, opts),
    projects: async (q) => {
      const page = await listProjects(client, q, opts);
      return { items: page.items, customers: page.customers };
    },
    tasks: async (q) => {
      const page = await listTasks(client, q, opts);
      return {
        items: page.items,
        projects: page.projects,
        customers: page.customers,
      };
    },
    customer: (id) => getCustomer(client, id, opts),
    project: (id) => getProject(client, id, opts),
    task: (id) => getTask(client, id, opts),
  };
}

/** Pages of each list the index may read; a bigger account resolves name by name instead. */
export const MAX_INDEX_PAGES = 5;

/** The visible customers, projects and tasks, or undefined when there are too many to copy for one call. */
export async function loadWorkIndex(
  client: ActitimeClient,
  signal?: AbortSignal,
): Promise<WorkSource | undefined> {
  const api = apiSource(client, signal);
  const opts = signal ? { signal } : {};
  const all = async <T>(page: (offset: number) => Promise<{ items: T[]; limit?: number | null }>) => {
    const items: T[] = [];
    for (let n = 0; n < MAX_INDEX_PAGES; n++) {
      const p = await page(items.length);
      items.push(...p.items);
      if (p.items.length === 0 || p.items.length < (p.limit ?? Infinity)) return items;
    }
    return undefined;
  };
  const [customers, projects, tasks] = await Promise.all([
    all((offset) => listCustomers(client, { offset }, opts)),
    all((offset) => listProjects(client, { offset }, opts)),
    all((offset) => listTasks(client, { offset }, opts)),
  ]);
  if (!customers || !projects || !tasks) return undefined;
  return indexedSource(api, customers, projects, tasks);
}

/** Lookups answered from copies of the lists; an id the copy lacks is asked of actiTIME. */
export function indexedSource(
  api: WorkSource,
  customers: readonly Customer[],
  projects: readonly Project[],
  tasks: readonly Task[],
): WorkSource {
  const customerById = new Map(customers.map((c) => [c.id, c]));
  const projectById = new Map(projects.map((p) => [p.id, p]));
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const customerMap = (ids: Iterable<number | null | undefined>): RefMap => {
    const out: RefMap = {};
    for (const id of ids) {
      const c = id == null ? undefined : customerById.get(id);
      if (c) out[String(c.id)] = { id: c.id, name: c.name, archived: c.archived };
    }
    return out;
  };
  return {
    async customers(q) {
      return { items: select(customers, q) };
    },
    async projects(q) {
      const items = select(
        projects.filter((p) => inIds(q.customerIds, p.customerId)),
        q,
      );
      return q.includeReferenced?.includes('customers')
        ? { items, customers: customerMap(items.map((p) => p.customerId)) }
        : { items };
    },
    async tasks(q) {
      const items = select(
        tasks.filter((t) => inIds(q.projectIds, t.projectId) && inIds(q.customerIds, t.customerId)),
        q,
      );
      const wanted = q.includeReferenced ?? [];
      const out: { items: Task[]; projects?: RefMap; customers?: RefMap } = { items };
      if (wanted.includes('projects')) {
        out.projects = {};
        for (const t of items) {
          const p = t.projectId == null ? undefined : projectById.get(t.projectId);
          if (p) out.projects[String(p.id)] = { id: p.id, name: p.name, archived: p.archived };
        }
      }
      if (wanted.includes('customers')) out.customers = customerMap(items.map((t) => t.customerId));
      return out;
    },
    customer: (id) => Promise.resolve(customerById.get(id) ?? api.customer(id)),
    project: (id) => Promise.resolve(projectById.get(id) ?? api.project(id)),
    task: (id) => Promise.resolve(taskById.get(id) ?? api.task(id)),
  };
}

function inIds(ids: readonly number[] | undefined, id: number | null | undefined): boolean {
  return ids === undefined || (id != null && ids.includes(id));
}

/** The API's list filters and name order, on a copy. */
function select<T extends { name: string; archived?: boolean | null }>(
  items: readonly T[],
  q: { name?: string; words?: string; archived?: boolean; limit?: number },
): T[] {
  const name = q.name === undefined ? undefined : normaliseName(q.name);
  const out = items.filter(
    (i) =>
      (name === undefined || normaliseName(i.name) === name) &&
      (q.words === undefined || allWords(i.name, q.words)) &&
      (q.archived === undefined || (i.archived === true) === q.archived),
  );
  out.sort((a, b) => a.name.localeCompare(b.name));
  return q.limit === undefined ? out : out.slice(0, q.limit);
}

/** From this many names in one call, one copy of the lists is cheaper than a lookup per name. */
export const INDEX_FROM_NAMES = 3;

/** A name, not an id: ids are looked up one by one (they cost one request each, and often none). */
function isName(ref: string | number): boolean {
  return typeof ref === 'string' && !/^\s*\d{1,15}\s*$/.test(ref);
}

/**
 * `r` with a one-call index of the work lists when `refs` hold enough distinct names to make it pay (and the
 * account is small enough to copy); otherwise `r` itself.
 */
export async function withWorkIndex<R extends { client: ActitimeClient; signal?: AbortSignal }>(
  r: R,
  refs: ReadonlyArray<string | number>,
): Promise<R & { work?: WorkSource }> {
  const names = new Set(refs.filter(isName).map((ref) => normaliseName(String(ref))));
  if (names.size < INDEX_FROM_NAMES) return r;
  const work = await loadWorkIndex(r.client, r.signal);
  return work ? { ...r, work } : r;
}
