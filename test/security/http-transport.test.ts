/**
 * The Streamable HTTP transport on real loopback sockets: an official SDK Client for the happy path, raw
 * requests for every refusal (SEC-HT-01…06). Each server context holds a real ActitimeClient talking to the
 * test simulator.
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/actitime/errors.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { ServerContext } from '../../src/tools/context.js';
import { defineTool } from '../../src/tools/define.js';
import { isLoopbackHost } from '../../src/transports/http/address.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  httpOptionsFromEnv,
  type HttpServerHandle,
  type HttpServerOptions,
} from '../../src/transports/http/options.js';
import { serveHttp, startHttpServer } from '../../src/transports/http/server.js';
import { httpWorld, initRequest, mcpHeaders, raw, TOKEN, type Raw } from '../helpers/http-world.js';
import type { SimulatorHandle } from '../helpers/simulator.js';
import { isListening, settles, waitFor } from '../helpers/wait.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let sim: SimulatorHandle;
let logs: string[];
let logger: Logger;
let servers: HttpServerHandle[];
/** Every session of a server shares one ActitimeClient (and its rate budget), as the CLI does. */
let ctxFactory: () => ServerContext;
httpWorld((w) => ({ sim, logs, logger, servers, ctxFactory } = w));

async function start(options: Partial<HttpServerOptions> = {}): Promise<HttpServerHandle> {
  const handle = await startHttpServer(ctxFactory, { logger, port: 0, token: TOKEN, ...options });
  servers.push(handle);
  return handle;
}

const INIT = initRequest('raw');

/** A JSON-RPC refusal: an error object and no request id (JSON-RPC's `id: null`). */
function expectRefusal(res: Raw, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(body.jsonrpc).toBe('2.0');
  expect(body.id).toBeNull();
  expect(body).not.toHaveProperty('result');
  expect(typeof (body.error as { code?: unknown }).code).toBe('number');
  expect(typeof (body.error as { message?: unknown }).message).toBe('string');
  expect(res.headers['mcp-session-id']).toBeUndefined();
}

async function sdkClient(handle: HttpServerHandle, token = TOKEN) {
  const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'http-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport };
}

describe('Streamable HTTP happy path (official SDK client)', () => {
  it('SEC-HT-04 SEC-HT-05 initializes, lists tools and calls a tool against the simulator, then ends the session', async () => {
    const handle = await start();
    const { client, transport } = await sdkClient(handle);
    expect(client.getServerVersion()?.name).toBe('actitime-mcp');
    expect(transport.sessionId).toMatch(UUID);
    expect(handle.sessionCount()).toBe(1);

    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('get_reference_data');

    sim.clearRequests();
    const result = await client.callTool({ name: 'get_reference_data', arguments: { kind: 'settings' } });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { kind?: string }).kind).toBe('settings');
    expect(sim.requests.some((r) => r.method === 'GET' && r.path === '/info' && r.status === 200)).toBe(true);

    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    expect(handle.sessionCount()).toBe(0);
    await client.close();

    // SEC-HT-05: the ended session is unknown from now on.
    const after = await raw(
      handle,
      'POST',
      mcpHeaders({ 'mcp-session-id': sessionId }),
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    );
    expectRefusal(after, 404);
  });

  it('SEC-HT-05 gives every session its own random UUID and its own server', async () => {
    const handle = await start();
    const a = await sdkClient(handle);
    const b = await sdkClient(handle);
    expect(a.transport.sessionId).toMatch(UUID);
    expect(b.transport.sessionId).toMatch(UUID);
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId);
    expect(handle.sessionCount()).toBe(2);
    await a.client.close();
    await b.client.close();
  });
});

describe('SEC-HT-01 bind address', () => {
  it('SEC-HT-01 binds 127.0.0.1 by default and serves only loopback Host names', async () => {
    const handle = await startHttpServer(ctxFactory, { logger, port: 0, token: TOKEN });
    servers.push(handle);
    expect(handle.host).toBe('127.0.0.1');
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}/mcp`);
    expect(await isListening(handle.port)).toBe(true);
  });

  it('SEC-HT-01 refuses a non-loopback bind without allowRemote, and without a token', async () => {
    await expect(
      startHttpServer(ctxFactory, { logger, port: 0, host: '0.0.0.0', token: TOKEN }),
    ).rejects.toThrow(/allow-remote/);
    await expect(
      startHttpServer(ctxFactory, { logger, port: 0, host: '0.0.0.0', allowRemote: true }),
    ).rejects.toThrow(/ACTITIME_MCP_HTTP_TOKEN/);
    const refused = await startHttpServer(ctxFactory, { logger, port: 0, host: '::', token: TOKEN }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ConfigError);
  });

  it('SEC-HT-01 warns before binding a non-loopback address when allowRemote is given', async () => {
    // 192.0.2.1 (TEST-NET-1) is never a local address: the bind fails locally and nothing leaves the machine.
    const captured: string[] = [];
    const warnLogger = createLogger('info', (line) => captured.push(line));
    const outcome = await startHttpServer(ctxFactory, {
      logger: warnLogger,
      port: 0,
      host: '192.0.2.1',
      allowRemote: true,
      token: TOKEN,
    }).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(ConfigError);
    expect(String((outcome as Error).message)).toMatch(/cannot bind 192\.0\.2\.1/);
    expect(captured.filter((l) => / warn: .*reachable from other machines/.test(l))).toHaveLength(1);
    expect(captured.join('\n')).not.toContain(TOKEN);
  });

  it('SEC-HT-01 treats only loopback names and addresses as local', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of [
      '0.0.0.0',
      '::',
      '192.168.1.10',
      '10.0.0.1',
      'example.com',
      '128.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});

describe('SEC-HT-02 Origin', () => {
  it('SEC-HT-02 refuses a foreign Origin with 403, a JSON-RPC error body and no id, before authentication', async () => {
    const handle = await start();
    for (const origin of [
      'https://evil.example',
      'null',
      `http://evil.example:${handle.port}`,
      'not a url',
    ]) {
      expectRefusal(await raw(handle, 'POST', mcpHeaders({ origin }), INIT), 403);
    }
    // Refused even without a token: the origin check comes first, so nothing about auth is revealed.
    expectRefusal(
      await raw(
        handle,
        'POST',
        mcpHeaders({ origin: 'https://evil.example', authorization: undefined }),
        INIT,
      ),
      403,
    );
    expectRefusal(await raw(handle, 'OPTIONS', { origin: 'https://evil.example' }), 403);
    expect(handle.sessionCount()).toBe(0);
    expect(logs.some((l) => l.includes('refused Origin "https://evil.example"'))).toBe(true);
  });

  it('SEC-HT-02 accepts loopback origins and configured ones, with CORS headers', async () => {
    const handle = await start({ allowedOrigins: ['https://app.example'] });
    for (const origin of [
      'http://localhost:5173',
      `http://127.0.0.1:${handle.port}`,
      'https://app.example',
    ]) {
      const res = await raw(handle, 'POST', mcpHeaders({ origin }), INIT);
      expect(res.status, origin).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-expose-headers']).toMatch(/Mcp-Session-Id/);
      expect(res.headers['mcp-session-id']).toMatch(UUID);
    }
    const preflight = await raw(handle, 'OPTIONS', { origin: 'https://app.example' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Mcp-Session-Id/);
    // A listed origin does not widen the Host check or waive the token.
    expectRefusal(
      await raw(
        handle,
        'POST',
        mcpHeaders({ origin: 'https://app.example', authorization: undefined }),
        INIT,
      ),
      401,
    );
  });
});

describe('SEC-HT-03 Host (DNS rebinding)', () => {
  it('SEC-HT-03 refuses a foreign Host or a loopback name at another port with 403', async () => {
    const handle = await start();
    for (const host of [
      `evil.example:${handle.port}`,
      'evil.example',
      `127.0.0.1:${handle.port + 1}`,
      'localhost',
    ]) {
      const res = await raw(handle, 'POST', mcpHeaders({ host }), INIT);
      expectRefusal(res, 403);
      expect(res.json().error).toMatchObject({ message: expect.stringMatching(/Host/) });
    }
    expect(handle.sessionCount()).toBe(0);
  });

  it('SEC-HT-03 accepts loopback names at the listening port and configured names', async () => {
    const handle = await start({ allowedHosts: ['mcp.internal'] });
    for (const host of [
      `localhost:${handle.port}`,
      `127.0.0.1:${handle.port}`,
      `mcp.internal:${handle.port}`,
    ]) {
      const res = await raw(handle, 'POST', mcpHeaders({ host }), INIT);
      expect(res.status, host).toBe(200);
    }
  });
});

describe('SEC-HT-04 no Origin', () => {
  it('SEC-HT-04 accepts a request without Origin when the token is right, and refuses it when not', async () => {
    const handle = await start();
    const ok = await raw(handle, 'POST', mcpHeaders(), INIT);
    expect(ok.status).toBe(200);
    expect(ok.headers['mcp-session-id']).toMatch(UUID);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    expect(ok.text).toContain('"protocolVersion"');
    expectRefusal(await raw(handle, 'POST', mcpHeaders({ authorization: undefined }), INIT), 401);
  });
});

describe('SEC-HT-05 bearer token and sessions', () => {
  it('SEC-HT-05 answers a missing or wrong bearer token with 401 and WWW-Authenticate', async () => {
    const handle = await start();
    for (const authorization of [
      undefined,
      '',
      'Bearer',
      'Bearer wrong-token-0123456789abcde',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      TOKEN,
    ]) {
      const res = await raw(handle, 'POST', mcpHeaders({ authorization }), INIT);
      expectRefusal(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.text).not.toContain(TOKEN);
    }
    // Every method is guarded, not only POST.
    expectRefusal(await raw(handle, 'GET', { accept: 'text/event-stream' }), 401);
    expectRefusal(
      await raw(handle, 'DELETE', { 'mcp-session-id': '00000000-0000-4000-8000-000000000000' }),
      401,
    );
    expect(handle.sessionCount()).toBe(0);
    // The scheme is case-insensitive (RFC 7235).
    expect((await raw(handle, 'POST', mcpHeaders({ authorization: `bearer ${TOKEN}` }), INIT)).status).toBe(
      200,
    );
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('SEC-HT-05 refuses an SDK client with the wrong token', async () => {
    const handle = await start();
    await expect(sdkClient(handle, 'wrong-token-0123456789abcdef')).rejects.toThrow();
    expect(handle.sessionCount()).toBe(0);
  });

  it('SEC-HT-05 answers an unknown session with 404 and a request without one with 400', async () => {
    const handle = await start();
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    for (const id of ['00000000-0000-4000-8000-000000000000', crypto.randomUUID(), 'not-a-uuid']) {
      expectRefusal(await raw(handle, 'POST', mcpHeaders({ 'mcp-session-id': id }), list), 404);
      expectRefusal(await raw(handle, 'GET', mcpHeaders({ 'mcp-session-id': id })), 404);
      expectRefusal(await raw(handle, 'DELETE', mcpHeaders({ 'mcp-session-id': id })), 404);
    }
    expectRefusal(await raw(handle, 'POST', mcpHeaders(), list), 400);
  });

  it('SEC-HT-05 closes a session on DELETE', async () => {
    const handle = await start();
    const init = await raw(handle, 'POST', mcpHeaders(), INIT);
    const id = init.headers['mcp-session-id']!;
    expect(handle.sessionCount()).toBe(1);
    const del = await raw(handle, 'DELETE', mcpHeaders({ 'mcp-session-id': id }));
    expect(del.status).toBe(200);
    expect(handle.sessionCount()).toBe(0);
    expectRefusal(await raw(handle, 'DELETE', mcpHeaders({ 'mcp-session-id': id })), 404);
  });

  it('SEC-HT-05 generates a token on loopback when none is configured, and prints it once', async () => {
    const announced: string[] = [];
    const handle = await start({ token: undefined, announce: (line) => announced.push(line) });
    expect(handle.tokenGenerated).toBe(true);
    expect(handle.token.length).toBeGreaterThanOrEqual(32);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toContain(`Bearer ${handle.token}`);
    expect(announced[0]).toContain(handle.url);
    expectRefusal(await raw(handle, 'POST', mcpHeaders({ authorization: undefined }), INIT), 401);
    expect(
      (await raw(handle, 'POST', mcpHeaders({ authorization: `Bearer ${handle.token}` }), INIT)).status,
    ).toBe(200);
    // Two runs never share a generated token.
    const other = await start({ token: undefined, announce: () => undefined });
    expect(other.token).not.toBe(handle.token);
    expect(logs.join('\n')).not.toContain(handle.token);
  });

  it('SEC-HT-05 refuses a configured token that is too short, and reads the token from the environment', async () => {
    await expect(startHttpServer(ctxFactory, { logger, port: 0, token: 'short' })).rejects.toThrow(
      ConfigError,
    );
    expect(
      httpOptionsFromEnv({
        ACTITIME_MCP_HTTP_TOKEN: ` ${TOKEN} `,
        ACTITIME_MCP_HTTP_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
        ACTITIME_MCP_HTTP_ALLOWED_HOSTS: '',
      }),
    ).toEqual({ token: TOKEN, allowedOrigins: ['https://a.example', 'https://b.example'] });
  });

  it('SEC-HT-05 SEC-HT-07 admits a new session at the cap by closing the idle one (busy: test/transports)', async () => {
    const handle = await start({ maxSessions: 1 });
    const first = await raw(handle, 'POST', mcpHeaders(), INIT);
    expect(first.status).toBe(200);
    expect((await raw(handle, 'POST', mcpHeaders(), INIT)).status).toBe(200);
    expect(handle.sessionCount()).toBe(1);
    const id = first.headers['mcp-session-id']!;
    expectRefusal(
      await raw(
        handle,
        'POST',
        mcpHeaders({ 'mcp-session-id': id }),
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      ),
      404,
    );
  });

  it('SEC-HT-05 closes a session left idle', async () => {
    const handle = await start({ sessionIdleMs: 150 });
    // Counted from before the request: the session was last seen while answering it, so no earlier than this.
    const sent = performance.now();
    const init = await raw(handle, 'POST', mcpHeaders(), INIT);
    expect(handle.sessionCount()).toBe(1);
    await waitFor(() => handle.sessionCount() === 0, { message: 'the idle session to close' });
    // Not before it was idle for the configured time (timer granularity allowed for).
    expect(performance.now() - sent).toBeGreaterThanOrEqual(140);
    const id = init.headers['mcp-session-id']!;
    expectRefusal(await raw(handle, 'POST', mcpHeaders({ 'mcp-session-id': id }), INIT), 404);
  });
});

describe('SEC-HT-06 body cap', () => {
  it('SEC-HT-06 answers a declared body over the cap with 413 and keeps serving', async () => {
    const handle = await start();
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { pad: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) },
    });
    expect(Buffer.byteLength(big)).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
    const res = await raw(handle, 'POST', mcpHeaders(), big);
    expectRefusal(res, 413);
    expect(handle.sessionCount()).toBe(0);
    expect((await raw(handle, 'POST', mcpHeaders(), INIT)).status).toBe(200);
  });

  it('SEC-HT-06 stops reading a chunked body once it passes the cap', async () => {
    const handle = await start({ maxBodyBytes: 64 * 1024 });
    // 256 MiB offered without Content-Length: a server that read it all would take seconds and never refuse.
    let sent = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 4096; i++) {
        sent += chunk.length;
        yield chunk;
      }
    }
    const res = await raw(handle, 'POST', mcpHeaders(), Readable.from(chunks())).catch((e: unknown) => e);
    // The server answers 413 as soon as the cap is passed and closes the connection under the rest of the
    // upload; the client may see either the answer or the closed socket, but never anything else.
    if (!(res instanceof Error)) expectRefusal(res as Raw, 413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(logs.some((l) => l.includes('refused a request body over 65536 bytes'))).toBe(true);
    expect((await raw(handle, 'POST', mcpHeaders(), INIT)).status).toBe(200);
  });

  it('SEC-HT-06 accepts a body just under the cap', async () => {
    const handle = await start({ maxBodyBytes: 4096 });
    const init = JSON.parse(INIT) as { params: Record<string, unknown> };
    init.params._meta = { pad: '' };
    const base = Buffer.byteLength(JSON.stringify(init));
    init.params._meta = { pad: 'x'.repeat(4096 - base) };
    const body = JSON.stringify(init);
    expect(Buffer.byteLength(body)).toBe(4096);
    expect((await raw(handle, 'POST', mcpHeaders(), body)).status).toBe(200);
    expectRefusal(await raw(handle, 'POST', mcpHeaders(), body + ' '), 413);
  });
});

/** Test-only tool: one GET /users/me carrying the call's cancellation signal (reference reads are cached and shared). */
const holdMe = defineTool({
  name: 'test_hold_me',
  title: 'Test: read the current user',
  description: 'Test only.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({}),
  outputSchema: z.object({ ok: z.boolean() }),
  async handler(_args, ctx) {
    await ctx.client.request({ method: 'GET', path: ['users', 'me'], signal: ctx.signal });
    return { ok: true };
  },
});

describe('shutdown', () => {
  it('close() ends open sessions, streams and in-flight calls quickly and frees the port', async () => {
    const handle = await startHttpServer(ctxFactory, {
      logger,
      port: 0,
      token: TOKEN,
      buildOptions: { extraTools: [holdMe] },
    });
    const { client, transport } = await sdkClient(handle);
    // An open standalone SSE stream (GET) and a tool call whose actiTIME request the simulator holds.
    const stream = raw(
      handle,
      'GET',
      mcpHeaders({ 'mcp-session-id': transport.sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION }),
    ).catch((e: unknown) => e);
    sim.clearRequests();
    sim.faults.inject({ method: 'GET', path: '/users/me', delayMs: 5_000 });
    const call = client.callTool({ name: 'test_hold_me', arguments: {} }).catch((e: unknown) => e);
    await waitFor(() => sim.requests.some((r) => r.path === '/users/me'), { message: 'the held request' });
    const held = sim.requests.find((r) => r.path === '/users/me');
    expect(held).toBeDefined();

    // "Quickly" = without waiting for what it ends: the held answer (5 s) and the SSE stream (never ends by
    // itself). Either wait would show as a close() or a stream that does not settle, and as a status below.
    await settles(handle.close(), 'close()');
    expect(handle.sessionCount()).toBe(0);
    expect(await isListening(handle.port)).toBe(false);
    await settles(stream, 'the SSE stream');
    // The call's cancellation signal fired: the held actiTIME request was dropped, not left to finish.
    await waitFor(() => held!.abortedAt !== undefined, { message: 'the held request to close' });
    expect(held!.status).toBeUndefined();
    // No result can reach the client any more; closing it settles the call as a connection error.
    await client.close();
    expect(await call).toBeInstanceOf(Error);
  });
});

describe('serveHttp (the CLI --http mode)', () => {
  it('SEC-HT-01 serves on loopback and, on SIGTERM, closes sessions, releases the client and exits 0', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const order: string[] = [];
    const handle = await serveHttp(ctxFactory, {
      logger,
      port: 0,
      token: TOKEN,
      signals,
      exit: (code) => exits.push(code),
      onShutdown: async () => {
        order.push(`released with ${handle.sessionCount()} sessions open`);
      },
    });
    servers.push(handle);
    expect(handle.host).toBe('127.0.0.1');
    expect((await raw(handle, 'POST', mcpHeaders(), INIT)).status).toBe(200);
    expect(handle.sessionCount()).toBe(1);

    const logMark = logs.length;
    signals.emit('SIGTERM');
    await waitFor(() => exits.length > 0, { message: 'exit()' });
    expect(exits).toEqual([0]);
    expect(order).toEqual(['released with 0 sessions open']);
    expect(await isListening(handle.port)).toBe(false);
    // A second signal is ignored on the spot: a shutdown that started would log before its first await.
    signals.emit('SIGINT');
    expect(logs.slice(logMark).filter((l) => l.includes('shutting down'))).toHaveLength(1);
    expect(exits).toEqual([0]);
  });
});
