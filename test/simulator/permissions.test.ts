import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

type Obj = Record<string, unknown>;

async function call(method: string, path: string, user: string, body?: unknown) {
  return api(sim, method, path, { user, body });
}

async function ids(path: string, user: string): Promise<number[]> {
  const res = await call('GET', path, user);
  expect(res.status).toBe(200);
  return (res.body as { items: Obj[] }).items.map((i) => i.id as number);
}

function expectKey(res: { status: number; body: unknown }, status: number, key: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ key: `api.error.${key}` });
}

describe('model §1.13 permissions of the seeded roles', () => {
  it('allowedActions follow the caller: admin everything, manager its scope, regular nothing', async () => {
    const actions = async (path: string, user: string) =>
      ((await call('GET', path, user)).body as Obj).allowedActions;
    expect(await actions('/customers/6', 'admin')).toEqual({ canModify: true, canDelete: true });
    expect(await actions('/customers/6', 'manager')).toEqual({ canModify: true, canDelete: true });
    expect(await actions('/customers/6', 'trainee')).toEqual({ canModify: false, canDelete: false });
    expect(await actions('/projects/13', 'trainee')).toEqual({ canModify: false, canDelete: false });
    expect(await actions('/tasks/143', 'manager')).toEqual({ canModify: true, canDelete: true });
    expect(await actions('/customers/11', 'pwhite')).toEqual({ canModify: false, canDelete: false });
    expect(await actions('/customers/11', 'admin')).toEqual({ canModify: true, canDelete: true });
    const items = (await call('GET', '/tasks', 'trainee')).body as { items: Array<{ allowedActions: Obj }> };
    expect(items.items.every((t) => t.allowedActions.canModify === false)).toBe(true);
  });

  it('a regular user sees what its assignments reach; existing but invisible objects are 403, missing 404', async () => {
    expect(await ids('/customers', 'trainee')).toEqual([6, 9]);
    expect(await ids('/projects', 'trainee')).toEqual([13, 23, 24]);
    const tasks = await ids('/tasks', 'trainee');
    expect(tasks).toHaveLength(18); // projects 13 (10 tasks), 23 (4) and 24 (4)
    expect(tasks).toContain(143);
    expect(tasks).not.toContain(80);
    expectKey(await call('GET', '/customers/7', 'trainee'), 403, 'access_denied');
    expectKey(await call('GET', '/projects/10', 'trainee'), 403, 'access_denied');
    expectKey(await call('GET', '/tasks/80', 'trainee'), 403, 'access_denied');
    expectKey(await call('GET', '/tasks/80/comments', 'trainee'), 403, 'access_denied');
    expectKey(await call('GET', '/tasks/99999', 'trainee'), 404, 'object_not_found');
    expect(await ids('/customers', 'pwhite')).toEqual([6, 7, 9, 11]);
    expect(await ids('/customers', 'manager')).toEqual([6, 7, 9]);
    expectKey(await call('GET', '/customers/11', 'manager'), 403, 'access_denied');
  });

  it('regular users cannot write customers, projects, tasks or statuses', async () => {
    expectKey(await call('POST', '/customers', 'trainee', { name: 'T Inc' }), 403, 'access_denied');
    expectKey(await call('POST', '/projects', 'trainee', { customerId: 6, name: 'P' }), 403, 'access_denied');
    expectKey(await call('POST', '/tasks', 'trainee', { projectId: 13, name: 'T' }), 403, 'access_denied');
    expectKey(await call('PATCH', '/customers/6', 'trainee', { name: 'X' }), 403, 'access_denied');
    expectKey(await call('PATCH', '/tasks/143', 'trainee', { name: 'X' }), 403, 'access_denied');
    expectKey(await call('DELETE', '/tasks/143', 'trainee'), 403, 'access_denied');
    expectKey(await call('DELETE', '/projects/13', 'pwhite'), 403, 'access_denied');
    expectKey(
      await call('POST', '/workflowStatuses', 'trainee', { name: 'W', type: 'open' }),
      403,
      'access_denied',
    );
    expectKey(await call('DELETE', '/workflowStatuses/2', 'trainee'), 403, 'access_denied');
    expect((await call('GET', '/customers/6', 'admin')).body).toMatchObject({ name: 'Big Bang Company' });
  });

  it('a manager writes within its scope only, and administers the customers it creates', async () => {
    const created = await call('POST', '/customers', 'manager', { name: 'Comet Ltd' });
    expect(created.status).toBe(200);
    const id = (created.body as { id: number }).id;
    expect(created.body).toMatchObject({ allowedActions: { canModify: true, canDelete: true } });
    expect((await call('POST', '/projects', 'manager', { customerId: id, name: 'Tail' })).status).toBe(200);
    expect((await call('PATCH', '/projects/13', 'manager', { description: 'by manager' })).status).toBe(200);
    expectKey(await call('PATCH', '/customers/11', 'manager', { name: 'X' }), 403, 'access_denied');
    expectKey(
      await call('POST', '/projects', 'manager', { customerId: 11, name: 'P' }),
      403,
      'access_denied',
    );
    expectKey(await call('PATCH', '/projects/13', 'manager', { customerId: 11 }), 403, 'access_denied');
    expect(
      (await call('POST', '/workflowStatuses', 'manager', { name: 'Blocked', type: 'open' })).status,
    ).toBe(200);
    expectKey(
      await call('POST', '/users', 'manager', {
        username: 'u',
        password: 'p',
        firstName: 'F',
        lastName: 'L',
      }),
      403,
      'access_denied',
    );
  });

  it('users: a regular user sees only itself, a manager itself and the team, the admin everyone', async () => {
    expect(await ids('/users', 'trainee')).toEqual([3]);
    expect(await ids('/users', 'manager')).toEqual([2, 3, 4, 5, 6]);
    expect(await ids('/users', 'admin')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expectKey(await call('GET', '/users/4', 'trainee'), 403, 'access_denied');
    expectKey(await call('GET', '/users/rgray', 'manager'), 403, 'access_denied');
    expect((await call('GET', '/users/3', 'manager')).body).toMatchObject({
      allowedActions: { canSubmitTimetrack: true },
    });
    expect((await call('GET', '/users/3', 'manager')).body).not.toHaveProperty('username');
  });

  it('disabled users and users hired in the future cannot log in (401 user_cannot_be_authorized)', async () => {
    expectKey(await call('GET', '/users/me', 'rgray'), 401, 'user_cannot_be_authorized');
    expectKey(await call('GET', '/users/me', 'nnew'), 401, 'user_cannot_be_authorized');
    // Hiring Nina today lets her in.
    expect((await call('PATCH', '/users/8', 'admin', { hired: TODAY })).status).toBe(200);
    expect((await call('GET', '/users/me', 'nnew')).body).toMatchObject({ id: 8 });
  });
});
