/**
 * "my team" and department names wherever a list of users is taken, over the simulator: the seed's manager
 * (Mary Brown, team 3–6) sees herself and her team; Engineering holds Tom, John and the disabled Rita.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, errorOf, textOf, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const TEAM = [3, 4, 5, 6];
const ENGINEERING_ACTIVE = [3, 4];

type Json = Record<string, unknown>;

describe('team scope: "my team" and departments as users', () => {
  let sim: SimulatorHandle;
  let manager: Connected;
  let trainee: Connected;
  beforeAll(async () => {
    sim = await startTestSimulator();
    manager = await connectClient({ simulator: sim, user: 'manager' });
    trainee = await connectClient({ simulator: sim, user: 'trainee' });
  });
  afterAll(async () => {
    await manager.close();
    await trainee.close();
    await sim.close();
  });

  async function ok(c: Connected, name: string, args: Json): Promise<Json> {
    const result = await c.client.callTool({ name, arguments: args });
    expect(result.isError, textOf(result)).toBeFalsy();
    return result.structuredContent as Json;
  }
  const writes = (since: number) => sim.requests.slice(since).filter((r) => r.method !== 'GET');

  it('find_missing_time for "my team" checks exactly the manager’s team, not the manager', async () => {
    const out = await ok(manager, 'find_missing_time', { period: 'last week', users: ['my team'] });
    const people = (out.people as Array<{ id: number }>).map((p) => p.id);
    expect(people.sort()).toEqual(TEAM);
    expect((out.totals as Json).usersChecked).toBe(TEAM.length);
  });

  it('summarize_time per user for a department counts its active members only', async () => {
    const out = await ok(manager, 'summarize_time', {
      period: 'last month',
      groupBy: ['user'],
      users: ['Engineering'],
    });
    const names = (out.rows as Array<{ user: string }>).map((r) => r.user).sort();
    const members = ENGINEERING_ACTIVE.map((id) => sim.store.users.get(id)!).map((u) =>
      [u.firstName, u.middleName, u.lastName].filter((p) => p !== '').join(' '),
    );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(members).toContain(name);
    // The department was looked up only after no user had that name, and its members by department id.
    const users = sim.requests.filter((r) => r.method === 'GET' && r.path === '/users');
    expect(users.some((r) => r.query.department === '6' && r.query.active === 'true')).toBe(true);
  });

  it('"me" with "my team" names each person once; get_time_entries rows stay within them', async () => {
    const out = await ok(manager, 'get_time_entries', {
      period: 'last week',
      users: ['me', 'my team', 'Tom'],
    });
    const ids = new Set((out.rows as Array<{ userId: number }>).map((r) => r.userId));
    for (const id of ids) expect([2, ...TEAM]).toContain(id);
    expect(Object.keys(out.users as Json).length).toBe(ids.size);
  });

  it('a regular user has no team: refused, naming the field, nothing written', async () => {
    const since = sim.requests.length;
    const err = errorOf(
      await trainee.client.callTool({
        name: 'summarize_time',
        arguments: { period: 'last week', users: ['my team'] },
      }),
    );
    expect(err).toMatchObject({ kind: 'not_found', field: 'users[0]' });
    expect(String(err.message)).toContain('"my team" is empty');
    expect(writes(since)).toEqual([]);
  });

  it('"my team" where one person is taken (log_time user) is refused before anything is sent', async () => {
    const since = sim.requests.length;
    const err = errorOf(
      await manager.client.callTool({
        name: 'log_time',
        arguments: { entries: [{ task: 'Internal activities / Meetings', duration: 30, user: 'my team' }] },
      }),
    );
    expect(err).toMatchObject({ kind: 'validation', field: 'entries[0].user' });
    expect(String(err.hint)).toContain('list of users');
    expect(writes(since)).toEqual([]);
  });

  it('an unknown name that is no department either keeps the user error and its hint', async () => {
    const err = errorOf(
      await manager.client.callTool({
        name: 'get_time_entries',
        arguments: { period: 'last week', users: ['Nobody Atall'] },
      }),
    );
    expect(err).toMatchObject({ kind: 'not_found', field: 'users[0]' });
    expect(String(err.message)).toContain('no user named');
  });
});
