/**
 * A ref is an id or a name. Names never become path segments: only a whole ref that is all digits is used as an
 * id (SEC-IN-02); everything else is a name, sent as a query parameter.
 */
import { isNotFound } from '../../actitime/resources/common.js';
import { ToolError } from '../errors.js';
import { hasControlCharacters, stripInvisible } from '../sanitize.js';
import { notFoundId } from './refusals.js';
import type { Ref } from './types.js';

/** Longest ref accepted: a `Customer / Project / Task` path of three 255-character names. */
const MAX_REF_LENGTH = 3 * 255 + 6;

export type Parsed = { kind: 'id'; id: number; text: string } | { kind: 'name'; text: string };

/**
 * An id when the ref is a safe integer (or a string of digits); otherwise a cleaned name. `allowNegative` is for
 * the default department and time-zone group (-1).
 */
export function parseRef(ref: Ref, field: string, allowNegative = false): Parsed {
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

/**
 * The object an id ref names, or undefined to go on by name. A string of digits that names no object falls back
 * to a name lookup (a task may be called "2024"); a number is an id and nothing else.
 */
export async function loadById<T>(
  ref: Ref,
  parsed: Parsed,
  what: string,
  field: string,
  load: (id: number) => Promise<T>,
): Promise<T | undefined> {
  if (parsed.kind !== 'id') return undefined;
  try {
    return await load(parsed.id);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (typeof ref === 'number') throw notFoundId(what, parsed.id, field);
  return undefined;
}
