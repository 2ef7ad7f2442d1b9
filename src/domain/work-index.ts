/**
 * Where name resolution reads customers, projects and tasks from. By default each lookup is a filtered API
 * request (a page of a few dozen rows). A call that names many objects at once (log_time with many entries,
 * get_time_entries with lists of tasks) loads the visible customers, projects and tasks ONCE instead — a few
 * pages — and answers every lookup from that copy, so a hundred names cost a handful of requests, not a
 * hundred or more, and an unknown name costs none (docs/reliability.md, "names from one list").
 *
 * Across calls, both the lookups and the copy live in the client's cache (src/actitime/cache.ts) for at most
 * WORK_TTL_MS, dropped at once by any write of this server to customers, projects or tasks (docs/caching.md).
 * An answer that found nothing is not kept: a name someone has just created is found on the next call. The
 * local filters follow the API's documented rules (docs/actitime-model.md §1.8: `name` exact, any case; `words` every word, any case; `archived`; id filters),
 * and resolve/match.ts re-checks every match the same way whichever source answered.
 */
import { cacheKey, WORK_TTL_MS } from '../actitime/cache.js';
import type { ActitimeClient } from '../actitime/client.js';
import { CancelledError } from '../actitime/errors.js';
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

/** Every lookup is a request, unless the client's cache holds its answer (see the top of the file). */
export function apiSource(client: ActitimeClient, signal?: AbortSignal): WorkSource {
  const cached = <T>(
    key: string,
    load: (opts: { signal?: AbortSignal }) => Promise<T>,
    keep?: (value: T) => boolean,
  ): Promise<T> =>
    client.cache.fetch(key, (s) => load(s ? { signal: s } : {}), {
      ...(signal ? { signal } : {}),
      ttlMs: WORK_TTL_MS,
      ...(keep ? { keep } : {}),
    });
  const found = (page: { items: readonly unknown[] }): boolean => page.items.length > 0;
  return {
    customers: (q) =>
      cached(
        cacheKey('customers', q),
        async (opts) => ({ items: (await listCustomers(client, q, opts)).items }),
        found,
      ),
    projects: (q) =>
      cached(
        cacheKey('projects', q),
        async (opts) => {
          const page = await listProjects(client, q, opts);
          return { items: page.items, customers: page.customers };
        },
        found,
      ),
    tasks: (q) =>
      cached(
        cacheKey('tasks', q),
        async (opts) => {
          const page = await listTasks(client, q, opts);
          return { items: page.items, projects: page.projects, customers: page.customers };
        },
        found,
      ),
    customer: (id) => cached(`customers:id:${id}`, (opts) => getCustomer(client, id, opts)),
    project: (id) => cached(`projects:id:${id}`, (opts) => getProject(client, id, opts)),
    task: (id) => cached(`tasks:id:${id}`, (opts) => getTask(client, id, opts)),
  };
}

/**
 * Reads the tasks of `ids` not yet cached in ONE list request (with their projects' and customers' names) and
 * caches each as `task(id)` would: a call naming many tasks by id costs one request, not one per id. Ids the
 * list does not return (unknown, not visible) are left to `task(id)`, whose 404 is the error shown.
 */
export async function primeTasks(
  client: ActitimeClient,
  ids: readonly number[],
  signal?: AbortSignal,
): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => client.cache.peek(`tasks:id:${id}`) === undefined);
  if (missing.length < 2) return;
  const opts = signal ? { signal } : {};
  let page;
  try {
    page = await listTasks(
      client,
      { ids: missing, limit: missing.length, includeReferenced: ['projects', 'customers'] },
      opts,
    );
  } catch (err) {
    // Only a shortcut: the ids are then looked up one by one, and their errors are the ones shown.
    if (signal?.aborted || err instanceof CancelledError) throw err;
    return;
  }
  const name = (map: RefMap | undefined, id: number | null | undefined): string | undefined => {
    const v = id == null ? undefined : map?.[String(id)]?.name;
    return typeof v === 'string' ? v : undefined;
  };
  for (const t of page.items) {
    client.cache.put(
      `tasks:id:${t.id}`,
      {
        ...t,
        projectName: t.projectName ?? name(page.projects, t.projectId),
        customerName: t.customerName ?? name(page.customers, t.customerId),
      },
      WORK_TTL_MS,
    );
  }
}

/** Pages of each list the index may read; a bigger account resolves name by name instead. */
export const MAX_INDEX_PAGES = 5;

/**
 * The visible customers, projects and tasks, or undefined when there are too many to copy. The copy is cached
 * under `tasks:` (a write to any of the three drops it, see DEPENDENTS in src/actitime/cache.ts).
 */
export async function loadWorkIndex(
  client: ActitimeClient,
  signal?: AbortSignal,
): Promise<WorkSource | undefined> {
  const api = apiSource(client, signal);
  const lists = await client.cache.fetch('tasks:index', (s) => readWorkLists(client, s), {
    ...(signal ? { signal } : {}),
    ttlMs: WORK_TTL_MS,
  });
  return lists ? indexedSource(api, lists.customers, lists.projects, lists.tasks) : undefined;
}

interface WorkLists {
  customers: Customer[];
  projects: Project[];
  tasks: Task[];
}

async function readWorkLists(client: ActitimeClient, signal?: AbortSignal): Promise<WorkLists | null> {
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
  if (!customers || !projects || !tasks) return null;
  return { customers, projects, tasks };
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
