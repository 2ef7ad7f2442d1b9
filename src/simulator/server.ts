/**
 * The actiTIME simulator over real loopback HTTP. This file is the request pipeline; the resource behaviour
 * lives in the Store and routes/*. Per request: record → read body → fault → IP ban → auth scheme →
 * credentials → rate limit → route (404/405) → body rules (415, invalid JSON) → handler (docs/actitime-model.md §1.11)
 * → the answer, held until the simulated latency has passed (latency.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { logger } from '../logger.js';
import { authenticate, clientIp, IpBan } from './auth.js';
import {
  errorOutcome,
  mergeHeaders,
  outcomeOfThrown,
  sendOutcome,
  withQuirkErrors,
  type Outcome,
} from './errors-http.js';
import { applyFault, Faults } from './faults.js';
import { holdUntil, Latency } from './latency.js';
import { quirkSet, type Quirk } from './quirks.js';
import { DEFAULT_LIMITS, RateLimiter, rateLimitHeaders, type RateDecision } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import { decodeRelativePath, Router } from './router.js';
import { registerBatchRoute } from './routes/batch.js';
import { registerRoutes } from './routes/index.js';
import { applySeed } from './seed.js';
import { Store, type StoreUser } from './store.js';
import type {
  FaultController,
  HttpMethod,
  RecordedRequest,
  RouteContext,
  RouteResult,
  SimulatorLimits,
  SimulatorOptions,
} from './types.js';

export const API_PREFIX = '/api/v1';
/** Request bodies above this are refused with 413 (actiTIME is silent; no real call comes near it). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const LOOPBACK_HOSTS: Record<string, string> = {
  '127.0.0.1': '127.0.0.1',
  localhost: '127.0.0.1',
  '::1': '::1',
  '[::1]': '::1',
};
const BODY_METHODS = new Set(['POST', 'PATCH', 'PUT']);

export interface SimulatorHandle {
  /** `http://127.0.0.1:PORT/api/v1` (or `http://[::1]:PORT/api/v1`). */
  baseUrl: string;
  port: number;
  /** Live request log, oldest first; sub-operations of a batch carry `batchOf`. */
  requests: RecordedRequest[];
  /** Most HTTP requests in flight at once since start or the last clearRequests()/reset(). */
  maxInFlight(): number;
  clearRequests(): void;
  faults: FaultController;
  store: Store;
  limits: SimulatorLimits;
  /** The quirk switches this simulator was started with (fixed for its lifetime, kept by reset()). */
  quirks: ReadonlySet<Quirk>;
  /** Simulated round trip of every answer (`latencyMs ± jitterMs`; 0 = none). */
  latency: { latencyMs: number; jitterMs: number };
  /** Store back to its seed; clears rate windows, bans, faults and the request log. */
  reset(): void;
  /** Stops listening, destroys every open socket (stalled ones too) and stops webhook deliveries. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const bindHost = loopbackHost(options.host ?? '127.0.0.1');
  const limits = resolveLimits(options.limits);
  const quirks = quirkSet(options.quirks);
  const rateHeaders = (d: RateDecision) => rateLimitHeaders(d, !quirks.has('no-rate-headers'));
  const now = options.now ?? Date.now;
  const today = options.today ?? utcToday(now());
  if (!isCalendarDate(today))
    throw new Error(`simulator: today must be a real YYYY-MM-DD date, got ${today}`);

  const latency = new Latency({
    latencyMs: options.latencyMs,
    jitterMs: options.jitterMs,
    ...(options.latencySeed === undefined ? {} : { seed: options.latencySeed }),
  });
  const log = new RequestLog();
  const faults = new Faults();
  const limiter = new RateLimiter(limits, now);
  const ban = new IpBan(limits, now);
  const router = new Router();
  const contexts = new WeakMap<RouteContext, RecordedRequest>();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  // Assigned once listening: the Store needs the final port for its `url` fields.
  let store!: Store;
  let apiBaseUrl = '';

  const server = createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      logger.error('simulator: request pipeline failed', {
        error: err instanceof Error ? err.message : String(err),
      });
      if (!res.headersSent) sendOutcome(res, errorOutcome(500, 'internal'));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  apiBaseUrl = `http://${urlHost}:${port}${API_PREFIX}`;

  try {
    store = new Store({ seed: options.seed ?? 'demo', today, now, limits, apiBaseUrl, applySeed, quirks });
    registerRoutes(router, quirks);
    registerBatchRoute(router, {
      limits,
      limiter,
      log,
      faults,
      recordOf: (ctx) => contexts.get(ctx),
      route: (method, segments, query, body, user, record) =>
        routeAndRun(method, segments, query, body, user, record),
    });
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }

  let idleTimer: NodeJS.Timeout | undefined;
  const touchIdle = (): void => {
    if (!options.idleTimeoutMs || closing.signal.aborted) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), options.idleTimeoutMs);
    idleTimer.unref();
  };
  touchIdle();

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= (async () => {
      clearTimeout(idleTimer);
      closing.abort();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await stopped;
      await store.dispose();
    })();
    return closed;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    touchIdle();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const inApi = rawPath === API_PREFIX || rawPath.startsWith(`${API_PREFIX}/`);
    const target = decodeRelativePath(inApi ? rawPath.slice(API_PREFIX.length) : rawPath);
    const method = req.method ?? '';

    const record = log.begin(req, rawPath, target.path, query);
    const aborted = new AbortController();
    const onClosing = (): void => aborted.abort();
    closing.signal.addEventListener('abort', onClosing, { once: true });
    res.on('close', () => {
      closing.signal.removeEventListener('abort', onClosing);
      aborted.abort();
      log.end(record, res.headersSent ? res.statusCode : undefined, res.writableFinished);
      touchIdle();
    });

    // Simulated latency (latency.ts): the request is handled now, its answer leaves this long after arrival.
    const dueAt = record.arrivedAt + latency.next();
    let held: Promise<void> | undefined;
    const waitForDue = (): Promise<void> => (held ??= holdUntil(dueAt, aborted.signal));
    const reply = async (outcome: Outcome, headers?: Record<string, string>): Promise<void> => {
      await waitForDue();
      if (aborted.signal.aborted) return;
      // When the answer leaves, after the latency and any fault's own delay (a fault that answers by itself
      // leaves only finishedAt).
      record.answeredAt = performance.now();
      sendOutcome(res, outcome, headers);
    };

    const raw = await readBody(req, MAX_REQUEST_BYTES);
    if (raw === 'aborted') return;
    if (raw === 'too_large') {
      res.setHeader('Connection', 'close');
      return reply(errorOutcome(413, 'request_too_large', 'HTTP 413 Payload Too Large'));
    }
    record.body = bodyForLog(raw);

    // Not the API: the web application's pages are not modelled, and API rules (auth, limits) do not apply.
    if (!inApi) return reply(errorOutcome(404, 'unknown_resource'));

    let extraHeaders: Record<string, string> | undefined;
    const fault = faults.take(method, target.path);
    if (fault) {
      // A fault plays out after the round trip: its own delays and stalls come on top of the latency.
      await waitForDue();
      if (aborted.signal.aborted) return;
      const played = await applyFault(fault, req, res, aborted.signal);
      if (played.handled) return;
      extraHeaders = played.extraHeaders;
    }

    const ip = clientIp(req.socket.remoteAddress);
    if (ban.isBanned(ip)) return reply(errorOutcome(403, 'ip_banned'), extraHeaders);
    const auth = authenticate(req.headers.authorization, store);
    if (!auth.ok) {
      if (auth.error.key === 'authentication_failed') ban.recordFailure(ip);
      const challenge: Record<string, string> =
        auth.error.status === 401 ? { 'WWW-Authenticate': 'Basic realm="actiTIME"' } : {};
      return reply({ ...errorOutcome(auth.error.status, auth.error.key), headers: challenge }, extraHeaders);
    }
    const user = auth.user;
    record.username = user.username;

    // POST /batch is admitted without counting: its operations count one each (docs/actitime-model.md §2.14).
    const isBatch = method === 'POST' && target.segments?.length === 1 && target.segments[0] === 'batch';
    const decision = limiter.take(user.id, !isBatch);
    if (!decision.allowed) {
      return reply(errorOutcome(429, 'too_many_requests'), mergeHeaders(rateHeaders(decision), extraHeaders));
    }

    const routed = await routeTopLevel(method, target.segments, query, raw, req, user, record);
    if (aborted.signal.aborted) return;
    const outcome = withQuirkErrors(routed, quirks);
    // A batch's operations count after its admission: its answer reports the budget they left.
    const report = isBatch ? { ...limiter.take(user.id, false), allowed: true } : decision;
    return reply(outcome, mergeHeaders(rateHeaders(report), extraHeaders));
  }

  async function routeTopLevel(
    method: string,
    segments: string[] | undefined,
    query: URLSearchParams,
    raw: Buffer,
    req: IncomingMessage,
    user: StoreUser,
    record: RecordedRequest,
  ): Promise<Outcome> {
    if (!segments) return errorOutcome(400, 'invalid_argument');
    const match = router.match(method, segments);
    if (match.kind !== 'found') return routingError(match);

    let body: unknown;
    if (BODY_METHODS.has(method) && raw.length > 0) {
      if (!isJsonMediaType(req.headers['content-type'])) return errorOutcome(415, 'unsupported_media_type');
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return errorOutcome(400, 'invalid_argument');
      }
    }
    return runHandler(match.handler, method as HttpMethod, match.params, query, body, user, record);
  }

  async function routeAndRun(
    method: HttpMethod,
    segments: string[],
    query: URLSearchParams,
    body: unknown,
    user: StoreUser,
    record: RecordedRequest,
  ): Promise<Outcome> {
    const match = router.match(method, segments);
    if (match.kind !== 'found') return routingError(match);
    return runHandler(match.handler, method, match.params, query, body, user, record);
  }

  async function runHandler(
    handler: (ctx: RouteContext) => unknown,
    method: HttpMethod,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
    user: StoreUser,
    record: RecordedRequest,
  ): Promise<Outcome> {
    const ctx: RouteContext = { method, params, query, body, user, store, now, apiBaseUrl, quirks };
    contexts.set(ctx, record);
    try {
      const result = (await handler(ctx)) as RouteResult;
      return {
        status: result.status,
        body: result.status === 204 ? undefined : result.body,
        headers: result.headers,
      };
    } catch (err) {
      return outcomeOfThrown(err, `${method} ${record.path}`);
    }
  }

  return {
    baseUrl: apiBaseUrl,
    port,
    requests: log.entries,
    maxInFlight: () => log.maxInFlight(),
    clearRequests: () => log.clear(),
    faults,
    store,
    limits,
    quirks,
    latency: { latencyMs: latency.latencyMs, jitterMs: latency.jitterMs },
    reset: () => {
      store.reset();
      limiter.reset();
      ban.reset();
      faults.clear();
      log.clear();
    },
    close,
  };
}

function routingError(
  match: { kind: 'not_found' } | { kind: 'method_not_allowed'; allow: string[] },
): Outcome {
  if (match.kind === 'not_found') return errorOutcome(404, 'unknown_resource');
  return { ...errorOutcome(405, 'method_not_allowed'), headers: { Allow: match.allow.join(', ') } };
}

function isJsonMediaType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'aborted' | 'too_large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (value: Buffer | 'aborted' | 'too_large'): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) finish('too_large');
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks));
    const onAbort = (): void => finish('aborted');
    const onClose = (): void => {
      if (!req.complete) finish('aborted');
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}

/** The request body as logged: parsed JSON when it is JSON, the text otherwise, undefined when empty. */
function bodyForLog(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function loopbackHost(host: string): string {
  const bind = LOOPBACK_HOSTS[host.toLowerCase()];
  if (!bind) throw new Error(`simulator: refusing to bind to ${host}; only 127.0.0.1, ::1 or localhost`);
  return bind;
}

function resolveLimits(overrides: Partial<SimulatorLimits> | undefined): SimulatorLimits {
  const limits: SimulatorLimits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`simulator: limits.${name} must be positive`);
  }
  return limits;
}

/** The real current date, in UTC like the Store's clock, so an unpinned `today` means no shift. */
function utcToday(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}
