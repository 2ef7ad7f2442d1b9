import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ActitimeClient } from '../../src/actitime/client.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { TIMESHEET_TEMPLATE } from '../../src/resources/timesheet.js';
import { buildServer } from '../../src/server.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { noonClock, TODAY, week } from '../simulator/demo-calendar.js';

type Sheet = {
  user: { id: number; name: string };
  period: { from: string; to: string; timeZone: string; weekStart: number };
  days: Array<{ date: string; logged: number; scheduled: number; missing: number; approved: boolean | null }>;
  tasks: Array<{ id: number; minutes: number[] }>;
  locked: null;
};

/** A server whose context carries the pinned clock (so "recent weeks" are relative to TODAY). */
async function connect(sim: SimulatorHandle, user: string, now: () => number) {
  const logger = createLogger('error', () => undefined);
  const config = loadConfig({
    ACTITIME_URL: sim.baseUrl,
    ACTITIME_USERNAME: user,
    ACTITIME_PASSWORD: user === 'admin' ? 'manager' : user,
  });
  const actitime = new ActitimeClient(config.client, { logger });
  const server = buildServer({ client: actitime, config, logger, now });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 'timesheet-resource-test', version: '0.0.0' });
  await client.connect(a);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
      await actitime.close();
    },
  };
}

describe('resource template actitime://timesheet/{user}/{week}', () => {
  let sim: SimulatorHandle;
  let admin: Awaited<ReturnType<typeof connect>>;
  let trainee: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    const now = noonClock();
    sim = await startTestSimulator({ today: TODAY, now });
    admin = await connect(sim, 'admin', now);
    trainee = await connect(sim, 'trainee', now);
  });
  afterAll(async () => {
    await admin.close();
    await trainee.close();
    await sim.close();
  });

  const read = async (c: typeof admin, uri: string): Promise<Sheet> => {
    const res = await c.client.readResource({ uri });
    const first = res.contents[0] as { uri: string; mimeType?: string; text: string };
    expect(first.uri).toBe(uri);
    expect(first.mimeType).toBe('application/json');
    return JSON.parse(first.text) as Sheet;
  };

  it('is listed as a template', async () => {
    const { resourceTemplates } = await admin.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain(TIMESHEET_TEMPLATE);
  });

  it('reads one ISO week of a user, matching the store (last week: the trainee’s gaps)', async () => {
    // TODAY (2026-10-07) is in ISO week 41, so last week is 2026-W40.
    const sheet = await read(admin, 'actitime://timesheet/trainee/2026-W40');
    expect(sheet.user.id).toBe(3);
    expect(sheet.period).toMatchObject({ from: week(-1), to: week(-1, 6), timeZone: 'America/New_York' });
    const user = sim.store.users.get(3)!;
    for (const d of sheet.days) {
      expect(d.logged, d.date).toBe(sim.store.dayTotal(3, d.date));
      expect(d.scheduled, d.date).toBe(sim.store.scheduleFor(user, d.date));
    }
    expect(sheet.days.filter((d) => d.missing > 0).map((d) => d.date)).toEqual([week(-1, 1), week(-1, 3)]);
    expect(sheet.locked).toBeNull();
  });

  it('me is the caller; an unknown user or a bad week is an error', async () => {
    const mine = await read(trainee, 'actitime://timesheet/me/2026-W41');
    expect(mine.user.id).toBe(3);
    expect(mine.period.from).toBe(week(0));
    await expect(
      admin.client.readResource({ uri: 'actitime://timesheet/nobody-here/2026-W40' }),
    ).rejects.toThrow(/no user/);
    await expect(admin.client.readResource({ uri: 'actitime://timesheet/me/2026-47' })).rejects.toThrow(
      /ISO week/,
    );
    await expect(admin.client.readResource({ uri: 'actitime://timesheet/me/2026-W60' })).rejects.toThrow(
      /ISO week/,
    );
  });

  it('completes usernames by prefix and recent weeks', async () => {
    const ref = { type: 'ref/resource' as const, uri: TIMESHEET_TEMPLATE };
    const users = await admin.client.complete({ ref, argument: { name: 'user', value: 'tr' } });
    expect(users.completion.values).toEqual(['trainee']);
    const m = await admin.client.complete({ ref, argument: { name: 'user', value: 'm' } });
    expect(m.completion.values).toEqual(['me', 'manager']);
    const weeks = await admin.client.complete({ ref, argument: { name: 'week', value: '' } });
    expect(weeks.completion.values.slice(0, 3)).toEqual(['2026-W41', '2026-W40', '2026-W39']);
    expect(weeks.completion.values).toHaveLength(9);
    const w4 = await admin.client.complete({ ref, argument: { name: 'week', value: '2026-w4' } });
    expect(w4.completion.values).toEqual(['2026-W41', '2026-W40']);
  });
});
