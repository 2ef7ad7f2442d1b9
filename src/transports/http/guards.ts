/**
 * The checks an MCP request passes before any session exists (server.ts runs them in order), each built once
 * from the server's options.
 *
 * The SDK's own guards are Express middleware (createMcpExpressApp / hostHeaderValidation, port-agnostic) or
 * deprecated transport options applied only after a session is found; this server is plain node:http, so the
 * same checks are made here, before any session exists, and the Host check also pins the listening port.
 *
 * Authentication is a seam: the shared bearer token is one Authenticator, and a deployment that knows its
 * users (OAuth, a proxy's identity header) supplies another. Whoever it names is the request's Principal:
 * sessions stay with the principal that opened them, and every per-request context is built for it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { normaliseOrigin } from './address.js';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Who a request acts for. `id` is stable per person (or 'token' for the shared bearer token). */
export interface Principal {
  id: string;
}

export type AuthDecision<P extends Principal = Principal> =
  | { ok: true; principal: P }
  | { ok: false; status: number; code: number; message: string; headers?: Record<string, string> };

export type Authenticator<P extends Principal = Principal> = (
  req: IncomingMessage,
) => Promise<AuthDecision<P>>;

/**
 * SEC-HT-03: the Host a browser sends is the name it resolved, so a rebinding page shows its own name.
 * `port` is read per request: with port 0 it is known only once the server listens.
 */
export function hostGuard(
  allowedHosts: ReadonlySet<string>,
  port: () => number,
): (hostHeader: string | undefined) => boolean {
  return (hostHeader) => {
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
    if (LOOPBACK_HOSTNAMES.has(name)) return hostPort === port();
    return allowedHosts.has(name) || allowedHosts.has(`${name}:${hostPort}`);
  };
}

export interface OriginGuard {
  /** SEC-HT-02/04: no Origin (a non-browser client) passes; a browser origin must be loopback or listed. */
  allowed(origin: string | undefined): boolean;
  /** The CORS headers of every answer to an accepted origin (none without one). */
  cors(origin: string | undefined): Record<string, string>;
  /** The headers of the 204 answer to an OPTIONS request (a preflight, when it has an Origin). */
  preflight(origin: string | undefined): Record<string, string>;
}

/** `allowedOrigins` are normalised (normaliseOrigin) already. */
export function originGuard(allowedOrigins: ReadonlySet<string>): OriginGuard {
  const cors = (origin: string | undefined): Record<string, string> => {
    if (origin === undefined) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      // A browser client must read the session id, and the challenge of a refusal.
      'Access-Control-Expose-Headers': 'Mcp-Session-Id, WWW-Authenticate',
      Vary: 'Origin',
    };
  };
  return {
    allowed(origin) {
      if (origin === undefined) return true;
      const n = normaliseOrigin(origin);
      if (!n) return false;
      const u = new URL(n);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTNAMES.has(u.hostname))
        return true;
      return allowedOrigins.has(n);
    },
    cors,
    preflight(origin) {
      return {
        ...cors(origin),
        ...(origin === undefined
          ? {}
          : {
              'Access-Control-Allow-Methods': 'GET, POST, DELETE',
              'Access-Control-Allow-Headers':
                'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
              'Access-Control-Max-Age': '600',
            }),
        Allow: 'GET, POST, DELETE, OPTIONS',
      };
    },
  };
}

/** Only the digest is kept and compared, so the comparison's length never depends on the token's. */
export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Everyone holding the shared token is one principal: nobody can be told apart from anyone else. */
const TOKEN_PRINCIPAL: Principal = Object.freeze({ id: 'token' });

/** SEC-HT-05: constant-time comparison of digests, so neither content nor length leaks through timing. */
export function bearerTokenAuthenticator(tokenDigest: Buffer): Authenticator {
  return async (req) => {
    const m = /^Bearer[ \t]+(\S{1,4096})[ \t]*$/i.exec(req.headers.authorization ?? '');
    if (m?.[1] && timingSafeEqual(digestToken(m[1]), tokenDigest)) {
      return { ok: true, principal: TOKEN_PRINCIPAL };
    }
    return {
      ok: false,
      status: 401,
      code: -32001,
      message: 'Unauthorized: missing or invalid bearer token',
      headers: { 'WWW-Authenticate': 'Bearer realm="actitime-mcp"' },
    };
  };
}
