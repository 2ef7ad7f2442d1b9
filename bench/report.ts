/**
 * Bench rows, the table printed on stderr and the JSON saved to bench/results.json. Every row holds our figure
 * and a baseline measured in the same run; a target from issue 12 is shown beside it as met or missed and never
 * fails the run.
 */
import { cpus, totalmem } from 'node:os';

export interface Target {
  /** The goal in words, e.g. "round trips ≤ 2". */
  text: string;
  met: boolean;
}

/** Wall time, HTTP requests and round trips on the critical path of one job. */
export interface Figures {
  wallMs: number;
  requests: number;
  roundTrips: number;
  /** Requests counted against the rate limit (each batch operation once, the batch itself not). */
  counted: number;
}

/** A tool call through the MCP SDK client against the minimum: hand-written raw HTTP doing the same job. */
export interface ToolRow {
  kind: 'tool';
  name: string;
  /** The measured call in a warm session (the same call made once before). */
  ours: Figures;
  /** The session's first call (sign-in and settings included). */
  cold: Figures;
  minimum: Figures;
  targets: Target[];
}

/** One figure against its baseline. */
export interface ScalarRow {
  kind: 'scalar';
  section: string;
  name: string;
  ours: number;
  baseline: number;
  unit: string;
  /** Which way is better; the ratio is ours / baseline either way. */
  better: 'higher' | 'lower';
  targets: Target[];
}

export type Row = ToolRow | ScalarRow;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
}

export interface BenchResults {
  machine: Machine;
  latencyMs: number;
  /** Wall time of the whole run. */
  durationS: number;
  rows: Row[];
}

export function machine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().slice(0, 10),
  };
}

export function ratio(ours: number, baseline: number): number {
  return baseline === 0 ? (ours === 0 ? 1 : Infinity) : ours / baseline;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '∞';
}

function fmtNumber(n: number): string {
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function fmtTargets(targets: readonly Target[]): string {
  return targets.map((t) => `${t.text}: ${t.met ? 'met' : 'MISSED'}`).join('; ');
}

/** Figures as `ours / min (ratio)`. */
function pair(ours: number, min: number, digits = 0): string {
  return `${ours.toFixed(digits)} / ${min.toFixed(digits)} (${fmtRatio(ratio(ours, min))})`;
}

export function toolCells(r: ToolRow): string[] {
  return [
    r.name,
    pair(r.ours.wallMs, r.minimum.wallMs),
    pair(r.ours.requests, r.minimum.requests),
    pair(r.ours.roundTrips, r.minimum.roundTrips),
    `${r.cold.requests} req, ${r.cold.roundTrips} RT, ${r.cold.wallMs.toFixed(0)} ms`,
    fmtTargets(r.targets),
  ];
}

export function scalarCells(r: ScalarRow): string[] {
  return [
    r.name,
    `${fmtNumber(r.ours)} ${r.unit}`,
    `${fmtNumber(r.baseline)} ${r.unit}`,
    `${fmtRatio(ratio(r.ours, r.baseline))} (${r.better} is better)`,
    fmtTargets(r.targets),
  ];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export const TOOL_HEADER = [
  'tool call (warm session)',
  'wall ms ours / min',
  'requests ours / min',
  'round trips ours / min',
  'first call in session',
  'targets',
];
export const SCALAR_HEADER = ['benchmark', 'ours', 'baseline', 'ours / baseline', 'targets'];

export function printTable(results: BenchResults): string {
  const m = results.machine;
  const out = [
    `actitime-mcp bench — ${m.date}, ${m.cpu} × ${m.cores}, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}`,
  ];
  const tools = results.rows.filter((r): r is ToolRow => r.kind === 'tool');
  if (tools.length > 0)
    out.push(
      '',
      `Tool calls via the MCP SDK client, simulator at ${results.latencyMs} ms latency, actiTIME's default ` +
        'limits; min = hand-written raw undici requests for the same job, same run (medians):',
      table(TOOL_HEADER, tools.map(toolCells)),
    );
  const sections = [
    ...new Set(results.rows.filter((r): r is ScalarRow => r.kind === 'scalar').map((r) => r.section)),
  ];
  for (const section of sections) {
    out.push(
      '',
      `${section}:`,
      table(
        SCALAR_HEADER,
        results.rows
          .filter((r): r is ScalarRow => r.kind === 'scalar' && r.section === section)
          .map(scalarCells),
      ),
    );
  }
  out.push('', `(${results.durationS.toFixed(0)} s)`);
  return out.join('\n');
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
