/**
 * Test conveniences around the in-repo actiTIME simulator.
 *
 *   const sim = await startTestSimulator({ limits: { perSecond: 5 } });   // 127.0.0.1, ephemeral port
 *   afterAll(() => sim.close());
 *   const res = await api(sim, 'GET', '/customers/6', { user: 'admin' }); // → { status, headers, body }
 *
 * `user` is a seeded username (the admin's password is `manager`, everyone else's is the username), or
 * `{username, password}`, or omitted for no Authorization header. Headers come back lower-cased; the body is
 * parsed JSON when the answer is JSON, the raw text otherwise, and undefined when empty.
 */
import { request } from 'undici';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/server.js';
import type { SimulatorOptions } from '../../src/simulator/types.js';

export type { SimulatorHandle };

/** Starts a seeded simulator on 127.0.0.1:0 that closes itself after 2 idle minutes if a test forgets to. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ idleTimeoutMs: 120_000, ...options, host: '127.0.0.1', port: options.port ?? 0 });
}

/** The seed's password for a username (docs/actitime-model.md §5: admin/manager, otherwise password = username). */
export function demoPassword(username: string): string {
  return username === 'admin' ? 'manager' : username;
}

/** `Authorization` value for HTTP Basic. */
export function basic(username: string, password: string = demoPassword(username)): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export interface ApiOptions {
  user?: string | { username: string; password: string };
  /** Object → JSON with `Content-Type: application/json; charset=UTF-8`; string → sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One request to `sim`; `path` is relative to /api/v1 and may carry a query string. */
export async function api(
  sim: Pick<SimulatorHandle, 'baseUrl'>,
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json; charset=UTF-8' };
  if (typeof options.user === 'string') headers.authorization = basic(options.user);
  else if (options.user) headers.authorization = basic(options.user.username, options.user.password);
  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json; charset=UTF-8';
  }
  Object.assign(headers, lowerKeys(options.headers ?? {}));

  const res = await request(`${sim.baseUrl}${path.startsWith('/') ? path : `/${path}`}`, {
    method: method as 'GET',
    headers,
    body,
    signal: options.signal,
  });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: res.statusCode, headers: flat, body: parseBody(text, flat['content-type']) };
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.toLowerCase().startsWith('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
