/**
 * The one name resolver for customers, projects and tasks. These lists can be large, so a name is searched with
 * the API's own filters (`name`, then `words`), a page of LOOKUP_LIMIT rows, never read in full. What differs per
 * kind (the request, what counts as archived, the path shown) lives in a small NameAdapter in customer.ts,
 * project.ts and task.ts.
 */
import type { ToolError } from '../errors.js';
import { LOOKUP_LIMIT, pick, suggest, type Match, type Named } from './match.js';
import { ambiguous, notFound } from './refusals.js';
import type { Resolver } from './types.js';

export type NameFilter = { name: string } | { words: string };

export interface NameAdapter<T extends Named> {
  what: 'customer' | 'project' | 'task';
  /**
   * One page (at most LOOKUP_LIMIT rows) for `filter`, archived objects dropped unless `includeArchived`;
   * `fetched` counts the rows before dropping, to tell whether the page was full.
   */
  find(r: Resolver, filter: NameFilter, includeArchived: boolean): Promise<{ items: T[]; fetched: number }>;
  /** The rows of one suggestion probe (at most SUGGEST_LIMIT). */
  probe(r: Resolver, words: string, includeArchived: boolean): Promise<T[]>;
  /** How candidates are shown, e.g. `Customer / Project`. */
  path(item: T): string;
}

/** The exact-name search first; the words search only when it finds nothing. */
export async function findByName<T extends Named>(
  kind: NameAdapter<T>,
  r: Resolver,
  query: string,
  includeArchived: boolean,
): Promise<Match<T>> {
  for (const filter of [{ name: query }, { words: query }]) {
    const page = await kind.find(r, filter, includeArchived);
    const m = pick(page.items, query, page.fetched >= LOOKUP_LIMIT);
    if (m.kind !== 'none') return m;
  }
  return { kind: 'none' };
}

/** Says so when only archived objects match; otherwise offers the closest names. */
export async function nameNotFound<T extends Named>(
  kind: NameAdapter<T>,
  r: Resolver,
  query: string,
  field: string,
  includeArchived: boolean,
): Promise<ToolError> {
  if (!includeArchived) {
    const archived = await findByName(kind, r, query, true);
    if (archived.kind !== 'none') return notFound(kind.what, query, field, [], true);
  }
  const candidates = await suggest(
    query,
    (words) => kind.probe(r, words, includeArchived),
    (i) => kind.path(i),
  );
  return notFound(kind.what, query, field, candidates);
}

/** The one object `query` names; several are `ambiguous`, none is `not_found`. */
export async function byName<T extends Named>(
  kind: NameAdapter<T>,
  r: Resolver,
  query: string,
  field: string,
  includeArchived: boolean,
): Promise<T> {
  const m = await findByName(kind, r, query, includeArchived);
  if (m.kind === 'one') return m.item;
  if (m.kind === 'many') {
    throw ambiguous(
      kind.what,
      query,
      field,
      m.items.map((i) => ({ id: i.id, path: kind.path(i) })),
      m.more,
    );
  }
  throw await nameNotFound(kind, r, query, field, includeArchived);
}
