/**
 * Serves one McpServer over stdin/stdout. stdout carries protocol only. The process ends when stdin closes
 * or on SIGTERM/SIGINT: the actiTIME client is closed first (queued jobs dropped, in-flight requests aborted),
 * then the server, then the process exits 0, within about a second even if something hangs (REL-TH-05).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

import type { Logger } from '../logger.js';
import { gracefulShutdown } from './shutdown.js';

export interface StdioOptions {
  logger: Logger;
  /** Releases everything the server uses: the actiTIME client, the demo simulator. */
  onShutdown: () => Promise<void>;
  /** Longest wait for an orderly shutdown before exiting anyway. Default 800 ms. */
  graceMs?: number;
  /** Ends the process; replaceable for tests. Default process.exit. */
  exit?: (code: number) => void;
}

export async function serveStdio(server: McpServer, options: StdioOptions): Promise<void> {
  const { logger, onShutdown, graceMs = 800, exit = (code) => process.exit(code) } = options;
  const transport = new StdioServerTransport();
  const shutdown = gracefulShutdown({
    logger,
    graceMs,
    exit,
    close: async () => {
      try {
        await onShutdown();
      } finally {
        await server.close().catch(() => {
          // The transport may already be gone with stdin; nothing more to release.
        });
      }
    },
  });

  process.stdin.once('end', () => void shutdown('stdin closed'));
  process.stdin.once('close', () => void shutdown('stdin closed'));
  // A client that goes away mid-answer makes stdout fail with EPIPE: that is a shutdown, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => void shutdown(`stdout ${err.code ?? 'error'}`));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  transport.onclose = () => void shutdown('transport closed');

  await server.connect(transport);
}
