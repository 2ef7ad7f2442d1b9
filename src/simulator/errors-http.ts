/**
 * How the simulator puts an outcome on the wire: actiTIME's error object `{key, message, fields?}` (docs/actitime-model.md §1.11) and
 * JSON bodies with the charset actiTIME declares. Never a stack trace, whatever went wrong.
 */
import type { ServerResponse } from 'node:http';
import { logger } from '../logger.js';
import type { Quirk } from './quirks.js';
import { DEFAULT_MESSAGES, SimError } from './types.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

export interface ErrorBody {
  key: string;
  message: string;
  fields?: string;
}

/** An outcome before it is written: what a route, a check or a batch slot produced. */
export interface Outcome {
  status: number;
  /** undefined = no body (204, or an injected empty answer). */
  body?: unknown;
  headers?: Record<string, string>;
}

export function errorBody(err: SimError): ErrorBody {
  const body: ErrorBody = { key: `api.error.${err.key}`, message: err.message };
  if (err.fields !== undefined) body.fields = err.fields;
  return body;
}

export function errorOutcome(status: number, key: string, message?: string, fields?: string): Outcome {
  return { status, body: errorBody(new SimError(status, key, message, fields)) };
}

/**
 * Turns whatever a handler threw into an outcome. Anything that is not a SimError is a simulator bug: it is
 * logged to stderr for whoever runs the tests, and the client sees only actiTIME's generic 500.
 */
export function outcomeOfThrown(err: unknown, where: string): Outcome {
  if (err instanceof SimError) return { status: err.status, body: errorBody(err) };
  logger.error(`simulator: unexpected exception in ${where}`, {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return errorOutcome(500, 'internal');
}

/**
 * The outcome as a server with the generic-errors quirk sends it: only `api.error.customer_exists` is
 * documented, so every 400 may as well share one key, and an official example heading files duplicate names
 * under 403 (docs/actitime-model.md §1.11). Message and fields stay; other statuses are left alone.
 */
/** Name clashes only: `approved_time_exists` ends alike but is not one. */
const DUPLICATE_NAME_KEYS = new Set(
  ['customer_exists', 'project_exists', 'task_exists', 'workflow_status_exists', 'user_exists'].map(
    (k) => `api.error.${k}`,
  ),
);

export function withQuirkErrors(outcome: Outcome, quirks: ReadonlySet<Quirk>): Outcome {
  if (!quirks.has('generic-errors') || outcome.status !== 400 || !isErrorBody(outcome.body)) return outcome;
  const duplicate = DUPLICATE_NAME_KEYS.has(outcome.body.key);
  return {
    ...outcome,
    status: duplicate ? 403 : 400,
    body: { ...outcome.body, key: 'api.error.bad_request' },
  };
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as ErrorBody).key === 'string';
}

/** Key used when a fault injects an error status without a body: the table's key for that status. */
const KEY_FOR_STATUS: Record<number, string> = {
  400: 'invalid_argument',
  401: 'authentication_failed',
  403: 'access_denied',
  404: 'object_not_found',
  405: 'method_not_allowed',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal',
};

export function defaultErrorForStatus(status: number): ErrorBody {
  const key = KEY_FOR_STATUS[status] ?? (status >= 500 ? 'service_unavailable' : 'request_failed');
  const message = DEFAULT_MESSAGES[key] ?? `HTTP ${status}`;
  return { key: `api.error.${key}`, message };
}

/** Writes an outcome; a destroyed or already answered response is left alone. */
export function sendOutcome(
  res: ServerResponse,
  outcome: Outcome,
  extraHeaders?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const headers = mergeHeaders(outcome.headers, extraHeaders);
  let payload: Buffer | undefined;
  if (outcome.body !== undefined && outcome.status !== 204 && outcome.status !== 304) {
    if (typeof outcome.body === 'string' || Buffer.isBuffer(outcome.body)) {
      payload = Buffer.isBuffer(outcome.body) ? outcome.body : Buffer.from(outcome.body, 'utf8');
    } else {
      payload = Buffer.from(JSON.stringify(outcome.body), 'utf8');
      if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = JSON_CONTENT_TYPE;
    }
  }
  res.writeHead(outcome.status, mergeHeaders(headers, { 'Content-Length': String(payload?.length ?? 0) }));
  res.end(payload);
}

export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((h) => h.toLowerCase() === lower);
}

/** Later sources win; names compare case-insensitively, as HTTP does. */
export function mergeHeaders(...sources: Array<Record<string, string> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) {
      for (const existing of Object.keys(out)) {
        if (existing.toLowerCase() === name.toLowerCase()) delete out[existing];
      }
      out[name] = value;
    }
  }
  return out;
}
