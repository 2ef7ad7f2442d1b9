import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, week, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
let empty: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
  empty = await startTestSimulator({ today: TODAY, now: noonClock(), seed: 'empty' });
});
afterEach(() => {
  sim.reset();
  empty.reset();
});
afterAll(async () => {
  await sim.close();
  await empty.close();
});

const admin = { user: 'admin' } as const;
type Obj = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, user = 'admin') {
  return api(sim, method, path, { user, body });
}

async function expectError(
  res: { status: number; body: unknown },
  status: number,
  key: string,
  extra: Obj = {},
): Promise<void> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ key: `api.error.${key}`, ...extra });
}

describe('model §2.3 customers', () => {
  it('POST creates with 200 (not 201), defaults, a fresh id and the created customer readable', async () => {
    const res = await call('POST', '/customers', { name: 'Nebula Ltd' });
    expect(res.status).toBe(200);
    const c = res.body as Obj;
    expect(c).toMatchObject({ id: 12, name: 'Nebula Ltd', description: null, archived: false });
    expect(c.url).toBe(`${sim.baseUrl.replace(/\/api\/v1$/, '')}/tasks/tasklist.do?customerId=12`);
    expect(c.allowedActions).toEqual({ canModify: true, canDelete: true });
    // `created` is on the simulated clock, shifted so that the seed's today is today.
    expect(typeof c.created).toBe('number');
    expect((await call('GET', '/customers/12')).body).toEqual(c);
  });

  it('validates names: mandatory_field, string_length, customer_exists ignoring case', async () => {
    await expectError(await call('POST', '/customers', {}), 400, 'mandatory_field', {
      message: 'Mandatory field is not specified',
      fields: 'name',
    });
    await expectError(await call('POST', '/customers', { name: null }), 400, 'mandatory_field');
    await expectError(await call('POST', '/customers', { name: '' }), 400, 'string_length', {
      message: 'String length must be between 1 and 255',
    });
    await expectError(await call('POST', '/customers', { name: 'x'.repeat(256) }), 400, 'string_length');
    expect((await call('POST', '/customers', { name: 'x'.repeat(255) })).status).toBe(200);
    await expectError(
      await call('POST', '/customers', { name: 'big bang COMPANY' }),
      400,
      'customer_exists',
      {
        message: 'Customer with specified name already exists',
        fields: 'name',
      },
    );
    await expectError(
      await call('POST', '/customers', { name: 'Ok', archived: 'yes' }),
      400,
      'invalid_argument',
    );
    await expectError(await call('POST', '/customers', [{ name: 'Array Inc' }]), 400, 'invalid_argument');
  });

  it('PATCH changes only the fields sent and keeps names unique', async () => {
    const res = await call('PATCH', '/customers/6', { description: null, archived: true });
    expect(res.body).toMatchObject({ id: 6, name: 'Big Bang Company', description: null, archived: true });
    expect((await call('PATCH', '/customers/6', { name: 'BIG BANG COMPANY' })).body).toMatchObject({
      name: 'BIG BANG COMPANY',
    });
    await expectError(await call('PATCH', '/customers/6', { name: 'our company' }), 400, 'customer_exists');
    await expectError(await call('PATCH', '/customers/999', { name: 'x' }), 404, 'object_not_found', {
      message: 'Object with given ID does not exist',
    });
  });

  it('GET of an unknown id is 404, of an unparsable id 400', async () => {
    await expectError(await call('GET', '/customers/999'), 404, 'object_not_found');
    await expectError(await call('GET', '/customers/abc'), 400, 'invalid_argument');
  });

  it('DELETE cascades to projects, tasks and time; approved time needs revokeApprovedWeeks=true', async () => {
    await expectError(await call('DELETE', '/customers/6'), 400, 'approved_time_exists');
    await expectError(
      await call('DELETE', '/customers/6?revokeApprovedWeeks=maybe'),
      400,
      'invalid_argument',
    );
    expect((await call('GET', '/projects/13')).status).toBe(200);

    const approvedBefore = await call(
      'GET',
      `/timetrack?dateFrom=${week(-5)}&dateTo=${week(-5, 6)}&userIds=3`,
    );
    const dataBefore = (approvedBefore.body as { data: Array<{ approved: boolean }> }).data;
    expect(dataBefore.length).toBeGreaterThan(0);
    expect(dataBefore.every((d) => d.approved)).toBe(true);

    const res = await call('DELETE', '/customers/6?revokeApprovedWeeks=true');
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    for (const path of ['/customers/6', '/projects/13', '/projects/15', '/tasks/143', '/tasks/121'])
      expect((await call('GET', path)).status, path).toBe(404);
    const time = await call('GET', `/timetrack?dateFrom=${week(-8)}&dateTo=${TODAY}&customerIds=6`);
    expect((time.body as { data: unknown[] }).data).toEqual([]);
    // The trainee's weeks that held time on customer 6 lost their approval; other customers' time stays.
    const after = await call('GET', `/timetrack?dateFrom=${week(-5)}&dateTo=${week(-5, 6)}&userIds=3`);
    const dataAfter = (
      after.body as { data: Array<{ approved: boolean; records: Array<{ taskId: number }> }> }
    ).data;
    expect(dataAfter.every((d) => !d.approved)).toBe(true);
    expect(
      dataAfter
        .flatMap((d) => d.records.map((r) => r.taskId))
        .every((id) => [136, 137, 138, 139, 141, 142, 144, 145].includes(id)),
    ).toBe(true);
  });

  it('DELETE without approved time needs no flag', async () => {
    expect((await call('DELETE', '/customers/11')).status).toBe(204);
    expect((await call('GET', '/projects/25')).status).toBe(404);
  });
});

describe('model §2.4 projects', () => {
  it('POST requires customerId and a name unique within the customer', async () => {
    await expectError(await call('POST', '/projects', { name: 'P' }), 400, 'mandatory_field', {
      fields: 'customerId',
    });
    await expectError(
      await call('POST', '/projects', { customerId: 999, name: 'P' }),
      404,
      'object_not_found',
    );
    await expectError(
      await call('POST', '/projects', { customerId: 6, name: 'LAUNCH PAD' }),
      400,
      'project_exists',
      {
        message: 'Project with specified name already exists',
      },
    );
    const other = await call('POST', '/projects', { customerId: 7, name: 'Launch pad' });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({
      id: 26,
      name: 'Launch pad',
      customerId: 7,
      customerName: 'Galaxy Corporation',
      description: null,
      archived: false,
      allowedActions: { canModify: true, canDelete: true },
    });
    expect((other.body as Obj).url).toMatch(/\/tasks\/tasklist\.do\?projectId=26$/);
  });

  it('PATCH with customerId moves the project (names still unique in the target)', async () => {
    const moved = await call('PATCH', '/projects/14', { customerId: 9 });
    expect(moved.body).toMatchObject({
      id: 14,
      customerId: 9,
      customerName: 'Our Company',
      name: 'Launch pad',
    });
    expect((await call('GET', '/tasks/111')).body).toMatchObject({
      customerId: 9,
      customerName: 'Our Company',
    });
    await expectError(
      await call('PATCH', '/projects/24', { customerId: 6, name: 'spaceship BUILDING' }),
      400,
      'project_exists',
    );
    await expectError(await call('PATCH', '/projects/24', { customerId: 999 }), 404, 'object_not_found');
  });

  it('DELETE cascades to tasks; comments list and assigned users', async () => {
    const comments = await call('GET', '/projects/13/comments?includeReferenced=users');
    const body = comments.body as { offset: number; limit: number; items: Obj[]; users: Record<string, Obj> };
    expect(body.offset).toBe(0);
    expect(body.items.length).toBe(3);
    expect(body.items[0]).toEqual({
      id: expect.any(Number),
      userId: expect.any(Number),
      created: expect.any(Number),
      updated: expect.any(Number),
      updatingUserId: expect.any(Number),
      text: expect.any(String),
    });
    for (const item of body.items) expect(body.users[String(item.userId)]).toBeDefined();
    for (const u of Object.values(body.users)) expect(u).not.toHaveProperty('allowedActions');
    expect((await call('GET', '/projects/10/assignedUsers')).body).toEqual({ userIds: [1, 2, 5, 6] });

    expect((await call('DELETE', '/projects/14?revokeApprovedWeeks=true')).status).toBe(204);
    expect((await call('GET', '/tasks/111')).status).toBe(404);
  });
});

describe('model §2.5 tasks', () => {
  it('POST defaults: lowest open status, default type of work, customer from the project', async () => {
    const res = await call('POST', '/tasks', { projectId: 13, name: 'Airlock testing' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 153,
      name: 'Airlock testing',
      description: null,
      status: 'open',
      workflowStatusId: 1,
      workflowStatusName: 'New',
      typeOfWorkId: 1,
      typeOfWorkName: 'engineering',
      deadline: null,
      estimatedTime: null,
      projectId: 13,
      projectName: 'Spaceship building',
      customerId: 6,
      customerName: 'Big Bang Company',
      allowedActions: { canModify: true, canDelete: true },
    });
    expect((res.body as Obj).url).toMatch(/\/tasks\/tasklist\.do\?taskId=153$/);
  });

  it('status vs workflowStatusId: one or the other; status alone picks the lowest-id status of that type', async () => {
    const done = await call('POST', '/tasks', { projectId: 13, name: 'A', status: 'completed' });
    expect(done.body).toMatchObject({ status: 'completed', workflowStatusId: 3 });
    const wip = await call('POST', '/tasks', { projectId: 13, name: 'B', workflowStatusId: 2 });
    expect(wip.body).toMatchObject({
      status: 'open',
      workflowStatusId: 2,
      workflowStatusName: 'In Progress',
    });
    await expectError(
      await call('POST', '/tasks', { projectId: 13, name: 'C', status: 'open', workflowStatusId: 1 }),
      400,
      'invalid_argument',
    );
    await expectError(
      await call('POST', '/tasks', { projectId: 13, name: 'C', status: 'closed' }),
      400,
      'invalid_argument',
    );
    await expectError(
      await call('POST', '/tasks', { projectId: 13, name: 'C', workflowStatusId: 99 }),
      404,
      'object_not_found',
    );
    // PATCH status: 'open' on an In Progress task keeps it; 'completed' moves it to Completed.
    expect((await call('PATCH', '/tasks/102', { status: 'open' })).body).toMatchObject({
      workflowStatusId: 2,
    });
    expect((await call('PATCH', '/tasks/102', { status: 'completed' })).body).toMatchObject({
      status: 'completed',
      workflowStatusId: 3,
    });
  });

  it('deadline goes in as a date and comes out as ms at 00:00 UTC; null clears it', async () => {
    const res = await call('PATCH', '/tasks/143', { deadline: '2026-12-24', estimatedTime: 90 });
    expect(res.body).toMatchObject({ deadline: Date.UTC(2026, 11, 24), estimatedTime: 90 });
    expect((await call('PATCH', '/tasks/143', { deadline: null })).body).toMatchObject({ deadline: null });
    await expectError(await call('PATCH', '/tasks/143', { deadline: '2026-02-30' }), 400, 'invalid_argument');
    await expectError(await call('PATCH', '/tasks/143', { estimatedTime: -5 }), 400, 'invalid_argument');
    await expectError(await call('PATCH', '/tasks/143', { typeOfWorkId: 77 }), 404, 'object_not_found');
    const seeded = (await call('GET', '/tasks/121')).body as Obj;
    expect(seeded.deadline).toBe(Date.UTC(2026, 9, 2)); // 5 days before the pinned today
  });

  it('PATCH with projectId moves the task; names unique within the project, ignoring case', async () => {
    const res = await call('PATCH', '/tasks/143', { projectId: 17 });
    expect(res.body).toMatchObject({ projectId: 17, customerId: 7, customerName: 'Galaxy Corporation' });
    await expectError(await call('PATCH', '/tasks/92', { name: 'BETA TESTING' }), 400, 'task_exists', {
      message: 'Task with specified name already exists',
    });
    await expectError(await call('POST', '/tasks', { projectId: 23, name: 'meetings' }), 400, 'task_exists');
    await expectError(await call('POST', '/tasks', { name: 'x' }), 400, 'mandatory_field', {
      fields: 'projectId',
    });
    await expectError(await call('POST', '/tasks', { projectId: 999, name: 'x' }), 404, 'object_not_found');
  });

  it('DELETE removes the task and its time; approved time needs revokeApprovedWeeks=true', async () => {
    await expectError(await call('DELETE', '/tasks/80'), 400, 'approved_time_exists');
    expect((await call('DELETE', '/tasks/80?revokeApprovedWeeks=true')).status).toBe(204);
    expect((await call('GET', '/tasks/80')).status).toBe(404);
    const t = await call('GET', `/timetrack?dateFrom=${week(-8)}&taskIds=80`);
    expect((t.body as { data: unknown[] }).data).toEqual([]);
    expect((await call('DELETE', '/tasks/108')).status).toBe(204);
  });

  it('comments and assigned users of a task', async () => {
    const c = await call('GET', '/tasks/143/comments?limit=1');
    expect(c.body).toMatchObject({
      offset: 0,
      limit: 1,
      items: [expect.objectContaining({ text: expect.any(String) })],
    });
    expect((await call('GET', '/tasks/136/comments')).body).toEqual({ offset: 0, limit: 1000, items: [] });
    expect((await call('GET', '/tasks/143/assignedUsers')).body).toEqual({ userIds: [1, 2, 3, 4, 6, 7] });
    expect((await call('GET', '/customers/9/assignedUsers')).body).toEqual({
      userIds: [1, 2, 3, 4, 5, 6, 7, 8],
    });
  });
});

describe('model §2.13 workflow statuses', () => {
  it('allowedActions.canDelete is false while in use or last of its type', async () => {
    const res = await call('GET', '/workflowStatuses');
    expect((res.body as { items: Obj[] }).items).toEqual([
      { id: 1, name: 'New', type: 'open', allowedActions: { canModify: true, canDelete: false } },
      { id: 2, name: 'In Progress', type: 'open', allowedActions: { canModify: true, canDelete: false } },
      { id: 3, name: 'Completed', type: 'completed', allowedActions: { canModify: true, canDelete: false } },
    ]);
    const trainee = await call('GET', '/workflowStatuses/1', undefined, 'trainee');
    expect(trainee.body).toMatchObject({ allowedActions: { canModify: false, canDelete: false } });
  });

  it('validates: mandatory name and type, enum type, unique name ignoring case', async () => {
    await expectError(await call('POST', '/workflowStatuses', { name: 'X' }), 400, 'mandatory_field', {
      fields: 'type',
    });
    await expectError(await call('POST', '/workflowStatuses', { type: 'open' }), 400, 'mandatory_field', {
      fields: 'name',
    });
    await expectError(
      await call('POST', '/workflowStatuses', { name: 'X', type: 'closed' }),
      400,
      'invalid_argument',
    );
    await expectError(
      await call('POST', '/workflowStatuses', { name: 'in progress', type: 'open' }),
      400,
      'workflow_status_exists',
      {
        message: 'Workflow status with specified name already exists',
      },
    );
    await expectError(
      await call('PATCH', '/workflowStatuses/2', { name: 'NEW' }),
      400,
      'workflow_status_exists',
    );
  });

  it('DELETE: 204 for an unused status, workflow_status_in_use for a used one', async () => {
    const created = await call('POST', '/workflowStatuses', { name: "Won't Fix", type: 'completed' });
    const id = (created.body as { id: number }).id;
    await expectError(await call('DELETE', '/workflowStatuses/1'), 400, 'workflow_status_in_use');
    expect((await call('DELETE', `/workflowStatuses/${id}`)).status).toBe(204);
    await expectError(await call('GET', `/workflowStatuses/${id}`), 404, 'object_not_found');
  });

  it("a type change moves its tasks' status; the last status of a type cannot be deleted or retyped", async () => {
    expect(
      (await call('PATCH', '/workflowStatuses/2', { type: 'completed', name: 'Review' })).body,
    ).toMatchObject({
      id: 2,
      name: 'Review',
      type: 'completed',
    });
    expect((await call('GET', '/tasks/102')).body).toMatchObject({
      status: 'completed',
      workflowStatusName: 'Review',
    });

    const del = await api(empty, 'DELETE', '/workflowStatuses/3', admin);
    await expectError(del, 400, 'last_workflow_status');
    await expectError(
      await api(empty, 'PATCH', '/workflowStatuses/1', { ...admin, body: { type: 'completed' } }),
      400,
      'last_workflow_status',
    );
    expect((await api(empty, 'GET', '/workflowStatuses/3', admin)).body).toMatchObject({
      allowedActions: { canModify: true, canDelete: false },
    });
  });
});
