/**
 * `npm run bench`: every row a ratio against a baseline measured in the same run (issue 12), printed as a table
 * on stderr and saved as bench/results.json, from which `npm run gen:perf` writes the README's Performance
 * section. Targets are shown as met or missed; a miss never fails the run.
 *
 *   npm run bench                      everything (about 3 minutes; builds dist/ first when stale)
 *   npm run bench -- --quick           one repetition, fewer spawns and samples
 *   npm run bench -- --only tools      sections: tools, overhead, startup, client (comma-separated)
 *   npm run bench -- --out FILE        save the JSON elsewhere (default bench/results.json)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startSimulator } from '../src/simulator/server.js';
import { ensureBuilt } from '../test/helpers/mcp.js';
import { noonClock, TODAY } from '../test/simulator/demo-calendar.js';
import { clientRows } from './client.js';
import { overheadRows } from './overhead.js';
import { machine, printTable, type BenchResults, type Row } from './report.js';
import { startupRows } from './startup.js';
import { toolRows } from './tools.js';

export const LATENCY_MS = 100;
export const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const SECTIONS = ['tools', 'overhead', 'startup', 'client'] as const;

function progress(line: string): void {
  process.stderr.write(`  … ${line}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' } },
  });
  const quick = values.quick === true;
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS];
  for (const s of only)
    if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section ${s}`);
  const t0 = performance.now();
  const rows: Row[] = [];
  const now = noonClock(TODAY);

  if (only.includes('tools')) {
    progress(`tool calls at ${LATENCY_MS} ms latency`);
    const sim = await startSimulator({ seed: 'team:50', today: TODAY, now, latencyMs: LATENCY_MS });
    try {
      rows.push(
        ...(await toolRows(sim, {
          repetitions: quick ? 1 : 3,
          now,
          onRow: (r) => progress(`${r.name}: ${r.ours.wallMs.toFixed(0)} ms`),
        })),
      );
    } finally {
      await sim.close();
    }
  }
  if (only.includes('overhead')) {
    progress('per-request overhead on loopback');
    const sim = await startSimulator({ today: TODAY, now, limits: { perSecond: 1e6, perMinute: 1e7 } });
    try {
      rows.push(...(await overheadRows(sim, quick ? 100 : 400)));
    } finally {
      await sim.close();
    }
  }
  if (only.includes('startup')) {
    progress('building dist/ if stale, then start-up and memory');
    ensureBuilt();
    const sim = await startSimulator({ seed: 'team:50', today: TODAY, now });
    try {
      rows.push(...(await startupRows(sim, quick ? 3 : 9)));
    } finally {
      await sim.close();
    }
  }
  if (only.includes('client')) {
    progress('client throughput and REL-TH-06');
    rows.push(...(await clientRows()));
  }

  const results: BenchResults = {
    machine: machine(),
    latencyMs: LATENCY_MS,
    durationS: (performance.now() - t0) / 1000,
    rows,
  };
  process.stderr.write(`\n${printTable(results)}\n`);
  const out = values.out ?? RESULTS;
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`saved ${out}\n`);
}

await main();
