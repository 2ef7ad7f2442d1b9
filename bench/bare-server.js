/**
 * The baseline for bench/startup.ts: the smallest useful MCP server on SDK 1.32, one tool with a zod input
 * schema, over stdio. Plain JavaScript so node runs it as the built CLI is run, with no compiler in between.
 */
import process from 'node:process';

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'bare', version: '0.0.0' });
server.registerTool(
  'echo',
  { description: 'Echoes its text.', inputSchema: { text: z.string() } },
  ({ text }) => ({ content: [{ type: 'text', text }] }),
);
await server.connect(new StdioServerTransport());
process.stdin.once('end', () => process.exit(0));
