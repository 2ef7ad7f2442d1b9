/**
 * Token budget: every tool's name, description and schemas go to the model on each conversation, so the
 * tools/list answer is measured as it leaves the server: the compact JSON-RPC response message (what the stdio
 * transport writes as one line, without its newline). Results are measured for compactness too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, textOf, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const DEFAULT_BUDGET = 22_000;
const ALL_BUDGET = 50_000;

/** The tools/list response message exactly as the server sent it, serialised as a transport would. */
async function toolsListWire(c: Connected): Promise<{ message: string; result: string; count: number }> {
  const transport = c.client.transport;
  if (!transport) throw new Error('client not connected');
  const seen: unknown[] = [];
  const original = transport.onmessage;
  transport.onmessage = (message, extra) => {
    seen.push(message);
    original?.(message, extra);
  };
  try {
    const listed = await c.client.listTools();
    const reply = seen.find((m): m is { result: { tools: unknown[] } } =>
      Array.isArray((m as { result?: { tools?: unknown } }).result?.tools),
    );
    if (!reply) throw new Error('no tools/list response seen');
    expect(reply.result.tools).toHaveLength(listed.tools.length);
    return {
      message: JSON.stringify(reply),
      result: JSON.stringify(reply.result),
      count: reply.result.tools.length,
    };
  } finally {
    transport.onmessage = original;
  }
}

describe('tools/list size budget', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());

  for (const [label, toolsets, budget] of [
    ['default toolsets', undefined, DEFAULT_BUDGET],
    ['all toolsets', 'all', ALL_BUDGET],
  ] as const) {
    it(`${label}: the tools/list response is at most ${budget.toLocaleString('en')} characters`, async () => {
      const c = await connectClient({ simulator: sim, env: { ACTITIME_TOOLSETS: toolsets } });
      try {
        const wire = await toolsListWire(c);
        console.error(
          `tools/list ${label}: ${wire.count} tools, ${wire.message.length} characters on the wire ` +
            `(result ${wire.result.length}), budget ${budget}`,
        );
        expect(wire.count).toBeGreaterThan(0);
        expect(wire.message.length).toBeLessThanOrEqual(budget);
        // Compact: no pretty-printing anywhere in what is sent.
        expect(wire.message).not.toMatch(/\n/);
        expect(wire.message).not.toMatch(/":\s{2,}/);
      } finally {
        await c.close();
      }
    });
  }

  it('every argument of every tool, nested ones too, has a description; no $schema or execution keys', async () => {
    const c = await connectClient({ simulator: sim, env: { ACTITIME_TOOLSETS: 'all' } });
    try {
      const { tools } = await c.client.listTools();
      const undescribed = tools.flatMap((t) => undescribedIn(t.inputSchema, '').map((p) => `${t.name} ${p}`));
      expect(undescribed).toEqual([]);
      const text = JSON.stringify(tools);
      expect(text).not.toContain('"$schema"');
      expect(text).not.toContain('"execution"');
    } finally {
      await c.close();
    }
  });
});

type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; description?: string };

/** Paths of the properties under `node` that carry no description (array items and alternatives walked). */
function undescribedIn(node: Node | undefined, path: string): string[] {
  if (node === undefined || typeof node !== 'object') return [];
  const own = Object.entries(node.properties ?? {}).flatMap(([key, child]) => [
    ...(typeof child.description === 'string' && child.description.trim() !== '' ? [] : [`${path}${key}`]),
    ...undescribedIn(child, `${path}${key}.`),
  ]);
  return [
    ...own,
    ...undescribedIn(node.items, `${path.replace(/\.$/, '')}[].`),
    ...(node.anyOf ?? []).flatMap((alt) => undescribedIn(alt, path)),
  ];
}

describe('results are compact', () => {
  let c: Connected;
  beforeAll(async () => {
    c = await connectClient();
  });
  afterAll(() => c.close());

  async function call(name: string, args: Record<string, unknown>) {
    const result = await c.client.callTool({ name, arguments: args });
    expect(result.isError, textOf(result)).toBeFalsy();
    const text = textOf(result);
    // One compact JSON text, identical to the structured content (not pretty-printed, not a second rendering).
    expect(text).toBe(JSON.stringify(result.structuredContent));
    expect(text).not.toMatch(/\n/);
    return result.structuredContent as Record<string, unknown>;
  }

  it('time entries name each user once, in a map, and rows refer to users and tasks by id', async () => {
    const out = await call('get_time_entries', { period: 'last week' });
    const rows = out.rows as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(typeof row.userId).toBe('number');
      expect(typeof row.taskId).toBe('number');
      // No nested reference objects repeated per row: every value is a scalar.
      for (const value of Object.values(row)) expect(typeof value).not.toBe('object');
    }
    const users = out.users as Record<string, string>;
    expect(Object.keys(users).sort()).toEqual([...new Set(rows.map((r) => String(r.userId)))].sort());
  });

  it('leave rows and search results are flat too', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const leave = await call('get_leave_time', { period: `${day(-60)}..${day(0)}` });
    const leaveRows = leave.rows as Array<Record<string, unknown>>;
    expect(leaveRows.length).toBeGreaterThan(0);
    for (const row of leaveRows) {
      for (const value of Object.values(row)) expect(typeof value).not.toBe('object');
    }
    const tasks = await call('search_tasks', { words: 'testing' });
    const items = tasks.items as Array<Record<string, unknown>>;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(typeof item.path).toBe('string');
      for (const value of Object.values(item)) expect(typeof value).not.toBe('object');
    }
  });
});
