/**
 * The open MCP sessions of a server: one McpServer and transport each, built by buildServer from a context
 * the caller supplies for the principal that opened it.
 *
 * Sessions never lock clients out: clients that vanish without DELETE (the Inspector, test runners, crashed
 * assistants) are closed after `sessionIdleMs` without a request (default 5 minutes), and at the cap the least
 * recently used idle session (no request in flight) is closed to admit a newcomer; its client's next request
 * gets 404, on which the spec has it initialize again. Only when every session has a request in flight is a
 * newcomer refused (503 with Retry-After).
 *
 * A session belongs to the principal that opened it: anyone else presenting its id is told it does not
 * exist, exactly as for an unknown id, so a session id is no capability and its existence never leaks.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

import { buildServer } from '../../server.js';
import { contextFor, type AdmittedRequest, type RequestServer } from './admitted.js';
import { SESSIONS_BUSY_RETRY_AFTER_S, type ServingOptions } from './options.js';
import { sendError, sendShuttingDown } from './responses.js';

export interface SessionTableOptions extends ServingOptions {
  maxSessions: number;
  sessionIdleMs: number;
  now: () => number;
}

interface Session {
  id: string;
  /** The principal id that opened it: the only one it answers. */
  owner: string;
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** When a request of this session last started or ended (the injected clock). */
  lastSeen: number;
  /** POST and DELETE requests still being answered (a POST's SSE response counts until it ends): busy. */
  inFlight: number;
  /** Open standalone SSE streams (GET): the client listens, but nothing is being answered. */
  streams: number;
}

export class SessionTable implements RequestServer {
  /** Open sessions in least-recently-used order: every request moves its session to the end. */
  private readonly sessions = new Map<string, Session>();
  /** Initialize requests admitted but not yet turned into a session: they hold a place under the cap. */
  private opening = 0;
  private requests = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly o: SessionTableOptions) {
    this.sweeper = setInterval(
      () => {
        const cutoff = o.now() - o.sessionIdleMs;
        for (const s of [...this.sessions.values()]) {
          if (s.inFlight === 0 && s.streams === 0 && s.lastSeen <= cutoff) void this.closeSession(s, 'idle');
        }
      },
      Math.max(10, Math.min(60_000, Math.floor(o.sessionIdleMs / 2))),
    );
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get inFlight(): number {
    return this.requests;
  }

  /** The last step of the pipeline: the request's session, or a new one for an initialize. */
  async serve(request: AdmittedRequest): Promise<void> {
    const { req, res, body, principal } = request;
    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader;
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      if (session?.owner === principal.id) return this.handleIn(session, req, res, body);
      // No ids in the log line: it would pair a session with its owner and with who probed it.
      if (session) this.o.logger.warn('MCP HTTP: refused a session opened by another principal');
      else this.o.logger.debug('MCP HTTP: unknown session');
      return sendError(res, 404, -32001, 'Session not found');
    }
    const isInit =
      req.method === 'POST' &&
      (Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body));
    if (isInit) return this.open(request);
    return sendError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
  }

  /** Closes every session (their in-flight calls are aborted) and stops the idle sweep. */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.sessions.values()].map((s) => this.closeSession(s, 'server shutdown')));
  }

  private async open(request: AdmittedRequest): Promise<void> {
    const { res, cors } = request;
    const { logger, maxSessions } = this.o;
    let evicted: Promise<void> | undefined;
    if (this.sessions.size + this.opening >= maxSessions) {
      const victim = this.evictable();
      if (!victim) {
        logger.warn(`MCP HTTP: refusing a new session, all ${maxSessions} open sessions are busy`);
        sendError(res, 503, -32000, 'Too many busy sessions; try again later', {
          ...cors,
          'Retry-After': String(SESSIONS_BUSY_RETRY_AFTER_S),
        });
        return;
      }
      // Removed from the map at once (its next request gets 404), so the place is free before any await.
      evicted = this.closeSession(victim, 'least recently used idle session, closed to admit a new one');
      logger.info(`MCP HTTP: ${maxSessions} sessions open; closed the least recently used idle one`);
    }
    this.opening += 1;
    try {
      await evicted;
      await this.create(request);
    } finally {
      this.opening -= 1;
    }
  }

  private async create(request: AdmittedRequest): Promise<void> {
    const { req, res, body, principal } = request;
    const { logger } = this.o;
    const ctx = await contextFor(this.o, request, 'create a session');
    if (!ctx) return;
    if (this.o.closing()) return sendShuttingDown(res);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: this.o.maxBodyBytes,
      onsessioninitialized: (id) => {
        opened.id = id;
        this.sessions.set(id, opened);
        logger.debug('MCP HTTP session opened', { sessions: this.sessions.size });
      },
    });
    const server = buildServer(ctx, this.o.buildOptions);
    const opened: Session = {
      id: '',
      owner: principal.id,
      transport,
      server,
      lastSeen: this.o.now(),
      inFlight: 0,
      streams: 0,
    };
    // Set before connect: the SDK chains its own close handling after ours.
    transport.onclose = () => {
      if (opened.id && this.sessions.get(opened.id) === opened) {
        this.sessions.delete(opened.id);
        logger.debug('MCP HTTP session closed', { sessions: this.sessions.size });
      }
    };
    await server.connect(transport);
    await this.handleIn(opened, req, res, body);
    // The initialize request was refused (bad headers, bad protocol version): no session came of it.
    if (!opened.id) await server.close().catch(() => undefined);
  }

  private async handleIn(
    session: Session,
    req: IncomingMessage,
    res: ServerResponse,
    body?: unknown,
  ): Promise<void> {
    const stream = req.method === 'GET';
    if (stream) session.streams += 1;
    else {
      session.inFlight += 1;
      this.requests += 1;
    }
    this.touch(session);
    res.once('close', () => {
      if (stream) session.streams -= 1;
      else {
        session.inFlight -= 1;
        this.requests -= 1;
      }
      this.touch(session);
    });
    await session.transport.handleRequest(req, res, body);
  }

  /** Marks a session used now and moves it to the most recently used end (only while it is still open). */
  private touch(session: Session): void {
    session.lastSeen = this.o.now();
    if (session.id && this.sessions.get(session.id) === session) {
      this.sessions.delete(session.id);
      this.sessions.set(session.id, session);
    }
  }

  /** The least recently used session with no request in flight, if any. */
  private evictable(): Session | undefined {
    for (const s of this.sessions.values()) if (s.inFlight === 0) return s;
    return undefined;
  }

  private async closeSession(session: Session, why: string): Promise<void> {
    this.o.logger.debug(`MCP HTTP session closing: ${why}`);
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    try {
      await session.server.close();
    } catch (err) {
      this.o.logger.debug('MCP HTTP session close failed', { error: String(err) });
    }
  }
}
