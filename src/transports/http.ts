/**
 * MCP over Streamable HTTP (opt-in; stdio stays the default). One McpServer per MCP session, built by
 * buildServer from a context the caller supplies; the SDK's StreamableHTTPServerTransport speaks the protocol.
 *
 * Sessions never lock clients out: clients that vanish without DELETE (the Inspector, test runners, crashed
 * assistants) are closed after `sessionIdleMs` without a request (default 5 minutes), and at the cap the least
 * recently used idle session (no request in flight) is closed to admit a newcomer; its client's next request
 * gets 404, on which the spec has it initialize again. Only when every session has a request in flight is a
 * newcomer refused (503 with Retry-After).
 *
 * `stateless` mode (behind a load balancer): no sessions and no Mcp-Session-Id; every POST gets a fresh
 * server and transport (the SDK's sessionIdGenerator: undefined), so any instance can answer any request.
 * GET (standalone SSE stream) and DELETE answer 405. The Host, Origin, token and body checks are the same code
 * in both modes.
 *
 * Every request passes, in this order (SEC-HT-01…06):
 *   path (/mcp)  →  Host (DNS rebinding)  →  Origin  →  bearer token  →  body cap  →  session.
 * Refusals are JSON-RPC error bodies with `id: null` (the JSON-RPC form of "no id": the request is not
 * answered as a request) and never echo the token.
 *
 * Token policy: a configured token (ACTITIME_MCP_HTTP_TOKEN) is required on every request. A non-loopback bind
 * refuses to start without one (and without `allowRemote`). A loopback bind without one generates a random
 * token per start and prints it once on stderr: any local process or user can reach 127.0.0.1, so loopback
 * alone is not an authentication.
 *
 * The SDK's own guards are Express middleware (createMcpExpressApp / hostHeaderValidation, port-agnostic) or
 * deprecated transport options applied only after a session is found; this server is plain node:http, so the
 * same checks are made here, before any session exists, and the Host check also pins the listening port.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { requestBodyTooLargeMessage } from '@modelcontextprotocol/sdk/server/requestBody.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

import { ConfigError } from '../actitime/errors.js';
import { registerSecret, type Logger } from '../logger.js';
import { buildServer, type BuildServerOptions } from '../server.js';
import { ConfirmTokens } from '../tools/confirm-tokens.js';
import type { ServerContext } from '../tools/context.js';
import { gracefulShutdown } from './shutdown.js';

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 8765;
export const DEFAULT_MCP_PATH = '/mcp';
/** Largest request body read (SEC-HT-06). MCP requests are small; the SDK's own default is 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_SESSIONS = 64;
/**
 * A session whose client vanished without DELETE is closed after this long without a request (an open
 * standalone SSE stream counts as activity: its client is still listening).
 */
export const DEFAULT_SESSION_IDLE_MS = 5 * 60_000;
/** Seconds a refused newcomer is told to wait (503) when every session has a request in flight. */
export const SESSIONS_BUSY_RETRY_AFTER_S = 5;
/** Shortest configured token accepted: anything shorter is guessable. */
export const MIN_TOKEN_LENGTH = 16;

export const HTTP_ENV = {
  token: 'ACTITIME_MCP_HTTP_TOKEN',
  allowedOrigins: 'ACTITIME_MCP_HTTP_ALLOWED_ORIGINS',
  allowedHosts: 'ACTITIME_MCP_HTTP_ALLOWED_HOSTS',
  maxSessions: 'ACTITIME_MCP_HTTP_MAX_SESSIONS',
  sessionIdleSeconds: 'ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS',
} as const;

/** Builds the context of one session; sessions may share one ActitimeClient (and its rate budget). */
export type ContextFactory = () => ServerContext | Promise<ServerContext>;

export interface HttpServerOptions {
  logger: Logger;
  /** Interface to bind. Default 127.0.0.1. Anything not loopback needs `allowRemote` and a `token`. */
  host?: string;
  /** Port; 0 = ephemeral. Default 8765. */
  port?: number;
  /** Permits binding a non-loopback interface (e.g. 0.0.0.0). */
  allowRemote?: boolean;
  /** Bearer token clients must send. Default: generated and printed on stderr (loopback only). */
  token?: string;
  /** Browser origins accepted besides loopback ones (`https://app.example`); exact scheme://host[:port]. */
  allowedOrigins?: readonly string[];
  /**
   * Host-header names accepted besides loopback names at the listening port, e.g. the name remote clients
   * use. `name` accepts any port, `name:port` only that one.
   */
  allowedHosts?: readonly string[];
  /** Endpoint path. Default /mcp. */
  path?: string;
  maxBodyBytes?: number;
  /** Open sessions at most; at the cap the least recently used idle one is closed. Default 64. */
  maxSessions?: number;
  /** A session without a request for this long is closed. Default 5 minutes. */
  sessionIdleMs?: number;
  /** No sessions: a fresh server and transport per request, no Mcp-Session-Id (load-balanced deployments). */
  stateless?: boolean;
  /** Clock for session idleness (tests). Default Date.now. */
  now?: () => number;
  /** Passed to buildServer for every session (tests). */
  buildOptions?: BuildServerOptions;
  /** Where the generated token is announced. Default: stderr (never the logger, whose level may hide it). */
  announce?: (line: string) => void;
}

export interface HttpServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8765/mcp`. */
  url: string;
  /** The address actually bound, e.g. `127.0.0.1`. */
  host: string;
  port: number;
  /** The bearer token in force (configured or generated). */
  token: string;
  tokenGenerated: boolean;
  /** Open sessions (diagnostics and tests); always 0 in stateless mode. */
  sessionCount(): number;
  /** Requests being answered now (a POST's SSE response counts until it ends; GET streams do not). */
  inFlightCount(): number;
  /** Closes every session, aborts in-flight calls, drops every connection; resolves once the port is free. */
  close(): Promise<void>;
}

/**
 * The HTTP options the environment can set; flags (`--host`, `--port`, `--allow-remote`, `--stateless`) come
 * from the CLI.
 */
export function httpOptionsFromEnv(
  env: Record<string, string | undefined>,
): Pick<HttpServerOptions, 'token' | 'allowedOrigins' | 'allowedHosts' | 'maxSessions' | 'sessionIdleMs'> {
  const list = (raw: string | undefined): string[] | undefined => {
    const items = (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return items.length > 0 ? items : undefined;
  };
  const token = env[HTTP_ENV.token]?.trim();
  const allowedOrigins = list(env[HTTP_ENV.allowedOrigins]);
  const allowedHosts = list(env[HTTP_ENV.allowedHosts]);
  const maxSessions = positiveInteger(env, HTTP_ENV.maxSessions);
  const idleSeconds = positiveInteger(env, HTTP_ENV.sessionIdleSeconds);
  return {
    ...(token ? { token } : {}),
    ...(allowedOrigins ? { allowedOrigins } : {}),
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(maxSessions === undefined ? {} : { maxSessions }),
    ...(idleSeconds === undefined ? {} : { sessionIdleMs: idleSeconds * 1000 }),
  };
}

function positiveInteger(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, not ${quoted(raw)}`, name);
  }
  return Number(raw);
}

// ---- address helpers ---------------------------------------------------------------------------------------

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isIP(h.slice(7)) === 4 && h.slice(7).startsWith('127.');
  return false;
}

function isWildcard(host: string): boolean {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function normaliseOrigin(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

/** Quotes untrusted header text for a log line: bounded and printable. */
function quoted(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 100 ? `${clean.slice(0, 100)}…` : clean);
}

// ---- responses ---------------------------------------------------------------------------------------------

function sendError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

type BodyRead = { kind: 'ok'; text: string } | { kind: 'too_large' } | { kind: 'aborted' };

/** Reads at most `max` bytes; stops at once (without buffering more) when the body is larger. */
function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve({ kind: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyRead): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        done({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    const onAbort = (): void => done({ kind: 'aborted' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAbort);
    req.once('aborted', onAbort);
    req.once('close', onAbort);
  });
}

// ---- the server --------------------------------------------------------------------------------------------

interface Session {
  id: string;
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** When a request of this session last started or ended (the injected clock). */
  lastSeen: number;
  /** POST and DELETE requests still being answered (a POST's SSE response counts until it ends): busy. */
  inFlight: number;
  /** Open standalone SSE streams (GET): the client listens, but nothing is being answered. */
  streams: number;
}

export async function startHttpServer(
  ctxFactory: ContextFactory,
  options: HttpServerOptions,
): Promise<HttpServerHandle> {
  const { logger } = options;
  const bindHost = (options.host ?? DEFAULT_HTTP_HOST).trim();
  const requestedPort = options.port ?? DEFAULT_HTTP_PORT;
  const endpoint = options.path ?? DEFAULT_MCP_PATH;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const sessionIdleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const stateless = options.stateless === true;
  const now = options.now ?? Date.now;
  const loopback = isLoopbackHost(bindHost);

  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new ConfigError(`--port must be an integer from 0 to 65535`, '--port');
  }
  if (!(maxBodyBytes > 0) || !(maxSessions >= 1) || !(sessionIdleMs > 0)) {
    throw new RangeError('maxBodyBytes, maxSessions and sessionIdleMs must be positive');
  }
  if (!endpoint.startsWith('/')) throw new RangeError('path must start with /');
  if (!loopback && !options.allowRemote) {
    throw new ConfigError(
      `refusing to serve MCP on non-loopback address ${bindHost} without --allow-remote`,
      '--allow-remote',
    );
  }
  const configuredToken = options.token?.trim();
  if (configuredToken !== undefined && configuredToken.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `${HTTP_ENV.token} must be at least ${MIN_TOKEN_LENGTH} characters`,
      HTTP_ENV.token,
    );
  }
  if (!loopback && !configuredToken) {
    throw new ConfigError(
      `serving on ${bindHost} requires a bearer token in ${HTTP_ENV.token}`,
      HTTP_ENV.token,
    );
  }
  const token = configuredToken || randomBytes(32).toString('base64url');
  registerSecret(token);
  const tokenDigest = createHash('sha256').update(token).digest();

  const extraOrigins = new Set<string>();
  for (const o of options.allowedOrigins ?? []) {
    const n = normaliseOrigin(o);
    if (!n)
      throw new ConfigError(
        `${HTTP_ENV.allowedOrigins}: ${quoted(o)} is not an origin`,
        HTTP_ENV.allowedOrigins,
      );
    extraOrigins.add(n);
  }
  const extraHosts = new Set((options.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean));
  // A specific non-loopback address is the name remote clients use; a wildcard has none to infer.
  if (!loopback && !isWildcard(bindHost)) extraHosts.add(urlHost(bindHost).toLowerCase());

  /** Open sessions in least-recently-used order: every request moves its session to the end. */
  const sessions = new Map<string, Session>();
  /** Initialize requests admitted but not yet turned into a session: they hold a place under the cap. */
  let opening = 0;
  let inFlight = 0;
  /** Stateless mode: the servers answering a request now (closed on shutdown). */
  const statelessServers = new Set<McpServer>();
  /**
   * Stateless mode: one store of confirmation tokens for every per-request server, so a planToken issued by
   * one request can be confirmed by the next one that reaches this instance (not by another instance).
   */
  let statelessTokens: ConfirmTokens | undefined;
  const sockets = new Set<Socket>();
  let port = requestedPort;
  let closing = false;

  // ---- checks ----

  /** SEC-HT-03: the Host a browser sends is the name it resolved, so a rebinding page shows its own name. */
  function hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    let parsed: URL;
    try {
      parsed = new URL(`http://${hostHeader}`);
    } catch {
      return false;
    }
    if (parsed.username || parsed.password || parsed.pathname !== '/' || parsed.search || parsed.hash)
      return false;
    const name = parsed.hostname.toLowerCase();
    const hostPort = parsed.port === '' ? 80 : Number(parsed.port);
    if (LOOPBACK_HOSTNAMES.has(name)) return hostPort === port;
    return extraHosts.has(name) || extraHosts.has(`${name}:${hostPort}`);
  }

  /** SEC-HT-02/04: no Origin (a non-browser client) passes; a browser origin must be loopback or listed. */
  function originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const n = normaliseOrigin(origin);
    if (!n) return false;
    const u = new URL(n);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTNAMES.has(u.hostname))
      return true;
    return extraOrigins.has(n);
  }

  /** SEC-HT-05: constant-time comparison of digests, so neither content nor length leaks through timing. */
  function tokenValid(authorization: string | undefined): boolean {
    const m = /^Bearer[ \t]+(\S{1,4096})[ \t]*$/i.exec(authorization ?? '');
    if (!m?.[1]) return false;
    return timingSafeEqual(createHash('sha256').update(m[1]).digest(), tokenDigest);
  }

  function corsHeaders(origin: string | undefined): Record<string, string> {
    if (origin === undefined) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': 'Mcp-Session-Id, WWW-Authenticate',
      Vary: 'Origin',
    };
  }

  // ---- sessions ----

  /** Marks a session used now and moves it to the most recently used end (only while it is still open). */
  function touch(session: Session): void {
    session.lastSeen = now();
    if (session.id && sessions.get(session.id) === session) {
      sessions.delete(session.id);
      sessions.set(session.id, session);
    }
  }

  /** The least recently used session with no request in flight, if any. */
  function evictable(): Session | undefined {
    for (const s of sessions.values()) if (s.inFlight === 0) return s;
    return undefined;
  }

  async function openSession(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    cors: Record<string, string>,
  ): Promise<void> {
    let evicted: Promise<void> | undefined;
    if (sessions.size + opening >= maxSessions) {
      const victim = evictable();
      if (!victim) {
        logger.warn(`MCP HTTP: refusing a new session, all ${maxSessions} open sessions are busy`);
        sendError(res, 503, -32000, 'Too many busy sessions; try again later', {
          ...cors,
          'Retry-After': String(SESSIONS_BUSY_RETRY_AFTER_S),
        });
        return;
      }
      // Removed from the map at once (its next request gets 404), so the place is free before any await.
      evicted = closeSession(victim, 'least recently used idle session, closed to admit a new one');
      logger.info(`MCP HTTP: ${maxSessions} sessions open; closed the least recently used idle one`);
    }
    opening += 1;
    try {
      await evicted;
      await createSession(req, res, body, cors);
    } finally {
      opening -= 1;
    }
  }

  async function createSession(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    cors: Record<string, string>,
  ): Promise<void> {
    let ctx: ServerContext;
    try {
      ctx = await ctxFactory();
    } catch (err) {
      logger.error(`MCP HTTP: cannot create a session: ${err instanceof Error ? err.message : String(err)}`);
      sendError(res, 500, -32603, 'Internal error: cannot create a session', cors);
      return;
    }
    if (closing) return sendError(res, 503, -32000, 'Server shutting down', { Connection: 'close' });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: maxBodyBytes,
      onsessioninitialized: (id) => {
        opened.id = id;
        sessions.set(id, opened);
        logger.debug('MCP HTTP session opened', { sessions: sessions.size });
      },
    });
    const server = buildServer(ctx, options.buildOptions);
    const opened: Session = { id: '', transport, server, lastSeen: now(), inFlight: 0, streams: 0 };
    // Set before connect: the SDK chains its own close handling after ours.
    transport.onclose = () => {
      if (opened.id && sessions.get(opened.id) === opened) {
        sessions.delete(opened.id);
        logger.debug('MCP HTTP session closed', { sessions: sessions.size });
      }
    };
    await server.connect(transport);
    await handleInSession(opened, req, res, body);
    // The initialize request was refused (bad headers, bad protocol version): no session came of it.
    if (!opened.id) await server.close().catch(() => undefined);
  }

  async function handleInSession(
    session: Session,
    req: IncomingMessage,
    res: ServerResponse,
    body?: unknown,
  ): Promise<void> {
    const stream = req.method === 'GET';
    if (stream) session.streams += 1;
    else {
      session.inFlight += 1;
      inFlight += 1;
    }
    touch(session);
    res.once('close', () => {
      if (stream) session.streams -= 1;
      else {
        session.inFlight -= 1;
        inFlight -= 1;
      }
      touch(session);
    });
    await session.transport.handleRequest(req, res, body);
  }

  async function closeSession(session: Session, why: string): Promise<void> {
    logger.debug(`MCP HTTP session closing: ${why}`);
    if (sessions.get(session.id) === session) sessions.delete(session.id);
    try {
      await session.server.close();
    } catch (err) {
      logger.debug('MCP HTTP session close failed', { error: String(err) });
    }
  }

  /** Stateless mode: a fresh server and transport answer this one request and are closed after it. */
  async function handleStateless(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    cors: Record<string, string>,
  ): Promise<void> {
    if (req.method !== 'POST') {
      return sendError(res, 405, -32000, 'Method not allowed: this server is stateless (POST only)', {
        ...cors,
        Allow: 'POST, OPTIONS',
      });
    }
    let ctx: ServerContext;
    try {
      ctx = await ctxFactory();
    } catch (err) {
      logger.error(`MCP HTTP: cannot serve a request: ${err instanceof Error ? err.message : String(err)}`);
      sendError(res, 500, -32603, 'Internal error: cannot serve the request', cors);
      return;
    }
    if (closing) return sendError(res, 503, -32000, 'Server shutting down', { Connection: 'close' });
    statelessTokens ??= new ConfirmTokens(ctx.now ?? Date.now);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      maxRequestBodySize: maxBodyBytes,
    });
    const server = buildServer(ctx, { ...options.buildOptions, tokens: statelessTokens });
    statelessServers.add(server);
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      statelessServers.delete(server);
      // Closing the server closes its transport and aborts whatever the request still had running.
      server.close().catch(() => undefined);
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const sweeper = setInterval(
    () => {
      const cutoff = now() - sessionIdleMs;
      for (const s of [...sessions.values()]) {
        if (s.inFlight === 0 && s.streams === 0 && s.lastSeen <= cutoff) void closeSession(s, 'idle');
      }
    },
    Math.max(10, Math.min(60_000, Math.floor(sessionIdleMs / 2))),
  );
  sweeper.unref();

  // ---- requests ----

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? '';
    const path = (req.url ?? '/').split('?')[0];
    if (closing) return sendError(res, 503, -32000, 'Server shutting down', { Connection: 'close' });
    if (path !== endpoint) return sendError(res, 404, -32000, 'Not found');

    if (!hostAllowed(req.headers.host)) {
      logger.warn(`MCP HTTP: refused Host ${quoted(req.headers.host ?? '')} (DNS rebinding protection)`);
      return sendError(res, 403, -32000, 'Forbidden: invalid Host header');
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin)) {
      logger.warn(`MCP HTTP: refused Origin ${quoted(origin ?? '')}`);
      return sendError(res, 403, -32000, 'Forbidden: origin not allowed');
    }
    const cors = corsHeaders(origin);

    if (method === 'OPTIONS') {
      // A CORS preflight carries no credentials; the real request is authenticated.
      res.writeHead(204, {
        ...cors,
        ...(origin === undefined
          ? {}
          : {
              'Access-Control-Allow-Methods': 'GET, POST, DELETE',
              'Access-Control-Allow-Headers':
                'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
              'Access-Control-Max-Age': '600',
            }),
        Allow: 'GET, POST, DELETE, OPTIONS',
      });
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      return sendError(res, 405, -32000, 'Method not allowed', {
        ...cors,
        Allow: 'GET, POST, DELETE, OPTIONS',
      });
    }

    if (!tokenValid(req.headers.authorization)) {
      logger.warn(`MCP HTTP: refused ${method} without a valid bearer token`);
      return sendError(res, 401, -32001, 'Unauthorized: missing or invalid bearer token', {
        ...cors,
        'WWW-Authenticate': 'Bearer realm="actitime-mcp"',
      });
    }

    let body: unknown;
    if (method === 'POST') {
      const read = await readBody(req, maxBodyBytes);
      if (read.kind === 'aborted') return;
      if (read.kind === 'too_large') {
        logger.warn(`MCP HTTP: refused a request body over ${maxBodyBytes} bytes`);
        // The rest of the body is never read: the connection is closed once the answer is out.
        res.once('finish', () => req.socket.destroySoon());
        return sendError(res, 413, -32000, requestBodyTooLargeMessage(maxBodyBytes), {
          ...cors,
          Connection: 'close',
        });
      }
      try {
        body = JSON.parse(read.text) as unknown;
      } catch {
        return sendError(res, 400, -32700, 'Parse error: Invalid JSON', cors);
      }
    }
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);

    if (stateless) return handleStateless(req, res, body, cors);
    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) {
        logger.debug('MCP HTTP: unknown session');
        return sendError(res, 404, -32001, 'Session not found');
      }
      return handleInSession(session, req, res, body);
    }
    const isInit =
      method === 'POST' && (Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body));
    if (isInit) return openSession(req, res, body, cors);
    return sendError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
  }

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error(`MCP HTTP: request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendError(res, 500, -32603, 'Internal error');
      else res.end();
    });
  });
  // Slow senders cannot hold a connection open forever; SSE responses are not affected (these bound the request).
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  if (!loopback) {
    logger.warn(
      `MCP HTTP will listen on ${bindHost}, reachable from other machines; traffic is plain HTTP ` +
        `(put TLS in front) and every request needs the bearer token` +
        (isWildcard(bindHost) && extraHosts.size === 0
          ? `; only loopback Host names are accepted until ${HTTP_ENV.allowedHosts} names this machine`
          : ''),
    );
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    http.once('error', onError);
    http.listen(requestedPort, bindHost, () => {
      http.off('error', onError);
      resolve();
    });
  }).catch((err: unknown) => {
    clearInterval(sweeper);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ConfigError(`port ${requestedPort} is already in use`, '--port');
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
      throw new ConfigError(`cannot bind ${bindHost}: no such local address`, '--host');
    }
    throw err;
  });
  http.on('error', (err) => logger.error(`MCP HTTP server error: ${err.message}`));
  const bound = http.address() as AddressInfo;
  port = bound.port;

  const shownHost = isWildcard(bindHost) ? DEFAULT_HTTP_HOST : bindHost;
  const url = `http://${urlHost(shownHost)}:${port}${endpoint}`;
  logger.info(`MCP over Streamable HTTP at ${url}`);
  if (!configuredToken) {
    const announce = options.announce ?? ((line: string) => void process.stderr.write(line + '\n'));
    announce(
      `actitime-mcp: MCP HTTP endpoint ${url} — send "Authorization: Bearer ${token}" ` +
        `(generated for this run; set ${HTTP_ENV.token} to choose a fixed one)`,
    );
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    host: bound.address,
    port,
    token,
    tokenGenerated: !configuredToken,
    sessionCount: () => sessions.size,
    inFlightCount: () => inFlight,
    close: () => {
      closed ??= (async () => {
        closing = true;
        clearInterval(sweeper);
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await Promise.allSettled([
          ...[...sessions.values()].map((s) => closeSession(s, 'server shutdown')),
          ...[...statelessServers].map((s) => s.close()),
        ]);
        http.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await stopped;
      })();
      return closed;
    },
  };
}

export interface ServeHttpOptions extends HttpServerOptions {
  /** Releases what the sessions share (the actiTIME client, the demo simulator), after the HTTP side closed. */
  onShutdown: () => Promise<void>;
  /** Longest wait for an orderly shutdown before exiting anyway. Default 800 ms. */
  graceMs?: number;
  /** Ends the process; replaceable for tests. Default process.exit. */
  exit?: (code: number) => void;
  /** Where SIGTERM/SIGINT come from; replaceable for tests. Default process. */
  signals?: Pick<NodeJS.EventEmitter, 'once'>;
}

/**
 * The CLI's `--http` mode: serves until SIGTERM/SIGINT, then closes every session (in-flight calls aborted),
 * runs onShutdown and exits 0 within the grace period. stdin is not watched: a daemon's stdin may be closed.
 */
export async function serveHttp(
  ctxFactory: ContextFactory,
  options: ServeHttpOptions,
): Promise<HttpServerHandle> {
  const {
    logger,
    onShutdown,
    graceMs = 800,
    exit = (code) => process.exit(code),
    signals = process,
  } = options;
  const handle = await startHttpServer(ctxFactory, options);
  const shutdown = gracefulShutdown({
    logger,
    graceMs,
    exit,
    close: async () => {
      await handle.close();
      await onShutdown();
    },
  });
  signals.once('SIGTERM', () => void shutdown('SIGTERM'));
  signals.once('SIGINT', () => void shutdown('SIGINT'));
  return handle;
}
