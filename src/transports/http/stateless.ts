/**
 * `stateless` mode (behind a load balancer): no sessions and no Mcp-Session-Id; every POST gets a fresh
 * server and transport (the SDK's sessionIdGenerator: undefined) built for the principal that sent it, so any
 * instance can answer any request. GET (standalone SSE stream) and DELETE answer 405. The Host, Origin,
 * authentication and body checks are the same code as in session mode.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

import { buildServer } from '../../server.js';
import { ConfirmTokens } from '../../tools/confirm-tokens.js';
import { contextFor, type AdmittedRequest, type RequestServer } from './admitted.js';
import type { ServingOptions } from './options.js';
import { sendError, sendShuttingDown } from './responses.js';

export class StatelessServers implements RequestServer {
  /** The servers answering a request now (closed on shutdown). */
  private readonly servers = new Set<McpServer>();
  /**
   * One store of confirmation tokens per principal for every per-request server, so a planToken issued by
   * one request can be confirmed by the next one of the same principal that reaches this instance (not by
   * another instance, and never by another principal). Each store sweeps its own expired tokens.
   */
  private readonly tokens = new Map<string, ConfirmTokens>();
  private requests = 0;

  constructor(private readonly o: ServingOptions) {}

  /** No sessions are ever open. */
  get size(): number {
    return 0;
  }

  get inFlight(): number {
    return this.requests;
  }

  /** A fresh server and transport answer this one request and are closed after it. */
  async serve(request: AdmittedRequest): Promise<void> {
    const { req, res, body, cors, principal } = request;
    if (req.method !== 'POST') {
      return sendError(res, 405, -32000, 'Method not allowed: this server is stateless (POST only)', {
        ...cors,
        Allow: 'POST, OPTIONS',
      });
    }
    const ctx = await contextFor(this.o, request, 'serve the request');
    if (!ctx) return;
    if (this.o.closing()) return sendShuttingDown(res);
    let tokens = this.tokens.get(principal.id);
    if (!tokens) {
      tokens = new ConfirmTokens(ctx.now ?? Date.now);
      this.tokens.set(principal.id, tokens);
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      maxRequestBodySize: this.o.maxBodyBytes,
    });
    const server = buildServer(ctx, { ...this.o.buildOptions, tokens });
    this.servers.add(server);
    this.requests += 1;
    res.once('close', () => {
      this.requests -= 1;
      this.servers.delete(server);
      // Closing the server closes its transport and aborts whatever the request still had running.
      server.close().catch(() => undefined);
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.servers].map((s) => s.close()));
  }
}
