import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { defineTool } from '../../src/tools/define.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const whoAmI = defineTool({
  name: 'zz_test_who',
  title: 'Test who',
  description: 'Test-only: returns the session user and calendar.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({}),
  outputSchema: z.object({ id: z.int(), fullName: z.string(), timeZone: z.string(), weekStart: z.int() }),
  handler: async (_args, ctx) => {
    await ctx.progress(1, 2, 'looking up');
    const [me, calendar] = await Promise.all([ctx.me(), ctx.calendar()]);
    await ctx.progress(2, 2);
    return { id: me.id, fullName: me.fullName ?? '', ...calendar };
  },
});

describe('ToolContext', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());

  async function who(
    c: Connected,
    onprogress?: (p: { progress: number; total?: number; message?: string }) => void,
  ) {
    const result = await c.client.callTool(
      { name: 'zz_test_who', arguments: {} },
      undefined,
      onprogress ? { onprogress } : undefined,
    );
    expect(result.isError).toBeFalsy();
    return result.structuredContent as { id: number; fullName: string; timeZone: string; weekStart: number };
  }

  it('calendar(): the user’s time-zone group and the company week start', async () => {
    const trainee = await connectClient({ simulator: sim, user: 'trainee', extraTools: [whoAmI] });
    const manager = await connectClient({ simulator: sim, user: 'manager', extraTools: [whoAmI] });
    try {
      expect(await who(trainee)).toEqual({
        id: 3,
        fullName: 'Tom Green',
        timeZone: 'America/New_York',
        weekStart: 1,
      });
      expect(await who(manager)).toEqual({
        id: 2,
        fullName: 'Mary Brown',
        timeZone: 'Europe/London',
        weekStart: 1,
      });
    } finally {
      await trainee.close();
      await manager.close();
    }
  });

  it('me() and calendar() are looked up once per session', async () => {
    const c = await connectClient({ simulator: sim, user: 'jsmith', extraTools: [whoAmI] });
    try {
      const before = sim.requests.length;
      await who(c);
      await who(c);
      await who(c);
      const sent = sim.requests.slice(before).map((r) => r.path);
      expect(sent.filter((p) => p === '/users/me')).toHaveLength(1);
      expect(sent.filter((p) => p.startsWith('/timeZoneGroups'))).toHaveLength(1);
    } finally {
      await c.close();
    }
  });

  it('progress(): notifications reach a client that asked for them; a no-op otherwise', async () => {
    const c = await connectClient({ simulator: sim, user: 'admin', extraTools: [whoAmI] });
    try {
      const seen: Array<{ progress: number; total?: number; message?: string }> = [];
      await who(c, (p) => seen.push(p));
      expect(seen).toEqual([
        { progress: 1, total: 2, message: 'looking up' },
        { progress: 2, total: 2 },
      ]);
      await who(c); // without a progressToken: nothing sent, nothing fails
    } finally {
      await c.close();
    }
  });
});
