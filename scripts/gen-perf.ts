/**
 * Writes the README's Performance section from the bench output (bench/results.json, written by
 * `npm run bench`), between `<!-- perf:start -->` and `<!-- perf:end -->`: the machine, the date, and every row
 * as a ratio against its same-run baseline, with issue 12's targets met or missed.
 *
 *   npm run gen:perf              regenerate from bench/results.json (or --from FILE)
 *   tsx scripts/gen-perf.ts --check   only the markers and the section's shape; never a fresh bench run, whose
 *                                     figures differ from machine to machine and run to run
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as prettier from 'prettier';

import {
  fmtRatio,
  fmtTargets,
  ratio,
  type BenchResults,
  type ScalarRow,
  toolCells,
  type ToolRow,
} from '../bench/report.js';

export const PERF_START = '<!-- perf:start -->';
export const PERF_END = '<!-- perf:end -->';
export const PERF_NOTE =
  '<!-- Generated from bench/results.json by `npm run gen:perf` after `npm run bench`; do not edit by hand. -->';
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const RESULTS = fileURLToPath(new URL('../bench/results.json', import.meta.url));

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function table(header: string[], rows: string[][]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

function num(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function generatePerfSection(results: BenchResults): string {
  const m = results.machine;
  const out = [
    PERF_START,
    '',
    PERF_NOTE,
    '',
    `Measured ${m.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGb} GB), Node ${m.node}, ${m.platform}, by ` +
      '`npm run bench`. Every figure stands beside a baseline measured in the same run; the ratios travel ' +
      'between machines better than the milliseconds. Targets are those of issue 12.',
    '',
  ];
  const tools = results.rows.filter((r): r is ToolRow => r.kind === 'tool');
  if (tools.length > 0) {
    out.push(
      `**Tool calls** through the official MCP SDK client against the simulator at ${results.latencyMs} ms ` +
        "simulated latency and actiTIME's default limits (100/s), a warm session, medians. _min_ is a " +
        'hand-written sequence of raw undici requests doing the same job; round trips are the longest chain ' +
        'of requests each sent after the previous answer, from the simulator’s request log.',
      '',
      ...table(
        ['Tool call', 'Wall ms: ours / min', 'Requests', 'Round trips', 'First call in session', 'Targets'],
        tools.map(toolCells),
      ),
      '',
    );
  }
  const scalars = results.rows.filter((r): r is ScalarRow => r.kind === 'scalar');
  for (const section of [...new Set(scalars.map((r) => r.section))]) {
    out.push(
      `**${section}**`,
      '',
      ...table(
        ['Benchmark', 'Ours', 'Baseline', 'Ours / baseline', 'Targets'],
        scalars
          .filter((r) => r.section === section)
          .map((r) => [
            r.name,
            `${num(r.ours)} ${r.unit}`,
            `${num(r.baseline)} ${r.unit}`,
            `${fmtRatio(ratio(r.ours, r.baseline))} (${r.better} is better)`,
            fmtTargets(r.targets),
          ]),
      ),
      '',
    );
  }
  out.push(PERF_END);
  return out.join('\n');
}

function markers(readme: string): { start: number; end: number } {
  const start = readme.indexOf(PERF_START);
  const end = readme.indexOf(PERF_END);
  if (start < 0 || end < start || readme.indexOf(PERF_START, start + 1) >= 0)
    throw new Error(`README.md needs one ${PERF_START} … ${PERF_END} pair`);
  return { start, end };
}

/** The README with its Performance section replaced, formatted as Prettier would. */
export async function renderPerf(readme: string, results: BenchResults): Promise<string> {
  const { start, end } = markers(readme);
  const next = readme.slice(0, start) + generatePerfSection(results) + readme.slice(end + PERF_END.length);
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(next, { ...options, parser: 'markdown', filepath: README });
}

/** What --check verifies: the markers, the generated note, at least one table. Never the figures. */
export function checkPerfShape(readme: string): string | undefined {
  let section: string;
  try {
    const { start, end } = markers(readme);
    section = readme.slice(start, end);
  } catch (err) {
    return (err as Error).message;
  }
  if (!section.includes(PERF_NOTE)) return 'README.md Performance section lacks its generated note';
  if (!/^\| .+ \|$/m.test(section)) return 'README.md Performance section holds no table';
  return undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, from: { type: 'string' } } });
  const current = readFileSync(README, 'utf8');
  if (values.check) {
    const problem = checkPerfShape(current);
    if (problem) {
      process.stderr.write(`${problem}; run \`npm run bench\` and \`npm run gen:perf\`\n`);
      process.exit(1);
    }
    return;
  }
  const results = JSON.parse(readFileSync(values.from ?? RESULTS, 'utf8')) as BenchResults;
  const next = await renderPerf(current, results);
  if (next !== current) writeFileSync(README, next);
  process.stderr.write(
    `README.md: Performance section from ${results.rows.length} rows (${results.machine.date})\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`gen-perf: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
