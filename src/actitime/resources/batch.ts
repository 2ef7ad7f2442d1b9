/**
 * `POST /batch` (docs/actitime-model.md §2.14): many operations in one HTTP request, run in order, each independently.
 *
 * - Split into chunks of at most `limits.maxBatchSize` (from GET /info), also never more than the per-second
 *   budget, because each operation counts against the rate limit (the request's weight = its op count).
 *   `keepTogether: n` keeps groups of n consecutive ops in one chunk (e.g. a read and the write it guards).
 * - `includeResponseBody=always` is sent unless asked otherwise: servers differ on the default.
 * - A chunk is retried after a 5xx/timeout/reset only when every op is a GET or an idempotent PATCH; otherwise
 *   the error says the chunk may have been applied. 429s are retried for any chunk (the server refused it).
 * - An operation answered 429 inside the batch was refused before it did anything: it is sent again, alone with
 *   the other refused ones, once the window has passed (up to maxRetries rounds, within the call's deadline).
 *   What is still refused after that comes back with `notApplied: true`: safe to send again.
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
  /** Refused with 429 every time it was sent: nothing of it was applied. */
  notApplied?: true;
}

export interface BatchOptions extends CallOptions {
  includeResponseBody?: 'always' | 'never' | 'get';
  /** Chunks hold whole groups of this many consecutive ops (default 1). */
  keepTogether?: number;
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
  const group = Math.max(1, Math.floor(opts.keepTogether ?? 1));
  // A budget shared with other replicas grants less at once (shared-budget.ts).
  const shared = c.limiter.shared?.maxWeight ?? Infinity;
  const largest = Math.max(1, Math.min(info.limits.maxBatchSize, perSecond, perMinute, shared));
  const chunkSize = Math.max(group, largest - (largest % group));

  const outcomes: BatchOutcome[] = [];
  for (let start = 0; start < ops.length; start += chunkSize) {
    const indices = ops.slice(start, start + chunkSize).map((_, i) => start + i);
    try {
      outcomes.push(...(await runChunk(c, ops, wire, indices, opts)));
    } catch (err) {
      const chunkOps = indices.map((i) => ops[i]!);
      invalidateWritten(c, chunkOps);
      if (start === 0 || !(err instanceof ActitimeError)) throw err;
      for (const op of chunkOps) outcomes.push(withId({ status: 0, error: err }, op));
      for (const op of ops.slice(start + chunkSize)) outcomes.push(withId({ status: 0, skipped: true }, op));
      return outcomes;
    }
  }
  return outcomes;
}

/** One chunk, then its 429-refused operations again until none is left or retrying cannot help. */
async function runChunk(
  c: ActitimeClient,
  ops: readonly BatchOp[],
  wire: ReadonlyArray<Record<string, unknown>>,
  indices: readonly number[],
  opts: BatchOptions,
): Promise<BatchOutcome[]> {
  const results = new Map<number, BatchOutcome>();
  let pending = [...indices];
  for (let round = 0; pending.length > 0; round++) {
    const sendOps = pending.map((i) => ops[i]!);
    let meta;
    try {
      meta = await c.send({
        method: 'POST',
        path: ['batch'],
        query: { includeResponseBody: opts.includeResponseBody ?? 'always' },
        body: pending.map((i) => wire[i]),
        idempotent: sendOps.every(opIsRepeatable),
        weight: pending.length,
        schema: BatchResponseSchema,
        signal: opts.signal,
      });
    } catch (err) {
      if (round === 0) throw err;
      // A resend that could not go out (rate limit past the deadline, cancel) leaves the refused ops as they
      // were: nothing applied. One that may have reached actiTIME makes them "maybe applied"; the ops of the
      // earlier rounds keep their answers.
      if (err instanceof ActitimeError && err.maybeApplied) {
        for (const i of pending) results.set(i, withId({ status: 0, error: err }, ops[i]!));
      }
      break;
    } finally {
      invalidateWritten(c, sendOps);
    }
    const items = meta.data;
    if (items.length !== pending.length) throw new UnexpectedResponseError('batch_length', 'length');
    const refused: number[] = [];
    items.forEach((item, j) => {
      const index = pending[j]!;
      const op = ops[index]!;
      const outcome: BatchOutcome = { status: item.status };
      const id = item.id ?? op.id;
      if (id !== undefined && id !== null) outcome.id = id;
      if (item.body !== undefined) outcome.body = item.body;
      if (item.status >= 400) outcome.error = apiErrorFromBody(item.status, item.body);
      if (item.status === 429) {
        outcome.notApplied = true;
        refused.push(index);
      }
      results.set(index, outcome);
    });
    if (refused.length === 0 || round >= c.config.maxRetries) break;
    c.noteRateLimited(meta.headers);
    pending = refused;
  }
  return indices.map((i) => results.get(i)!);
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
