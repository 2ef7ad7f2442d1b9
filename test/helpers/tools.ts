/**
 * Shared set-up of the tool-group tests (test/tools/*.test.ts): checked tool calls and one simulator with
 * signed-in MCP clients per describe block.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';

import type { AnyTool } from '../../src/tools/define.js';
import { connectClient, errorOf, textOf, type ConnectOptions, type Connected } from './mcp.js';
import { startTestSimulator, type SimulatorHandle } from './simulator.js';

export type Json = Record<string, unknown>;

export interface ToolCalls {
  /**
   * Calls a tool and expects success: its structuredContent passes the tool's output schema and the text is the
   * same JSON (SEC-OUT-05). Returns the structured content.
   */
  ok: (c: Connected, name: string, args: Json) => Promise<Json>;
  /** Calls a tool and returns the JSON of its isError result (failing when it succeeded). */
  fail: (c: Connected, name: string, args: Json) => Promise<Json>;
}

export function toolCalls(tools: readonly AnyTool[]): ToolCalls {
  const byName = new Map<string, AnyTool>(tools.map((t) => [t.name, t]));
  return {
    async ok(c, name, args) {
      const result = await c.client.callTool({ name, arguments: args });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(byName.get(name)!.outputSchema.safeParse(result.structuredContent).success).toBe(true);
      expect(textOf(result)).toBe(JSON.stringify(result.structuredContent));
      return result.structuredContent as Json;
    },
    async fail(c, name, args) {
      return errorOf(await c.client.callTool({ name, arguments: args }));
    },
  };
}

/** The requests that could change something (every method but GET). */
export const writes = (sim: SimulatorHandle) => sim.requests.filter((r) => r.method !== 'GET');

export type ToolSession<K extends string> = { sim: SimulatorHandle } & Record<K, Connected>;

/**
 * For the enclosing describe block: one seeded simulator and one MCP client per entry of `clients`, handed to
 * `use` before the first test and closed after the last; the simulator's request log is cleared before each test.
 */
export function toolSession<K extends string>(
  clients: Record<K, Omit<ConnectOptions, 'simulator'>>,
  use: (session: ToolSession<K>) => void,
): void {
  let sim: SimulatorHandle | undefined;
  const opened: Connected[] = [];
  beforeAll(async () => {
    sim = await startTestSimulator();
    const connected: Partial<Record<K, Connected>> = {};
    for (const [key, options] of Object.entries(clients) as Array<[K, ConnectOptions]>) {
      const c = await connectClient({ ...options, simulator: sim });
      opened.push(c);
      connected[key] = c;
    }
    use({ ...(connected as Record<K, Connected>), sim });
  });
  afterAll(async () => {
    for (const c of opened) await c.close();
    await sim?.close();
  });
  beforeEach(() => sim?.clearRequests());
}
