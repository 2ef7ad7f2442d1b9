/**
 * The errors a resolver raises: `ambiguous` with up to MAX_CANDIDATES candidates, `not_found` with the closest
 * names, and the hint for names that only archived objects carry. Every sentence is ours; the only outside text
 * is the caller's own query, quoted and cut short.
 */
import { ToolError, type Candidate } from '../errors.js';
import { stripInvisible } from '../sanitize.js';
import { MAX_CANDIDATES } from './match.js';
import type { ResolveOptions } from './types.js';

export function quote(text: string): string {
  const t = stripInvisible(text).trim();
  return JSON.stringify(t.length > 80 ? t.slice(0, 79) + '…' : t);
}

function plural(what: string): string {
  if (what === 'type of work') return 'types of work';
  return what.endsWith('s') ? `${what}es` : `${what}s`;
}

export function ambiguous(
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

export function notFound(
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

export function notFoundId(what: string, id: number, field: string): ToolError {
  return new ToolError('not_found', `${field}: no ${what} with id ${id}`, {
    field,
    hint: `look the ${what} up by name, or search for it first`,
  });
}

/** not_found errors raised because only archived objects match, with what was looked for. */
const archivedOnly = new WeakMap<ToolError, string>();

/**
 * "Pass includeArchived" helps only where the tool has that argument; such tools always pass includeArchived
 * (true or false). Elsewhere (log_time, create_project, log_leave_time…) the hint says what can be done instead.
 */
export async function withArchivedHint<T>(work: Promise<T>, options: ResolveOptions): Promise<T> {
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
