/**
 * What the view asks the server through the host (get_timesheet, log_time) and how it reads the answers: a
 * timesheet, a write that happened, a write the server wants confirmed (planToken), or an error to show. Pure,
 * so the server's result shapes (src/tools/time.ts, plan-text.ts, format.ts) are pinned by Node tests.
 */
import type { DateRange } from './dates.js';
import { readTimesheet, type Timesheet } from './model.js';

/** The part of an MCP CallToolResult the view reads; everything in it is untrusted. */
export interface ToolResultLike {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Longest text of a server message shown in the view; the rest is cut. */
const MAX_SHOWN = 400;

function capped(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function firstText(result: ToolResultLike): string | undefined {
  if (!Array.isArray(result.content)) return undefined;
  for (const block of result.content as unknown[])
    if (isObj(block) && block.type === 'text' && typeof block.text === 'string') return block.text;
  return undefined;
}

/**
 * The structured result: `structuredContent`, else the JSON the server also puts in the text (format.ts sends
 * both), for a host that passes the text only.
 */
export function structuredOf(result: ToolResultLike): Obj | undefined {
  if (isObj(result.structuredContent)) return result.structuredContent;
  const text = firstText(result);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObj(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function problemText(problem: unknown): string | undefined {
  if (!isObj(problem) || typeof problem.message !== 'string') return undefined;
  return typeof problem.hint === 'string' ? `${problem.message} (${problem.hint})` : problem.message;
}

/** The errors of a write's entries, or, for an entry without one, its status. */
function entryProblems(entries: unknown[]): string[] {
  return entries.flatMap((e) => {
    if (!isObj(e)) return [];
    const text = problemText(e.error) ?? (typeof e.note === 'string' ? e.note : undefined);
    if (text !== undefined) return [text];
    return typeof e.status === 'string' ? [e.status.replace(/_/g, ' ')] : [];
  });
}

/**
 * The sentence to show for a failed call: the error body's message and hint (format.ts), else the entries'
 * own errors (a refused write), else the text as it came.
 */
export function errorTextOf(result: ToolResultLike): string {
  const body = structuredOf(result);
  const own = problemText(body?.error);
  if (own !== undefined) return capped(own);
  if (Array.isArray(body?.entries)) {
    const texts = entryProblems(body.entries as unknown[]);
    if (texts.length > 0) return capped(texts.join('; '));
  }
  const text = firstText(result)?.trim();
  return text ? capped(text) : 'the tool call failed';
}

// ---- get_timesheet ----------------------------------------------------------------------------------------

/** Always names the user: the shown sheet may be someone else's, and `me` would be the caller's. */
export function timesheetArgs(userId: number, range: DateRange): Record<string, unknown> {
  return { user: String(userId), period: `${range.from}..${range.to}` };
}

export type SheetOutcome = { kind: 'sheet'; sheet: Timesheet } | { kind: 'error'; text: string };

export function readSheetResult(result: ToolResultLike): SheetOutcome {
  if (result.isError === true) return { kind: 'error', text: errorTextOf(result) };
  const sheet = readTimesheet(structuredOf(result));
  return sheet ? { kind: 'sheet', sheet } : { kind: 'error', text: 'the result is not a timesheet' };
}

// ---- log_time ---------------------------------------------------------------------------------------------

export interface CellWrite {
  userId: number;
  taskId: number;
  date: string;
  minutes: number;
}

/**
 * One cell set to `minutes`. The user goes inside the entry: log_time has no top-level `user`, and the server
 * refuses unknown arguments.
 */
export function logTimeArgs(write: CellWrite): Record<string, unknown> {
  return {
    entries: [
      {
        task: String(write.taskId),
        date: write.date,
        duration: write.minutes,
        mode: 'set',
        user: String(write.userId),
      },
    ],
  };
}

/** One planned change as the confirmation lists it; `task` is untrusted text. */
export interface PlannedChange {
  date: string;
  task: string;
  before: number;
  after: number;
}

export type WriteOutcome =
  | { kind: 'written'; warning?: string }
  | { kind: 'confirm'; text: string; changes: PlannedChange[]; token: string }
  | { kind: 'not-written'; text: string }
  | { kind: 'error'; text: string };

function plannedChanges(body: Obj): PlannedChange[] {
  if (!Array.isArray(body.entries)) return [];
  return (body.entries as unknown[]).flatMap((e) =>
    isObj(e) &&
    e.status === 'planned' &&
    typeof e.date === 'string' &&
    typeof e.task === 'string' &&
    typeof e.before === 'number'
      ? [{ date: e.date, task: e.task, before: e.before, after: typeof e.after === 'number' ? e.after : 0 }]
      : [],
  );
}

/**
 * The note of a confirmation_required goes on to tell the assistant how to confirm (plan-text.ts); the person
 * in front of the view has the button instead, so they see the first sentence only.
 */
function firstSentence(text: string): string {
  return text.split(/(?<=\.)\s+/)[0] ?? '';
}

const NOT_WRITTEN = new Set(['confirmation_required', 'declined', 'cancelled', 'no_answer']);

/**
 * log_time's answer. `confirmation_required` with a planToken (the client could not be asked) → confirm; the
 * user declined or did not answer when the server asked them → not written; an error result → error. A
 * success may still carry per-entry trouble (maybe_applied): that becomes a warning.
 */
export function readWriteResult(result: ToolResultLike): WriteOutcome {
  if (result.isError === true) return { kind: 'error', text: errorTextOf(result) };
  const body = structuredOf(result);
  if (!body) return { kind: 'error', text: 'the server sent no result' };
  const text =
    typeof body.note === 'string' ? body.note : typeof body.message === 'string' ? body.message : '';
  if (typeof body.status === 'string' && NOT_WRITTEN.has(body.status)) {
    if (body.status === 'confirmation_required' && typeof body.planToken === 'string')
      return {
        kind: 'confirm',
        text: capped(firstSentence(text) || 'the server asks to confirm this change'),
        changes: plannedChanges(body),
        token: body.planToken,
      };
    return { kind: 'not-written', text: capped(text || `nothing was written (${body.status})`) };
  }
  const troubled = Array.isArray(body.entries)
    ? entryProblems((body.entries as unknown[]).filter((e) => isObj(e) && e.status !== 'applied'))
    : [];
  return troubled.length === 0
    ? { kind: 'written' }
    : { kind: 'written', warning: capped(troubled.join('; ')) };
}
