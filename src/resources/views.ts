/**
 * MCP Apps views (the ext-apps extension): HTML pages a host renders in a sandboxed frame for a tool's results.
 * The page is built at build time into one self-contained file (scripts/build-views.ts, src/views/); data reaches
 * it only through tool results the host hands over, never through the HTML, so one file serves everyone. Its CSP
 * names no domains: it loads and fetches nothing.
 */
import { readFile } from 'node:fs/promises';

import { RESOURCE_MIME_TYPE, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export const TIMESHEET_VIEW_URI = 'ui://actitime/timesheet.html';

/** From dist/resources/ (the package) the build sits beside it; from src/resources/ (tests) in dist/. */
const TIMESHEET_FILES = [
  new URL('../views/timesheet.html', import.meta.url),
  new URL('../../dist/views/timesheet.html', import.meta.url),
];

let timesheetHtml: Promise<string> | undefined;

async function firstReadable(files: readonly URL[]): Promise<string> {
  for (const file of files) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // the next place
    }
  }
  throw new McpError(ErrorCode.InternalError, 'The timesheet view is not built (npm run build)');
}

/** No domains of any kind: the view is one file and talks to nothing but its host. */
const CSP = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };

export function registerViews(server: McpServer): void {
  registerAppResource(
    server,
    'timesheet-view',
    TIMESHEET_VIEW_URI,
    {
      title: 'Timesheet view',
      description: 'Week grid for get_timesheet results (MCP Apps hosts render it)',
      _meta: { ui: { csp: CSP } },
    },
    async (uri) => {
      timesheetHtml ??= firstReadable(TIMESHEET_FILES).catch((err: unknown) => {
        timesheetHtml = undefined;
        throw err;
      });
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: RESOURCE_MIME_TYPE,
            text: await timesheetHtml,
            _meta: { ui: { csp: CSP } },
          },
        ],
      };
    },
  );
}
