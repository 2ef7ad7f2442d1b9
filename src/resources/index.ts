/**
 * MCP resources: read-only views an assistant can attach as context. Each is JSON text, cleaned like tool
 * results (SEC-OUT-06); a failure becomes a JSON-RPC error with the same trusted message a tool would give.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

import { getInfo } from '../actitime/resources/info.js';
import { sanitizeDeep } from '../domain/sanitize.js';
import type { ServerContext } from '../tools/context.js';
import { errorBody, type ErrorBody } from '../tools/format.js';
import { registerReferenceResources } from './reference.js';
import { registerTimesheetResource } from './timesheet.js';
import { registerWorkResources } from './work.js';

export function registerResources(server: McpServer, ctx: ServerContext): void {
  server.registerResource(
    'settings',
    'actitime://settings',
    {
      title: 'actiTIME settings',
      description:
        'System settings of the actiTIME installation (GET /info): company, custom names for customer/project/task, ' +
        'number and date formats, first day of the week, enabled features, limits.',
      mimeType: 'application/json',
    },
    async (uri, extra) => {
      const info = await readOrThrow(ctx, 'actitime://settings', () =>
        getInfo(ctx.client, { signal: extra.signal }),
      );
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(info)) }],
      };
    },
  );
  registerTimesheetResource(server, ctx);
  registerReferenceResources(server, ctx);
  registerWorkResources(server, ctx);
}

/** Runs a read for a resource; known errors keep their trusted message, anything else is logged and hidden. */
export async function readOrThrow<T>(ctx: ServerContext, uri: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
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
