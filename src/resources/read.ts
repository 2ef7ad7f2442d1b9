/**
 * How a resource read fails: the JSON-RPC error a client sees when reading a resource throws. Kept apart from
 * index.ts, which registers the resources, so the resource modules can use it without importing their registrar.
 */
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

import type { ServerContext } from '../tools/context.js';
import { errorBody, type ErrorBody } from '../tools/format.js';

/**
 * Runs a read for a resource in a call scope of its own (one deadline, one budget; what it still has queued is
 * dropped when it ends, as for a tool call); known errors keep their trusted message, anything else is logged
 * and hidden.
 */
export async function readOrThrow<T>(
  ctx: ServerContext,
  uri: string,
  parent: AbortSignal,
  read: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const scope = ctx.client.openCall(parent);
  try {
    return await read(scope.signal);
  } catch (err) {
    const body = errorBody(err);
    if (body)
      throw protocolError(
        protocolCode(body),
        `${body.error.message}${body.error.hint ? ` (${body.error.hint})` : ''}`,
      );
    ctx.logger.error(
      `unexpected error reading ${uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    throw protocolError(
      ErrorCode.InternalError,
      'internal error in actitime-mcp; details were written to the server log',
    );
  } finally {
    scope.end();
  }
}

/** MCP's code for "resource not found" (spec, Resources › Error handling); the SDK has no constant for it. */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * The JSON-RPC code for a known error: an unknown object is "resource not found" and a bad URI variable is
 * "invalid params", so a client can tell them from a failure of the server or of actiTIME.
 */
function protocolCode(body: ErrorBody): number {
  const { kind, status } = body.error;
  if (kind === 'not_found' || status === 404) return RESOURCE_NOT_FOUND;
  if (kind === 'validation' || kind === 'ambiguous') return ErrorCode.InvalidParams;
  return ErrorCode.InternalError;
}

/**
 * A JSON-RPC error for a resource read. Not an McpError: its message already starts with "MCP error -32603:",
 * and the client's McpError adds that prefix again when it rebuilds the error from the wire.
 */
export function protocolError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}
