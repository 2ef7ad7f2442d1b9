/**
 * The scenario runner: each scenario is one everyday request a user makes of an assistant, played as the call
 * sequence an assistant would choose from what tools/list, the resources and the prompts say. Every scenario
 * gets a fresh seeded simulator (real loopback HTTP) pinned to noon UTC of TODAY, and an official SDK Client
 * linked to a server configured as the user would configure it (default toolsets and ACTITIME_CONFIRM unless
 * the scenario says otherwise, a journal file of its own).
 *
 * The runner counts what the assistant spent: calls (tools/call, resources/read, prompts/get) and the
 * characters it had to read back (text content plus the structuredContent JSON; resource and prompt text).
 * After the last scenario it prints the table to stderr and checks that the totals are the sum of what was
 * counted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, it } from 'vitest';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';

import { ALL_TOOLS } from '../../src/tools/registry.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

/** The simulated "today": a Wednesday; the seed's eight weeks of history reach back into 2026-Q3. */
export const TODAY = '2026-11-04';
/** The instant both the simulator and the server read as "now" when a scenario starts (noon UTC). */
export const NOON = `${TODAY}T12:00:00Z`;

export type Json = Record<string, unknown>;

/** What one call gave back to the assistant. */
export interface Reply {
  isError: boolean;
  /** structuredContent, or the parsed JSON text (errors carry `{error}`). */
  data: Json;
  text: string;
}

export interface ScenarioSpec {
  /** Two digits: "01". */
  n: string;
  /** Who asks: "employee", "manager", "admin". */
  role: string;
  /** The user's words. */
  words: string;
  /** Seeded username the server signs in as. */
  user: string;
  /** The most calls an assistant should need. */
  maxCalls: number;
  /** Server environment beyond the defaults (ACTITIME_TOOLSETS, ACTITIME_READ_ONLY, ACTITIME_CONFIRM…). */
  env?: Record<string, string>;
  /** Declare the elicitation capability and answer the server's questions with this (the user's answer). */
  elicit?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>;
}

export interface Session {
  sim: SimulatorHandle;
  c: Connected;
  /** The names tools/list offered at connection. */
  listed: ReadonlySet<string>;
  /** A tools/call the assistant makes; the tool must have been listed unless `unlisted` is set. */
  call(name: string, args?: Json, opts?: { unlisted?: boolean }): Promise<Reply>;
  /** A tools/call expected to succeed; returns its structured content. */
  ok<T = Json>(name: string, args?: Json): Promise<T>;
  /** A tools/call expected to fail; returns its `error` object. */
  fail(name: string, args?: Json, opts?: { unlisted?: boolean }): Promise<Json>;
  /** A resources/read; returns the parsed JSON of its first text content. */
  read<T = Json>(uri: string): Promise<T>;
  /** A prompts/get; returns the text of its messages. */
  prompt(name: string, args?: Record<string, string>): Promise<string>;
  /** Requests that could change something (every method but GET, the batch envelope excluded). */
  writes(): SimulatorHandle['requests'];
  /** Calls made so far in this scenario. */
  readonly calls: number;
}

interface Row {
  scenario: string;
  calls: number;
  chars: number;
}

const rows: Row[] = [];
/** Running totals, incremented at each call independently of the rows. */
const counted = { calls: 0, chars: 0, scenarios: 0 };
let registered = 0;
let started = 0;

/** How many scenarios were registered (a file asserts its own minimum). */
export const registeredScenarios = (): number => registered;

const TOOL_BY_NAME = new Map(ALL_TOOLS.map((t) => [t.name, t]));

/** A clock that reads `instant` first and then runs in real time (rate windows keep moving). */
function clockAt(instant: string): () => number {
  const start = Date.parse(instant);
  const real = Date.now();
  return () => start + (Date.now() - real);
}

/** Registers one scenario as a test titled `scenario NN (role): <words>`. */
export function scenario(spec: ScenarioSpec, play: (s: Session) => Promise<void>): void {
  registered++;
  it(`scenario ${spec.n} (${spec.role}): ${spec.words}`, async () => {
    started++;
    const now = clockAt(NOON);
    const sim = await startTestSimulator({ today: TODAY, now });
    const journal = join(mkdtempSync(join(tmpdir(), 'actitime-scenario-')), 'journal.jsonl');
    const c = await connectClient({
      simulator: sim,
      user: spec.user,
      now,
      env: { ACTITIME_CONFIRM: 'destructive', ACTITIME_JOURNAL: journal, ...spec.env },
      ...(spec.elicit ? { elicit: async (r) => spec.elicit!(r) } : {}),
    });
    const row: Row = { scenario: `${spec.n} ${spec.role}`, calls: 0, chars: 0 };
    try {
      const listed = new Set((await c.client.listTools()).tools.map((t) => t.name));
      sim.clearRequests();
      const spend = (chars: number) => {
        row.calls++;
        row.chars += chars;
        counted.calls++;
        counted.chars += chars;
      };
      const call = async (name: string, args: Json = {}, opts: { unlisted?: boolean } = {}) => {
        if (!opts.unlisted) expect(listed.has(name), `${name} is offered by tools/list`).toBe(true);
        let result: Awaited<ReturnType<typeof c.client.callTool>>;
        try {
          result = await c.client.callTool({ name, arguments: args });
        } catch (err) {
          // A protocol-level refusal (e.g. an unknown tool): what the assistant reads is the JSON-RPC error.
          const code = (err as { code?: unknown }).code;
          const message = err instanceof Error ? err.message : String(err);
          spend(message.length);
          return { isError: true, data: { error: { code, message } }, text: message };
        }
        const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
        const text = content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
        const structured = result.structuredContent as Json | undefined;
        spend(text.length + (structured === undefined ? 0 : JSON.stringify(structured).length));
        let data: Json;
        if (structured !== undefined) data = structured;
        else {
          try {
            data = JSON.parse(text) as Json;
          } catch {
            data = { text };
          }
        }
        return { isError: result.isError === true, data, text };
      };
      const session: Session = {
        sim,
        c,
        listed,
        call,
        async ok<T>(name: string, args: Json = {}) {
          const r = await call(name, args);
          expect(r.isError, r.text.slice(0, 500)).toBe(false);
          // The same JSON as text, and it passes the tool's output schema (what the SDK checks too).
          expect(r.text).toBe(JSON.stringify(r.data));
          expect(TOOL_BY_NAME.get(name)!.outputSchema.safeParse(r.data).success).toBe(true);
          return r.data as T;
        },
        async fail(name, args = {}, opts = {}) {
          const r = await call(name, args, opts);
          expect(r.isError, r.text.slice(0, 500)).toBe(true);
          return (r.data.error ?? r.data) as Json;
        },
        async read<T>(uri: string) {
          const res = await c.client.readResource({ uri });
          const texts = res.contents.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : ''));
          spend(texts.join('').length);
          return JSON.parse(texts[0] ?? 'null') as T;
        },
        async prompt(name, args = {}) {
          const res = await c.client.getPrompt({ name, arguments: args });
          const text = res.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
          spend(text.length);
          return text;
        },
        writes: () =>
          sim.requests.filter((r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/batch')),
        get calls() {
          return row.calls;
        },
      };
      await play(session);
      expect(row.calls, `calls of scenario ${spec.n}`).toBeLessThanOrEqual(spec.maxCalls);
      expect(row.calls).toBeGreaterThan(0);
      rows.push(row);
      counted.scenarios++;
    } finally {
      await c.close();
      await sim.close();
    }
  });
}

/** Call once after the scenarios of a file: prints the table and checks the totals against the counters. */
export function reportScenarios(): void {
  afterAll(() => {
    const calls = rows.reduce((s, r) => s + r.calls, 0);
    const chars = rows.reduce((s, r) => s + r.chars, 0);
    const width = Math.max(8, ...rows.map((r) => r.scenario.length));
    const line = (a: string, b: string, c: string) =>
      `${a.padEnd(width)}  ${b.padStart(5)}  ${c.padStart(12)}`;
    const table = [
      line('scenario', 'calls', 'result chars'),
      ...rows.map((r) => line(r.scenario, String(r.calls), String(r.chars))),
      line(`total (${rows.length})`, String(calls), String(chars)),
    ];
    process.stderr.write(`\n${table.join('\n')}\n`);
    // Every scenario that started ran to the end, and the totals are what the calls themselves added up to.
    expect(rows).toHaveLength(started);
    expect(counted.scenarios).toBe(started);
    expect(calls).toBe(counted.calls);
    expect(chars).toBe(counted.chars);
  });
}
