/**
 * Readers for the structured results a view receives from its host: untrusted input, checked field by field in
 * the browser (the views do not share the server's zod schemas, which would multiply their size).
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isMinutes = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
export const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Every item read, or undefined when any one is not what it should be. */
export function all<T>(list: unknown, read: (v: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: T[] = [];
  for (const item of list) {
    const value = read(item);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

/** The named fields of `v`, each a number of minutes, or undefined when any one is not. */
export function minutesOf<K extends string>(v: Obj, fields: readonly K[]): Record<K, number> | undefined {
  const out = {} as Record<K, number>;
  for (const field of fields) {
    const value = v[field];
    if (!isMinutes(value)) return undefined;
    out[field] = value;
  }
  return out;
}
