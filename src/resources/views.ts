/**
 * MCP Apps views (the ext-apps extension): HTML pages a host renders in a sandboxed frame for a tool's results.
 * Each page is built at build time into one self-contained file (scripts/build-views.ts, src/views/); data
 * reaches it only through tool results the host hands over, never through the HTML, so one file serves everyone.
 * Its CSP names no domains: it loads and fetches nothing.
 */
import { readFile } from 'node:fs/promises';

import { RESOURCE_MIME_TYPE, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export const TIMESHEET_VIEW_URI = 'ui://actitime/timesheet.html';
export const MISSING_TIME_VIEW_URI = 'ui://actitime/missing-time.html';

interface View {
  /** The resource's registered name, and `dist/views/<file>.html`. */
  name: string;
  file: string;
  uri: string;
  title: string;
  description: string;
}

const VIEWS: readonly View[] = [
  {
    name: 'timesheet-view',
    file: 'timesheet',
    uri: TIMESHEET_VIEW_URI,
    title: 'Timesheet view',
    description: 'Week grid for get_timesheet results (MCP Apps hosts render it)',
  },
  {
    name: 'missing-time-view',
    file: 'missing-time',
    uri: MISSING_TIME_VIEW_URI,
    title: 'Missing time view',
    description: 'People × days grid of find_missing_time results, gaps marked (MCP Apps hosts render it)',
  },
];

/** From dist/resources/ (the package) the build sits beside it; from src/resources/ (tests) in dist/. */
function placesOf(file: string): URL[] {
  return [
    new URL(`../views/${file}.html`, import.meta.url),
    new URL(`../../dist/views/${file}.html`, import.meta.url),
  ];
}

/** Each view's file, read once per process (a failed read is tried again next time). */
const html = new Map<string, Promise<string>>();

async function firstReadable(view: View): Promise<string> {
  for (const file of placesOf(view.file)) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // the next place
    }
  }
  throw new McpError(ErrorCode.InternalError, `The ${view.title.toLowerCase()} is not built (npm run build)`);
}

function htmlOf(view: View): Promise<string> {
  let text = html.get(view.uri);
  if (text === undefined) {
    text = firstReadable(view).catch((err: unknown) => {
      html.delete(view.uri);
      throw err;
    });
    html.set(view.uri, text);
  }
  return text;
}

/** No domains of any kind: a view is one file and talks to nothing but its host. */
const CSP = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };

export function registerViews(server: McpServer): void {
  for (const view of VIEWS) {
    registerAppResource(
      server,
      view.name,
      view.uri,
      { title: view.title, description: view.description, _meta: { ui: { csp: CSP } } },
      async (uri) => ({
        contents: [
          {
            uri: uri.href,
            mimeType: RESOURCE_MIME_TYPE,
            text: await htmlOf(view),
            _meta: { ui: { csp: CSP } },
          },
        ],
      }),
    );
  }
}
