/**
 * `actitime-mcp simulator [--port N] [--host 127.0.0.1] [--today YYYY-MM-DD] [--seed demo|empty|team:N]
 * [--quirks a,b|all] [--latency MS] [--jitter MS]`: the seeded simulator as a standalone process. Everything it says goes to stderr; stdout
 * stays empty. It runs until SIGINT or SIGTERM, then closes and exits 0. A bad flag prints one line and exits 2.
 */
import { parseQuirks, QUIRK_SUMMARY, QUIRKS } from './quirks.js';
import { teamSize } from './seed-team.js';
import { isCalendarDate, startSimulator } from './server.js';
import type { SimulatorOptions } from './types.js';

const USAGE =
  'usage: actitime-mcp simulator [--port N] [--host 127.0.0.1|::1|localhost] [--today YYYY-MM-DD] [--seed demo|empty|team:N] [--quirks a,b|all] [--latency MS] [--jitter MS]';

const HELP = [
  USAGE,
  '',
  '--seed team:N adds a team lead (teamlead/teamlead) with N users (team001…, password = username) and weeks of time.',
  '--latency MS delays every answer by MS (± --jitter MS) to model a real round trip; requests still count on arrival.',
  '',
  'Quirks (--quirks, comma-separated, or all): model a real server that differs from the default',
  ...QUIRKS.map((q) => `  ${q.padEnd(22)} ${QUIRK_SUMMARY[q]}`),
  'With several side-* quirks on, side-html wins over side-404, and side-404 over side-403.',
].join('\n');

class UsageError extends Error {}

/** Options from the arguments after `simulator` (a leading `simulator` word is skipped too). */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorOptions & { help?: boolean } {
  const args = argv[0] === 'simulator' ? argv.slice(1) : [...argv];
  const options: SimulatorOptions & { help?: boolean } = { host: '127.0.0.1', port: 0 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      options.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (!['--port', '--host', '--today', '--seed', '--quirks', '--latency', '--jitter'].includes(name))
      throw new UsageError(`unknown option ${arg}`);
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    switch (name) {
      case '--port': {
        const port = Number(value);
        if (!/^\d+$/.test(value) || port > 65_535)
          throw new UsageError(`--port must be 0…65535, got ${value}`);
        options.port = port;
        break;
      }
      case '--host':
        if (!['127.0.0.1', '::1', 'localhost'].includes(value.toLowerCase())) {
          throw new UsageError(`--host must be a loopback address (127.0.0.1, ::1, localhost), got ${value}`);
        }
        options.host = value;
        break;
      case '--today':
        if (!isCalendarDate(value))
          throw new UsageError(`--today must be a real YYYY-MM-DD date, got ${value}`);
        options.today = value;
        break;
      case '--seed': {
        let team: number | undefined;
        try {
          team = teamSize(value);
        } catch (err) {
          throw new UsageError(`--seed: ${(err as Error).message.replace(/^simulator: /, '')}`);
        }
        if (team !== undefined) options.seed = `team:${team}`;
        else if (value === 'demo' || value === 'empty') options.seed = value;
        else throw new UsageError(`--seed must be demo, empty or team:N, got ${value}`);
        break;
      }
      case '--latency':
      case '--jitter': {
        const ms = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(ms))
          throw new UsageError(`${name} must be a number of milliseconds ≥ 0, got ${value}`);
        if (name === '--latency') options.latencyMs = ms;
        else options.jitterMs = ms;
        break;
      }
      case '--quirks':
        try {
          options.quirks = parseQuirks(value);
        } catch (err) {
          throw new UsageError(`--quirks: ${(err as Error).message}`);
        }
        break;
    }
  }
  return options;
}

export async function runSimulatorCommand(argv: string[]): Promise<void> {
  let options: ReturnType<typeof parseSimulatorArgs>;
  try {
    options = parseSimulatorArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`actitime-mcp simulator: ${err.message}; ${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stderr.write(`${HELP}\n`);
    process.exit(0);
  }
  delete options.help;

  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    process.stderr.write(
      `actitime-mcp simulator: cannot start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  }
  const quirks = sim.quirks.size > 0 ? ` (quirks: ${[...sim.quirks].join(',')})` : '';
  const { latencyMs, jitterMs } = sim.latency;
  const latency =
    latencyMs > 0 || jitterMs > 0 ? ` (latency ${latencyMs} ms${jitterMs > 0 ? ` ± ${jitterMs}` : ''})` : '';
  process.stderr.write(`actiTIME simulator: ${sim.baseUrl}${quirks}${latency}\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal during shutdown ends the process at once.
  process.once(signal, () => process.exit(0));
  await sim.close();
  process.exit(0);
}
