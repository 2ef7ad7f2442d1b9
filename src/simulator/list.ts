/**
 * List semantics shared by every collection route (docs/actitime-model.md §1.6–1.9): the offset/limit envelope, sorting,
 * the common filters and includeReferenced parsing. Everything that cannot be parsed is a 400
 * `invalid_argument`, so client bugs surface instead of being silently ignored — unless the lenient-params
 * quirk models a server that tolerates the values a 2018 test run saw accepted (docs/actitime-model.md §1.6).
 */
import { parseDate } from './dates.js';
import type { Quirk } from './quirks.js';
import { SimError } from './types.js';

/** What the list parsers read from a request (a RouteContext is one). */
export interface ListRequest {
  query: URLSearchParams;
  quirks: ReadonlySet<Quirk>;
  store: { limits: { maxQueryLimit: number } };
}

function lenient(req: ListRequest): boolean {
  return req.quirks.has('lenient-params');
}

/** 400 invalid_argument with the model's exact message (docs/actitime-model.md §1.11); `fields` names the offending parameter. */
export function invalid(field?: string): SimError {
  return new SimError(400, 'invalid_argument', undefined, field);
}

const INT_RE = /^-?\d{1,15}$/;

export function parseIntStrict(value: string, field: string): number {
  const v = value.trim();
  if (!INT_RE.test(v)) throw invalid(field);
  return Number(v);
}

/** An optional integer query parameter. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  return parseIntStrict(raw, name);
}

/** An optional boolean query parameter: exactly `true` or `false`. */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalid(name);
}

/** An optional comma-separated id list (`ids=1%2C2`); an empty value is a 400. */
export function queryIds(query: URLSearchParams, name: string): Set<number> | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const parts = raw.split(',');
  if (raw.trim() === '') throw invalid(name);
  return new Set(parts.map((p) => parseIntStrict(p, name)));
}

/** An optional enum query parameter. */
export function queryEnum<T extends string>(
  query: URLSearchParams,
  name: string,
  values: readonly T[],
): T | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!(values as readonly string[]).includes(raw)) throw invalid(name);
  return raw as T;
}

export function queryDate(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const d = parseDate(raw);
  if (!d) throw invalid(name);
  return d;
}

export interface Page {
  offset: number;
  limit: number;
}

/**
 * offset (default 0) and limit (default and maximum: limits.maxQueryLimit); limit 0 or above the maximum → 400,
 * or the maximum under lenient-params. A negative limit or offset is always a 400.
 */
export function parsePage(req: ListRequest): Page {
  const configured = req.store.limits.maxQueryLimit;
  const max = configured > 0 ? configured : 1000;
  const offset = queryInt(req.query, 'offset') ?? 0;
  let limit = queryInt(req.query, 'limit') ?? max;
  if (offset < 0) throw invalid('offset');
  if (lenient(req) && (limit === 0 || limit > max)) limit = max;
  if (limit < 1 || limit > max) throw invalid('limit');
  return { offset, limit };
}

export type SortKey<T> = (item: T) => string | number | boolean | null | undefined;

function compareValues(a: string | number | boolean | null | undefined, b: typeof a): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1; // empty values last when ascending
  if (typeof a === 'string' && typeof b === 'string') {
    const al = a.toLowerCase();
    const bl = b.toLowerCase();
    if (al !== bl) return al < bl ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `sort=%2Bfield` (ascending), `-field` (descending) or a bare `field` (ascending); several may be given,
 * comma-separated. Unknown fields → 400. Ties, and no sort at all, fall back to ascending `id`.
 * A raw `+` arrives as a space and is refused, so a client that forgot to encode it finds out.
 */
export function parseSort<T extends { id: number }>(
  query: URLSearchParams,
  fields: Record<string, SortKey<T>>,
): (a: T, b: T) => number {
  const raw = query.get('sort');
  const keys: Array<{ key: SortKey<T>; dir: number }> = [];
  if (raw !== null) {
    for (const part of raw.split(',')) {
      let name = part;
      let dir = 1;
      if (name.startsWith('+')) name = name.slice(1);
      else if (name.startsWith('-')) {
        name = name.slice(1);
        dir = -1;
      }
      const key = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
      if (!key) throw invalid('sort');
      keys.push({ key, dir });
    }
  }
  return (a, b) => {
    for (const { key, dir } of keys) {
      const c = compareValues(key(a), key(b));
      if (c !== 0) return c * dir;
    }
    return a.id - b.id;
  };
}

/** includeReferenced values, each of which must be allowed for the endpoint (others ignored if lenient). */
export function parseIncludes(req: ListRequest, allowed: readonly string[]): Set<string> {
  const raw = req.query.get('includeReferenced');
  const out = new Set<string>();
  if (raw === null || raw === '') return out;
  for (const part of raw.split(',')) {
    const v = part.trim();
    if (allowed.includes(v)) out.add(v);
    else if (!lenient(req)) throw invalid('includeReferenced');
  }
  return out;
}

/** Exact name, case-insensitive. */
export function nameMatches(name: string, wanted: string | null): boolean {
  return wanted === null || name.toLowerCase() === wanted.toLowerCase();
}

/** Every space-separated word is a case-insensitive substring of the name. */
export function wordsMatch(name: string, words: string | null): boolean {
  if (words === null) return true;
  const lower = name.toLowerCase();
  return words
    .split(/\s+/)
    .filter((w) => w !== '')
    .every((w) => lower.includes(w.toLowerCase()));
}

/**
 * The common `ids`, `name`, `words`, `archived` filters (only those the endpoint supports); `archived=all`
 * means both under lenient-params.
 */
export function commonFilter<T extends { id: number; name: string; archived?: boolean }>(
  req: ListRequest,
  supports: { ids?: boolean; name?: boolean; words?: boolean; archived?: boolean },
): (item: T) => boolean {
  const { query } = req;
  const ids = supports.ids ? queryIds(query, 'ids') : undefined;
  const name = supports.name ? query.get('name') : null;
  const words = supports.words ? query.get('words') : null;
  const bothArchived = lenient(req) && query.get('archived') === 'all';
  const archived = supports.archived && !bothArchived ? queryBool(query, 'archived') : undefined;
  return (item) =>
    (ids === undefined || ids.has(item.id)) &&
    nameMatches(item.name, name) &&
    wordsMatch(item.name, words) &&
    (archived === undefined || item.archived === archived);
}

export interface Envelope<T> {
  offset: number;
  limit: number;
  items: T[];
  [map: string]: unknown;
}

export function paginate<T>(sorted: T[], page: Page): { offset: number; limit: number; items: T[] } {
  return {
    offset: page.offset,
    limit: page.limit,
    items: sorted.slice(page.offset, page.offset + page.limit),
  };
}

/** A reference map keyed by id as a string. */
export function refMap<T extends { id: number }>(objects: Iterable<T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const o of objects) out[String(o.id)] = o;
  return out;
}
