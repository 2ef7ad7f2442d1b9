/**
 * GET /healthz, a load balancer's probe, on real loopback sockets: answered without credentials and before the
 * Host and Origin checks (probes name the machine by address), in both modes, and saying nothing but "ok".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import type { Logger } from '../../src/logger.js';
import type { ServerContext } from '../../src/tools/context.js';
import type { HttpServerHandle, HttpServerOptions } from '../../src/transports/http/options.js';
import { answerHealth } from '../../src/transports/http/responses.js';
import { startHttpServer } from '../../src/transports/http/server.js';
import { httpWorld, raw, TOKEN, type Raw } from '../helpers/http-world.js';

let logger: Logger;
let servers: HttpServerHandle[];
let ctxFactory: () => ServerContext;
httpWorld((w) => ({ logger, servers, ctxFactory } = w));

async function start(options: Partial<HttpServerOptions> = {}): Promise<HttpServerHandle> {
  const handle = await startHttpServer(ctxFactory, { logger, port: 0, token: TOKEN, ...options });
  servers.push(handle);
  return handle;
}

const healthUrl = (handle: HttpServerHandle, query = ''): string =>
  new URL(`/healthz${query}`, handle.url).toString();

function expectOk(res: Raw): void {
  expect(res.status).toBe(200);
  expect(res.text).toBe('{"status":"ok"}');
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"} without any credentials, Host or Origin check', async () => {
    const handle = await start();
    expectOk(await raw(healthUrl(handle), 'GET'));
    expectOk(await raw(healthUrl(handle, '?probe=1'), 'GET'));
    // The checks of the MCP endpoint do not apply: a probe may use the address, and learns nothing.
    expectOk(await raw(healthUrl(handle), 'GET', { host: 'evil.example', origin: 'https://evil.example' }));
    expectOk(await raw(healthUrl(handle), 'GET', { authorization: 'Bearer wrong-token-0123456789abcdef' }));
    expect(handle.sessionCount()).toBe(0);
  });

  it('answers HEAD with the same status and headers and no body', async () => {
    const handle = await start();
    const res = await raw(healthUrl(handle), 'HEAD');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers any other method with 405 and Allow: GET, HEAD', async () => {
    const handle = await start();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS'] as const) {
      const res = await raw(healthUrl(handle), method, {}, method === 'OPTIONS' ? undefined : '{}');
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.text).not.toContain('"status":"ok"');
    }
  });

  it('works in stateless mode too', async () => {
    const handle = await start({ stateless: true });
    expectOk(await raw(healthUrl(handle), 'GET'));
  });

  it('answers 503 {"status":"shutting_down"} while shutting down', async () => {
    // Through the server, close() runs from its start to the port's release without an I/O turn in which a
    // probe could be read, so the shutting-down answer is checked on the responder itself, over a socket.
    const http: Server = createServer((req, res) => answerHealth(req, res, true));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const res = await raw(`http://127.0.0.1:${port}/healthz`, 'GET');
      expect(res.status).toBe(503);
      expect(res.text).toBe('{"status":"shutting_down"}');
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.connection).toBe('close');
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
