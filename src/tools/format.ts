/**
 * The single tool boundary. A result leaves as structured content plus the same compact JSON as text
 * (SEC-OUT-05); an error leaves as an isError result whose JSON carries only trusted text: our own templates,
 * plus actiTIME's message capped, cleaned and quoted after them (SEC-OUT-07). Bugs become a generic message
 * with the stack on stderr only (SEC-IO-03).
 */
import { z } from 'zod';

import { isActitimeError } from '../actitime/errors.js';
import { ToolError } from '../domain/errors.js';
import { capUntrusted, sanitizeDeep, stripInvisible } from '../domain/sanitize.js';
import { UNWRITTEN, type EntryStatus } from '../domain/write-outcome.js';
import { redact, type Logger } from '../logger.js';
import { actitimeErrorFields, type ErrorFields } from './error-text.js';

export { UPSTREAM_MESSAGE_MAX } from './error-text.js';

/** Largest text content a tool may return; tools page well below it (SEC-OUT-02), this is the backstop. */
export const MAX_RESULT_CHARS = 100_000;

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface ErrorBody {
  error: ErrorFields;
}

/**
 * Cleans a handler's result, checks it against the tool's output schema and wraps it. A result that fails its
 * own schema is a bug in the tool: it becomes the generic internal error.
 */
export function formatSuccess(
  toolName: string,
  result: unknown,
  outputSchema: z.ZodType,
  logger: Logger,
  write = false,
): ToolResult {
  const parsed = outputSchema.safeParse(sanitizeDeep(result));
  if (!parsed.success) {
    logger.error(`tool ${toolName} returned a result that fails its output schema`, {
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 10),
    });
    return internalError();
  }
  const structured = parsed.data as Record<string, unknown>;
  const text = JSON.stringify(structured);
  if (text.length > MAX_RESULT_CHARS) {
    return formatError(
      toolName,
      new ToolError('response_too_large', `the result is larger than ${MAX_RESULT_CHARS} characters`, {
        hint: 'narrow the request: a shorter period, a filter, or a smaller limit',
      }),
      logger,
    );
  }
  const refused = write && wroteNothing(structured);
  return {
    content: [{ type: 'text', text }],
    structuredContent: structured,
    ...(refused ? { isError: true } : {}),
  };
}

/**
 * A write whose every entry (or day) certainly wrote nothing is a refusal, whatever each entry's reason: it is an
 * error result, so no assistant reads it as done. The per-entry errors stay in the structured result.
 */
function wroteNothing(result: Record<string, unknown>): boolean {
  if (result.dryRun === true || result.planToken !== undefined) return false;
  const rows = Array.isArray(result.entries) ? result.entries : Array.isArray(result.days) ? result.days : [];
  // A conflict is unwritten when it reports the plan's `expected` value; an add race is written (both kept).
  const unwritten = (r: { status?: unknown }) =>
    typeof r.status === 'string' &&
    UNWRITTEN.has(r.status as EntryStatus) &&
    (r.status !== 'conflict' || 'expected' in r);
  const typed = rows as Array<{ status?: unknown }>;
  return typed.length > 0 && typed.every(unwritten) && typed.some((r) => r.status !== 'skipped');
}

/** Any thrown value → an isError result. */
export function formatError(toolName: string, err: unknown, logger: Logger): ToolResult {
  const body = errorBody(err);
  if (body === undefined) {
    const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    logger.error(`unexpected error in tool ${toolName}: ${detail}`);
    return internalError();
  }
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true };
}

function internalError(): ToolResult {
  const body: ErrorBody = {
    error: {
      kind: 'internal',
      message: 'internal error in actitime-mcp; details were written to the server log',
      hint: 'this is a bug in actitime-mcp, not in your request; try another way or report it',
    },
  };
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true };
}

/** The error JSON for a known error, or undefined for anything we did not anticipate (a bug). */
export function errorBody(err: unknown): ErrorBody | undefined {
  if (err instanceof ToolError) return toolErrorBody(err);
  if (err instanceof z.ZodError) return zodErrorBody(err);
  if (isActitimeError(err)) return { error: actitimeErrorFields(err) };
  return undefined;
}

function toolErrorBody(err: ToolError): ErrorBody {
  return {
    error: {
      kind: err.kind,
      message: ours(err.message),
      ...(err.field === undefined ? {} : { field: ours(err.field) }),
      ...(err.candidates === undefined
        ? {}
        : {
            candidates: err.candidates
              .slice(0, 20)
              .map((c) => ({ id: c.id, path: capUntrusted(c.path, 200) })),
          }),
      ...(err.hint === undefined ? {} : { hint: ours(err.hint) }),
      ...(err.details === undefined ? {} : sanitizeDeep(err.details)),
    },
  };
}

/** Zod failures raised inside a handler (e.g. a nested value checked late) read like input validation errors. */
export function zodErrorBody(err: z.ZodError): ErrorBody {
  const issues = err.issues.slice(0, 5).map((i) => {
    // An unknown property is reported on its parent; name the property itself.
    const path = i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path;
    const text = i.code === 'unrecognized_keys' ? 'unknown argument' : i.message;
    return { field: path.length > 0 ? dotPath(path) : undefined, text };
  });
  const field = issues[0]?.field;
  const first = err.issues[0];
  // A check that knows what would be accepted (a period's grammar) says so instead of the generic hint.
  const specific =
    first?.code === 'custom' ? (first.params as { hint?: unknown } | undefined)?.hint : undefined;
  const message = issues.map((i) => (i.field === undefined ? i.text : `${i.field}: ${i.text}`)).join('; ');
  return {
    error: {
      kind: 'validation',
      message: capUntrusted(`invalid arguments: ${message}`, 600),
      ...(field === undefined ? {} : { field: capUntrusted(field, 100) }),
      hint:
        typeof specific === 'string'
          ? ours(specific)
          : 'fix the named argument and call again; see the tool’s input schema',
    },
  };
}

export function dotPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    const s = String(p);
    return acc === '' ? s : `${acc}.${s}`;
  }, '');
}

/** Our own text still passes through the invisible-character filter: it may embed a name the user typed. */
function ours(text: string): string {
  return stripInvisible(redact(text)).slice(0, 1000);
}
