import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
let small: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
  small = await startTestSimulator({ today: TODAY, now: noonClock(), limits: { maxQueryLimit: 5 } });
});
afterAll(async () => {
  await sim.close();
  await small.close();
});

const admin = { user: 'admin' } as const;
type Env = {
  offset: number;
  limit: number;
  items: Array<{ id: number; name: string; [k: string]: unknown }>;
} & Record<string, unknown>;

async function list(path: string, user = 'admin', target = sim): Promise<Env> {
  const res = await api(target, 'GET', path, { user });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as Env;
}

async function expectInvalid(path: string, target = sim): Promise<void> {
  const res = await api(target, 'GET', path, admin);
  expect(res.status, path).toBe(400);
  expect(res.body).toMatchObject({
    key: 'api.error.invalid_argument',
    message: 'Cannot parse provided arguments',
  });
}

describe('model §1.6 list envelope and pagination', () => {
  it('echoes offset 0 and limit 1000 by default, with no total count', async () => {
    const env = await list('/customers');
    expect(Object.keys(env).sort()).toEqual(['items', 'limit', 'offset']);
    expect(env.offset).toBe(0);
    expect(env.limit).toBe(1000);
    expect(env.items.map((c) => c.id)).toEqual([6, 7, 9, 11]);
  });

  it('pages with offset += items.length until a page is shorter than the limit', async () => {
    const all = (await list('/tasks')).items.map((t) => t.id);
    const seen: number[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const page = await list(`/tasks?offset=${offset}&limit=7`);
      expect(page.limit).toBe(7);
      seen.push(...page.items.map((t) => t.id));
      pages++;
      if (page.items.length < page.limit) break;
      offset += page.items.length;
    }
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.floor(all.length / 7) + 1);
  });

  it('answers an offset past the end with an empty page', async () => {
    expect((await list('/customers?offset=100')).items).toEqual([]);
  });

  it('refuses limit above the maximum, and bad offset/limit values, with 400 invalid_argument', async () => {
    await expectInvalid('/customers?limit=1001');
    await expectInvalid('/customers?limit=abc');
    await expectInvalid('/customers?offset=-1');
    await expectInvalid('/customers?limit=0');
    expect((await list('/customers?limit=1000')).limit).toBe(1000);
  });

  it('takes its maximum from limits.maxQueryLimit', async () => {
    const env = await list('/tasks', 'admin', small);
    expect(env.limit).toBe(5);
    expect(env.items).toHaveLength(5);
    await expectInvalid('/tasks?limit=6', small);
    const info = await api(small, 'GET', '/info', admin);
    expect(info.body).toMatchObject({ limits: { maxQueryLimit: 5, maxBatchSize: 100 } });
  });
});

describe('model §1.7 sorting', () => {
  it('sorts ascending with %2B, descending with -, ascending for a bare field', async () => {
    const asc = (await list('/customers?sort=%2Bname')).items.map((c) => c.name);
    expect(asc).toEqual(['Big Bang Company', 'Galaxy Corporation', 'Joda Consulting Inc', 'Our Company']);
    expect((await list('/customers?sort=-name')).items.map((c) => c.name)).toEqual([...asc].reverse());
    expect((await list('/customers?sort=name')).items.map((c) => c.name)).toEqual(asc);
  });

  it('defaults to ascending id', async () => {
    const ids = (await list('/tasks')).items.map((t) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect((await list('/workflowStatuses')).items.map((s) => s.id)).toEqual([1, 2, 3]);
  });

  it('sorts tasks by created and status, statuses by type, users by lastName', async () => {
    const created = (await list('/tasks?sort=-created')).items.map((t) => t.created as number);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const status = (await list('/tasks?sort=%2Bstatus')).items.map((t) => t.status);
    expect(status.indexOf('completed')).toBeGreaterThan(status.lastIndexOf('open'));
    expect((await list('/workflowStatuses?sort=-type')).items.map((s) => s.id)).toEqual([3, 1, 2]);
    const last = (await list('/users?sort=%2BlastName')).items.map((u) => u.lastName);
    expect(last).toEqual(['Administrator', 'Brown', 'Gray', 'Green', 'Kowalski', 'Newman', 'Smith', 'White']);
  });

  it('answers an unknown sort field, or a raw + (decoded to a space), with 400', async () => {
    await expectInvalid('/customers?sort=%2Bcolor');
    await expectInvalid('/tasks?sort=+name');
    await expectInvalid('/departments?sort=id');
  });
});

describe('model §1.8 filters', () => {
  it('ids keeps only those ids (and 400 on an unparsable list)', async () => {
    expect((await list('/customers?ids=7%2C6%2C999')).items.map((c) => c.id)).toEqual([6, 7]);
    await expectInvalid('/customers?ids=6%2Cx');
    await expectInvalid('/customers?ids=');
  });

  it('name matches exactly, ignoring case', async () => {
    expect((await list('/customers?name=big%20bang%20company')).items.map((c) => c.id)).toEqual([6]);
    expect((await list('/customers?name=big%20bang')).items).toEqual([]);
  });

  it('words requires every word as a case-insensitive substring', async () => {
    expect((await list('/tasks?words=TEST%20wind')).items.map((t) => t.name)).toEqual([
      'Wind tunnel testing',
    ]);
    expect((await list('/tasks?words=hull')).items.map((t) => t.id)).toEqual([101, 102]);
  });

  it('archived true/false, omitted returns both, anything else is 400', async () => {
    expect((await list('/customers?archived=true')).items.map((c) => c.id)).toEqual([11]);
    expect((await list('/customers?archived=false')).items.map((c) => c.id)).toEqual([6, 7, 9]);
    expect((await list('/projects')).items.map((p) => p.id)).toContain(25);
    await expectInvalid('/customers?archived=all');
  });

  it('combines filters with AND; related-object ids and enums are parsed strictly', async () => {
    const t = await list('/tasks?customerIds=6&status=completed&words=testing');
    expect(t.items.map((x) => x.id)).toEqual([107, 122, 125, 128]);
    expect((await list('/tasks?projectIds=23&typeOfWorkIds=15')).items.map((x) => x.id)).toEqual([
      136, 137, 138,
    ]);
    expect((await list('/tasks?workflowStatusIds=2&projectIds=13')).items.map((x) => x.id)).toEqual([
      102, 103, 105, 109,
    ]);
    expect((await list('/projects?customerIds=9')).items.map((x) => x.id)).toEqual([23, 24]);
    await expectInvalid('/tasks?status=done');
    await expectInvalid('/tasks?projectIds=thirteen');
  });
});

describe('model §1.9 includeReferenced', () => {
  it('adds one map per value, keyed by id as a string, without allowedActions', async () => {
    const env = await list(
      '/tasks?ids=143%2C136&includeReferenced=customers%2Cprojects%2CtypesOfWork%2CworkflowStatuses',
    );
    expect(Object.keys(env.customers as object).sort()).toEqual(['6', '9']);
    expect(Object.keys(env.projects as object).sort()).toEqual(['13', '23']);
    expect(Object.keys(env.typesOfWork as object).sort()).toEqual(['1', '15']);
    expect(env.workflowStatuses).toEqual({ '1': { id: 1, name: 'New', type: 'open' } });
    for (const map of ['customers', 'projects', 'typesOfWork'])
      for (const obj of Object.values(env[map] as object)) expect(obj).not.toHaveProperty('allowedActions');
    expect((env.projects as Record<string, unknown>)['13']).toMatchObject({
      name: 'Spaceship building',
      customerName: 'Big Bang Company',
    });
  });

  it('projects include customers; users include departments and timeZoneGroups', async () => {
    const p = await list('/projects?ids=13&includeReferenced=customers');
    expect(p.customers).toEqual({ '6': expect.objectContaining({ id: 6, name: 'Big Bang Company' }) });
    const u = await list('/users?ids=2%2C3&includeReferenced=departments%2CtimeZoneGroups');
    expect(Object.keys(u.departments as object).sort()).toEqual(['5', '6']);
    expect(Object.keys(u.timeZoneGroups as object).sort()).toEqual(['-1', '2']);
  });

  it('answers a value the endpoint does not list with 400', async () => {
    await expectInvalid('/tasks?includeReferenced=users');
    await expectInvalid('/projects?includeReferenced=tasks');
    await expectInvalid('/users?includeReferenced=customers');
    await expectInvalid('/timetrack?dateFrom=2026-10-01&includeReferenced=leaveTypes');
    await expectInvalid('/leavetime?dateFrom=2026-10-01&includeReferenced=tasks');
  });

  it('model §1.9 answers any value on a list that lists none (customers, reference data, statuses, hooks) with 400', async () => {
    for (const path of [
      '/customers?includeReferenced=projects',
      '/leaveTypes?includeReferenced=users',
      '/typesOfWork?includeReferenced=customers',
      '/departments?includeReferenced=users',
      '/timeZoneGroups?includeReferenced=users',
      '/workflowStatuses?includeReferenced=tasks',
      '/hooks?includeReferenced=users',
    ])
      await expectInvalid(path);
    // Without the parameter the same lists answer as usual.
    expect((await list('/customers')).items.length).toBeGreaterThan(0);
  });
});
