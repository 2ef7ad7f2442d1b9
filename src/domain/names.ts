/**
 * How names are compared: the same rules for the API's filters re-checked locally and for the per-call index
 * (work-index.ts) that answers them without a request.
 */
import { stripInvisible } from './sanitize.js';

/** Lower case, invisible characters removed, whitespace collapsed: the form names are compared in. */
export function normaliseName(text: string): string {
  return stripInvisible(text).trim().replace(/\s+/g, ' ').toLowerCase();
}

export function wordsOf(text: string): string[] {
  return normaliseName(text)
    .split(' ')
    .filter((w) => w !== '');
}

/** Every word of `query` is a substring of `name` (the API's `words` rule). */
export function allWords(name: string, query: string): boolean {
  const n = normaliseName(name);
  const words = wordsOf(query);
  return words.length > 0 && words.every((w) => n.includes(w));
}
