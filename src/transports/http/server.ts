/**
 * MCP over Streamable HTTP (opt-in; stdio stays the default): the plain node:http server and the order of
 * its checks. Sessions (sessions.ts) or, behind a load balancer, one server per request (stateless.ts) speak
 * the protocol through the SDK's StreamableHTTPServerTransport.
 *
 * Every MCP request passes, in this order (SEC-HT-01…06):
 *   path (/mcp)  →  Host (DNS rebinding)  →  Origin  →  authentication  →  body cap  →  session.
 * Each refusal comes before anything the next check could reveal: a foreign page learns nothing about the
 * authentication, and an unauthenticated client nothing about sessions. `GET /healthz` is answered before all
 * of them (responses.ts answerHealth says why that is safe).
 */
import type { RequestServer } from './admitted.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { requestBodyTooLargeMessage } from '@modelcontextprotocol/sdk/server/requestBody.js';

import { ConfigError } from '../../actitime/errors.js';
import { gracefulShutdown } from '../shutdown.js';
import { isWildcard, quoted, urlHost } from './address.js';
import { hostGuard, originGuard } from './guards.js';
import {
  DEFAULT_HTTP_HOST,
  HEALTH_PATH,
  HTTP_ENV,
  resolveHttpOptions,
  type ContextFactory,
  type HttpServerHandle,
  type HttpServerOptions,
} from './options.js';
import { answerHealth, readBody, sendError, sendShuttingDown } from './responses.js';
import { SessionTable } from './sessions.js';
import { StatelessServers } from './stateless.js';

export async function startHttpServer(
  ctxFactory: ContextFactory,
  options: HttpServerOptions,
): Promise<HttpServerHandle> {
  const { logger } = options;
  const o = resolveHttpOptions(options);
  const { bindHost, endpoint, maxBodyBytes, authenticate } = o;
  const sockets = new Set<Socket>();
  let port = o.requestedPort;
  let closing = false;

  const hostAllowed = hostGuard(o.extraHosts, () => port);
  const origins = originGuard(o.extraOrigins);
  const serving = {
    logger,
    ctxFactory,
    maxBodyBytes,
    buildOptions: options.buildOptions,
    closing: () => closing,
  };
  const mode: RequestServer = o.stateless
    ? new StatelessServers(serving)
    : new SessionTable({
        ...serving,
        maxSessions: o.maxSessions,
        sessionIdleMs: o.sessionIdleMs,
        now: o.now,
      });
  // The built-in token keeps its own wording: operators (and the Inspector e2e test) look for it.
  const credential = options.authenticate ? 'authentication' : 'bearer token';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? '';
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH) return answerHealth(req, res, closing);
    if (closing) return sendShuttingDown(res);
    if (path !== endpoint) return sendError(res, 404, -32000, 'Not found');

    if (!hostAllowed(req.headers.host)) {
      logger.warn(`MCP HTTP: refused Host ${quoted(req.headers.host ?? '')} (DNS rebinding protection)`);
      return sendError(res, 403, -32000, 'Forbidden: invalid Host header');
    }
    const origin = req.headers.origin;
    if (!origins.allowed(origin)) {
      logger.warn(`MCP HTTP: refused Origin ${quoted(origin ?? '')}`);
      return sendError(res, 403, -32000, 'Forbidden: origin not allowed');
    }
    const cors = origins.cors(origin);

    if (method === 'OPTIONS') {
      // A CORS preflight carries no credentials; the real request is authenticated.
      res.writeHead(204, origins.preflight(origin));
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      return sendError(res, 405, -32000, 'Method not allowed', {
        ...cors,
        Allow: 'GET, POST, DELETE, OPTIONS',
      });
    }

    const auth = await authenticate(req);
    if (!auth.ok) {
      logger.warn(`MCP HTTP: refused ${method} without a valid ${credential}`);
      return sendError(res, auth.status, auth.code, auth.message, { ...cors, ...auth.headers });
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
    return mode.serve({ req, res, body, cors, principal: auth.principal });
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

  if (!o.loopback) {
    logger.warn(
      `MCP HTTP will listen on ${bindHost}, reachable from other machines; traffic is plain HTTP ` +
        `(put TLS in front) and every request needs the ${credential}` +
        (isWildcard(bindHost) && o.extraHosts.size === 0
          ? `; only loopback Host names are accepted until ${HTTP_ENV.allowedHosts} names this machine`
          : ''),
    );
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    http.once('error', onError);
    http.listen(o.requestedPort, bindHost, () => {
      http.off('error', onError);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await mode.closeAll();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ConfigError(`port ${o.requestedPort} is already in use`, '--port');
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
  if (o.tokenGenerated) {
    const announce = options.announce ?? ((line: string) => void process.stderr.write(line + '\n'));
    announce(
      `actitime-mcp: MCP HTTP endpoint ${url} — send "Authorization: Bearer ${o.token}" ` +
        `(generated for this run; set ${HTTP_ENV.token} to choose a fixed one)`,
    );
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    host: bound.address,
    port,
    token: o.token,
    tokenGenerated: o.tokenGenerated,
    sessionCount: () => mode.size,
    inFlightCount: () => mode.inFlight,
    close: () => {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await mode.closeAll();
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
