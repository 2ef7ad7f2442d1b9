#!/usr/bin/env node
/**
 * actitime-mcp: `serve` (default) speaks MCP over stdio; `simulator` runs the embedded actiTIME simulator;
 * `tools` prints the tool list as JSON; `doctor` prints a compatibility report for the configured actiTIME. Serving never writes to stdout except protocol (SEC-IO-01); a bad
 * configuration ends the process with one stderr line and a non-zero code (SEC-IO-02).
 */
import { parseArgs } from 'node:util';

import { ActitimeClient } from './actitime/client.js';
import { ConfigError } from './actitime/errors.js';
import { DOCTOR_USAGE, DoctorUsageError } from './doctor/usage.js';
import { completeConfig, describe, parseSettings, VERSION, type CliFlags } from './config.js';
import { logger, redact } from './logger.js';
import { buildServer } from './server.js';
import type { SimulatorHandle } from './simulator/server.js';
import { annotationsOf, strictInput } from './tools/define.js';
import { listedSchema } from './tools/list-schema.js';
import { ALL_TOOLS, selectTools } from './tools/registry.js';
import { serveStdio } from './transports/stdio.js';
import type { HttpServerOptions } from './transports/http.js';

const HELP = `actitime-mcp ${VERSION}: MCP server for actiTIME (REST API v1)

Usage:
  actitime-mcp [serve] [--demo] [--demo-user NAME] [--read-only] [--toolsets LIST]
  actitime-mcp [serve] --http [--port N] [--host H] [--allow-remote] [--stateless] [...]   MCP over
                        Streamable HTTP
  actitime-mcp tools [--all] [--read-only] [--toolsets LIST]   print the tools as JSON
  actitime-mcp simulator [--port N] [--today YYYY-MM-DD] [--seed demo|empty|team:N] [--quirks a,b|all]
                        [--latency MS] [--jitter MS]
  ${DOCTOR_USAGE}
  actitime-mcp --help | --version

Environment:
  ACTITIME_URL, ACTITIME_USERNAME, ACTITIME_PASSWORD   your actiTIME (https://…); without ACTITIME_URL the
                                                      embedded demo actiTIME is served
  ACTITIME_TOOLSETS       comma list of time, leave, work, users, reference, workflow, admin, or all
  ACTITIME_READ_ONLY      true: offer only tools that change nothing
  ACTITIME_TOOLS, ACTITIME_EXCLUDE_TOOLS   allow / deny tools by name
  ACTITIME_LOG_LEVEL      debug, info, warn (default info), error, silent; logs go to stderr
  ACTITIME_ALLOW_INSECURE=1   permit http:// to a non-local host (sends the password in clear text)
  ACTITIME_MCP_HTTP_TOKEN     --http: bearer token clients must send (16+ characters); without it a
                              random one is generated and printed on stderr (loopback only)
  ACTITIME_MCP_HTTP_ALLOWED_ORIGINS, ACTITIME_MCP_HTTP_ALLOWED_HOSTS   --http: browser origins and Host
                              names accepted besides loopback ones (comma lists)
  ACTITIME_MCP_HTTP_MAX_SESSIONS, ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS   --http: open sessions at most
                              (default 64; at the cap the least recently used idle one is closed) and
                              seconds without a request before a session is closed (default 300)

doctor checks, in about 18 paced read-only requests, every assumption the client makes about your actiTIME
(sign-in, zone, rate headers, optional endpoints, name search, permissions per toolset): each line ok,
degraded (what the server will do instead) or fail (the fix); exit 0 when nothing fails. --write-probe also
sets one cell of your own timesheet (TASK on --date) and puts it back exactly.

--http serves http://127.0.0.1:8765/mcp (--port 0 = any free port). --host with a non-loopback address
needs --allow-remote and ACTITIME_MCP_HTTP_TOKEN. --stateless keeps no sessions (a fresh server per
request, no Mcp-Session-Id), so any instance behind a load balancer can answer any request.
`;

const SERVE_OPTIONS = {
  demo: { type: 'boolean' },
  'demo-user': { type: 'string' },
  'read-only': { type: 'boolean' },
  toolsets: { type: 'string' },
  http: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  stateless: { type: 'boolean' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

class UsageError extends Error {}

/** One line on stderr; nothing on stdout. */
function fail(message: string, code: number): never {
  process.stderr.write(`actitime-mcp: ${redact(message)}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  // The simulator, the doctor and the HTTP transport are loaded only by the commands that use them, so a stdio
  // server starts with none of them in memory (issue 12: start-up and idle RSS against a bare SDK server).
  if (argv[0] === 'simulator') {
    const { runSimulatorCommand } = await import('./simulator/cli.js');
    return runSimulatorCommand(argv.slice(1));
  }
  if (argv[0] === 'doctor') return doctor(argv.slice(1));

  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: SERVE_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const command = positionals[0] ?? 'serve';
  if (positionals.length > 1 || (command !== 'serve' && command !== 'tools')) {
    throw new UsageError(`unknown command ${positionals.join(' ')}`);
  }
  const flags: CliFlags = {
    ...(values.demo ? { demo: true } : {}),
    ...(values['demo-user'] === undefined ? {} : { demoUser: values['demo-user'] }),
    ...(values['read-only'] ? { readOnly: true } : {}),
    ...(values.toolsets === undefined ? {} : { toolsets: values.toolsets }),
  };
  if (command === 'tools') return printTools(flags, values.all === true);
  if (values.all) throw new UsageError('--all belongs to the tools command');
  if (
    !values.http &&
    (values.port !== undefined || values.host !== undefined || values['allow-remote'] || values.stateless)
  ) {
    throw new UsageError('--port, --host, --allow-remote and --stateless need --http');
  }
  const http: Partial<HttpServerOptions> | undefined = values.http
    ? {
        ...(values.port === undefined ? {} : { port: parsePort(values.port) }),
        ...(values.host === undefined ? {} : { host: values.host }),
        ...(values['allow-remote'] ? { allowRemote: true } : {}),
        ...(values.stateless ? { stateless: true } : {}),
      }
    : undefined;
  return serve(flags, http);
}

function parsePort(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new UsageError('--port must be a number from 0 to 65535');
  return Number(raw);
}

function printTools(flags: CliFlags, all: boolean): void {
  const settings = parseSettings(process.env, flags);
  const tools = all ? ALL_TOOLS : selectTools(settings);
  const list = tools.map((t) => ({
    name: t.name,
    title: t.title,
    toolset: t.toolset,
    access: t.access,
    annotations: annotationsOf(t),
    description: t.description,
    inputSchema: listedSchema(strictInput(t), 'input'),
    outputSchema: listedSchema(t.outputSchema, 'output'),
  }));
  process.stdout.write(JSON.stringify(list, null, 2) + '\n');
}

async function doctor(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: ${DOCTOR_USAGE}\n`);
    return;
  }
  const { runDoctorCommand } = await import('./doctor/command.js');
  let out;
  try {
    out = await runDoctorCommand(argv, process.env);
  } catch (err) {
    if (err instanceof DoctorUsageError) throw new UsageError(err.message);
    throw err;
  }
  process.stderr.write(redact(out.stderr));
  process.stdout.write(out.stdout);
  process.exitCode = out.exitCode;
}

async function serve(flags: CliFlags, http?: Partial<HttpServerOptions>): Promise<void> {
  const settings = parseSettings(process.env, flags);
  logger.level = settings.logLevel;
  selectTools(settings); // unknown names in the allow/deny lists fail here, before anything starts

  let sim: SimulatorHandle | undefined;
  if (settings.demo) {
    const { startSimulator } = await import('./simulator/server.js');
    sim = await startSimulator({ host: '127.0.0.1', port: 0 });
  }
  let config;
  try {
    config = completeConfig(settings, process.env, sim?.baseUrl);
  } catch (err) {
    await sim?.close();
    throw err;
  }
  if (sim) {
    process.stderr.write(
      `actitime-mcp: ${process.env.ACTITIME_URL?.trim() ? '--demo given' : 'no ACTITIME_URL configured'} — ` +
        `serving the embedded demo actiTIME at ${sim.baseUrl} as ${settings.demoUser}\n`,
    );
  }
  logger.info(`actitime-mcp ${VERSION}: ${describe(config)}`);

  const client = new ActitimeClient(config.client, { logger });
  const onShutdown = async (): Promise<void> => {
    await client.close();
    await sim?.close();
  };
  if (http) {
    // Every session gets its own McpServer; all share this client and its rate budget.
    const ctx = { client, config, logger };
    try {
      const { httpOptionsFromEnv, serveHttp } = await import('./transports/http.js');
      await serveHttp(() => ctx, { logger, ...httpOptionsFromEnv(process.env), ...http, onShutdown });
    } catch (err) {
      await onShutdown();
      throw err;
    }
    return;
  }
  const server = buildServer({ client, config, logger });
  await serveStdio(server, { logger, onShutdown });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) fail(`${err.message}; see actitime-mcp --help`, 2);
  if (err instanceof ConfigError) fail(`configuration error: ${err.message}`, 1);
  fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`, 1);
});
