import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const admin = { user: 'admin' } as const;

describe('model §5 official examples against the demo seed', () => {
  it('GET /customers/6 returns Big Bang Company with url and allowedActions', async () => {
    const res = await api(sim, 'GET', '/customers/6', admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 6,
      name: 'Big Bang Company',
      description: expect.any(String),
      archived: false,
      created: expect.any(Number),
      url: `${sim.baseUrl.replace(/\/api\/v1$/, '')}/tasks/tasklist.do?customerId=6`,
      allowedActions: { canModify: true, canDelete: true },
    });
  });

  it('GET /projects/13 returns Spaceship building of customer 6', async () => {
    const res = await api(sim, 'GET', '/projects/13', admin);
    expect(res.body).toMatchObject({
      id: 13,
      name: 'Spaceship building',
      customerId: 6,
      customerName: 'Big Bang Company',
    });
  });

  it('the official tasks query returns a non-empty third page of "testing" tasks with both maps', async () => {
    const res = await api(
      sim,
      'GET',
      '/tasks?offset=20&limit=10&sort=%2Bname&words=testing&includeReferenced=customers%2CtypesOfWork',
      admin,
    );
    expect(res.status).toBe(200);
    const body = res.body as {
      offset: number;
      limit: number;
      items: Array<{ name: string; customerId: number; typeOfWorkId: number }>;
      customers: Record<string, { id: number; allowedActions?: unknown }>;
      typesOfWork: Record<string, { id: number }>;
    };
    expect(body.offset).toBe(20);
    expect(body.limit).toBe(10);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThan(10);
    for (const t of body.items) expect(t.name.toLowerCase()).toContain('testing');
    const names = body.items.map((t) => t.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(Object.keys(body.customers).sort()).toEqual(
      [...new Set(body.items.map((t) => String(t.customerId)))].sort(),
    );
    expect(Object.keys(body.typesOfWork).sort()).toEqual(
      [...new Set(body.items.map((t) => String(t.typeOfWorkId)))].sort(),
    );
    for (const c of Object.values(body.customers)) expect(c).not.toHaveProperty('allowedActions');
    // The whole listing agrees with the page: page 3 continues pages 1 and 2.
    const all = await api(sim, 'GET', '/tasks?sort=%2Bname&words=testing', admin);
    const allItems = (all.body as { items: Array<{ id: number }> }).items;
    expect(body.items.map((t) => (t as unknown as { id: number }).id)).toEqual(
      allItems.slice(20, 30).map((t) => t.id),
    );
  });

  it('PATCH /customers/7 renames Galaxy Corporation', async () => {
    const res = await api(sim, 'PATCH', '/customers/7', {
      ...admin,
      body: { name: 'Galaxy Corporation Ltd' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 7, name: 'Galaxy Corporation Ltd', archived: false });
    expect((await api(sim, 'GET', '/projects/10', admin)).body).toMatchObject({
      customerName: 'Galaxy Corporation Ltd',
    });
  });

  it('POST /workflowStatuses {"name":"Won\'t Fix","type":"completed"} creates the status (200)', async () => {
    const res = await api(sim, 'POST', '/workflowStatuses', {
      ...admin,
      body: { name: "Won't Fix", type: 'completed' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 4,
      name: "Won't Fix",
      type: 'completed',
      allowedActions: { canModify: true, canDelete: true },
    });
  });

  it('DELETE /projects/10 needs revokeApprovedWeeks=true: 400 approved_time_exists without, 204 with', async () => {
    const refused = await api(sim, 'DELETE', '/projects/10', admin);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ key: 'api.error.approved_time_exists' });
    expect((await api(sim, 'GET', '/projects/10', admin)).status).toBe(200);
    const tasks = await api(sim, 'GET', '/tasks?projectIds=10', admin);
    expect((tasks.body as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const done = await api(sim, 'DELETE', '/projects/10?revokeApprovedWeeks=true', admin);
    expect(done.status).toBe(204);
    expect(done.body).toBeUndefined();
    expect((await api(sim, 'GET', '/projects/10', admin)).status).toBe(404);
    expect((await api(sim, 'GET', '/tasks?projectIds=10', admin)).body).toMatchObject({ items: [] });
    const time = await api(
      sim,
      'GET',
      '/timetrack?dateFrom=2026-08-01&dateTo=2026-10-07&taskIds=80%2C81%2C82%2C83',
      admin,
    );
    expect(time.body).toMatchObject({ data: [] });
  });

  it('GET /departments?offset=4&sort=%2Bname returns Top Management and Users without department', async () => {
    const res = await api(sim, 'GET', '/departments?offset=4&sort=%2Bname', admin);
    expect(res.body).toEqual({
      offset: 4,
      limit: 1000,
      items: [
        { id: 5, name: 'Top Management', default: false },
        { id: -1, name: 'Users without department', default: true },
      ],
    });
  });

  it('GET /leaveTypes/1 matches the official example', async () => {
    const res = await api(sim, 'GET', '/leaveTypes/1', { user: 'trainee' });
    expect(res.body).toEqual({ id: 1, name: 'Sick Leave', balance: 'Sick', rateFactor: 1, archived: false });
  });

  it("a regular user cannot read another user's time-track nor create a customer (403)", async () => {
    const time = await api(sim, 'GET', '/timetrack?dateFrom=2026-10-01&userIds=4', { user: 'trainee' });
    expect(time.status).toBe(403);
    expect(time.body).toEqual({
      key: 'api.error.access_denied',
      message:
        'User does not have access to the specified object or lacks permissions to perform the requested operation',
    });
    const create = await api(sim, 'POST', '/customers', { user: 'trainee', body: { name: 'Trainee Inc' } });
    expect(create.status).toBe(403);
    expect(create.body).toMatchObject({ key: 'api.error.access_denied' });
  });
});
