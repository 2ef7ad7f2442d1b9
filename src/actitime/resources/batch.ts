/**
 * `POST /batch` (§2.14): many operations in one HTTP request, run in order, each independently.
 *
 * - Split into chunks of at most `limits.maxBatchSize` (from GET /info), also never more than the per-second
 *   budget, because each operation counts against the rate limit (the request's weight = its op count).
 * - A chunk is retried after a 5xx/timeout/reset only when every op is a GET or an idempotent PATCH; otherwise
 *   the error says the chunk may have been applied. 429s are retried for any chunk (the server refused it).
 * - Outcomes come back in request order. If a chunk fails as a whole after earlier chunks succeeded, its ops
 *   get `{status: 0, error}` and later ops `{status: 0, skipped: true}`; if the first chunk fails, the error is
 *   thrown.
 */
import type { ActitimeClient } from '../client.js';
import { CACHED_RESOURCES } from '../cache.js';
import { ActitimeError, UnexpectedResponseError } from '../errors.js';
import { apiErrorFromBody } from '../http.js';
import { buildPath, buildQuery, type PathSegment, type Query } from '../path.js';
import { BatchResponseSchema } from '../schemas.js';
import { toQuery, type CallOptions } from './common.js';
import { getInfo } from './info.js';

export interface BatchOp {
  /** Your label, echoed back. */
  id?: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: readonly PathSegment[];
  query?: Query;
  body?: unknown;
  /** PATCH only: false for deltas. Default true for PATCH. */
  idempotent?: boolean;
}

export interface BatchOutcome {
  id?: string;
  /** The op's HTTP status; 0 when the chunk failed as a whole or the op did not run. */
  status: number;
  body?: unknown;
  /** For status ≥ 400 (the op's error), or the chunk's failure when status is 0. */
  error?: ActitimeError;
  /** Not run because an earlier chunk failed. */
  skipped?: true;
}

export interface BatchOptions extends CallOptions {
  includeResponseBody?: 'always' | 'never' | 'get';
}

function opIsRepeatable(op: BatchOp): boolean {
  return op.method === 'GET' || (op.method === 'PATCH' && op.idempotent !== false);
}

export async function runBatch(
  c: ActitimeClient,
  ops: readonly BatchOp[],
  opts: BatchOptions = {},
): Promise<BatchOutcome[]> {
  if (ops.length === 0) return [];
  // Build every relativeUrl first: an illegal segment anywhere refuses the whole batch before any request.
  const wire = ops.map((op) => {
    const entry: Record<string, unknown> = {
      method: op.method,
      relativeUrl: buildPath(op.path) + buildQuery(toQuery(op.query)),
    };
    if (op.id !== undefined) entry.id = op.id;
    if (op.body !== undefined) entry.body = op.body;
    return entry;
  });
  const info = await getInfo(c, opts);
  const { perSecond, perMinute } = c.config.limits;
  const chunkSize = Math.max(1, Math.min(info.limits.maxBatchSize, perSecond, perMinute));

  const outcomes: BatchOutcome[] = [];
  for (let start = 0; start < ops.length; start += chunkSize) {
    const chunkOps = ops.slice(start, start + chunkSize);
    const chunkWire = wire.slice(start, start + chunkSize);
    try {
      const items = await c.request({
        method: 'POST',
        path: ['batch'],
        query: { includeResponseBody: opts.includeResponseBody },
        body: chunkWire,
        idempotent: chunkOps.every(opIsRepeatable),
        weight: chunkOps.length,
        schema: BatchResponseSchema,
        signal: opts.signal,
      });
      if (items.length !== chunkOps.length) {
        throw new UnexpectedResponseError(
          'unexpected response from actiTIME (batch answer has the wrong length)',
          'length',
        );
      }
      items.forEach((item, i) => {
        const op = chunkOps[i]!;
        const outcome: BatchOutcome = { status: item.status };
        const id = item.id ?? op.id;
        if (id !== undefined && id !== null) outcome.id = id;
        if (item.body !== undefined) outcome.body = item.body;
        if (item.status >= 400) outcome.error = apiErrorFromBody(item.status, item.body);
        outcomes.push(outcome);
      });
    } catch (err) {
      invalidateWritten(c, chunkOps);
      if (start === 0 || !(err instanceof ActitimeError)) throw err;
      for (const op of chunkOps) outcomes.push(withId({ status: 0, error: err }, op));
      for (const op of ops.slice(start + chunkSize)) outcomes.push(withId({ status: 0, skipped: true }, op));
      return outcomes;
    }
    invalidateWritten(c, chunkOps);
  }
  return outcomes;
}

function withId(outcome: BatchOutcome, op: BatchOp): BatchOutcome {
  return op.id === undefined ? outcome : { id: op.id, ...outcome };
}

function invalidateWritten(c: ActitimeClient, ops: readonly BatchOp[]): void {
  for (const op of ops) {
    const resource = op.path[0];
    if (op.method !== 'GET' && typeof resource === 'string' && CACHED_RESOURCES.has(resource))
      c.cache.invalidate(resource);
  }
}
