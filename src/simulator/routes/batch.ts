/**
 * POST /batch (docs/actitime-model.md §2.14): operations run in order through the same router as single calls, with the batch's
 * user, each independently (no transaction). Each operation counts as one request against the rate limit; an
 * operation over the limit gets 429 in its slot and the next ones are still tried. The batch request itself is
 * admitted by the limiter but not counted, so a full batch of `maxBatchSize` fits a fresh per-second window.
 * Nested batches are refused per slot (400 invalid_argument). Shape errors in any operation reject the whole
 * batch before anything runs, like an oversize batch.
 */
import { errorBody, errorOutcome, withQuirkErrors, type Outcome } from '../errors-http.js';
import { injectedOutcome, type Faults } from '../faults.js';
import type { Quirk } from '../quirks.js';
import type { RateLimiter } from '../rate-limit.js';
import type { RequestLog } from '../request-log.js';
import { decodeRelativePath } from '../router.js';
import type { StoreUser } from '../store.js';
import {
  SimError,
  type HttpMethod,
  type RecordedRequest,
  type RouteContext,
  type RouteRegistrar,
  type RouteResult,
  type SimulatorLimits,
} from '../types.js';

const BATCH_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const BODY_METHODS: readonly HttpMethod[] = ['POST', 'PATCH', 'PUT'];
const MODES = ['always', 'never', 'get'] as const;
type Mode = (typeof MODES)[number];

export interface BatchDeps {
  limits: SimulatorLimits;
  limiter: RateLimiter;
  log: RequestLog;
  faults: Faults;
  /** The recorded HTTP request a route context was built for (the batch's own log entry). */
  recordOf(ctx: RouteContext): RecordedRequest | undefined;
  /** Routes and runs one operation for `user`: 404/405 and handler errors come back as outcomes. */
  route(
    method: HttpMethod,
    segments: string[],
    query: URLSearchParams,
    body: unknown,
    user: StoreUser,
    record: RecordedRequest,
  ): Promise<Outcome>;
}

interface Operation {
  id?: unknown;
  method: HttpMethod;
  relativeUrl: string;
  body?: unknown;
}

export interface BatchSlot {
  id?: unknown;
  status: number;
  body?: unknown;
}

export function registerBatchRoute(r: RouteRegistrar, deps: BatchDeps): void {
  r.add('POST', '/batch', (ctx) => runBatch(ctx, deps));
}

async function runBatch(ctx: RouteContext, deps: BatchDeps): Promise<RouteResult> {
  const mode = parseMode(ctx.query.get('includeResponseBody'), ctx.quirks);
  // An empty body is a missing required field (docs/actitime-model.md §1.11 mandatory_field); anything but an array cannot be parsed.
  if (ctx.body === undefined || ctx.body === null)
    throw new SimError(400, 'mandatory_field', undefined, 'body');
  if (!Array.isArray(ctx.body)) throw new SimError(400, 'invalid_argument', undefined, 'body');
  if (ctx.body.length > deps.limits.maxBatchSize) throw new SimError(400, 'batch_too_large');
  const operations = ctx.body.map((op: unknown, i) => validateOperation(op, i));
  const parent = deps.recordOf(ctx);
  if (!parent) throw new Error('batch: no request record for this context');

  const slots: BatchSlot[] = [];
  for (const op of operations) {
    const outcome = await runOperation(op, ctx.user, parent, deps, ctx.quirks);
    // Built in this order so the JSON reads `{id, status, body}`.
    const slot: BatchSlot =
      op.id !== undefined ? { id: op.id, status: outcome.status } : { status: outcome.status };
    const wanted = mode === 'always' || (mode === 'get' && op.method === 'GET');
    if (wanted && outcome.body !== undefined) slot.body = outcome.body;
    slots.push(slot);
  }
  return { status: 200, body: slots };
}

/**
 * Without the parameter the model answers every body; whether actiTIME does is unknown (a public client always
 * sends `always`), so batch-no-bodies answers none (docs/actitime-model.md §2.14).
 */
function parseMode(value: string | null, quirks: ReadonlySet<Quirk>): Mode {
  if (value === null) return quirks.has('batch-no-bodies') ? 'never' : 'always';
  const mode = MODES.find((m) => m === value);
  if (!mode) throw new SimError(400, 'invalid_argument', undefined, 'includeResponseBody');
  return mode;
}

function validateOperation(op: unknown, index: number): Operation {
  const invalid = (field: string): SimError =>
    new SimError(400, 'invalid_argument', undefined, `[${index}].${field}`);
  if (typeof op !== 'object' || op === null || Array.isArray(op)) {
    throw new SimError(400, 'invalid_argument', undefined, `[${index}]`);
  }
  const { id, method, relativeUrl, body } = op as Record<string, unknown>;
  // Required fields that are missing are mandatory_field (docs/actitime-model.md §1.11); present but unusable ones invalid_argument.
  for (const [field, value] of [
    ['method', method],
    ['relativeUrl', relativeUrl],
  ] as const) {
    if (value === undefined || value === null)
      throw new SimError(400, 'mandatory_field', undefined, `[${index}].${field}`);
  }
  const verb = BATCH_METHODS.find((m) => m === method);
  if (!verb) throw invalid('method');
  if (typeof relativeUrl !== 'string' || relativeUrl.trim() === '') throw invalid('relativeUrl');
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') throw invalid('id');
  return { id, method: verb, relativeUrl, body };
}

async function runOperation(
  op: Operation,
  user: StoreUser,
  parent: RecordedRequest,
  deps: BatchDeps,
  quirks: ReadonlySet<Quirk>,
): Promise<Outcome> {
  const q = op.relativeUrl.indexOf('?');
  const pathPart = q < 0 ? op.relativeUrl : op.relativeUrl.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : op.relativeUrl.slice(q + 1));
  const relative = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  const target = decodeRelativePath(relative);
  const body = BODY_METHODS.includes(op.method) ? op.body : undefined;

  const record = deps.log.beginSub(parent, {
    method: op.method,
    rawPath: `/api/v1${relative}`,
    path: target.path,
    query: Object.fromEntries(query),
    body,
    username: user.username,
  });
  let outcome: Outcome;
  const fault = target.segments ? deps.faults.take(op.method, target.path, true) : undefined;
  if (fault?.status !== undefined) {
    outcome = injectedOutcome(fault.status, undefined, fault.body);
  } else if (!deps.limiter.take(user.id).allowed) {
    outcome = errorOutcome(429, 'too_many_requests');
  } else if (!target.segments) {
    outcome = errorOutcome(400, 'invalid_argument');
  } else if (target.segments.length === 1 && target.segments[0] === 'batch') {
    outcome = {
      status: 400,
      body: errorBody(new SimError(400, 'invalid_argument', undefined, 'relativeUrl')),
    };
  } else {
    outcome = await deps.route(op.method, target.segments, query, body, user, record);
  }
  // An operation's errors are the server's own: generic-errors rewrites them as it does single calls'.
  if (fault?.status === undefined) outcome = withQuirkErrors(outcome, quirks);
  deps.log.endSub(record, outcome.status);
  return outcome;
}
