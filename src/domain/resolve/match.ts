/**
 * How a name picks objects, per level: an exact name (case-insensitive, spaces collapsed) first, then a unique
 * match of all the words; and, when nothing matches, which names come closest. Whatever source answered (the
 * API's `name`/`words` filters, a cached list, a one-call index), the rows are re-checked here the same way.
 */
import type { Candidate } from '../errors.js';
import { allWords, normaliseName, wordsOf } from '../names.js';

export interface Named {
  id: number;
  name: string;
}

export type Match<T> =
  { kind: 'one'; item: T } | { kind: 'many'; items: T[]; more: boolean } | { kind: 'none' };

/** At most this many candidates are shown for an ambiguous name. */
export const MAX_CANDIDATES = 10;
/** Rows fetched per name lookup: one more than the candidates, to know there are more. */
export const LOOKUP_LIMIT = MAX_CANDIDATES + 1;
/** Rows fetched per "closest names" probe. */
export const SUGGEST_LIMIT = 50;
const MAX_SUGGESTIONS = 5;

/** Exact (case-insensitive) matches first; otherwise all-words matches. */
export function pick<T extends Named>(items: readonly T[], query: string, more = false): Match<T> {
  const q = normaliseName(query);
  const exact = items.filter((i) => normaliseName(i.name) === q);
  if (exact.length === 1) return { kind: 'one', item: exact[0]! };
  if (exact.length > 1) return { kind: 'many', items: exact, more };
  const words = items.filter((i) => allWords(i.name, query));
  if (words.length === 1 && !more) return { kind: 'one', item: words[0]! };
  if (words.length > 0) return { kind: 'many', items: words, more };
  return { kind: 'none' };
}

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

/** The closest names among `items`, best first. */
export function closest<T extends Named>(
  items: readonly T[],
  query: string,
  path: (i: T) => string,
): Candidate[] {
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
export function probesOf(query: string): string[] {
  const words = wordsOf(query)
    .filter((w) => w.length >= 3)
    .sort((a, b) => b.length - a.length)
    .slice(0, 2);
  return [...new Set(words.flatMap((w) => [w.slice(0, 4), w.slice(-4)]))];
}

/** Large lists are never read in full for suggestions: a few word searches gather the neighbours instead. */
export async function suggest<T extends Named>(
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
