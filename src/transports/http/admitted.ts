/**
 * A request that passed every guard (server.ts), as the two ways of answering it receive it: sessions
 * (sessions.ts) and a fresh server per request (stateless.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ServerContext } from '../../tools/context.js';
import type { Principal } from './guards.js';
import type { ServingOptions } from './options.js';
import { sendError } from './responses.js';

export interface AdmittedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The parsed JSON body of a POST; undefined otherwise. */
  body: unknown;
  /** The CORS headers of every answer to it. */
  cors: Record<string, string>;
  principal: Principal;
}

/** How a server answers admitted requests, and what it reports and closes. */
export interface RequestServer {
  serve(request: AdmittedRequest): Promise<void>;
  readonly size: number;
  readonly inFlight: number;
  closeAll(): Promise<void>;
}

/**
 * The context the request's principal acts in; undefined when the factory failed, which has been answered
 * (500) and logged as `cannot <what>`.
 */
export async function contextFor(
  o: ServingOptions,
  { res, cors, principal }: AdmittedRequest,
  what: string,
): Promise<ServerContext | undefined> {
  try {
    return await o.ctxFactory(principal);
  } catch (err) {
    o.logger.error(`MCP HTTP: cannot ${what}: ${err instanceof Error ? err.message : String(err)}`);
    sendError(res, 500, -32603, `Internal error: cannot ${what}`, cors);
    return undefined;
  }
}
