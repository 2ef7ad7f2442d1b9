/**
 * Start-up and memory of the built server (`node dist/cli.js`, stdio, ACTITIME_URL set) against a bare SDK
 * stdio server (bench/bare-server.ts): spawn → initialize answered, spawns interleaved, medians; RSS once
 * initialized (idle) and after the largest result (get_time_entries for a month of the team seed, 1000 rows,
 * against a bare `blob` of as many characters).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import type { SimulatorHandle } from '../src/simulator/server.js';
import { childEnv, CLI, REPO_ROOT } from '../test/helpers/mcp.js';
import { bareServerArgs } from './bare-server.js';
import { median, ratio, type ScalarRow } from './report.js';

const SECTION = 'Start-up and memory (node dist/cli.js vs a bare SDK 1.32 stdio server, medians)';

interface Spawn {
  startupMs: number;
  idleRssMb: number;
  afterResultRssMb: number;
  resultChars: number;
}

/** Resident set size of a process in MB (Linux /proc, else ps). */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

async function spawnOnce(
  args: string[],
  env: Record<string, string>,
  largest: (client: Client) => Promise<number>,
): Promise<Spawn> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env,
    cwd: REPO_ROOT,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'actitime-mcp-bench', version: '0.0.0' });
  await client.connect(transport);
  const startupMs = performance.now() - t0;
  const pid = transport.pid;
  if (pid === null) throw new Error('no child pid');
  // Idle: once the start-up work has settled.
  await sleep(300);
  const idleRssMb = rssMb(pid);
  const resultChars = await largest(client);
  const afterResultRssMb = rssMb(pid);
  await client.close();
  return { startupMs, idleRssMb, afterResultRssMb, resultChars };
}

function textLength(result: unknown): number {
  const content = (result as { content?: Array<{ text?: string }> }).content ?? [];
  return content.reduce((n, c) => n + (c.text?.length ?? 0), 0);
}

export async function startupRows(sim: SimulatorHandle, pairs: number): Promise<ScalarRow[]> {
  const state = mkdtempSync(join(tmpdir(), 'actitime-bench-'));
  const env = childEnv({
    ACTITIME_URL: sim.baseUrl,
    ACTITIME_USERNAME: 'admin',
    ACTITIME_PASSWORD: 'manager',
    ACTITIME_LOG_LEVEL: 'warn',
    XDG_STATE_HOME: state,
  });
  const ours: Spawn[] = [];
  const bare: Spawn[] = [];
  let chars = 0;
  try {
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so a warming disk cache or a busy moment favours neither.
      const runOurs = async () => {
        sim.reset();
        const s = await spawnOnce([CLI], env, async (client) => {
          const res = await client.callTool({
            name: 'get_time_entries',
            arguments: { period: '2026-09-01..2026-09-30', limit: 1000 },
          });
          if (res.isError) throw new Error(`get_time_entries failed: ${JSON.stringify(res.content)}`);
          return textLength(res);
        });
        chars = s.resultChars;
        ours.push(s);
      };
      const runBare = async () => {
        bare.push(
          await spawnOnce(bareServerArgs(), childEnv(), async (client) =>
            textLength(await client.callTool({ name: 'blob', arguments: { chars: chars || 80_000 } })),
          ),
        );
      };
      if (i % 2 === 0) {
        await runOurs();
        await runBare();
      } else {
        await runBare();
        await runOurs();
      }
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
  const m = (list: Spawn[], key: keyof Spawn) => median(list.map((s) => s[key]));
  const startup = { ours: m(ours, 'startupMs'), bare: m(bare, 'startupMs') };
  const idle = { ours: m(ours, 'idleRssMb'), bare: m(bare, 'idleRssMb') };
  const after = { ours: m(ours, 'afterResultRssMb'), bare: m(bare, 'afterResultRssMb') };
  return [
    {
      kind: 'scalar',
      section: SECTION,
      name: `start-up: spawn → initialize answered (${pairs} spawns each, interleaved)`,
      ours: startup.ours,
      baseline: startup.bare,
      unit: 'ms',
      better: 'lower',
      targets: [{ text: '≤ 1.25× bare', met: ratio(startup.ours, startup.bare) <= 1.25 }],
    },
    {
      kind: 'scalar',
      section: SECTION,
      name: 'RSS idle (initialized, 300 ms later)',
      ours: idle.ours,
      baseline: idle.bare,
      unit: 'MB',
      better: 'lower',
      targets: [{ text: '≤ 1.15× bare', met: ratio(idle.ours, idle.bare) <= 1.15 }],
    },
    {
      kind: 'scalar',
      section: SECTION,
      name: `RSS after the largest result (get_time_entries, a month: ${chars} characters; bare: as many)`,
      ours: after.ours,
      baseline: after.bare,
      unit: 'MB',
      better: 'lower',
      targets: [],
    },
  ];
}
