/**
 * The authentication seam on real loopback sockets: a custom Authenticator replaces the bearer token; the
 * principal it names opens sessions that answer nobody else, and builds every stateless request's context
 * (and owns its plan tokens).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';

import type { Logger } from '../../src/logger.js';
import type { ServerContext } from '../../src/tools/context.js';
import { defineTool } from '../../src/tools/define.js';
import type { Authenticator, Principal } from '../../src/transports/http/guards.js';
import type { HttpServerHandle, HttpServerOptions } from '../../src/transports/http/options.js';
import { startHttpServer } from '../../src/transports/http/server.js';
import { httpWorld, initRequest, mcpHeaders, raw, TOKEN } from '../helpers/http-world.js';

let logs: string[];
let logger: Logger;
let servers: HttpServerHandle[];
let ctxFactory: () => ServerContext;
const clients: Client[] = [];
httpWorld(
  (w) => ({ logs, logger, servers, ctxFactory } = w),
  async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  },
);

const ALICE = 'alice-7f3a9c2e1b';
const BOB = 'bob-4d8e0a6c5f';

/** The test's identity provider: `Bearer alice-…` is alice, `Bearer bob-…` is bob, anything else is refused. */
const people: Authenticator = async (req) => {
  // An answer from elsewhere (an identity provider) arrives on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  const m = /^Bearer (alice|bob)-[0-9a-f]+$/.exec(req.headers.authorization ?? '');
  if (m?.[1]) return { ok: true, principal: { id: m[1] } };
  return {
    ok: false,
    status: 403,
    code: -32002,
    message: 'Forbidden: unknown person',
    headers: { 'WWW-Authenticate': 'Bearer realm="people", error="invalid_token"', 'X-Refused-By': 'people' },
  };
};

/** The principals the context factory was called with, in order. */
const seen: string[] = [];

async function start(options: Partial<HttpServerOptions> = {}): Promise<HttpServerHandle> {
  seen.length = 0;
  const factory = (principal: Principal): ServerContext => {
    seen.push(principal.id);
    return ctxFactory();
  };
  const handle = await startHttpServer(factory, {
    logger,
    port: 0,
    authenticate: people,
    buildOptions: { extraTools: [issueToken, redeemToken] },
    ...options,
  });
  servers.push(handle);
  return handle;
}

async function sdkClient(handle: HttpServerHandle, credential: string) {
  const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
    requestInit: { headers: { Authorization: `Bearer ${credential}` } },
  });
  const client = new Client({ name: 'http-principal-test', version: '0.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

/** Test-only tools: a plan token issued, and one redeemed, through the server's ConfirmTokens store. */
const issueToken = defineTool({
  name: 'test_issue_token',
  title: 'Test: issue a plan token',
  description: 'Test only.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({}),
  outputSchema: z.object({ token: z.string() }),
  async handler(_args, ctx) {
    return { token: ctx.tokens.issue('test_plan', {}, 'fingerprint') };
  },
});
const redeemToken = defineTool({
  name: 'test_redeem_token',
  title: 'Test: redeem a plan token',
  description: 'Test only.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({ token: z.string() }),
  outputSchema: z.object({ ok: z.boolean(), reason: z.string().optional() }),
  async handler({ token }, ctx) {
    const r = ctx.tokens.redeem(token, 'test_plan', {});
    return r.ok ? { ok: true } : { ok: false, reason: r.reason };
  },
});

const toolsList = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });

describe('a custom authenticator', () => {
  it('SEC-HT-05 replaces the bearer token: none is generated, announced or accepted', async () => {
    const announced: string[] = [];
    const handle = await start({ announce: (line) => announced.push(line) });
    expect(handle.token).toBe('');
    expect(handle.tokenGenerated).toBe(false);
    expect(announced).toEqual([]);
    expect((await raw(handle, 'POST', mcpHeaders(), initRequest('token'))).status).toBe(403);
    const ok = await raw(handle, 'POST', mcpHeaders({ authorization: `Bearer ${ALICE}` }), initRequest('a'));
    expect(ok.status).toBe(200);
    expect(ok.headers['mcp-session-id']).toBeDefined();
    // A configured token is ignored too: the authenticator decides alone.
    const both = await start({ token: TOKEN });
    expect(both.token).toBe('');
    expect((await raw(both, 'POST', mcpHeaders(), initRequest('token'))).status).toBe(403);
  });

  it("SEC-HT-05 sends a refusal's status, code, message and headers to the client, with CORS headers", async () => {
    const handle = await start();
    const origin = 'http://localhost:5173';
    const res = await raw(handle, 'POST', mcpHeaders({ authorization: 'Bearer carol-00', origin }), '{}');
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32002, message: 'Forbidden: unknown person' },
      id: null,
    });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="people", error="invalid_token"');
    expect(res.headers['x-refused-by']).toBe('people');
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(seen).toEqual([]);
    expect(logs.some((l) => l.includes('refused POST without a valid authentication'))).toBe(true);
  });

  it('SEC-HT-01 lets a non-loopback bind start without a token', async () => {
    // 192.0.2.1 (TEST-NET-1) is never a local address: the token rule passed, and the bind itself fails.
    const outcome = await start({ host: '192.0.2.1', allowRemote: true }).catch((e: unknown) => e);
    expect(String((outcome as Error).message)).toMatch(/cannot bind 192\.0\.2\.1/);
  });
});

describe('principals and sessions', () => {
  it('SEC-HT-05 a session answers only the principal that opened it; anyone else gets 404 as for an unknown one', async () => {
    const handle = await start();
    const alice = await sdkClient(handle, ALICE);
    const id = alice.transport.sessionId!;
    expect(id).toBeDefined();
    expect(seen).toEqual(['alice']);

    const asBob = mcpHeaders({ authorization: `Bearer ${BOB}`, 'mcp-session-id': id });
    const unknown = await raw(
      handle,
      'POST',
      mcpHeaders({ authorization: `Bearer ${BOB}`, 'mcp-session-id': crypto.randomUUID() }),
      toolsList,
    );
    const stolen = await raw(handle, 'POST', asBob, toolsList);
    expect(stolen.status).toBe(404);
    expect(stolen.json()).toEqual(unknown.json());
    expect(stolen.json()).toMatchObject({ error: { message: 'Session not found' } });
    expect((await raw(handle, 'GET', asBob)).status).toBe(404);
    expect((await raw(handle, 'DELETE', asBob)).status).toBe(404);
    expect(handle.sessionCount()).toBe(1);

    const warned = logs.filter((l) => l.includes('refused a session opened by another principal'));
    expect(warned.length).toBe(3);
    expect(warned.every((l) => / warn: /.test(l))).toBe(true);
    for (const l of logs) {
      expect(l).not.toContain(id);
      expect(l).not.toContain(ALICE);
      expect(l).not.toContain(BOB);
    }

    // Alice's session was not disturbed.
    expect((await alice.client.listTools()).tools.map((t) => t.name)).toContain('get_reference_data');
    const result = await alice.client.callTool({
      name: 'get_reference_data',
      arguments: { kind: 'settings' },
    });
    expect(result.isError).toBeFalsy();
    expect(seen).toEqual(['alice']);
  });
});

describe('principals in stateless mode', () => {
  it("SEC-HT-08 builds every request's context for that request's principal", async () => {
    const handle = await start({ stateless: true });
    const alice = await sdkClient(handle, ALICE);
    const bob = await sdkClient(handle, BOB);
    expect(new Set(seen)).toEqual(new Set(['alice', 'bob']));

    seen.length = 0;
    await alice.client.listTools();
    expect(seen).toEqual(['alice']);
    await bob.client.listTools();
    expect(seen).toEqual(['alice', 'bob']);
    await alice.client.callTool({ name: 'get_reference_data', arguments: { kind: 'settings' } });
    expect(seen).toEqual(['alice', 'bob', 'alice']);
  });

  it("SEC-HT-08 keeps each principal's plan tokens: another principal cannot confirm them", async () => {
    const handle = await start({ stateless: true });
    const alice = await sdkClient(handle, ALICE);
    const bob = await sdkClient(handle, BOB);
    const call = async (c: Client, name: string, args: Record<string, unknown> = {}) =>
      (await c.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;

    const { token } = (await call(alice.client, 'test_issue_token')) as { token: string };
    expect(token).toMatch(/^ct_/);
    expect(await call(bob.client, 'test_redeem_token', { token })).toEqual({ ok: false, reason: 'unknown' });
    // Another request of alice's, answered by another per-request server, still finds it.
    expect(await call(alice.client, 'test_redeem_token', { token })).toEqual({ ok: true });
  });
});
