/**
 * Session handling of the Streamable HTTP transport on real loopback sockets, with official SDK clients and
 * raw initializes that never close (what the Inspector and the conformance runner leave behind):
 * - at the cap the least recently used idle session is closed to admit a newcomer (SEC-HT-07);
 * - its client's next request gets 404, on which it initializes again;
 * - sessions with a request in flight are never closed; only when every one is busy is a newcomer refused;
 * - idle expiry by the injected clock;
 * - stateless mode: no session ids, a fresh server per request, any instance answers (SEC-HT-08).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';

import type { Logger } from '../../src/logger.js';
import type { ServerContext } from '../../src/tools/context.js';
import { defineTool } from '../../src/tools/define.js';
import {
  DEFAULT_MAX_SESSIONS,
  DEFAULT_SESSION_IDLE_MS,
  httpOptionsFromEnv,
  type HttpServerHandle,
  type HttpServerOptions,
} from '../../src/transports/http/options.js';
import { startHttpServer } from '../../src/transports/http/server.js';
import { httpWorld, initRequest, mcpHeaders, raw, TOKEN, type Raw } from '../helpers/http-world.js';
import { waitFor } from '../helpers/wait.js';

let logs: string[];
let logger: Logger;
let servers: HttpServerHandle[];
let ctxFactory: () => ServerContext;
const clients: Client[] = [];

/** A test-only tool that answers when the test opens its gate: a request held in flight for as long as needed. */
const gates: Array<() => void> = [];
const waitAtGate = defineTool({
  name: 'test_wait_at_gate',
  title: 'Test: wait until released',
  description: 'Test only.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({}),
  outputSchema: z.object({ ok: z.boolean() }),
  async handler() {
    await new Promise<void>((resolve) => gates.push(resolve));
    return { ok: true };
  },
});

function openGates(): void {
  for (const release of gates.splice(0)) release();
}

httpWorld(
  (w) => ({ logs, logger, servers, ctxFactory } = w),
  async () => {
    openGates();
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  },
);

async function start(options: Partial<HttpServerOptions> = {}): Promise<HttpServerHandle> {
  const handle = await startHttpServer(ctxFactory, {
    logger,
    port: 0,
    token: TOKEN,
    buildOptions: { extraTools: [waitAtGate] },
    ...options,
  });
  servers.push(handle);
  return handle;
}

async function sdkClient(
  url: string,
  fetchImpl?: typeof fetch,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const client = new Client({ name: 'http-sessions-test', version: '0.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

const INIT = initRequest('raw-never-closes');

/** An initialize whose session is never used again nor closed; returns its session id. */
async function abandonedInit(url: string): Promise<string> {
  const res = await raw(url, 'POST', mcpHeaders(), INIT);
  expect(res.status).toBe(200);
  const id = res.headers['mcp-session-id'];
  expect(id).toBeDefined();
  return id!;
}

const toolsList = (id: number): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' });

describe('SEC-HT-07 sessions never lock clients out', () => {
  it('SEC-HT-07 70 initializes that never close do not lock out a 71st client, which lists tools and calls one', async () => {
    const handle = await start();
    expect(DEFAULT_MAX_SESSIONS).toBe(64);
    const abandoned: string[] = [];
    for (let i = 0; i < 70; i++) abandoned.push(await abandonedInit(handle.url));
    expect(handle.sessionCount()).toBe(DEFAULT_MAX_SESSIONS);

    const { client, transport } = await sdkClient(handle.url);
    expect(transport.sessionId).toBeDefined();
    expect(handle.sessionCount()).toBe(DEFAULT_MAX_SESSIONS);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('get_reference_data');
    const result = await client.callTool({ name: 'get_reference_data', arguments: { kind: 'settings' } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { kind?: string }).kind).toBe('settings');

    // The oldest seven were closed, least recently used first; the newest abandoned ones are still open.
    for (const id of abandoned.slice(0, 7)) {
      expect((await raw(handle.url, 'POST', mcpHeaders({ 'mcp-session-id': id }), toolsList(2))).status).toBe(
        404,
      );
    }
    const kept = await raw(
      handle.url,
      'POST',
      mcpHeaders({ 'mcp-session-id': abandoned[69]! }),
      toolsList(2),
    );
    expect(kept.status).toBe(200);
    expect(kept.text).toContain('get_reference_data');
    expect(logs.some((l) => l.includes('closed the least recently used idle one'))).toBe(true);
  });

  it('SEC-HT-07 closes the least recently used session; its next request gets 404 and its client can initialize again', async () => {
    const handle = await start({ maxSessions: 2 });
    const a = await sdkClient(handle.url);
    const b = await sdkClient(handle.url);
    // a is used after b was opened: b is now the least recently used.
    await a.client.listTools();
    const c = await sdkClient(handle.url);
    expect(handle.sessionCount()).toBe(2);

    await expect(a.client.listTools()).resolves.toBeDefined();
    await expect(c.client.listTools()).resolves.toBeDefined();
    // Per the spec, 404 to a request with a session id means "initialize again".
    const refused = await b.client.listTools().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { code?: unknown }).code).toBe(404);
    expect(String(refused)).toMatch(/Session not found/);

    const again = await sdkClient(handle.url);
    expect(again.transport.sessionId).not.toBe(b.transport.sessionId);
    expect((await again.client.listTools()).tools.length).toBeGreaterThan(0);
    expect(handle.sessionCount()).toBe(2);
  });

  it('SEC-HT-07 never closes a session with a request in flight; refuses a newcomer with 503 only when all are busy', async () => {
    const handle = await start({ maxSessions: 2 });
    const a = await sdkClient(handle.url);
    const b = await sdkClient(handle.url);
    // a is the least recently used, but busy.
    const aCall = a.client.callTool({ name: 'test_wait_at_gate', arguments: {} });
    await waitFor(() => gates.length === 1, { message: "a's call to reach the tool" });
    await b.client.listTools();

    const c = await sdkClient(handle.url);
    expect(handle.sessionCount()).toBe(2);
    // b (idle) went, a (busy) stayed.
    expect(((await b.client.listTools().catch((e: unknown) => e)) as { code?: unknown }).code).toBe(404);

    const cCall = c.client.callTool({ name: 'test_wait_at_gate', arguments: {} });
    await waitFor(() => gates.length === 2, { message: "c's call to reach the tool" });
    expect(handle.inFlightCount()).toBe(2);
    const refused = await raw(handle.url, 'POST', mcpHeaders(), INIT);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.parse(refused.text)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    expect(refused.headers['mcp-session-id']).toBeUndefined();
    expect(handle.sessionCount()).toBe(2);

    // The held calls complete in their sessions; once one is idle again, a newcomer is admitted.
    openGates();
    expect((await aCall).structuredContent).toEqual({ ok: true });
    expect((await cCall).structuredContent).toEqual({ ok: true });
    await waitFor(() => handle.inFlightCount() === 0, { message: 'the calls to end' });
    await abandonedInit(handle.url);
    expect(handle.sessionCount()).toBe(2);
  });

  it('SEC-HT-07 closes sessions idle past the expiry by the injected clock, and none with a request in flight', async () => {
    expect(DEFAULT_SESSION_IDLE_MS).toBe(5 * 60_000);
    let clock = 1_000_000;
    // A short expiry keeps the sweep frequent; the clock alone decides what is idle.
    const handle = await start({ now: () => clock, sessionIdleMs: 60 });
    const busy = await sdkClient(handle.url);
    const call = busy.client.callTool({ name: 'test_wait_at_gate', arguments: {} });
    await waitFor(() => gates.length === 1, { message: 'the call to reach the tool' });
    const idle = await abandonedInit(handle.url);
    expect(handle.sessionCount()).toBe(2);

    clock += 10 * 60_000;
    await waitFor(() => handle.sessionCount() === 1, { message: 'the idle session to expire' });
    expect((await raw(handle.url, 'POST', mcpHeaders({ 'mcp-session-id': idle }), toolsList(2))).status).toBe(
      404,
    );
    openGates();
    expect((await call).structuredContent).toEqual({ ok: true });
    await expect(busy.client.listTools()).resolves.toBeDefined();
    // The SDK client keeps a standalone SSE stream open: a client still listening does not expire. Once it
    // is gone (here: closed without DELETE, as a crashed client's connection ends), the session expires.
    clock += 10 * 60_000;
    await busy.client.close();
    // The server sees the stream end a moment later, and counts the idle time from then.
    await waitFor(
      () => {
        clock += 10 * 60_000;
        return handle.sessionCount() === 0;
      },
      { message: 'the abandoned session to expire' },
    );
  });

  it('SEC-HT-07 reads the cap and the idle expiry from the environment', () => {
    expect(
      httpOptionsFromEnv({
        ACTITIME_MCP_HTTP_MAX_SESSIONS: '8',
        ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS: '90',
      }),
    ).toEqual({ maxSessions: 8, sessionIdleMs: 90_000 });
    expect(() => httpOptionsFromEnv({ ACTITIME_MCP_HTTP_MAX_SESSIONS: '0' })).toThrow(
      /ACTITIME_MCP_HTTP_MAX_SESSIONS must be a whole number/,
    );
    expect(() => httpOptionsFromEnv({ ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS: '5m' })).toThrow(
      /ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS/,
    );
  });
});

describe('SEC-HT-08 stateless mode', () => {
  it('SEC-HT-08 answers initialize, tools/list and a call without any Mcp-Session-Id', async () => {
    const handle = await start({ stateless: true });
    const init = await raw(handle.url, 'POST', mcpHeaders(), INIT);
    expect(init.status).toBe(200);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    // A request without a session and without an initialize before it on this connection.
    const list = await raw(handle.url, 'POST', mcpHeaders(), toolsList(2));
    expect(list.status).toBe(200);
    expect(list.text).toContain('get_reference_data');

    const { client, transport } = await sdkClient(handle.url);
    expect(transport.sessionId).toBeUndefined();
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('get_reference_data');
    const result = await client.callTool({ name: 'get_reference_data', arguments: { kind: 'settings' } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { kind?: string }).kind).toBe('settings');
    expect(handle.sessionCount()).toBe(0);
    await waitFor(() => handle.inFlightCount() === 0, { message: 'every request to end' });

    // No standalone stream and nothing to delete.
    expect((await raw(handle.url, 'GET', mcpHeaders())).status).toBe(405);
    expect((await raw(handle.url, 'DELETE', mcpHeaders())).status).toBe(405);
  });

  it('SEC-HT-08 lets two independent instances answer alternating requests of one client', async () => {
    const one = await start({ stateless: true });
    const two = await start({ stateless: true });
    const answered: Array<{ by: 'one' | 'two'; status: number; session: string | null }> = [];
    let turn = 0;
    // A round-robin load balancer in front of both.
    const balancer: typeof fetch = async (input, init) => {
      const target = turn++ % 2 === 0 ? one : two;
      const url = new URL(input instanceof Request ? input.url : String(input));
      const res = await fetch(target.url + url.search, init);
      answered.push({
        by: target === one ? 'one' : 'two',
        status: res.status,
        session: res.headers.get('mcp-session-id'),
      });
      return res;
    };
    const { client } = await sdkClient(one.url, balancer);
    for (let i = 0; i < 2; i++) {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('get_reference_data');
      const result = await client.callTool({ name: 'get_reference_data', arguments: { kind: 'settings' } });
      expect(result.isError).toBeFalsy();
    }
    const posts = answered.filter((a) => a.status !== 405);
    expect(posts.filter((a) => a.by === 'one').length).toBeGreaterThanOrEqual(2);
    expect(posts.filter((a) => a.by === 'two').length).toBeGreaterThanOrEqual(2);
    expect(posts.every((a) => a.status === 200 || a.status === 202)).toBe(true);
    expect(answered.every((a) => a.session === null)).toBe(true);
  });

  it('SEC-HT-08 keeps the Host, Origin and bearer-token checks of the session mode', async () => {
    const handle = await start({ stateless: true });
    const port = new URL(handle.url).port;
    const post = (headers: Record<string, string>): Promise<Raw> =>
      raw(handle.url, 'POST', { ...mcpHeaders(), ...headers }, INIT);
    expect((await post({ authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const { authorization: _drop, ...noAuth } = mcpHeaders();
    expect((await raw(handle.url, 'POST', noAuth, INIT)).status).toBe(401);
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ host: `evil.example:${port}` })).status).toBe(403);
    expect((await post({ origin: `http://localhost:${port}` })).status).toBe(200);
  });
});
