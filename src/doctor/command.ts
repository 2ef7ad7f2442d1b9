/**
 * `actitime-mcp doctor [--json] [--write-probe TASK --date YYYY-MM-DD] [--demo] [--demo-user U]
 * [--demo-quirks a,b|all] [--toolsets LIST]`: the compatibility report for the configured actiTIME, or for the
 * embedded demo when no ACTITIME_URL is set (as `serve` does). The caller prints the text; the exit code is 0
 * when no check failed.
 */
import { parseArgs } from 'node:util';

import { ActitimeClient } from '../actitime/client.js';
import { completeConfig, hasActitimeUrl, parseSettings, type CliFlags, type Env } from '../config.js';
import { isCalendarDate } from '../domain/period.js';
import { logger } from '../logger.js';
import { parseQuirks } from '../simulator/quirks.js';
import type { SimulatorHandle } from '../simulator/server.js';
import { formatReport } from './report.js';
import { runDoctor } from './run.js';
import { DoctorUsageError } from './usage.js';

export { DOCTOR_USAGE, DoctorUsageError } from './usage.js';

const OPTIONS = {
  json: { type: 'boolean' },
  'write-probe': { type: 'string' },
  date: { type: 'string' },
  demo: { type: 'boolean' },
  'demo-user': { type: 'string' },
  'demo-quirks': { type: 'string' },
  toolsets: { type: 'string' },
} as const;

export interface DoctorOutput {
  /** For stdout: the report, as text or JSON. */
  stdout: string;
  /** For stderr, e.g. that the embedded demo was probed. */
  stderr: string;
  exitCode: number;
}

export async function runDoctorCommand(argv: readonly string[], env: Env): Promise<DoctorOutput> {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true }).values;
  } catch (err) {
    throw new DoctorUsageError((err as Error).message.split('\n')[0]);
  }
  const writeProbe = values['write-probe'];
  if ((writeProbe === undefined) !== (values.date === undefined)) {
    throw new DoctorUsageError('--write-probe TASK and --date YYYY-MM-DD go together');
  }
  if (values.date !== undefined && !isCalendarDate(values.date)) {
    throw new DoctorUsageError(`--date must be a real YYYY-MM-DD date, got ${values.date}`);
  }
  const flags: CliFlags = {
    ...(values.demo ? { demo: true } : {}),
    ...(values['demo-user'] === undefined ? {} : { demoUser: values['demo-user'] }),
    ...(values.toolsets === undefined ? {} : { toolsets: values.toolsets }),
  };
  const settings = parseSettings(env, flags);
  if (values['demo-quirks'] !== undefined && !settings.demo) {
    throw new DoctorUsageError(
      '--demo-quirks applies to the embedded demo only (no ACTITIME_URL, or --demo)',
    );
  }
  let quirks;
  try {
    quirks = parseQuirks(values['demo-quirks'] ?? '');
  } catch (err) {
    throw new DoctorUsageError(`--demo-quirks: ${(err as Error).message}`);
  }
  logger.level = settings.logLevel === 'info' ? 'warn' : settings.logLevel;

  let sim: SimulatorHandle | undefined;
  if (settings.demo) {
    // Loaded only for the demo: probing a real actiTIME needs no simulator.
    const { startSimulator } = await import('../simulator/server.js');
    sim = await startSimulator({ host: '127.0.0.1', port: 0, quirks });
  }
  let client: ActitimeClient | undefined;
  try {
    const config = completeConfig(settings, env, sim?.baseUrl);
    client = new ActitimeClient(config.client, { logger });
    const report = await runDoctor(client, {
      toolsets: settings.toolsets,
      demo: settings.demo,
      ...(writeProbe === undefined ? {} : { writeProbe: { task: writeProbe, date: values.date! } }),
    });
    const stderr = sim
      ? `actitime-mcp doctor: ${hasActitimeUrl(env) ? '--demo given' : 'no ACTITIME_URL configured'} — ` +
        `probing the embedded demo actiTIME as ${settings.demoUser}` +
        `${quirks.length > 0 ? ` with quirks ${quirks.join(', ')}` : ''}\n`
      : '';
    return {
      stdout: values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report),
      stderr,
      exitCode: report.exitCode,
    };
  } finally {
    await client?.close();
    await sim?.close();
  }
}
