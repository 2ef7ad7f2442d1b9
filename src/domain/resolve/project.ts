/**
 * Projects by id, name or `Customer / Project`, optionally within one customer. A project whose customer is
 * archived counts as archived too.
 */
import type { Project } from '../../actitime/schemas.js';
import { ToolError } from '../errors.js';
import { byName, findByName, type NameAdapter } from './by-name.js';
import { customers, resolveCustomer } from './customer.js';
import { LOOKUP_LIMIT, SUGGEST_LIMIT } from './match.js';
import { projectPath, splitPath } from './path.js';
import { loadById, parseRef } from './ref.js';
import { quote, withArchivedHint } from './refusals.js';
import {
  workOf,
  type Ref,
  type ResolveOptions,
  type ResolvedCustomer,
  type ResolvedProject,
  type Resolver,
} from './types.js';

export interface ResolveProjectOptions extends ResolveOptions {
  /** Only projects of this customer (id or name). */
  customer?: Ref;
}

type CustomerMap = Record<string, { id: number; archived?: unknown; name?: unknown }> | undefined;

function liveProjects(items: Project[], customerMap: CustomerMap, includeArchived: boolean): Project[] {
  if (includeArchived) return items;
  return items.filter((p) => p.archived !== true && customerMap?.[String(p.customerId)]?.archived !== true);
}

/** Projects of these customers (all customers when undefined). */
export function projectsOf(customerIds: number[] | undefined): NameAdapter<Project> {
  return {
    what: 'project',
    async find(r, filter, includeArchived) {
      const page = await workOf(r).projects({
        ...filter,
        customerIds,
        archived: includeArchived ? undefined : false,
        limit: LOOKUP_LIMIT,
        sort: 'name',
        includeReferenced: ['customers'],
      });
      return { items: liveProjects(page.items, page.customers, includeArchived), fetched: page.items.length };
    },
    async probe(r, words, includeArchived) {
      const page = await workOf(r).projects({
        words,
        customerIds,
        archived: includeArchived ? undefined : false,
        limit: SUGGEST_LIMIT,
        includeReferenced: ['customers'],
      });
      return liveProjects(page.items, page.customers, includeArchived);
    },
    path: (p) => projectPath(p),
  };
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
  const byId = await loadById(ref, parsed, 'project', field, (id) => workOf(r).project(id));
  if (byId && parsed.kind === 'id') {
    if (customer && byId.customerId !== customer.id) {
      throw new ToolError(
        'not_found',
        `${field}: project ${parsed.id} does not belong to customer ${quote(customer.name)}`,
        { field, hint: 'give the project of that customer, or leave the customer out' },
      );
    }
    return projectOut(byId, customer?.name);
  }
  const text = parsed.text;
  if (customer) {
    return projectOut(
      await byName(projectsOf([customer.id]), r, text, field, includeArchived),
      customer.name,
    );
  }
  // "Customer / Project": the spaced form is unambiguous; a bare slash may be part of a name, so the whole text
  // is tried as a name first.
  const spaced = splitPath(text, true);
  if (spaced.length === 2) return projectUnder(r, spaced[0]!, spaced[1]!, field, includeArchived);
  if (text.includes('/')) {
    const whole = await findByName(projectsOf(undefined), r, text, includeArchived);
    if (whole.kind === 'one') return projectOut(whole.item);
    const parts = splitPath(text, false);
    if (whole.kind === 'none' && parts.length === 2) {
      return projectUnder(r, parts[0]!, parts[1]!, field, includeArchived);
    }
  }
  return projectOut(await byName(projectsOf(undefined), r, text, field, includeArchived));
}

async function projectUnder(
  r: Resolver,
  customerName: string,
  projectName: string,
  field: string,
  includeArchived: boolean,
): Promise<ResolvedProject> {
  const c = await byName(customers, r, customerName, field, includeArchived);
  return projectOut(await byName(projectsOf([c.id]), r, projectName, field, includeArchived), c.name);
}
