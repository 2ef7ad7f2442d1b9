/**
 * MCP test clients.
 *
 *   const { client, sim, logs, close } = await connectClient({ user: 'trainee', env: { ACTITIME_READ_ONLY: 'true' } });
 *   afterAll(() => close());
 *   const res = await client.callTool({ name: 'get_reference_data', arguments: { kind: 'leave_types' } });
 *
 * connectClient: an official SDK Client linked in memory to buildServer(), whose ActitimeClient talks to a
 * test simulator over real loopback HTTP. spawnStdio: the built CLI (dist/cli.js) as a child process behind an
 * SDK Client over stdio, its stderr captured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ElicitRequestSchema,
  type ClientCapabilities,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';

import { ActitimeClient } from '../../src/actitime/client.js';
import type { ClientConfig } from '../../src/actitime/config.js';
import { clientConfigFromEnv, demoPassword, loadConfig, type ServerConfig } from '../../src/config.js';
import { createLogger, type Logger, type LogLevel } from '../../src/logger.js';
import { buildServer } from '../../src/server.js';
import type { AnyTool } from '../../src/tools/define.js';
import { startTestSimulator, type SimulatorHandle } from './simulator.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ConnectOptions {
  /** A running simulator to use (left open by close()); default: a fresh seeded one, closed by close(). */
  simulator?: SimulatorHandle;
  /** Extra server environment: ACTITIME_TOOLSETS, ACTITIME_READ_ONLY, ACTITIME_TOOLS, tuning variables… */
  env?: Record<string, string | undefined>;
  /** Seeded user to sign in as (password per the seed). Default `admin`. */
  user?: string;
  /** Password instead of the seeded one (e.g. a wrong one). */
  password?: string;
  /** Overrides for the client configuration (scaled time, limits, timeouts). */
  client?: Partial<ClientConfig>;
  /** Offer exactly these tools instead of the configured selection. */
  tools?: readonly AnyTool[];
  /** Offer these in addition (e.g. a test-only tool). */
  extraTools?: readonly AnyTool[];
  /** Level of the captured server log. Default `debug`. */
  logLevel?: LogLevel;
  /** The server's clock ("today", "last week"); pin it to the simulator's `now`. Default Date.now. */
  now?: () => number;
  /**
   * Declares the elicitation capability and answers the server's questions with this handler (confirmation
   * of changes); without it the client cannot be asked.
   */
  elicit?: (request: ElicitRequest) => Promise<ElicitResult>;
  /** Capabilities the test client declares (e.g. `{ elicitation: { form: {} } }`). Default none. */
  capabilities?: ClientCapabilities;
  /** Answers the server's elicitation/create requests (declare `capabilities.elicitation` too). */
  onElicit?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>;
}

export interface Connected {
  client: Client;
  sim: SimulatorHandle;
  actitime: ActitimeClient;
  config: ServerConfig;
  /** Every line the server logged (what stderr would have shown). */
  logs: string[];
  logger: Logger;
  close(): Promise<void>;
}

export async function connectClient(options: ConnectOptions = {}): Promise<Connected> {
  const sim = options.simulator ?? (await startTestSimulator());
  const user = options.user ?? 'admin';
  const logs: string[] = [];
  const logger = createLogger(options.logLevel ?? 'debug', (line) => logs.push(line));
  const env = {
    // Tests of what a tool does skip the confirmation of changes; the confirm tests set the policy themselves.
    ...(options.env && 'ACTITIME_CONFIRM' in options.env ? {} : { ACTITIME_CONFIRM: 'never' }),
    ...options.env,
    ACTITIME_URL: sim.baseUrl,
    ACTITIME_USERNAME: user,
    ACTITIME_PASSWORD: options.password ?? demoPassword(user),
  };
  // Overrides are resolved together with the environment, so derived defaults (e.g. maxRetryAfterMs from
  // timeUnitMs) follow them.
  const config: ServerConfig = { ...loadConfig(env), client: clientConfigFromEnv(env, options.client ?? {}) };
  const actitime = new ActitimeClient(config.client, { logger });
  const server = buildServer(
    { client: actitime, config, logger, ...(options.now ? { now: options.now } : {}) },
    {
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.extraTools ? { extraTools: options.extraTools } : {}),
    },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client(
    { name: 'actitime-mcp-test', version: '0.0.0' },
    options.capabilities
      ? { capabilities: options.capabilities }
      : options.elicit
        ? { capabilities: { elicitation: { form: {} } } }
        : {},
  );
  const onElicit = options.elicit ?? options.onElicit;
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, (request) => onElicit(request));
  await client.connect(clientSide);
  return {
    client,
    sim,
    actitime,
    config,
    logs,
    logger,
    close: async () => {
      await client.close();
      await server.close();
      await actitime.close();
      if (!options.simulator) await sim.close();
    },
  };
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content;
  const first = content?.[0];
  if (!first || first.type !== 'text' || typeof first.text !== 'string') throw new Error('no text content');
  return first.text;
}

/** The `{error}` body of an isError tool result. */
export function errorOf(result: unknown): Record<string, unknown> {
  const r = result as { isError?: boolean };
  if (!r.isError) throw new Error(`expected an error result, got ${textOf(result).slice(0, 200)}`);
  return (JSON.parse(textOf(result)) as { error: Record<string, unknown> }).error;
}

// ---- the built CLI ------------------------------------------------------------------------------------------

export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than any file in src/ or the build settings (once per test file). */
export function ensureBuilt(): void {
  const newest = Math.max(
    newestMtime(join(REPO_ROOT, 'src')),
    statSync(join(REPO_ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest) return;
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A minimal environment for a child: no ACTITIME_* or other variables leak in from the test runner. */
export function childEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  // XDG_STATE_HOME (vitest.config.ts) keeps the spawned servers' undo journals out of the user's home.
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_STATE_HOME: process.env.XDG_STATE_HOME,
    ...env,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface Spawned {
  client: Client;
  transport: StdioClientTransport;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Spawns `node dist/cli.js ...args` (build it first with ensureBuilt) and connects an SDK Client over stdio. */
export async function spawnStdio(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Spawned> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: childEnv(env),
    cwd: REPO_ROOT,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'actitime-mcp-e2e', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}
