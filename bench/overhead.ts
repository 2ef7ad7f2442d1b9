/**
 * Per-request overhead on loopback without latency (limits lifted, so only the client's own cost shows): one
 * request at a time through ActitimeClient.request and through an MCP tool call, against the same request sent
 * with raw undici, interleaved, medians.
 */
import { ActitimeClient } from '../src/actitime/client.js';
import { createLogger } from '../src/logger.js';
import type { SimulatorHandle } from '../src/simulator/server.js';
import { connectClient } from '../test/helpers/mcp.js';
import { rawClient } from './raw.js';
import { median, type ScalarRow } from './report.js';

const SECTION = 'Per-request overhead on loopback, no latency (one at a time, interleaved, medians)';

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function overheadRows(sim: SimulatorHandle, n: number): Promise<ScalarRow[]> {
  const client = new ActitimeClient(
    {
      baseUrl: sim.baseUrl,
      username: 'admin',
      password: 'manager',
      limits: { perSecond: 100_000, perMinute: 1_000_000 },
    },
    { logger: createLogger('silent') },
  );
  const raw = rawClient(sim, 'admin', 1);
  const mcp = await connectClient({
    simulator: sim,
    user: 'admin',
    logLevel: 'silent',
    client: { limits: { perSecond: 100_000, perMinute: 1_000_000 } },
  });
  const search = { words: 'hull', limit: 5 };
  const searchPath = '/tasks?words=hull&sort=%2Bname&offset=0&limit=6&includeReferenced=projects%2Ccustomers';
  const ours: number[] = [];
  const base: number[] = [];
  const tool: number[] = [];
  const toolBase: number[] = [];
  try {
    // Warm: connections open, credentials proven, JIT settled.
    for (let i = 0; i < 20; i++) {
      await client.request({ method: 'GET', path: ['customers', 6] });
      await raw.get('/customers/6');
      await mcp.client.callTool({ name: 'search_tasks', arguments: search });
    }
    for (let i = 0; i < n; i++) {
      ours.push(await time(() => client.request({ method: 'GET', path: ['customers', 6] })));
      base.push(await time(() => raw.get('/customers/6')));
    }
    for (let i = 0; i < Math.ceil(n / 4); i++) {
      sim.clearRequests();
      tool.push(await time(() => mcp.client.callTool({ name: 'search_tasks', arguments: search })));
      if (sim.requests.length !== 1) throw new Error(`search_tasks sent ${sim.requests.length} requests`);
      toolBase.push(await time(() => raw.get(searchPath)));
    }
  } finally {
    await client.close();
    await raw.close();
    await mcp.close();
  }
  const o = median(ours);
  const b = median(base);
  const t = median(tool);
  const tb = median(toolBase);
  return [
    {
      kind: 'scalar',
      section: SECTION,
      name: `ActitimeClient.request GET /customers/6 vs raw undici (${n} each; added ${(o - b).toFixed(2)} ms)`,
      ours: o,
      baseline: b,
      unit: 'ms',
      better: 'lower',
      targets: [{ text: 'added ≤ 1 ms', met: o - b <= 1 }],
    },
    {
      kind: 'scalar',
      section: SECTION,
      name: `MCP call search_tasks (1 request) vs its raw request (${tool.length} each; added ${(t - tb).toFixed(2)} ms)`,
      ours: t,
      baseline: tb,
      unit: 'ms',
      better: 'lower',
      targets: [],
    },
  ];
}
