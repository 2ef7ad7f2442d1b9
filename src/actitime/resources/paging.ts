/**
 * Reading a list to its end (docs/actitime-model.md §1.6): offset/limit pages until one is shorter than the echoed `limit`. actiTIME
 * sends no total. Page size never exceeds `GET /info` limits.maxQueryLimit; a server that caps the page below
 * the request is followed by trusting the `limit` it echoes.
 */
import type { ActitimeClient } from '../client.js';
import { UnexpectedResponseError } from '../errors.js';
import { getInfo } from './info.js';
import type { CallOptions } from './common.js';

export interface Page<T> {
  offset?: number | null;
  limit?: number | null;
  items: T[];
}

/** A whole list: the items of every page plus the merged reference maps (`customers`, `projects`, …). */
export type Collected<P extends Page<unknown>> = {
  [K in keyof P as K extends 'offset' | 'limit' ? never : K]: P[K];
};

/** Stop runaway loops (e.g. a server that ignores `offset`). */
const MAX_PAGES = 10_000;

/** The page size to ask for: the caller's wish, capped by the server's maximum. */
export async function pageSizeFor(
  c: ActitimeClient,
  requested: number | undefined,
  opts: CallOptions,
): Promise<number> {
  const info = await getInfo(c, opts);
  const max = info.limits.maxQueryLimit;
  return Math.max(1, Math.min(requested ?? max, max));
}

/**
 * Fetches pages from `startOffset` until the end and concatenates them. Object-valued top-level keys other
 * than `items` (reference maps) are merged across pages.
 */
export async function collectPages<T, P extends Page<T>>(
  fetchPage: (offset: number, limit: number) => Promise<P>,
  startOffset: number,
  pageSize: number,
): Promise<Collected<P>> {
  let offset = startOffset;
  const items: T[] = [];
  let merged: Record<string, unknown> = {};
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) throw new UnexpectedResponseError('paging', 'offset');
    const page = await fetchPage(offset, pageSize);
    items.push(...page.items);
    merged = mergeTopLevel(merged, page);
    const echoed = page.limit ?? pageSize;
    if (page.items.length === 0 || page.items.length < echoed) break;
    offset += page.items.length;
  }
  const { offset: _o, limit: _l, ...rest } = merged;
  return { ...rest, items } as unknown as Collected<P>;
}

/** Later pages add keys to earlier reference maps; scalar fields keep the latest value. */
export function mergeTopLevel(into: Record<string, unknown>, page: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(page)) {
    if (key === 'items' || key === 'data') continue;
    const prev = out[key];
    if (isPlainObject(value) && isPlainObject(prev)) out[key] = { ...prev, ...value };
    else out[key] = value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
