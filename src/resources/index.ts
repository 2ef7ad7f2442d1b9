/**
 * MCP resources: read-only views an assistant can attach as context. Each is JSON text, cleaned like tool
 * results (SEC-OUT-06); a failure becomes a JSON-RPC error with the same trusted message a tool would give.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

import { getInfo } from '../actitime/resources/info.js';
import { sanitizeDeep } from '../domain/sanitize.js';
import type { ServerContext } from '../tools/context.js';
import { readOrThrow } from './read.js';
import { registerReferenceResources } from './reference.js';
import { registerTimerResource } from './timer.js';
import { registerTimesheetResource } from './timesheet.js';
import { registerViews } from './views.js';
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
      const info = await readOrThrow(ctx, 'actitime://settings', extra.signal, (signal) =>
        getInfo(ctx.client, { signal }),
      );
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(info)) }],
      };
    },
  );
  registerTimesheetResource(server, ctx);
  registerTimerResource(server, ctx);
  registerReferenceResources(server, ctx);
  registerWorkResources(server, ctx);
  registerViews(server);
}
