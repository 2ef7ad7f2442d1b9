/**
 * What the HTTP transport can be told (by the CLI, the environment or an embedding program), and the checks
 * that refuse a configuration it must not run with.
 *
 * Token policy: a configured token (ACTITIME_MCP_HTTP_TOKEN) is required on every request. A non-loopback bind
 * refuses to start without one (and without `allowRemote`). A loopback bind without one generates a random
 * token per start and prints it once on stderr: any local process or user can reach 127.0.0.1, so loopback
 * alone is not an authentication. An `authenticate` function replaces the token altogether.
 */
import { randomBytes } from 'node:crypto';

import { ConfigError } from '../../actitime/errors.js';
import { registerSecret, type Logger } from '../../logger.js';
import type { BuildServerOptions } from '../../server.js';
import type { ServerContext } from '../../tools/context.js';
import { isLoopbackHost, isWildcard, normaliseOrigin, quoted, urlHost } from './address.js';
import { bearerTokenAuthenticator, digestToken, type Authenticator, type Principal } from './guards.js';

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 8765;
export const DEFAULT_MCP_PATH = '/mcp';
/** The load balancers' probe (responses.ts answerHealth); never the MCP endpoint. */
export const HEALTH_PATH = '/healthz';
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

/**
 * Builds the context a session (or, stateless, one request) acts in, for the principal that authenticated;
 * contexts may share one ActitimeClient (and its rate budget).
 */
export type ContextFactory = (principal: Principal) => ServerContext | Promise<ServerContext>;

/** What the session table and the stateless mode build a server for a request with. */
export interface ServingOptions {
  logger: Logger;
  ctxFactory: ContextFactory;
  maxBodyBytes: number;
  buildOptions?: BuildServerOptions;
  /** True once the server shuts down: a server still being built then is not started. */
  closing: () => boolean;
}

export interface HttpServerOptions {
  logger: Logger;
  /**
   * Interface to bind. Default 127.0.0.1. Anything not loopback needs `allowRemote`, and a `token` or
   * `authenticate`.
   */
  host?: string;
  /** Port; 0 = ephemeral. Default 8765. */
  port?: number;
  /** Permits binding a non-loopback interface (e.g. 0.0.0.0). */
  allowRemote?: boolean;
  /** Bearer token clients must send. Default: generated and printed on stderr (loopback only). */
  token?: string;
  /**
   * Authenticates every request instead of the bearer token: `token` is then ignored, none is generated or
   * announced, and a non-loopback bind needs no token.
   */
  authenticate?: Authenticator;
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
  /** The bearer token in force (configured or generated); '' when `authenticate` replaces it. */
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

export function positiveInteger(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, not ${quoted(raw)}`, name);
  }
  return Number(raw);
}

/** The options with their defaults, checked; what startHttpServer runs with. */
export interface ResolvedHttpOptions {
  bindHost: string;
  loopback: boolean;
  requestedPort: number;
  endpoint: string;
  maxBodyBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  stateless: boolean;
  now: () => number;
  /** The bearer token in force; '' when `authenticate` replaces it. */
  token: string;
  tokenGenerated: boolean;
  authenticate: Authenticator;
  /** Normalised origins accepted besides loopback ones. */
  extraOrigins: ReadonlySet<string>;
  /** Lower-case Host names (`name` or `name:port`) accepted besides loopback ones. */
  extraHosts: ReadonlySet<string>;
}

/** Throws ConfigError (naming the setting) for what a user configured wrong, RangeError for a caller's bug. */
export function resolveHttpOptions(options: HttpServerOptions): ResolvedHttpOptions {
  const bindHost = (options.host ?? DEFAULT_HTTP_HOST).trim();
  const requestedPort = options.port ?? DEFAULT_HTTP_PORT;
  const endpoint = options.path ?? DEFAULT_MCP_PATH;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const sessionIdleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const loopback = isLoopbackHost(bindHost);

  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new ConfigError(`--port must be an integer from 0 to 65535`, '--port');
  }
  if (!(maxBodyBytes > 0) || !(maxSessions >= 1) || !(sessionIdleMs > 0)) {
    throw new RangeError('maxBodyBytes, maxSessions and sessionIdleMs must be positive');
  }
  if (!endpoint.startsWith('/')) throw new RangeError('path must start with /');
  if (endpoint === HEALTH_PATH) throw new RangeError(`path ${HEALTH_PATH} is the health check's`);
  if (!loopback && !options.allowRemote) {
    throw new ConfigError(
      `refusing to serve MCP on non-loopback address ${bindHost} without --allow-remote`,
      '--allow-remote',
    );
  }

  let token = '';
  let tokenGenerated = false;
  let authenticate = options.authenticate;
  if (!authenticate) {
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
    tokenGenerated = !configuredToken;
    token = configuredToken || randomBytes(32).toString('base64url');
    registerSecret(token);
    authenticate = bearerTokenAuthenticator(digestToken(token));
  }

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

  return {
    bindHost,
    loopback,
    requestedPort,
    endpoint,
    maxBodyBytes,
    maxSessions,
    sessionIdleMs,
    stateless: options.stateless === true,
    now: options.now ?? Date.now,
    token,
    tokenGenerated,
    authenticate,
    extraOrigins,
    extraHosts,
  };
}
