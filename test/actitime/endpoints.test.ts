/**
 * Every endpoint function against the seeded simulator, at least once, asserting what came back and what the
 * simulator received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActitimeClient } from '../../src/actitime/client.js';
import { ActitimeApiError, UnexpectedResponseError, UnsupportedError } from '../../src/actitime/errors.js';
import { runBatch } from '../../src/actitime/resources/batch.js';
import * as customers from '../../src/actitime/resources/customers.js';
import { createHook, deleteHook, listHooks, unsubscribeHooks } from '../../src/actitime/resources/hooks.js';
import { getInfo } from '../../src/actitime/resources/info.js';
import * as leave from '../../src/actitime/resources/leavetime.js';
import * as projects from '../../src/actitime/resources/projects.js';
import * as ref from '../../src/actitime/resources/reference.js';
import * as tasks from '../../src/actitime/resources/tasks.js';
import * as tt from '../../src/actitime/resources/timetrack.js';
import * as users from '../../src/actitime/resources/users.js';
import * as wf from '../../src/actitime/resources/workflowStatuses.js';
import { createLogger } from '../../src/logger.js';
import type { RecordedRequest } from '../../src/simulator/types.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { shown } from '../helpers/errors.js';

let sim: SimulatorHandle;
let c: ActitimeClient;
const FUTURE = '2026-10-13';

function since(mark: number): RecordedRequest[] {
  return sim.requests.filter((r) => r.seq > mark && r.batchOf === undefined);
}
const mark = () => sim.requests.at(-1)?.seq ?? 0;

beforeAll(async () => {
  sim = await startTestSimulator({ today: '2026-10-07', limits: { maxBatchSize: 3 } });
  c = new ActitimeClient(
    { baseUrl: sim.baseUrl, username: 'admin', password: 'manager' },
    { logger: createLogger('silent') },
  );
});
afterAll(async () => {
  await c.close();
  await sim.close();
});

describe('info and reference data', () => {
  it('getInfo is read once and then served from the cache', async () => {
    const m = mark();
    const [a, b] = await Promise.all([getInfo(c), getInfo(c)]);
    const again = await getInfo(c);
    expect(a.company?.name).toBe('Demo Company');
    expect(a.limits).toMatchObject({ maxBatchSize: 3, maxQueryLimit: 1000 });
    expect(b).toBe(a);
    expect(again).toBe(a);
    expect(since(m).filter((r) => r.path === '/info')).toHaveLength(1);
  });

  it('leave types, types of work, departments and time zone groups', async () => {
    const leaveTypes = await ref.listLeaveTypes(c);
    expect(leaveTypes.map((l) => l.name)).toContain('Sick Leave');
    expect(leaveTypes.find((l) => l.id === 1)?.balance).toBe('Sick');
    expect((await ref.getLeaveType(c, 2)).name).toBe('Vacation');
    expect((await ref.listLeaveTypes(c, { archived: false })).some((l) => l.archived)).toBe(false);
    expect((await ref.getTypeOfWork(c, 'default')).id).toBe(1);
    expect((await ref.listTypesOfWork(c, { sort: 'name' })).map((t) => t.name)[0]).toBe('design');
    expect((await ref.getDepartment(c, -1)).name).toBe('Users without department');
    expect((await ref.listDepartments(c)).map((d) => d.id)).toContain(5);
    expect((await ref.getTimeZoneGroup(c, 'default')).timeZoneId).toBe('America/New_York');
    expect((await ref.listTimeZoneGroups(c)).map((g) => g.id)).toEqual(expect.arrayContaining([-1, 2]));
    const m = mark();
    await ref.listLeaveTypes(c);
    expect(since(m)).toHaveLength(0); // cached
    expect(sim.requests.some((r) => r.rawPath === '/api/v1/typesOfWork' && r.query.sort === '+name')).toBe(
      true,
    );
  });

  it('workflow statuses: list (cached), get, create, update, delete; writes drop the cache', async () => {
    const before = await wf.listWorkflowStatuses(c);
    expect(before.map((s) => s.name)).toEqual(['New', 'In Progress', 'Completed']);
    const created = await wf.createWorkflowStatus(c, { name: "Won't Fix", type: 'completed' });
    expect((await wf.listWorkflowStatuses(c)).map((s) => s.name)).toContain("Won't Fix");
    expect((await wf.getWorkflowStatus(c, created.id)).type).toBe('completed');
    const renamed = await wf.updateWorkflowStatus(c, created.id, { name: 'Wont Fix' });
    expect(renamed.name).toBe('Wont Fix');
    expect((await wf.getWorkflowStatus(c, created.id)).name).toBe('Wont Fix');
    await expect(wf.deleteWorkflowStatus(c, created.id)).resolves.toEqual({
      deleted: true,
      goneOnRetry: false,
    });
    expect((await wf.listWorkflowStatuses(c)).map((s) => s.id)).not.toContain(created.id);
  });
});

describe('users', () => {
  it('list one page and all pages, get by id, username and me', async () => {
    const page = await users.listUsers(c, { limit: 3, sort: 'lastName' });
    expect(page.items).toHaveLength(3);
    expect(page.limit).toBe(3);
    const m = mark();
    const all = await users.listAllUsers(c, { limit: 3, includeReferenced: ['departments'] });
    expect(all.items.map((u) => u.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Object.keys(all.departments ?? {})).toEqual(expect.arrayContaining(['5', '6', '7', '-1']));
    expect(since(m).map((r) => r.query.offset)).toEqual(['0', '3', '6']);
    expect((await users.getUser(c, 3)).username).toBe('trainee');
    expect((await users.getUser(c, 'jsmith')).id).toBe(4);
    expect((await users.getMe(c)).id).toBe(1);
  });

  it('schedule, work assignments, create, update, invitation, rates', async () => {
    const schedule = await users.getSchedule(c, 3, '2026-10-05', '2026-10-11');
    expect(schedule.schedule).toEqual([480, 480, 480, 480, 480, 0, 0]);
    expect((await users.getWorkAssignments(c, 'pwhite')).allScope).toBe(true);
    expect((await users.getWorkAssignments(c, 3)).projectIds).toEqual(expect.arrayContaining([13, 23, 24]));
    const created = await users.createUser(c, {
      username: 'newbie',
      password: 'newbie-pw',
      firstName: 'New',
      lastName: 'Bie',
    });
    expect(created.username).toBe('newbie');
    expect((await users.updateUser(c, created.id, { firstName: 'Neo' })).firstName).toBe('Neo');
    const invited = await users.inviteUser(c, {
      username: 'invitee',
      firstName: 'In',
      lastName: 'Vitee',
      email: 'in@vit.ee',
    });
    expect(invited.id).toBeGreaterThan(created.id);
    const rates = await users.getUserRates(c, 3);
    expect(Array.isArray(rates)).toBe(true);
    const newRates = [{ dateFrom: '2026-01-01', regularRate: 50, overtimeRate: 75, leaveRates: [] }];
    await users.setUserRates(c, 3, newRates);
    expect((await users.getUserRates(c, 3))[0]).toMatchObject({ dateFrom: '2026-01-01', regularRate: 50 });
  });
});

describe('customers, projects, tasks', () => {
  it('customers: pages, get, create, update, delete, comments, assigned users', async () => {
    expect((await customers.listCustomers(c, { limit: 2 })).items).toHaveLength(2);
    const all = await customers.listAllCustomers(c, { limit: 2 });
    expect(all.items.map((x) => x.id)).toEqual(expect.arrayContaining([6, 7, 9, 11]));
    expect((await customers.getCustomer(c, 6)).name).toBe('Big Bang Company');
    const created = await customers.createCustomer(c, { name: 'Endpoint Test Co', description: 'x' });
    expect((await customers.updateCustomer(c, created.id, { archived: true })).archived).toBe(true);
    await expect(customers.deleteCustomer(c, created.id)).resolves.toEqual({
      deleted: true,
      goneOnRetry: false,
    });
    const comments = await customers.listCustomerComments(c, 6, { includeReferenced: ['users'] });
    expect(comments.items.length).toBeGreaterThanOrEqual(2);
    expect(comments.users).toBeDefined();
    expect((await customers.getCustomerAssignedUsers(c, 6)).userIds.length).toBeGreaterThan(0);
    const dup = await customers.createCustomer(c, { name: 'big bang company' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ActitimeApiError);
    expect((dup as ActitimeApiError).shortKey).toBe('customer_exists');
  });

  it('projects: pages with reference maps, get, create, update (move), delete, comments, assigned users', async () => {
    const all = await projects.listAllProjects(c, { limit: 2, includeReferenced: ['customers'] });
    expect(all.items.length).toBe(8);
    expect(Object.keys(all.customers ?? {})).toEqual(expect.arrayContaining(['6', '7', '9']));
    expect((await projects.listProjects(c, { customerIds: [6] })).items.map((p) => p.id)).toEqual([
      13, 14, 15,
    ]);
    expect((await projects.getProject(c, 13)).customerId).toBe(6);
    const p = await projects.createProject(c, { customerId: 6, name: 'Endpoint project' });
    expect((await projects.updateProject(c, p.id, { customerId: 7 })).customerId).toBe(7);
    await expect(projects.deleteProject(c, p.id)).resolves.toMatchObject({ deleted: true });
    expect((await projects.listProjectComments(c, 13)).items.length).toBeGreaterThanOrEqual(2);
    expect((await projects.getProjectAssignedUsers(c, 13)).userIds).toEqual(expect.arrayContaining([3, 4]));
    const approved = await projects.deleteProject(c, 10).catch((e: unknown) => e);
    expect((approved as ActitimeApiError).shortKey).toBe('approved_time_exists');
    await expect(projects.deleteProject(c, 10, { revokeApprovedWeeks: true })).resolves.toMatchObject({
      deleted: true,
    });
    expect(sim.requests.at(-1)!.query.revokeApprovedWeeks).toBe('true');
  });

  it('tasks: words filter over all pages, deadline normalised, create/update/delete, comments', async () => {
    const testing = await tasks.listAllTasks(c, {
      words: 'testing',
      limit: 4,
      includeReferenced: ['projects'],
    });
    expect(testing.items.length).toBeGreaterThan(4);
    expect(testing.items.every((t) => t.name.toLowerCase().includes('testing'))).toBe(true);
    expect(testing.projects).toBeDefined();
    expect(new Set(testing.items.map((t) => t.id)).size).toBe(testing.items.length);
    const t143 = await tasks.getTask(c, 143);
    expect(t143).toMatchObject({ name: 'Test 10', projectId: 13 });
    const created = await tasks.createTask(c, {
      projectId: 13,
      name: 'Endpoint task',
      deadline: '2026-12-24',
      estimatedTime: 90,
    });
    expect(created.deadline).toBe('2026-12-24');
    const updated = await tasks.updateTask(c, created.id, { deadline: null, status: 'completed' });
    expect(updated.deadline).toBeNull();
    expect(updated.status).toBe('completed');
    await expect(tasks.deleteTask(c, created.id)).resolves.toMatchObject({ deleted: true });
    expect((await tasks.listTaskComments(c, 143)).items.length).toBeGreaterThanOrEqual(2);
    expect(Array.isArray((await tasks.getTaskAssignedUsers(c, 143)).userIds)).toBe(true);
    const page = await tasks.listTasks(c, { projectIds: [13], status: 'open', sort: '-name', limit: 5 });
    expect(page.items.length).toBeLessThanOrEqual(5);
  });
});

describe('time-track and leave time', () => {
  it('lists follow nextDateFrom to the end and match a single large read', async () => {
    const q = {
      dateFrom: '2026-08-10',
      dateTo: '2026-10-06',
      userIds: [3, 4],
      includeReferenced: ['timeZoneGroups' as const],
    };
    const m = mark();
    const paged = await tt.listAllTimetrack(c, { ...q, stopAfter: 20 });
    expect(since(m).length).toBeGreaterThan(2);
    const whole = await tt.listTimetrack(c, { ...q, stopAfter: 100_000 });
    expect(whole.nextDateFrom).toBeNull();
    // dayOffset is re-based on the requested dateFrom, so the pages join seamlessly.
    expect(paged.data).toEqual(whole.data);
    expect(paged.nextDateFrom).toBeNull();
    expect(paged.dateFrom).toBe('2026-08-10');
    expect(paged.timeZoneGroups).toBeDefined();
    const leavePage = await leave.listLeavetime(c, { dateFrom: '2026-08-10', dateTo: '2026-10-06' });
    const allLeave = await leave.listAllLeavetime(c, {
      dateFrom: '2026-08-10',
      dateTo: '2026-10-06',
      stopAfter: 1,
    });
    expect(allLeave.data).toEqual(leavePage.data);
    expect(allLeave.data.length).toBeGreaterThan(0);
  });

  it('time cells: empty reads as 0, set, delta, comment rules, lock/unlock', async () => {
    expect(await tt.getTimeCell(c, 'trainee', '2026-10-07', 143)).toEqual({ taskId: 143, time: 0 });
    expect(await tt.setTimeCell(c, 'trainee', FUTURE, 143, { time: 60, comment: 'hull' })).toEqual({
      taskId: 143,
      time: 60,
      comment: 'hull',
    });
    expect(await tt.addTimeDelta(c, 'trainee', FUTURE, 143, 30)).toEqual({
      taskId: 143,
      time: 90,
      comment: 'hull',
    });
    expect(await tt.setTimeCell(c, 'trainee', FUTURE, 143, { time: 90, comment: '' })).toEqual({
      taskId: 143,
      time: 90,
    });
    expect(await tt.addTimeDelta(c, 'trainee', FUTURE, 143, -90)).toEqual({ taskId: 143, time: 0 });
    expect(await tt.getTimeCell(c, 'trainee', FUTURE, 143)).toEqual({ taskId: 143, time: 0 });
    await tt.lockTimetrack(c, { dateFrom: FUTURE, dateTo: FUTURE, userIds: [3] });
    const locked = await tt.setTimeCell(c, 'trainee', FUTURE, 143, { time: 10 }).catch((e: unknown) => e);
    expect((locked as ActitimeApiError).shortKey).toBe('timetrack_locked');
    await tt.unlockTimetrack(c, { dateFrom: FUTURE, dateTo: FUTURE, userIds: [3] });
    expect((await tt.setTimeCell(c, 'trainee', FUTURE, 143, { time: 10 })).time).toBe(10);
  });

  it('a server without the delta endpoint: an error by default, an emulation only when asked', async () => {
    // Its own simulator: the exact request sequence asserted below must not depend on how much of the account's
    // per-second budget the earlier tests (another client, so another limiter) have just spent.
    const own = await startTestSimulator({ today: '2026-10-07' });
    const local = new ActitimeClient(
      { baseUrl: own.baseUrl, username: 'admin', password: 'manager' },
      { logger: createLogger('silent') },
    );
    try {
      own.faults.inject({
        method: 'PATCH',
        path: /\/time$/,
        status: 404,
        body: { key: 'api.error.unknown_resource', message: 'HTTP 404 Not Found' },
      });
      const err = await tt.addTimeDelta(local, 'jsmith', FUTURE, 143, 15).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedError);
      expect(shown(err)).toEqual({
        kind: 'unsupported',
        message: 'this actiTIME server has no time delta endpoint (an older version)',
        hint: 'read the cell and set the new total instead (mode set)',
      });
      expect(local.unsupported.has('timetrack.delta')).toBe(true);
      const m = own.requests.length;
      const result = await tt.addTimeDelta(local, 'jsmith', FUTURE, 143, 15, { emulateIfUnsupported: true });
      expect(result).toEqual({ taskId: 143, time: 15, emulated: true });
      expect(own.requests.slice(m).map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET /timetrack/jsmith/${FUTURE}/143`,
        `PATCH /timetrack/jsmith/${FUTURE}/143`,
      ]);
      expect(own.store.getTime(4, FUTURE, 143)?.time).toBe(15);
    } finally {
      await local.close();
      await own.close();
    }
  });

  it('leave cells: empty reads as 0, set, delta', async () => {
    expect(await leave.getLeaveCell(c, 'trainee', FUTURE, 2)).toEqual({ leaveTypeId: 2, leaveTime: 0 });
    expect(await leave.setLeaveCell(c, 'trainee', FUTURE, 2, 240)).toEqual({
      leaveTypeId: 2,
      leaveTime: 240,
    });
    expect(await leave.addLeaveDelta(c, 'trainee', FUTURE, 2, 60)).toEqual({
      leaveTypeId: 2,
      leaveTime: 300,
    });
    expect(await leave.getLeaveCell(c, 'trainee', FUTURE, 2)).toEqual({ leaveTypeId: 2, leaveTime: 300 });
    expect((await leave.setLeaveCell(c, 'trainee', FUTURE, 2, 0)).leaveTime).toBe(0);
  });
});

describe('hooks and batch', () => {
  it('hooks: list, create, delete, unsubscribe', async () => {
    expect(await listHooks(c)).toEqual([]);
    const target = 'http://127.0.0.1:9/hook';
    const hook = await createHook(c, { target_url: target, event: 'task.create' });
    expect(hook).toMatchObject({ target_url: target, event: 'task.create' });
    expect((await listHooks(c)).map((x) => x.id)).toEqual([hook.id]);
    await expect(deleteHook(c, hook.id)).resolves.toMatchObject({ deleted: true });
    await createHook(c, { target_url: target, event: '*' });
    await createHook(c, { target_url: target, event: 'customer' });
    await unsubscribeHooks(c, target);
    expect(await listHooks(c)).toEqual([]);
  });

  it('runBatch splits by limits.maxBatchSize, keeps order, weighs each op, maps op errors', async () => {
    const m = mark();
    const ops = [
      { id: 'a', method: 'GET' as const, path: ['customers', 6] },
      { id: 'b', method: 'GET' as const, path: ['customers', 999999] },
      { id: 'c', method: 'GET' as const, path: ['tasks'], query: { ids: [143, 136], sort: 'name' } },
      { id: 'd', method: 'PATCH' as const, path: ['timetrack', 'trainee', FUTURE, 136], body: { time: 15 } },
      { id: 'e', method: 'GET' as const, path: ['users', 'me'] },
      { id: 'f', method: 'GET' as const, path: ['workflowStatuses'] },
      { id: 'g', method: 'GET' as const, path: ['info'] },
    ];
    const out = await runBatch(c, ops);
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(out.map((o) => o.status)).toEqual([200, 404, 200, 200, 200, 200, 200]);
    expect(out[1]!.error).toBeInstanceOf(ActitimeApiError);
    expect(out[1]!.error).toMatchObject({ status: 404, key: 'api.error.object_not_found' });
    expect((out[2]!.body as { items: Array<{ name: string }> }).items.map((t) => t.name)).toEqual([
      'Meetings',
      'Test 10',
    ]);
    const batches = since(m).filter((r) => r.path === '/batch');
    expect(batches.map((b) => (b.body as unknown[]).length)).toEqual([3, 3, 1]);
    expect((batches[0]!.body as Array<{ relativeUrl: string }>)[2]!.relativeUrl).toBe(
      '/tasks?ids=143%2C136&sort=%2Bname',
    );
    expect((await tt.getTimeCell(c, 'trainee', FUTURE, 136)).time).toBe(15);
  });

  it('runBatch: a failed later chunk marks its ops and skips the rest; a failed first chunk throws', async () => {
    const ops = Array.from({ length: 7 }, (_, i) => ({
      id: `op${i}`,
      method: 'GET' as const,
      path: ['customers', 6],
    }));
    sim.faults.inject({ method: 'POST', path: '/batch', status: 200, body: [{ broken: true }] });
    await expect(runBatch(c, ops)).rejects.toBeInstanceOf(UnexpectedResponseError);
    // First chunk runs normally (a pass-through fault), the second gets a 400 (never retried): its ops carry
    // the error, the third chunk is skipped.
    sim.faults.inject({ method: 'POST', path: '/batch', passThroughHeaders: {} });
    sim.faults.inject({ method: 'POST', path: '/batch', status: 400 });
    const out = await runBatch(c, ops);
    expect(out.map((o) => o.id)).toEqual(ops.map((o) => o.id));
    expect(out.map((o) => o.status)).toEqual([200, 200, 200, 0, 0, 0, 0]);
    expect(out.slice(3, 6).every((o) => o.error instanceof ActitimeApiError && o.error.status === 400)).toBe(
      true,
    );
    expect(out[6]).toEqual({ id: 'op6', status: 0, skipped: true });
  });
});
