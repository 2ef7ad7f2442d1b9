/**
 * The shapes every resolver shares: what it reads from (Resolver), what it is given (Ref, ResolveOptions) and what
 * it returns for customers, projects and tasks.
 *
 * Every tool argument that names a customer, project, task, user, leave type, type of work, workflow status,
 * department or time-zone group is resolved by one module of this folder: customer.ts, project.ts and task.ts
 * (through the name resolver in by-name.ts), user.ts, reference-lists.ts. An explicit id is always honoured,
 * archived or not; archived objects match a name only when asked (`includeArchived`).
 */
import type { ActitimeClient } from '../../actitime/client.js';
import type { Customer, Project, Task, User } from '../../actitime/schemas.js';
import { apiSource, type WorkSource } from '../work-index.js';

/** What resolution needs; a ToolContext satisfies it. `me`, when present, serves `'me'` from the session memo. */
export interface Resolver {
  client: ActitimeClient;
  signal?: AbortSignal;
  me?: () => Promise<User>;
  /** Where customers, projects and tasks are looked up; default: the API, one request per lookup. */
  work?: WorkSource;
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

/** A session may hand in a copy of the work lists for one call (work-index.ts); without one, every lookup asks. */
export function workOf(r: Resolver): WorkSource {
  return r.work ?? apiSource(r.client, r.signal);
}

/** Request options for endpoint functions called directly (users, reference lists). */
export function requestOptions(r: Resolver): { signal?: AbortSignal } {
  return r.signal ? { signal: r.signal } : {};
}
