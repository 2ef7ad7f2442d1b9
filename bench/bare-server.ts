/**
 * The start-up and memory baseline: a bare @modelcontextprotocol/sdk stdio server with one tool, `blob`, that
 * answers `chars` characters of text (so "after the largest result" compares like with like). It is plain
 * JavaScript run by `node --input-type=module -e` from the repository root, so neither TypeScript tooling nor a
 * loader stands between node and the SDK, as with `node dist/cli.js`.
 */
export const BARE_SERVER_SOURCE = `
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'bare', version: '0.0.0' });
server.registerTool(
  'blob',
  { description: 'text of this many characters', inputSchema: { chars: z.number().int().min(0) } },
  async ({ chars }) => ({ content: [{ type: 'text', text: 'x'.repeat(chars) }] }),
);
await server.connect(new StdioServerTransport());
`;

/** Arguments for `node` that run the bare server. */
export function bareServerArgs(): string[] {
  return ['--input-type=module', '-e', BARE_SERVER_SOURCE];
}
