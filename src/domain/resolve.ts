/**
 * Names for ids. Every tool argument that names a customer, project, task, user, leave type, type of work,
 * workflow status or department goes through here: an id (a number or a numeric string) or a name.
 *
 * Matching, per level: an exact name (case-insensitive, spaces collapsed) first, then a unique match of all the
 * words. More than one match is refused as `ambiguous` with up to 10 candidates; no match is `not_found` with
 * the closest names. Archived objects take part only when asked (`includeArchived`); an explicit id is always
 * honoured, archived or not.
 *
 * Large lists (tasks, projects, customers, users) are searched with the API's own filters (`name`, `words`,
 * `customerIds`, `projectIds`, `username`), a page of at most a few dozen rows each, never read in full; the
 * one exception is a server whose user `name` filter matches whole names only (see nameSearch below). Short
 * reference lists come from the client's reference cache and are matched here.
 *
 * Names never become path segments: only a whole ref that is all digits is used as an id (SEC-IN-02), and a
 * path such as `1/../2` is split into names sent as query parameters.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { isNotFound } from '../actitime/resources/common.js';
import {
  listDepartments,
  listLeaveTypes,
  listTimeZoneGroups,
  listTypesOfWork,
} from '../actitime/resources/reference.js';
import { pageSizeFor } from '../actitime/resources/paging.js';
import { getUser, listUsers } from '../actitime/resources/users.js';
import { listWorkflowStatuses } from '../actitime/resources/workflowStatuses.js';
import type {
  Customer,
  Department,
  LeaveType,
  Project,
  Task,
  TimeZoneGroup,
  TypeOfWork,
  User,
  WorkflowStatus,
} from '../actitime/schemas.js';
import { ToolError, type Candidate } from './errors.js';
import { allWords, normaliseName, wordsOf } from './names.js';
import { apiSource, type WorkSource } from './work-index.js';
import { hasControlCharacters, stripInvisible } from './sanitize.js';

/** What resolution needs; a ToolContext satisfies it. `me`, when present, serves `'me'` from the session memo. */
export interface Resolver {
  client: ActitimeClient;
  signal?: AbortSignal;
  me?: () => Promise<User>;
  /** Where customers, projects and tasks are looked up; default: the API, one request per lookup. */
  work?: WorkSource;
}

function work(r: Resolver): WorkSource {
  return r.work ?? apiSource(r.client, r.signal);
}

export type Ref = string | number;

export interface ResolveOptions {
  /** The argument name used in errors, e.g. `task` or `entries[2].task`. */
  field?: string;
  /** Let archived objects match a name (an explicit id always matches). */
  includeArchived?: boolean;
}

export interface ResolvedTask {
  id: number;
  name: string;
  /** `Customer / Project / Task`. */
  path: string;
  projectId: number;
  projectName: string;
  customerId: number;
  customerName: string;
  /** `open` or `completed` (the type of its workflow status); undefined if the server did not say. */
  status: string | undefined;
  task: Task;
}

export interface ResolvedProject {
  id: number;
  name: string;
  /** `Customer / Project`. */
  path: string;
  customerId: number;
  customerName: string;
  project: Project;
}

export interface ResolvedCustomer {
  id: number;
  name: string;
  path: string;
  customer: Customer;
}

/** At most this many candidates are shown for an ambiguous name. */
export const MAX_CANDIDATES = 10;
/** Rows fetched per name lookup: one more than the candidates, to know there are more. */
const LOOKUP_LIMIT = MAX_CANDIDATES + 1;
/** Rows fetched per "closest names" probe. */
const SUGGEST_LIMIT = 50;
const MAX_SUGGESTIONS = 5;
/** Longest ref accepted: a `Customer / Project / Task` path of three 255-character names. */
const MAX_REF_LENGTH = 3 * 255 + 6;

// ---- text helpers --------------------------------------------------------------------------------------------

/** Dice coefficient over character bigrams: 1 = same, 0 = nothing in common. */
export function similarity(a: string, b: string): number {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < x.length - 1; i++) {
    const g = x.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < y.length - 1; i++) {
    const g = y.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      common++;
      grams.set(g, n - 1);
    }
  }
  return (2 * common) / (x.length - 1 + y.length - 1);
}

function quote(text: string): string {
  const t = stripInvisible(text).trim();
  return JSON.stringify(t.length > 80 ? t.slice(0, 79) + '…' : t);
}

/** `Customer / Project / Task` for a task object (names the API sends with every task). */
export function taskPath(task: Pick<Task, 'name' | 'projectName' | 'customerName'>): string {
  return [task.customerName, task.projectName, task.name].filter((p) => p != null && p !== '').join(' / ');
}

export function projectPath(project: Pick<Project, 'name' | 'customerName'>): string {
  return [project.customerName, project.name].filter((p) => p != null && p !== '').join(' / ');
}

// ---- ref parsing ---------------------------------------------------------------------------------------------

type Parsed = { kind: 'id'; id: number; text: string } | { kind: 'name'; text: string };

/**
 * An id when the ref is a safe integer (or a string of digits); otherwise a cleaned name. `allowNegative` is for
 * the default department and time-zone group (-1).
 */
function parseRef(ref: Ref, field: string, allowNegative = false): Parsed {
  if (typeof ref === 'number') {
    if (!Number.isSafeInteger(ref) || (ref <= 0 && !(allowNegative && ref === -1))) {
      throw new ToolError('validation', `${field}: ${String(ref)} is not a valid id`, {
        field,
        hint: 'give a positive whole-number id or a name',
      });
    }
    return { kind: 'id', id: ref, text: String(ref) };
  }
  if (typeof ref !== 'string') {
    throw new ToolError('validation', `${field}: expected an id or a name`, { field });
  }
  if (hasControlCharacters(ref)) {
    throw new ToolError('validation', `${field}: must not contain control characters`, { field });
  }
  const text = stripInvisible(ref).trim().replace(/\s+/g, ' ');
  if (text === '') throw new ToolError('validation', `${field}: must not be empty`, { field });
  if (text.length > MAX_REF_LENGTH) {
    throw new ToolError('validation', `${field}: longer than ${MAX_REF_LENGTH} characters`, { field });
  }
  if (/^\d{1,15}$/.test(text) && Number(text) > 0) return { kind: 'id', id: Number(text), text };
  if (allowNegative && text === '-1') return { kind: 'id', id: -1, text };
  return { kind: 'name', text };
}

/** The parts of a `A / B / C` path; a ref without a slash is one part. Empty parts are dropped. */
function splitPath(text: string, spacedOnly: boolean): string[] {
  const re = spacedOnly ? /\s+\/\s+/ : /\s*\/\s*/;
  return text
    .split(re)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

// ---- generic matching ----------------------------------------------------------------------------------------

interface Named {
  id: number;
  name: string;
}

type Match<T> = { kind: 'one'; item: T } | { kind: 'many'; items: T[]; more: boolean } | { kind: 'none' };

/** Exact (case-insensitive) matches first; otherwise all-words matches. */
function pick<T extends Named>(items: readonly T[], query: string, more = false): Match<T> {
  const q = normaliseName(query);
  const exact = items.filter((i) => normaliseName(i.name) === q);
  if (exact.length === 1) return { kind: 'one', item: exact[0]! };
  if (exact.length > 1) return { kind: 'many', items: exact, more };
  const words = items.filter((i) => allWords(i.name, query));
  if (words.length === 1 && !more) return { kind: 'one', item: words[0]! };
  if (words.length > 0) return { kind: 'many', items: words, more };
  return { kind: 'none' };
}

function ambiguous(
  what: string,
  query: string,
  field: string,
  candidates: Candidate[],
  more: boolean,
): ToolError {
  const shown = candidates.slice(0, MAX_CANDIDATES);
  const count = more || candidates.length > MAX_CANDIDATES ? `more than ${shown.length}` : `${shown.length}`;
  return new ToolError(
    'ambiguous',
    `${field}: ${quote(query)} matches ${count} ${plural(what)}; none was chosen`,
    {
      field,
      candidates: shown,
      hint: `call again with one candidate's id, or a more specific name${what === 'task' ? ' such as "Customer / Project / Task"' : ''}`,
    },
  );
}

function notFound(
  what: string,
  query: string,
  field: string,
  candidates: Candidate[],
  archivedHint = false,
): ToolError {
  const hint = archivedHint
    ? `only archived ${plural(what)} match; pass includeArchived: true to use them`
    : candidates.length > 0
      ? `did you mean one of the candidates? Call again with its id or exact name`
      : // actiTIME lists only what the account may see, so "no such name" may mean "not visible to you".
        `check the spelling, or search for the ${what} first; it may also be outside what this account can see`;
  const error = new ToolError('not_found', `${field}: no ${what} named ${quote(query)}`, {
    field,
    candidates: candidates.slice(0, MAX_CANDIDATES),
    hint,
  });
  if (archivedHint) archivedOnly.set(error, what);
  return error;
}

function plural(what: string): string {
  if (what === 'type of work') return 'types of work';
  return what.endsWith('s') ? `${what}es` : `${what}s`;
}

/** not_found errors raised because only archived objects match, with what was looked for. */
const archivedOnly = new WeakMap<ToolError, string>();

/**
 * "Pass includeArchived" helps only where the tool has that argument; such tools always pass includeArchived
 * (true or false). Elsewhere (log_time, create_project, log_leave_time…) the hint says what can be done instead.
 */
async function withArchivedHint<T>(work: Promise<T>, options: ResolveOptions): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const what = err instanceof ToolError ? archivedOnly.get(err) : undefined;
    if (!(err instanceof ToolError) || what === undefined || options.includeArchived !== undefined) throw err;
    const hint =
      what === 'customer' || what === 'project'
        ? `only archived ${plural(what)} match; restore the ${what} first (update_work_item with changes.archived false), or choose an active one`
        : what === 'task'
          ? 'only tasks of archived projects or customers match; restore the project first (update_work_item with changes.archived false), or choose an active task'
          : `only archived ${plural(what)} match; choose an active ${what}`;
    throw new ToolError('not_found', err.message, { field: err.field, candidates: err.candidates, hint });
  }
}

function notFoundId(what: string, id: number, field: string): ToolError {
  return new ToolError('not_found', `${field}: no ${what} with id ${id}`, {
    field,
    hint: `look the ${what} up by name, or search for it first`,
  });
}

/** The closest names among `items`, best first. */
function closest<T extends Named>(items: readonly T[], query: string, path: (i: T) => string): Candidate[] {
  return items
    .map((i) => ({ i, score: Math.max(similarity(i.name, query), similarity(path(i), query)) }))
    .filter((s) => s.score >= 0.3)
    .sort((a, b) => b.score - a.score || a.i.id - b.i.id)
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => ({ id: s.i.id, path: path(s.i) }));
}

/**
 * Probes for suggestions: the first and the last four letters of the two longest words, so that a typo near
 * the start of a single word ("Tsting") still finds its neighbours through the end ("ting").
 */
function probesOf(query: string): string[] {
  const words = wordsOf(query)
    .filter((w) => w.length >= 3)
    .sort((a, b) => b.length - a.length)
    .slice(0, 2);
  return [...new Set(words.flatMap((w) => [w.slice(0, 4), w.slice(-4)]))];
}

async function suggest<T extends Named>(
  query: string,
  search: (words: string) => Promise<T[]>,
  path: (i: T) => string,
): Promise<Candidate[]> {
  const seen = new Map<number, T>();
  for (const probe of probesOf(query)) {
    for (const item of await search(probe)) seen.set(item.id, item);
  }
  return closest([...seen.values()], query, path);
}

/** A numeric ref that names no object falls back to a name lookup (a task may be called "2024"). */
async function byIdOrNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

function opts(r: Resolver): { signal?: AbortSignal } {
  return r.signal ? { signal: r.signal } : {};
}

// ---- customers -----------------------------------------------------------------------------------------------

function customerOut(c: Customer): ResolvedCustomer {
  return { id: c.id, name: c.name, path: c.name, customer: c };
}

async function findCustomers(r: Resolver, query: string, includeArchived: boolean): Promise<Match<Customer>> {
  const archived = includeArchived ? undefined : false;
  const exact = await work(r).customers({ name: query, archived, limit: LOOKUP_LIMIT, sort: 'name' });
  const exactMatch = pick(exact.items, query, exact.items.length >= LOOKUP_LIMIT);
  if (exactMatch.kind !== 'none') return exactMatch;
  const words = await work(r).customers({ words: query, archived, limit: LOOKUP_LIMIT, sort: 'name' });
  return pick(words.items, query, words.items.length >= LOOKUP_LIMIT);
}

async function customerNotFound(r: Resolver, query: string, field: string, includeArchived: boolean) {
  if (!includeArchived) {
    const archived = await findCustomers(r, query, true);
    if (archived.kind !== 'none') return notFound('customer', query, field, [], true);
  }
  const candidates = await suggest(
    query,
    async (words) =>
      (
        await work(r).customers({
          words,
          archived: includeArchived ? undefined : false,
          limit: SUGGEST_LIMIT,
        })
      ).items,
    (c) => c.name,
  );
  return notFound('customer', query, field, candidates);
}

async function customerByName(
  r: Resolver,
  query: string,
  field: string,
  includeArchived: boolean,
): Promise<Customer> {
  const m = await findCustomers(r, query, includeArchived);
  if (m.kind === 'one') return m.item;
  if (m.kind === 'many') {
    throw ambiguous(
      'customer',
      query,
      field,
      m.items.map((c) => ({ id: c.id, path: c.name })),
      m.more,
    );
  }
  throw await customerNotFound(r, query, field, includeArchived);
}

export function resolveCustomer(
  r: Resolver,
  ref: Ref,
  options: ResolveOptions = {},
): Promise<ResolvedCustomer> {
  return withArchivedHint(resolveCustomerByRef(r, ref, options), options);
}

async function resolveCustomerByRef(
  r: Resolver,
  ref: Ref,
  options: ResolveOptions,
): Promise<ResolvedCustomer> {
  const field = options.field ?? 'customer';
  const parsed = parseRef(ref, field);
  if (parsed.kind === 'id') {
    const byId = await byIdOrNull(() => work(r).customer(parsed.id));
    if (byId) return customerOut(byId);
    if (typeof ref === 'number') throw notFoundId('customer', parsed.id, field);
  }
  return customerOut(await customerByName(r, parsed.text, field, options.includeArchived === true));
}

// ---- projects ------------------------------------------------------------------------------------------------

export interface ResolveProjectOptions extends ResolveOptions {
  /** Only projects of this customer (id or name). */
  customer?: Ref;
}

function projectOut(p: Project, customerName?: string): ResolvedProject {
  const cName = p.customerName ?? customerName ?? '';
  return {
    id: p.id,
    name: p.name,
    path: projectPath({ name: p.name, customerName: cName }),
    customerId: p.customerId ?? 0,
    customerName: cName,
    project: p,
  };
}

type CustomerMap = Record<string, { id: number; archived?: unknown; name?: unknown }> | undefined;

/** Projects whose customer is archived count as archived too. */
function liveProjects(items: Project[], customers: CustomerMap, includeArchived: boolean): Project[] {
  if (includeArchived) return items;
  return items.filter((p) => p.archived !== true && customers?.[String(p.customerId)]?.archived !== true);
}

async function findProjects(
  r: Resolver,
  query: string,
  customerIds: number[] | undefined,
  includeArchived: boolean,
): Promise<Match<Project>> {
  const archived = includeArchived ? undefined : false;
  for (const filter of [{ name: query }, { words: query }]) {
    const page = await work(r).projects({
      ...filter,
      customerIds,
      archived,
      limit: LOOKUP_LIMIT,
      sort: 'name',
      includeReferenced: ['customers'],
    });
    const items = liveProjects(page.items, page.customers, includeArchived);
    const m = pick(items, query, page.items.length >= LOOKUP_LIMIT);
    if (m.kind !== 'none') return m;
  }
  return { kind: 'none' };
}

async function projectNotFound(
  r: Resolver,
  query: string,
  field: string,
  customerIds: number[] | undefined,
  includeArchived: boolean,
): Promise<ToolError> {
  if (!includeArchived) {
    const archived = await findProjects(r, query, customerIds, true);
    if (archived.kind !== 'none') return notFound('project', query, field, [], true);
  }
  const candidates = await suggest(
    query,
    async (words) => {
      const page = await work(r).projects({
        words,
        customerIds,
        archived: includeArchived ? undefined : false,
        limit: SUGGEST_LIMIT,
        includeReferenced: ['customers'],
      });
      return liveProjects(page.items, page.customers, includeArchived);
    },
    (p) => projectPath(p),
  );
  return notFound('project', query, field, candidates);
}

async function projectsByName(
  r: Resolver,
  query: string,
  field: string,
  customerIds: number[] | undefined,
  includeArchived: boolean,
): Promise<Project> {
  const m = await findProjects(r, query, customerIds, includeArchived);
  if (m.kind === 'one') return m.item;
  if (m.kind === 'many') {
    throw ambiguous(
      'project',
      query,
      field,
      m.items.map((p) => ({ id: p.id, path: projectPath(p) })),
      m.more,
    );
  }
  throw await projectNotFound(r, query, field, customerIds, includeArchived);
}

export function resolveProject(
  r: Resolver,
  ref: Ref,
  options: ResolveProjectOptions = {},
): Promise<ResolvedProject> {
  return withArchivedHint(resolveProjectByRef(r, ref, options), options);
}

async function resolveProjectByRef(
  r: Resolver,
  ref: Ref,
  options: ResolveProjectOptions,
): Promise<ResolvedProject> {
  const field = options.field ?? 'project';
  const includeArchived = options.includeArchived === true;
  const parsed = parseRef(ref, field);
  let customer: ResolvedCustomer | undefined;
  if (options.customer !== undefined) {
    customer = await resolveCustomer(r, options.customer, { field: 'customer', includeArchived });
  }
  if (parsed.kind === 'id') {
    const byId = await byIdOrNull(() => work(r).project(parsed.id));
    if (byId) {
      if (customer && byId.customerId !== customer.id) {
        throw new ToolError(
          'not_found',
          `${field}: project ${parsed.id} does not belong to customer ${quote(customer.name)}`,
          { field, hint: 'give the project of that customer, or leave the customer out' },
        );
      }
      return projectOut(byId, customer?.name);
    }
    if (typeof ref === 'number') throw notFoundId('project', parsed.id, field);
  }
  const text = parsed.text;
  if (customer) {
    return projectOut(await projectsByName(r, text, field, [customer.id], includeArchived), customer.name);
  }
  // "Customer / Project": the spaced form is unambiguous; a bare slash may be part of a name, so the whole text
  // is tried as a name first.
  const spaced = splitPath(text, true);
  if (spaced.length === 2) return projectUnder(r, spaced[0]!, spaced[1]!, field, includeArchived);
  if (text.includes('/')) {
    const whole = await findProjects(r, text, undefined, includeArchived);
    if (whole.kind === 'one') return projectOut(whole.item);
    const parts = splitPath(text, false);
    if (whole.kind === 'none' && parts.length === 2) {
      return projectUnder(r, parts[0]!, parts[1]!, field, includeArchived);
    }
  }
  return projectOut(await projectsByName(r, text, field, undefined, includeArchived));
}

async function projectUnder(
  r: Resolver,
  customerName: string,
  projectName: string,
  field: string,
  includeArchived: boolean,
): Promise<ResolvedProject> {
  const c = await customerByName(r, customerName, field, includeArchived);
  return projectOut(await projectsByName(r, projectName, field, [c.id], includeArchived), c.name);
}

// ---- tasks ---------------------------------------------------------------------------------------------------

type RefMap = Record<string, { id: number; name?: unknown; archived?: unknown }> | undefined;

interface TaskPage {
  items: Task[];
  projects?: RefMap;
  customers?: RefMap;
}

function nameIn(map: RefMap, id: number | null | undefined): string | undefined {
  const v = id == null ? undefined : map?.[String(id)]?.name;
  return typeof v === 'string' ? v : undefined;
}

/** Fills in project and customer names from the reference maps when a server leaves them out. */
function withNames(t: Task, page: TaskPage): Task {
  return {
    ...t,
    projectName: t.projectName ?? nameIn(page.projects, t.projectId),
    customerName: t.customerName ?? nameIn(page.customers, t.customerId),
  };
}

/** A task counts as archived when its project or customer is. */
function liveTasks(page: TaskPage, includeArchived: boolean): Task[] {
  const items = page.items.map((t) => withNames(t, page));
  if (includeArchived) return items;
  return items.filter(
    (t) =>
      page.projects?.[String(t.projectId)]?.archived !== true &&
      page.customers?.[String(t.customerId)]?.archived !== true,
  );
}

async function taskPage(
  r: Resolver,
  q: { name?: string; words?: string; projectIds?: number[]; customerIds?: number[]; limit: number },
): Promise<TaskPage> {
  return work(r).tasks({ ...q, sort: 'name', includeReferenced: ['projects', 'customers'] });
}

interface TaskScope {
  projectIds?: number[];
  customerIds?: number[];
}

async function findTasks(
  r: Resolver,
  query: string,
  scope: TaskScope,
  includeArchived: boolean,
): Promise<Match<Task>> {
  for (const filter of [{ name: query }, { words: query }]) {
    const page = await taskPage(r, { ...filter, ...scope, limit: LOOKUP_LIMIT });
    const m = pick(liveTasks(page, includeArchived), query, page.items.length >= LOOKUP_LIMIT);
    if (m.kind !== 'none') return m;
  }
  return { kind: 'none' };
}

async function taskNotFound(
  r: Resolver,
  query: string,
  field: string,
  scope: TaskScope,
  includeArchived: boolean,
): Promise<ToolError> {
  if (!includeArchived) {
    const archived = await findTasks(r, query, scope, true);
    if (archived.kind !== 'none') return notFound('task', query, field, [], true);
  }
  const candidates = await suggest(
    query,
    async (words) => liveTasks(await taskPage(r, { words, ...scope, limit: SUGGEST_LIMIT }), includeArchived),
    (t) => taskPath(t),
  );
  return notFound('task', query, field, candidates);
}

async function taskByName(
  r: Resolver,
  query: string,
  field: string,
  scope: TaskScope,
  includeArchived: boolean,
): Promise<Task> {
  const m = await findTasks(r, query, scope, includeArchived);
  if (m.kind === 'one') return m.item;
  if (m.kind === 'many') {
    throw ambiguous(
      'task',
      query,
      field,
      m.items.map((t) => ({ id: t.id, path: taskPath(t) })),
      m.more,
    );
  }
  throw await taskNotFound(r, query, field, scope, includeArchived);
}

async function taskOut(r: Resolver, t: Task): Promise<ResolvedTask> {
  let task = t;
  if ((task.projectName == null || task.customerName == null) && task.projectId != null) {
    const p = await work(r).project(task.projectId);
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
    customerIds = [(await customerByName(r, customerName, field, includeArchived)).id];
  }
  const projects = await findProjects(r, projectName, customerIds, includeArchived);
  if (projects.kind === 'none') {
    throw await projectNotFound(r, projectName, field, customerIds, includeArchived);
  }
  // A project name shared by several customers is fine as long as the task name settles it.
  const projectIds = projects.kind === 'one' ? [projects.item.id] : projects.items.map((p) => p.id);
  return taskByName(r, taskName, field, { projectIds }, includeArchived);
}

export function resolveTask(r: Resolver, ref: Ref, options: ResolveOptions = {}): Promise<ResolvedTask> {
  return withArchivedHint(resolveTaskByRef(r, ref, options), options);
}

async function resolveTaskByRef(r: Resolver, ref: Ref, options: ResolveOptions): Promise<ResolvedTask> {
  const field = options.field ?? 'task';
  const includeArchived = options.includeArchived === true;
  const parsed = parseRef(ref, field);
  if (parsed.kind === 'id') {
    const byId = await byIdOrNull(() => work(r).task(parsed.id));
    if (byId) return taskOut(r, byId);
    if (typeof ref === 'number') throw notFoundId('task', parsed.id, field);
  }
  const text = parsed.text;
  const spaced = splitPath(text, true);
  if (spaced.length > 3) {
    throw new ToolError('validation', `${field}: a task path has at most three parts`, {
      field,
      hint: 'use "Customer / Project / Task", "Project / Task" or a task name',
    });
  }
  if (spaced.length >= 2) {
    const [a, b, c] = spaced;
    const task =
      spaced.length === 3
        ? await taskUnder(r, a, b!, c!, field, includeArchived)
        : await taskUnder(r, undefined, a!, b!, field, includeArchived);
    return taskOut(r, task);
  }
  if (text.includes('/')) {
    // A bare slash may belong to a name ("I/O testing"): the whole text first, then as a path.
    const whole = await findTasks(r, text, {}, includeArchived);
    if (whole.kind === 'one') return taskOut(r, whole.item);
    const parts = splitPath(text, false);
    if (whole.kind === 'none' && (parts.length === 2 || parts.length === 3)) {
      const [a, b, c] = parts;
      const task =
        parts.length === 3
          ? await taskUnder(r, a, b!, c!, field, includeArchived)
          : await taskUnder(r, undefined, a!, b!, field, includeArchived);
      return taskOut(r, task);
    }
  }
  return taskOut(r, await taskByName(r, text, field, {}, includeArchived));
}

// ---- users ---------------------------------------------------------------------------------------------------

function displayName(u: User): string {
  const full =
    u.fullName ?? [u.firstName, u.middleName, u.lastName].filter((p) => p != null && p !== '').join(' ');
  return full !== '' ? full : (u.username ?? `user ${u.id}`);
}

/** `Full Name (username)` when the username is visible. */
export function userLabel(u: User): string {
  const name = displayName(u);
  return u.username && u.username !== name ? `${name} (${u.username})` : name;
}

export interface ResolveUserOptions extends ResolveOptions {
  /** Only active (enabled) users match a name; by default disabled users match too (their past is real). */
  activeOnly?: boolean;
}

/**
 * A user by id, username, full name or all words of it; `undefined` or `'me'` is the caller. Disabled users match
 * unless `activeOnly` (a disabled user's past time is still worth reading); among several matches, active
 * users are preferred when that settles it.
 */
export async function resolveUser(
  r: Resolver,
  ref: Ref | undefined,
  options: ResolveUserOptions = {},
): Promise<User> {
  const field = options.field ?? 'user';
  if (ref === undefined || (typeof ref === 'string' && normaliseName(ref) === 'me')) {
    return r.me ? r.me() : getUser(r.client, 'me', opts(r));
  }
  const parsed = parseRef(ref, field);
  if (parsed.kind === 'id') {
    const byId = await byIdOrNull(() => getUser(r.client, parsed.id, opts(r)));
    if (byId) return byId;
    if (typeof ref === 'number') throw notFoundId('user', parsed.id, field);
  }
  const query = parsed.text;
  const active = options.activeOnly ? true : undefined;
  const byUsername = await listUsers(r.client, { username: query, active, limit: 2 }, opts(r));
  // Callers without Manage Accounts & Permissions do not see usernames: trust the server's exact match then.
  const exactLogin = byUsername.items.filter(
    (u) => u.username == null || normaliseName(u.username) === normaliseName(query),
  );
  if (exactLogin.length === 1 && byUsername.items.length === 1) return exactLogin[0]!;

  const page = await listUsers(
    r.client,
    { name: query, active, limit: LOOKUP_LIMIT, sort: 'lastName' },
    opts(r),
  );
  learnNameSearch(r.client, page.items, query);
  let found = page.items;
  let more = found.length >= LOOKUP_LIMIT;
  // Suggestion probes asked of the server, each once: they also tell how it matches `name`.
  const probed = new Map<string, User[]>();
  const probe = async (words: string): Promise<User[]> => {
    let items = probed.get(words);
    if (!items) {
      items = (await listUsers(r.client, { name: words, active, limit: SUGGEST_LIMIT }, opts(r))).items;
      learnNameSearch(r.client, items, words);
      probed.set(words, items);
    }
    return items;
  };
  let listing: UserListing | undefined;
  if (found.length === 0 && nameSearch.get(r.client) !== 'words') {
    // Unknown: a server that searches words answers some probe, and the probes give the suggestions then.
    if (!nameSearch.has(r.client)) for (const p of probesOf(query)) await probe(p);
    if (nameSearch.get(r.client) !== 'words') {
      listing = await listUsersForNames(r, active);
      found = listing.users.filter((u) => userMatchesWords(u, query));
      more = found.length >= LOOKUP_LIMIT || (found.length > 0 && !listing.complete);
      found = found.slice(0, LOOKUP_LIMIT);
      if (found.length > 0) nameSearch.set(r.client, 'exact');
    }
  }
  const named = found.map((u) => ({ ...u, name: displayName(u) }));
  const q = normaliseName(query);
  const exact = named.filter((u) => normaliseName(u.name) === q);
  // The API's `name` filter may look at more than the full name (e.g. the username); only keep real matches.
  const words = exact.length > 0 ? exact : named.filter((u) => userMatchesWords(u, query));
  const preferActive = words.filter((u) => u.active !== false);
  const pool = words.length > 1 && preferActive.length === 1 ? preferActive : words;
  if (pool.length === 1 && (exact.length > 0 || !more)) return strip(pool[0]!);
  if (pool.length > 0) {
    throw ambiguous(
      'user',
      query,
      field,
      pool.map((u) => ({ id: u.id, path: userLabel(u) })),
      more,
    );
  }
  const candidates = await suggest(
    query,
    async (words) =>
      (listing ? listedMatches(listing, words) : await probe(words)).map((u) => ({
        ...u,
        name: displayName(u),
      })),
    (u) => userLabel(u),
  );
  throw notFound('user', query, field, candidates);
}

/**
 * How a server's `GET /users?name=` matches, learnt per client from its answers: every word a substring of the
 * name (the project's model), or the whole full name only, as `name` does elsewhere in the API
 * (docs/actitime-model.md §2.2). On the second kind a name search that finds nobody is answered by listing
 * the users and matching here, with the same word rule.
 */
const nameSearch = new WeakMap<ActitimeClient, 'words' | 'exact'>();

/** A row that is not the whole full name asked for shows a word search. */
function learnNameSearch(c: ActitimeClient, items: readonly User[], query: string): void {
  const q = normaliseName(query);
  const whole = (u: User) =>
    [u.fullName, [u.firstName, u.lastName], [u.firstName, u.middleName, u.lastName]]
      .map((n) => (Array.isArray(n) ? n.filter((p) => p != null && p !== '').join(' ') : (n ?? '')))
      .some((n) => normaliseName(n) === q);
  if (items.some((u) => !whole(u))) nameSearch.set(c, 'words');
}

/** The word rule of the model's `name` filter: every word in the full name or the username. */
function userMatchesWords(u: User, query: string): boolean {
  return allWords(`${displayName(u)} ${u.username ?? ''}`, query);
}

/** Pages of the user list read for local matching: enough for most companies, bounded for the rest. */
const LISTING_PAGES = 3;

interface UserListing {
  /** In last-name order, as the name search sorts. */
  users: User[];
  /** False when the bound cut the list short. */
  complete: boolean;
}

async function listUsersForNames(r: Resolver, active: boolean | undefined): Promise<UserListing> {
  const limit = await pageSizeFor(r.client, undefined, opts(r));
  const users: User[] = [];
  for (let page = 0; page < LISTING_PAGES; page++) {
    const got = await listUsers(r.client, { active, offset: users.length, limit, sort: 'lastName' }, opts(r));
    users.push(...got.items);
    if (got.items.length === 0 || got.items.length < (got.limit ?? limit)) return { users, complete: true };
  }
  return { users, complete: false };
}

/** A suggestion probe answered from the listing, as the model's `name` filter would (first rows by id). */
function listedMatches(listing: UserListing, words: string): User[] {
  return listing.users
    .filter((u) => userMatchesWords(u, words))
    .sort((a, b) => a.id - b.id)
    .slice(0, SUGGEST_LIMIT);
}

function strip(u: User & { name: string }): User {
  const { name: _name, ...rest } = u;
  return rest;
}

// ---- reference data (short, cached lists) --------------------------------------------------------------------

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
        list: () => listLeaveTypes(r.client, {}, opts(r)),
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
        list: () => listTypesOfWork(r.client, {}, opts(r)),
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
      list: () => listWorkflowStatuses(r.client, {}, opts(r)),
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
      list: () => listDepartments(r.client, {}, opts(r)),
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
      list: () => listTimeZoneGroups(r.client, {}, opts(r)),
      allowNegative: true,
    },
    true,
  );
}
