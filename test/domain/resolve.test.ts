import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ToolError } from '../../src/domain/errors.js';
import { resolveCustomer } from '../../src/domain/resolve/customer.js';
import { similarity } from '../../src/domain/resolve/match.js';
import { taskPath } from '../../src/domain/resolve/path.js';
import { resolveProject } from '../../src/domain/resolve/project.js';
import {
  resolveDepartment,
  resolveLeaveType,
  resolveTimeZoneGroup,
  resolveTypeOfWork,
  resolveWorkflowStatus,
} from '../../src/domain/resolve/reference-lists.js';
import { resolveTask } from '../../src/domain/resolve/task.js';
import type { Resolver } from '../../src/domain/resolve/types.js';
import { resolveUser } from '../../src/domain/resolve/user.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

async function failure(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ToolError) return err;
    throw err;
  }
  throw new Error('expected a ToolError');
}

describe('resolve: names for ids against the simulator', () => {
  let c: Connected;
  let r: Resolver;
  beforeAll(async () => {
    c = await connectClient({ user: 'admin', tools: [] });
    r = { client: c.actitime };
  });
  afterAll(() => c.close());
  beforeEach(() => c.sim.clearRequests());

  const sent = () => c.sim.requests.map((q) => `${q.method} ${q.path}`);

  it('a task by id, numeric string, unique name, Project / Task and Customer / Project / Task', async () => {
    const byId = await resolveTask(r, 143);
    expect(byId).toMatchObject({
      id: 143,
      name: 'Test 10',
      path: 'Big Bang Company / Spaceship building / Test 10',
      projectId: 13,
      projectName: 'Spaceship building',
      customerId: 6,
      customerName: 'Big Bang Company',
      status: 'open',
    });
    expect((await resolveTask(r, '143')).id).toBe(143);
    expect((await resolveTask(r, 'test 10')).id).toBe(143);
    expect((await resolveTask(r, 'Spaceship building / Test 10')).id).toBe(143);
    expect((await resolveTask(r, 'big bang company / spaceship building / test 10')).id).toBe(143);
    expect((await resolveTask(r, 'Big Bang Company/Spaceship building/Test 10')).id).toBe(143);
    expect(taskPath(byId.task)).toBe(byId.path);
  });

  it('uses the API filters, never a full task scan', async () => {
    await resolveTask(r, 'Hull welding');
    const lists = c.sim.requests.filter((q) => q.path === '/tasks');
    expect(lists.length).toBeGreaterThan(0);
    for (const q of lists) {
      expect(q.query.name ?? q.query.words).toBeDefined();
      expect(Number(q.query.limit)).toBeLessThanOrEqual(50);
    }
  });

  it('an all-words match when no exact name exists', async () => {
    const t = await resolveTask(r, 'hull weld');
    expect(t.id).toBe(102);
    const p = await resolveProject(r, 'spaceship');
    expect(p).toMatchObject({ id: 13, path: 'Big Bang Company / Spaceship building', customerId: 6 });
  });

  it('an ambiguous name is refused with candidates and paths', async () => {
    const err = await failure(resolveTask(r, 'test'));
    expect(err.kind).toBe('ambiguous');
    expect(err.field).toBe('task');
    expect(err.candidates!.length).toBe(10);
    expect(err.message).toContain('more than 10');
    for (const cand of err.candidates!) expect(cand.path.split(' / ')).toHaveLength(3);
  });

  it('an unknown name is not_found with the closest names', async () => {
    const err = await failure(resolveTask(r, 'Hull weldng'));
    expect(err.kind).toBe('not_found');
    expect(err.candidates?.[0]).toEqual({
      id: 102,
      path: 'Big Bang Company / Spaceship building / Hull welding',
    });
    const cust = await failure(resolveCustomer(r, 'Big Bagn Company'));
    expect(cust.kind).toBe('not_found');
    expect(cust.candidates?.map((x) => x.id)).toContain(6);
  });

  it('archived objects match only when asked', async () => {
    const err = await failure(resolveCustomer(r, 'Joda Consulting Inc', { includeArchived: false }));
    expect(err.kind).toBe('not_found');
    expect(err.hint).toContain('includeArchived');
    expect((await resolveCustomer(r, 'Joda Consulting Inc', { includeArchived: true })).id).toBe(11);
    const task = await failure(resolveTask(r, 'Data export'));
    expect(task.kind).toBe('not_found');
    expect((await resolveTask(r, 'Data export', { includeArchived: true })).id).toBe(151);
    // An explicit id is honoured.
    expect((await resolveCustomer(r, 11)).name).toBe('Joda Consulting Inc');
    expect((await resolveTypeOfWork(r, 'legacy support', { includeArchived: true })).id).toBe(16);
    expect(
      (await failure(resolveTypeOfWork(r, 'legacy support', { includeArchived: false }))).hint,
    ).toContain('includeArchived');
  });

  it('the archived-only hint names includeArchived only for callers that offer it (log_time does not)', async () => {
    // Tools without an includeArchived argument leave the option out; the hint must not send the model there.
    const customer = await failure(resolveCustomer(r, 'Joda Consulting Inc'));
    expect(customer.kind).toBe('not_found');
    expect(customer.hint).not.toContain('includeArchived');
    expect(customer.hint).toContain('changes.archived false');
    const task = await failure(resolveTask(r, 'Joda Consulting Inc / Legacy migration / Data export'));
    expect(task.message).toContain('no customer named "Joda Consulting Inc"');
    expect(task.hint).not.toContain('includeArchived');
    const tow = await failure(resolveTypeOfWork(r, 'legacy support'));
    expect(tow.hint).toBe('only archived types of work match; choose an active type of work');
    const leave = await failure(resolveLeaveType(r, 'Study Leave'));
    expect(leave.hint).toBe('only archived leave types match; choose an active leave type');
  });

  it('a typo in the first letters of a one-word task name still gets the closest names', async () => {
    const err = await failure(resolveTask(r, 'Spaceship building / Tsting'));
    expect(err.kind).toBe('not_found');
    expect(err.candidates?.[0]).toEqual({ id: 109, path: 'Big Bang Company / Spaceship building / Testing' });
    expect(err.hint).toContain('candidates');
  });

  it('ambiguity names the plural correctly (workflow statuses, types of work)', async () => {
    const err = await failure(resolveWorkflowStatus(r, 'n'));
    expect(err.kind).toBe('ambiguous');
    expect(err.message).toMatch(/matches \d+ workflow statuses;/);
  });

  it('a project within a customer, by option or path', async () => {
    const p = await resolveProject(r, 'Star map', { customer: 'Galaxy Corporation' });
    expect(p).toMatchObject({ id: 10, customerId: 7, customerName: 'Galaxy Corporation' });
    expect((await resolveProject(r, 'Galaxy Corporation / Mobile app')).id).toBe(17);
    const wrong = await failure(resolveProject(r, 'Star map', { customer: 'Big Bang Company' }));
    expect(wrong.kind).toBe('not_found');
  });

  it('SEC-IN-02 a path-like ref is a name: nothing path-like reaches the raw path', async () => {
    for (const ref of ['../2', '1/../2', '..', '%2e%2e', 'a?b=c', 'a#b']) {
      const err = await failure(resolveTask(r, ref));
      expect(['not_found', 'validation']).toContain(err.kind);
    }
    for (const q of c.sim.requests) {
      expect(q.rawPath).toMatch(/^\/api\/v1\/(tasks|projects|customers)$/);
    }
    // An empty ref is refused before any request.
    c.sim.clearRequests();
    expect((await failure(resolveTask(r, '  '))).kind).toBe('validation');
    expect((await failure(resolveTask(r, 1.5))).kind).toBe('validation');
    expect((await failure(resolveTask(r, -3))).kind).toBe('validation');
    expect(c.sim.requests).toHaveLength(0);
  });

  it('a numeric ref that is no id falls back to the name; a number never does', async () => {
    const err = await failure(resolveTask(r, 99999));
    expect(err.kind).toBe('not_found');
    expect(err.message).toContain('id 99999');
    const named = await failure(resolveTask(r, '99999'));
    expect(named.kind).toBe('not_found');
    expect(sent()).toContain('GET /tasks');
  });

  it('users: me, id, username, full name, words; ambiguity and closest names', async () => {
    expect((await resolveUser(r, undefined)).username).toBe('admin');
    expect((await resolveUser(r, 'me')).id).toBe(1);
    expect((await resolveUser(r, 3)).username).toBe('trainee');
    expect((await resolveUser(r, 'jsmith')).id).toBe(4);
    expect((await resolveUser(r, 'Mary Brown')).id).toBe(2);
    expect((await resolveUser(r, 'anna')).id).toBe(5);
    expect((await resolveUser(r, 'Rita Gray')).active).toBe(false);
    const many = await failure(resolveUser(r, 'a'));
    expect(many.kind).toBe('ambiguous');
    const none = await failure(resolveUser(r, 'Mary Browne'));
    expect(none.kind).toBe('not_found');
    expect(none.candidates?.[0]?.id).toBe(2);
  });

  it('a manager, who does not see usernames, still resolves a team member by username', async () => {
    const manager = await connectClient({ simulator: c.sim, user: 'manager', tools: [] });
    try {
      const m = { client: manager.actitime };
      const u = await resolveUser(m, 'jsmith');
      expect(u.id).toBe(4);
      expect(u.username ?? undefined).toBeUndefined();
      expect((await resolveUser(m, 'Paul White')).id).toBe(6);
      // Outside the team: invisible, so not found.
      expect((await failure(resolveUser(m, 'admin'))).kind).toBe('not_found');
    } finally {
      await manager.close();
    }
  });

  it('reference data from the cache: leave types, types of work, statuses, departments, zones', async () => {
    expect((await resolveLeaveType(r, 'vacation')).id).toBe(2);
    expect((await resolveLeaveType(r, 2)).name).toBe('Vacation');
    expect((await resolveTypeOfWork(r, 'Design')).id).toBe(2);
    expect((await resolveWorkflowStatus(r, 'in progress')).id).toBe(2);
    expect((await resolveWorkflowStatus(r, 'progress')).id).toBe(2);
    expect((await resolveDepartment(r, -1)).name).toBe('Users without department');
    expect((await resolveDepartment(r, '-1')).default).toBe(true);
    expect((await resolveDepartment(r, 'engineering')).id).toBe(6);
    expect((await resolveTimeZoneGroup(r, 'london')).timeZoneId).toBe('Europe/London');
    const amb = await failure(resolveLeaveType(r, 'e'));
    expect(amb.kind).toBe('ambiguous');
    const none = await failure(resolveWorkflowStatus(r, 'Finishd'));
    expect(none.kind).toBe('not_found');
    // Second round: all from the cache.
    c.sim.clearRequests();
    await resolveLeaveType(r, 'Sick Leave');
    await resolveDepartment(r, 'QA');
    expect(c.sim.requests).toHaveLength(0);
  });

  it('similarity ranks a typo above unrelated names', () => {
    expect(similarity('Hull welding', 'hull weldng')).toBeGreaterThan(
      similarity('Hull design', 'hull weldng'),
    );
    expect(similarity('x', 'x')).toBe(1);
  });
});
