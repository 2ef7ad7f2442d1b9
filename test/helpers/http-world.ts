/**
 * The world of an HTTP transport test: one simulator for the file, a fresh ActitimeClient per test (so no cache
 * carries over), and every server a test starts closed after it. Bound like toolSession: the file keeps its
 * own variables and `use` assigns them before each test.
 */
import type { Readable } from 'node:stream';

import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { ActitimeClient } from '../../src/actitime/client.js';
import { demoPassword, loadConfig, type ServerConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { ServerContext } from '../../src/tools/context.js';
import type { HttpServerHandle } from '../../src/transports/http/options.js';
import { startTestSimulator, type SimulatorHandle } from './simulator.js';

/** The bearer token the transport tests' servers require. */
export const TOKEN = 'test-token-0123456789abcdef';

export interface HttpWorld {
  sim: SimulatorHandle;
  config: ServerConfig;
  /** Log lines of the file's servers, debug level included. */
  logs: string[];
  logger: Logger;
  /** This test's client; every session of a server shares it (and its rate budget), as the CLI does. */
  actitime: ActitimeClient;
  ctxFactory: () => ServerContext;
  /** Servers to close after the test. */
  servers: HttpServerHandle[];
}

/** Registers the hooks; `beforeClose` runs first after each test (e.g. releasing held requests). */
export function httpWorld(use: (w: HttpWorld) => void, beforeClose?: () => unknown): void {
  let sim: SimulatorHandle | undefined;
  let config: ServerConfig;
  let logger: Logger;
  let actitime: ActitimeClient | undefined;
  const logs: string[] = [];
  const servers: HttpServerHandle[] = [];
  const ctxFactory = (): ServerContext => ({ client: actitime!, config, logger });

  beforeAll(async () => {
    sim = await startTestSimulator();
    logger = createLogger('debug', (line) => logs.push(line));
    config = loadConfig({
      ACTITIME_URL: sim.baseUrl,
      ACTITIME_USERNAME: 'admin',
      ACTITIME_PASSWORD: demoPassword('admin'),
    });
  });
  beforeEach(() => {
    actitime = new ActitimeClient(config.client, { logger });
    use({ sim: sim!, config, logs, logger, actitime, ctxFactory, servers });
  });
  afterEach(async () => {
    await beforeClose?.();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await actitime?.close();
    sim?.faults.clear();
  });
  afterAll(async () => {
    await sim?.close();
  });
}

/** An HTTP answer as a test reads it: headers flattened, the body as text. */
export interface Raw {
  status: number;
  headers: Record<string, string>;
  text: string;
  json(): Record<string, unknown>;
}

/** One raw HTTP request to a server (or its URL); headers given as undefined are not sent. */
export async function raw(
  to: string | { url: string },
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE' | 'OPTIONS' | 'PUT',
  headers: Record<string, string | undefined> = {},
  body?: string | Readable,
): Promise<Raw> {
  const res = await request(typeof to === 'string' ? to : to.url, {
    method,
    headers: Object.fromEntries(
      Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    body,
  });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    status: res.statusCode,
    headers: flat,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** An initialize request body from a client called `name`. */
export function initRequest(name: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name, version: '0' },
    },
  });
}

/** The headers of an MCP POST with the token; `extra` adds or, with undefined, removes one. */
export function mcpHeaders(
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${TOKEN}`,
    ...extra,
  };
}
