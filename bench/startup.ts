/**
 * Start-up and idle memory of the built CLI against a bare SDK stdio server (bench/bare-server.js), spawned
 * interleaved so a busy machine slows both alike. Run with `npx tsx bench/startup.ts [--runs N] [--json FILE]`;
 * it builds dist/ first.
 *
 * - start-up: spawn → the initialize response on stdout (medians, and our median ÷ the bare one);
 * - spawn → the first tools/list answered (sent right after initialize, as clients do);
 * - RSS right after initialize, and idle a second after tools/list (VmRSS from /proc, Linux only; elsewhere
 *   the RSS rows are skipped).
 *
 * The CLI talks to a simulator started here on 127.0.0.1 (real-server mode, as a user runs it), so the figure
 * excludes the demo simulator's own start.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startSimulator } from '../src/simulator/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_CLI = join(ROOT, 'dist', 'cli.js');
const BARE = join(ROOT, 'bench', 'bare-server.js');

interface Sample {
  startupMs: number;
  /** Spawn → the first tools/list answered (sent right after initialize, as clients do). */
  listedMs: number;
  rssInitMb?: number;
  rssIdleMb?: number;
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench-startup', version: '0' },
  },
});

function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

async function once(script: string, env: NodeJS.ProcessEnv, idleMs: number): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const answers = new Map<number, (at: number) => void>();
  const failed = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${stderr}`))),
  );
  failed.catch(() => undefined);
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now();
    buffer += chunk.toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, nl)) as { id?: number; result?: unknown };
      buffer = buffer.slice(nl + 1);
      if (typeof message.id === 'number' && message.result !== undefined) answers.get(message.id)?.(at);
    }
  });
  const answered = (id: number): Promise<number> =>
    Promise.race([new Promise<number>((resolve) => answers.set(id, resolve)), failed]);

  const initialized = answered(1);
  child.stdin.write(INITIALIZE + '\n');
  const startupMs = (await initialized) - started;
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  const rssInitMb = rssMb(child.pid!);
  const listed = answered(2);
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) + '\n');
  const listedMs = (await listed) - started;
  await sleep(idleMs);
  const rssIdleMb = rssMb(child.pid!);
  child.stdin.end();
  await exited;
  return {
    startupMs,
    listedMs,
    ...(rssInitMb === undefined ? {} : { rssInitMb }),
    ...(rssIdleMb === undefined ? {} : { rssIdleMb }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      idle: { type: 'string', default: '1000' },
      json: { type: 'string' },
      'no-build': { type: 'boolean' },
      /** Another build of the CLI to compare, e.g. an experiment; dist/cli.js by default. */
      cli: { type: 'string' },
    },
  });
  const CLI = values.cli ?? DEFAULT_CLI;
  const runs = Math.max(1, Number(values.runs));
  const idleMs = Math.max(0, Number(values.idle));
  if (!values['no-build']) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });

  const sim = await startSimulator({ host: '127.0.0.1', port: 0 });
  const state = mkdtempSync(join(tmpdir(), 'actitime-startup-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: state,
    XDG_STATE_HOME: state,
    ACTITIME_URL: sim.baseUrl,
    ACTITIME_USERNAME: 'admin',
    ACTITIME_PASSWORD: 'manager',
    ACTITIME_LOG_LEVEL: 'warn',
  };
  const ours: Sample[] = [];
  const bare: Sample[] = [];
  try {
    // One warm-up each (disk cache), then interleaved, alternating which goes first.
    await once(CLI, env, 0);
    await once(BARE, env, 0);
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        ours.push(await once(CLI, env, idleMs));
        bare.push(await once(BARE, env, idleMs));
      } else {
        bare.push(await once(BARE, env, idleMs));
        ours.push(await once(CLI, env, idleMs));
      }
    }
  } finally {
    await sim.close();
    rmSync(state, { recursive: true, force: true });
  }

  const rows: { name: string; ours: number; bare: number; unit: string }[] = [
    {
      name: 'start-up (spawn → initialize answered)',
      ours: median(ours.map((s) => s.startupMs)),
      bare: median(bare.map((s) => s.startupMs)),
      unit: 'ms',
    },
    {
      name: 'spawn → tools/list answered',
      ours: median(ours.map((s) => s.listedMs)),
      bare: median(bare.map((s) => s.listedMs)),
      unit: 'ms',
    },
  ];
  for (const [key, name] of [
    ['rssInitMb', 'RSS after initialize'],
    ['rssIdleMb', `RSS idle (${idleMs} ms after tools/list)`],
  ] as const) {
    const o = ours.flatMap((s) => (s[key] === undefined ? [] : [s[key]]));
    const b = bare.flatMap((s) => (s[key] === undefined ? [] : [s[key]]));
    if (o.length && b.length) rows.push({ name, ours: median(o), bare: median(b), unit: 'MB' });
  }
  process.stdout.write(`start-up bench: ${runs} interleaved spawns each, node ${process.version}\n`);
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(40)} ours ${r.ours.toFixed(1).padStart(7)} ${r.unit}   bare ${r.bare
        .toFixed(1)
        .padStart(7)} ${r.unit}   ratio ${(r.ours / r.bare).toFixed(2)}×\n`,
    );
  }
  if (values.json) {
    writeFileSync(
      values.json,
      JSON.stringify({ runs, node: process.version, rows, ours, bare }, null, 2) + '\n',
    );
  }
}

await main();
