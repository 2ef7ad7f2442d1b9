/**
 * Shared set-up for the time, leave, resource and prompt tests: a simulator whose world is pinned to a day and
 * an hour, and the server running on the same clock (connectClient's `now`), so "today",
 * "yesterday" and "last week" mean the same to the server and to the simulator whatever the real hour.
 */
import { expect } from 'vitest';
import type { z } from 'zod';

import { connectClient, textOf, type Connected, type ConnectOptions } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import type { SimulatorOptions } from '../../src/simulator/types.js';

/** A clock that reads `instant` now and then runs in real time. */
export function clockAt(instant: string): () => number {
  const start = Date.parse(instant);
  const real = Date.now();
  return () => start + (Date.now() - real);
}

export interface World {
  sim: SimulatorHandle;
  now: () => number;
  connect(user: string, options?: Omit<ConnectOptions, 'simulator' | 'user' | 'tools'>): Promise<Connected>;
  close(): Promise<void>;
}

/** A simulator seeded for `today` whose clock and the tools' clock both read `instant` now. */
export async function world(
  today: string,
  instant = `${today}T12:00:00Z`,
  simulator: Omit<SimulatorOptions, 'today' | 'now'> = {},
): Promise<World> {
  const now = clockAt(instant);
  const sim = await startTestSimulator({ ...simulator, today, now });
  const open: Connected[] = [];
  return {
    sim,
    now,
    async connect(user, options = {}) {
      const c = await connectClient({ ...options, simulator: sim, user, now });
      open.push(c);
      return c;
    },
    async close() {
      for (const c of open) await c.close();
      await sim.close();
    },
  };
}

type Tool = { name: string; outputSchema: z.ZodType };

/** Calls a tool expecting `isError` as given; checks SEC-OUT-05 (schema + identical text) either way. */
async function structured<T>(
  c: Connected,
  tool: Tool,
  args: Record<string, unknown>,
  isError: boolean,
): Promise<T> {
  const result = await c.client.callTool({ name: tool.name, arguments: args });
  expect(result.isError === true, textOf(result)).toBe(isError);
  expect(tool.outputSchema.safeParse(result.structuredContent).success).toBe(true);
  expect(textOf(result)).toBe(JSON.stringify(result.structuredContent));
  return result.structuredContent as T;
}

/** Calls a tool, expects success and returns the structured result. */
export function ok<T = Record<string, unknown>>(
  c: Connected,
  tool: Tool,
  args: Record<string, unknown>,
): Promise<T> {
  return structured<T>(c, tool, args, false);
}

/** A write that wrote nothing at all: an error result that still carries the per-entry statuses and errors. */
export function refused<T = Record<string, unknown>>(
  c: Connected,
  tool: Tool,
  args: Record<string, unknown>,
): Promise<T> {
  return structured<T>(c, tool, args, true);
}

/** Requests that change something (batch sub-operations included, the batch envelope excluded). */
export function writesOf(sim: SimulatorHandle, since = 0) {
  return sim.requests
    .slice(since)
    .filter((r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/batch'));
}
