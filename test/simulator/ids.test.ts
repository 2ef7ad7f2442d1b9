/**
 * Ids are never reused: after a delete the next object of that kind gets a new, higher id, in every quirk
 * profile; reset() goes back to the seed's sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quirk } from '../../src/simulator/quirks.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { noonClock, TODAY } from './demo-calendar.js';

interface Kind {
  name: string;
  collection: string;
  body: (n: number) => Record<string, unknown>;
}

const KINDS: Kind[] = [
  { name: 'customer', collection: '/customers', body: (n) => ({ name: `Id probe ${n}` }) },
  { name: 'project', collection: '/projects', body: (n) => ({ customerId: 6, name: `Id probe ${n}` }) },
  { name: 'task', collection: '/tasks', body: (n) => ({ projectId: 13, name: `Id probe ${n}` }) },
  {
    name: 'workflow status',
    collection: '/workflowStatuses',
    body: (n) => ({ name: `Id probe ${n}`, type: 'open' }),
  },
  {
    name: 'hook',
    collection: '/hooks',
    body: (n) => ({ target_url: `https://hooks.example/${n}`, event: 'task.create' }),
  },
];

/** First id each kind hands out after the demo seed (its highest seeded id + 1). */
const FIRST_NEW_ID: Record<string, number> = {
  customer: 12,
  project: 26,
  task: 153,
  'workflow status': 4,
  hook: 1,
};

describe.each<[string, Quirk[] | 'all']>([
  ['the default profile', []],
  ['every quirk', 'all'],
])('SIM-05 ids are never reused (%s)', (_label, quirks) => {
  let sim: SimulatorHandle;
  let n = 0;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: TODAY, now: noonClock(), quirks });
  });
  afterAll(() => sim.close());

  async function create(kind: Kind): Promise<number> {
    const res = await api(sim, 'POST', kind.collection, { user: 'admin', body: kind.body(++n) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { id: number }).id;
  }

  async function remove(kind: Kind, id: number): Promise<void> {
    const res = await api(sim, 'DELETE', `${kind.collection}/${id}`, { user: 'admin' });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
  }

  it.each(KINDS)('SIM-05 $name: create, delete, create again gives a new, higher id', async (kind) => {
    const first = await create(kind);
    await remove(kind, first);
    const second = await create(kind);
    expect(second).toBeGreaterThan(first);
    const third = await create(kind);
    await remove(kind, third);
    await remove(kind, second);
    expect(await create(kind)).toBeGreaterThan(third);
  });

  it('SIM-05 deleting the highest seeded id does not free it', async () => {
    sim.reset();
    const res = await api(sim, 'DELETE', '/customers/11', { user: 'admin' });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(await create(KINDS[0]!)).toBe(12);
  });

  it('SIM-05 reset() returns every kind to the seed sequence', async () => {
    for (const kind of KINDS) await create(kind);
    sim.reset();
    for (const kind of KINDS) expect(await create(kind), kind.name).toBe(FIRST_NEW_ID[kind.name]);
    sim.reset();
  });

  it('SIM-05 users too: the next created user id is above every one issued', async () => {
    sim.reset();
    const body = (u: string) => ({ username: u, password: 'secret12', firstName: 'Id', lastName: 'Probe' });
    const a = await api(sim, 'POST', '/users', { user: 'admin', body: body('idprobe1') });
    const b = await api(sim, 'POST', '/users', { user: 'admin', body: body('idprobe2') });
    expect([(a.body as { id: number }).id, (b.body as { id: number }).id]).toEqual([9, 10]);
  });
});

describe('SIM-05 ids of objects loaded straight into the store', () => {
  it('SIM-05 count as issued: the API hands out the next id above them', async () => {
    const sim = await startTestSimulator({ today: TODAY, now: noonClock(), seed: 'empty' });
    try {
      sim.store.addCustomer({ id: 500, name: 'Loaded', description: null, archived: false, created: 0 });
      sim.store.deleteCustomer(500);
      const res = await api(sim, 'POST', '/customers', { user: 'admin', body: { name: 'After load' } });
      expect(res.body).toMatchObject({ id: 501 });
    } finally {
      await sim.close();
    }
  });
});
