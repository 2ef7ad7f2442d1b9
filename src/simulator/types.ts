/**
 * The contract between the simulator's HTTP layer (server.ts, router.ts, auth.ts, rate-limit.ts, faults.ts,
 * batch) and its resource layer (store.ts, seed.ts, permissions.ts, list.ts, routes/*, webhooks.ts).
 * Both halves import only these types from each other's side, plus the Store class itself.
 */
import type { SimulatorLimits } from './limits.js';
import type { Quirk } from './quirks.js';
import type { SeedName, Store, StoreUser } from './store.js';

export type { SimulatorLimits } from './limits.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Thrown by any handler; the HTTP layer renders `{key: 'api.error.' + key, message, fields?}`. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    /** Without the `api.error.` prefix, e.g. `customer_exists`. */
    readonly key: string,
    message?: string,
    readonly fields?: string,
  ) {
    super(message ?? DEFAULT_MESSAGES[key] ?? key);
    this.name = 'SimError';
  }
}

/** Exact messages from the key table of docs/actitime-model.md §1.11; keys without one get a plain sentence. */
export const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_auth_scheme:
    'Invalid authentication scheme is used. Only Basic Authentication scheme is supported.',
  mandatory_field: 'Mandatory field is not specified',
  string_length: 'String length must be between 1 and 255',
  invalid_argument: 'Cannot parse provided arguments',
  customer_exists: 'Customer with specified name already exists',
  project_exists: 'Project with specified name already exists',
  task_exists: 'Task with specified name already exists',
  workflow_status_exists: 'Workflow status with specified name already exists',
  day_limit_exceeded: 'Total time for the day cannot exceed 24 hours',
  timetrack_locked: 'Time-track is locked for the specified date',
  timetrack_approved: 'Time-track is approved for the specified week',
  workflow_status_in_use: 'Workflow status is used by tasks',
  last_workflow_status: 'The last workflow status of its type cannot be deleted',
  approved_time_exists: 'Object has approved time-track; use revokeApprovedWeeks=true',
  batch_too_large: 'Batch request contains too many operations',
  authentication_failed: 'Authentication failed',
  user_cannot_be_authorized: 'User cannot be authorized',
  access_denied:
    'User does not have access to the specified object or lacks permissions to perform the requested operation',
  ip_banned: 'Too many failed login attempts; IP address is temporarily banned',
  object_not_found: 'Object with given ID does not exist',
  unknown_resource: 'HTTP 404 Not Found',
  method_not_allowed: 'HTTP 405 Method Not Allowed',
  unsupported_media_type: 'HTTP 415 Unsupported Media Type',
  too_many_requests: 'Too many requests',
  internal: 'Internal SQL Error',
};

/** What a route handler returns: 200 with `body`, or 204 when `body` is undefined and status is 204. */
export interface RouteResult {
  status: number;
  body?: unknown;
  /** Extra response headers; a string body without a Content-Type header is sent without one. */
  headers?: Record<string, string>;
}

export interface RouteContext {
  method: HttpMethod;
  /** Decoded path parameters, e.g. `{id: '6'}` for `/customers/:id`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined for GET/DELETE or an empty body). */
  body: unknown;
  /** The authenticated caller. */
  user: StoreUser;
  store: Store;
  /** Simulator clock in epoch ms (injectable for tests). */
  now(): number;
  /** Base URL of this simulator including `/api/v1`, for `url` fields. */
  apiBaseUrl: string;
  /** The simulator's quirk switches (the same set as `store.quirks`). */
  quirks: ReadonlySet<Quirk>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

/**
 * Path patterns are relative to /api/v1, with `:name` segments, e.g. `/timetrack/:user/:date/:taskId/time`.
 * Literal segments win over parameters (`/users/me` is just `:user` = "me"; `/timetrack/lock` beats
 * `/timetrack/:user`). Unknown path → 404 unknown_resource; known path, other method → 405.
 */
export interface RouteRegistrar {
  add(method: HttpMethod, pattern: string, handler: RouteHandler): void;
}

export interface SimulatorOptions {
  host?: string; // always loopback; anything else is refused
  port?: number; // 0 = ephemeral
  /** Seed "today" (YYYY-MM-DD) that the demo history is relative to; default: the real current date. */
  today?: string;
  /** Clock for windows, bans, timestamps; default Date.now. */
  now?: () => number;
  /**
   * 'demo' (default), 'empty' (only the admin user and mandatory defaults), or 'team:N': the demo seed plus a
   * team lead (`teamlead`) with N regular users in the team, with schedules and weeks of logged time
   * (seed-team.ts).
   */
  seed?: SeedName;
  limits?: Partial<SimulatorLimits>;
  /** Close by itself after this long without requests (tests); default never. */
  idleTimeoutMs?: number;
  /** Quirk switches (quirks.ts), or 'all'; default none. Unknown names make startSimulator throw. */
  quirks?: readonly Quirk[] | 'all';
  /**
   * Simulated round trip (latency.ts): every answer leaves this many ms after its request arrived; the request
   * is still handled and counted on arrival. Default 0.
   */
  latencyMs?: number;
  /** ± this many ms around `latencyMs`, uniform, from a seeded PRNG (deterministic per run). Default 0. */
  jitterMs?: number;
  /** Seed of the jitter's PRNG. */
  latencySeed?: string;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Raw path as received, still percent-encoded, including `/api/v1`. */
  rawPath: string;
  /** Path relative to /api/v1, decoded per segment only for matching. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Headers with Authorization replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** Authenticated username, when authentication succeeded. */
  username?: string;
  arrivedAt: number; // performance-style ms from simulator clock
  /** Requests in flight when this one arrived, itself included. */
  inFlight: number;
  status?: number;
  /**
   * When the answer started to leave (after the simulated latency); same clock as `arrivedAt`. A request that
   * arrived at or after another's `answeredAt` could have waited for that answer: round-trips.ts chains them.
   * Absent while the answer is held, for sub-operations of a batch, and when the client left first; for an
   * injected fault, when the fault began to play.
   */
  answeredAt?: number;
  /** When the connection finished or closed; same clock as `arrivedAt`. */
  finishedAt?: number;
  /** Set for sub-operations of POST /batch: the seq of the batch request. */
  batchOf?: number;
  /**
   * When the connection closed before the response was complete (the client gave up, or an injected
   * reset or stalled body); same clock as `arrivedAt`.
   */
  abortedAt?: number;
}

export interface FaultSpec {
  /** Which requests: method (any if omitted) and a path relative to /api/v1 (string = exact, or RegExp). */
  method?: string;
  path?: string | RegExp;
  /** How many matching requests to affect; default 1. */
  times?: number;
  /** Respond with this status (and headers/body) instead of running the route. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown; // object → JSON; string → sent as is
  /** Wait before sending headers (the route does not run until then). */
  delayMs?: number;
  /** Send 200 headers, then stall the body forever (until the client gives up). */
  stallBody?: boolean;
  /** Destroy the socket after the request body has been read, without answering. */
  resetAfterRequest?: boolean;
  /** Answer 200 with a JSON body of about this many bytes. */
  oversizeBytes?: number;
  /** Answer 200 with an HTML page. */
  html?: boolean;
  /** Answer 200 with `{"broken": ` (malformed JSON). */
  malformedJson?: boolean;
  /** Run the real route, but add/override these response headers (e.g. X-Ratelimit-Remaining: 0). */
  passThroughHeaders?: Record<string, string>;
  /**
   * Match operations inside POST /batch instead of whole requests; only `status` (with `body`, or the standard
   * error body of that status) applies there, and the operation's route does not run. E.g. a 429 that another
   * client on the account would have caused.
   */
  inBatch?: boolean;
}

export interface FaultController {
  inject(spec: FaultSpec): void;
  clear(): void;
  /** Faults still armed. */
  pending(): number;
}
