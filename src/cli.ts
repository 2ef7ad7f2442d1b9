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
import {
  completeConfig,
  describe,
  hasActitimeUrl,
  httpSettingsFromEnv,
  parseSettings,
  teamSettingsFromEnv,
  VERSION,
  type CliFlags,
} from './config.js';
import { helpText } from './help.js';
import { logger, redact } from './logger.js';
import { logLevelFromEnv, parseArgsOptions } from './settings-schema.js';
import { buildServer } from './server.js';
import type { SimulatorHandle } from './simulator/server.js';
import { annotationsOf, strictInput } from './tools/define.js';
import { listedSchema } from './tools/list-schema.js';
import { ALL_TOOLS, selectTools } from './tools/registry.js';
import { serveStdio } from './transports/stdio.js';
import type { HttpServerOptions } from './transports/http/options.js';

/** For a person who started the server by hand (stdin is a terminal): what it is waiting for. */
const PERSON_GUIDE = `actitime-mcp: this is an MCP server; it now waits for MCP protocol (JSON-RPC) on stdin, so typing here
  does nothing useful. Let an MCP client start it instead, e.g. in its configuration:
    { "command": "node", "args": ["${process.argv[1] ?? '/path/to/actitime-mcp/dist/cli.js'}"] }
  add "env": { "ACTITIME_URL": …, "ACTITIME_USERNAME": …, "ACTITIME_PASSWORD": … } for your actiTIME.
  Try it by hand: actitime-mcp tools (the tool list), actitime-mcp doctor (checks your actiTIME),
  actitime-mcp --help (every setting). Ctrl-D or Ctrl-C ends it.
`;

const SERVE_OPTIONS = parseArgsOptions();

class UsageError extends Error {}

/** One line on stderr; nothing on stdout. */
function fail(message: string, code: number): never {
  process.stderr.write(`actitime-mcp: ${redact(message)}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  logger.level = logLevelFromEnv(process.env);
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
    process.stdout.write(helpText(VERSION));
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
    (values.port !== undefined ||
      values.host !== undefined ||
      values['allow-remote'] ||
      values.stateless ||
      values.auth !== undefined)
  ) {
    throw new UsageError('--port, --host, --allow-remote, --stateless and --auth need --http');
  }
  const auth = values.auth ?? 'token';
  if (auth !== 'token' && auth !== 'actitime') {
    throw new UsageError('--auth must be token (one shared bearer token) or actitime (each person signs in)');
  }
  const http: Partial<HttpServerOptions> | undefined = values.http
    ? {
        ...(values.port === undefined ? {} : { port: parsePort(values.port) }),
        ...(values.host === undefined ? {} : { host: values.host }),
        ...(values['allow-remote'] ? { allowRemote: true } : {}),
        ...(values.stateless ? { stateless: true } : {}),
      }
    : undefined;
  return serve(flags, http && { ...http, perPerson: auth === 'actitime' });
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

/** The placeholder account of `--auth actitime`, whose server never acts as anyone of its own. */
const EACH_PERSON = { ACTITIME_USERNAME: '(each person)', ACTITIME_PASSWORD: '(their own)' };

async function serve(
  flags: CliFlags,
  http?: Partial<HttpServerOptions> & { perPerson: boolean },
): Promise<void> {
  const settings = parseSettings(process.env, flags);
  logger.level = settings.logLevel;
  selectTools(settings); // unknown names in the allow/deny lists fail here, before anything starts

  let sim: SimulatorHandle | undefined;
  if (settings.demo) {
    const { startSimulator } = await import('./simulator/server.js');
    sim = await startSimulator({ host: '127.0.0.1', port: 0 });
  }
  let config;
  let team;
  try {
    const env = http?.perPerson && !settings.demo ? { ...process.env, ...EACH_PERSON } : process.env;
    config = completeConfig(settings, env, sim?.baseUrl);
    team = http ? teamSettingsFromEnv(process.env) : undefined;
  } catch (err) {
    await sim?.close();
    throw err;
  }
  if (sim) {
    process.stderr.write(
      `actitime-mcp: ${hasActitimeUrl(process.env) ? '--demo given' : 'no ACTITIME_URL configured'} — ` +
        `serving the embedded demo actiTIME at ${sim.baseUrl} as ${settings.demoUser}\n`,
    );
  }
  if (http && team) {
    const { perPerson, ...httpOptions } = http;
    logger.info(
      `actitime-mcp ${VERSION}: ` +
        (perPerson ? `each person signs in as themselves at ${config.client.url.origin}` : describe(config)) +
        (team.redisUrl ? `; budgets shared through Redis by up to ${team.replicas} replicas` : ''),
    );
    // Every session gets its own McpServer; the team holds the clients (one shared, or one per person).
    const { openTeam } = await import('./team/team.js');
    const opened = openTeam({ config, logger, ...team, perPerson });
    const onShutdown = async (): Promise<void> => {
      await opened.close();
      await sim?.close();
    };
    try {
      const { serveHttp } = await import('./transports/http/server.js');
      await serveHttp((principal) => opened.context(principal), {
        logger,
        ...httpSettingsFromEnv(process.env),
        ...httpOptions,
        ...(opened.authenticate ? { authenticate: opened.authenticate } : {}),
        onShutdown,
      });
    } catch (err) {
      await onShutdown();
      throw err;
    }
    return;
  }
  logger.info(`actitime-mcp ${VERSION}: ${describe(config)}`);
  const client = new ActitimeClient(config.client, { logger });
  const onShutdown = async (): Promise<void> => {
    await client.close();
    await sim?.close();
  };
  const server = buildServer({ client, config, logger });
  if (process.stdin.isTTY) process.stderr.write(PERSON_GUIDE);
  await serveStdio(server, { logger, onShutdown });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) fail(`${err.message}; see actitime-mcp --help`, 2);
  if (err instanceof ConfigError) fail(`configuration error: ${err.message}`, 1);
  fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`, 1);
});
