/**
 * Confirmation of destructive changes (issue 10 part 1), end to end: an SDK client with or without elicitation,
 * the server, and the simulator over loopback HTTP. Nothing may reach actiTIME as a DELETE unless the user said
 * yes (elicitation) or the assistant came back with a valid token for an unchanged state.
 */
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectClient, errorOf, textOf, type Connected } from '../helpers/mcp.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import type { Json } from '../helpers/tools.js';

let sim: SimulatorHandle;
/** Policy `never`: creates what the tests delete. */
let setup: Connected;
const opened: Connected[] = [];

beforeAll(async () => {
  sim = await startTestSimulator();
  setup = await connectClient({
    simulator: sim,
    env: { ACTITIME_CONFIRM: 'never', ACTITIME_TOOLSETS: WITH_ADMIN },
  });
});
afterAll(async () => {
  for (const c of opened) await c.close();
  await setup.close();
  await sim.close();
});

/** delete_work_item is in the opt-in admin toolset. */
const WITH_ADMIN = 'time,leave,work,users,reference,admin';

async function open(options: Parameters<typeof connectClient>[0] = {}): Promise<Connected> {
  const c = await connectClient({
    simulator: sim,
    ...options,
    env: { ACTITIME_CONFIRM: 'destructive', ACTITIME_TOOLSETS: WITH_ADMIN, ...options.env },
  });
  opened.push(c);
  return c;
}

async function call(c: Connected, name: string, args: Json): Promise<Json> {
  const result = await c.client.callTool({ name, arguments: args });
  expect(result.isError, textOf(result)).toBeFalsy();
  expect(textOf(result)).toBe(JSON.stringify(result.structuredContent));
  return result.structuredContent as Json;
}

let serial = 0;
/** A fresh project with two tasks and 90 minutes logged on the first. */
async function project(): Promise<{ id: number; name: string; path: string; taskIds: number[] }> {
  const name = `Doomed ${++serial}`;
  const p = await call(setup, 'create_project', { name, customer: 'Big Bang Company' });
  const t1 = await call(setup, 'create_task', { name: 'First', project: p.id });
  const t2 = await call(setup, 'create_task', { name: 'Second', project: p.id });
  await logTime(t1.id as number, 90);
  sim.clearRequests();
  return { id: p.id as number, name, path: p.path as string, taskIds: [t1.id as number, t2.id as number] };
}

async function logTime(taskId: number, minutes: number): Promise<void> {
  const res = await api(sim, 'PATCH', `/timetrack/1/${sim.store.today}/${taskId}`, {
    user: 'admin',
    body: { time: minutes },
  });
  expect(res.status).toBe(200);
}

const deletes = () => sim.requests.filter((r) => r.method === 'DELETE');
const exists = async (id: number) => (await api(sim, 'GET', `/projects/${id}`, { user: 'admin' })).status;

const answering =
  (result: ElicitResult, seen: ElicitRequest[] = []) =>
  (request: ElicitRequest) => {
    seen.push(request);
    return Promise.resolve(result);
  };

describe('SEC-CF-01 a client with elicitation is asked before a delete', () => {
  it('accept: the question names the path, tasks and logged minutes; the project goes and the result says what went', async () => {
    const seen: ElicitRequest[] = [];
    const c = await open({ elicit: answering({ action: 'accept', content: { confirm: true } }, seen) });
    const p = await project();
    const out = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    expect(seen).toHaveLength(1);
    const message = (seen[0]!.params as { message: string }).message;
    expect(message).toContain(p.path);
    expect(message).toMatch(/2 tasks/);
    expect(message).toMatch(/1 h 30 min of logged time/);
    expect(out).toMatchObject({
      deleted: { kind: 'project', id: p.id, path: p.path },
      cascaded: { tasks: 2, minutes: 90, approvedWeeks: 0 },
    });
    expect(out.status).toBeUndefined();
    expect(deletes().map((r) => r.path)).toEqual([`/projects/${p.id}`]);
    expect(await exists(p.id)).toBe(404);
  });

  for (const [label, result, status] of [
    ['decline', { action: 'decline' }, 'declined'],
    ['a "no" in the form', { action: 'accept', content: { confirm: false } }, 'declined'],
    ['cancel', { action: 'cancel' }, 'cancelled'],
  ] as const) {
    it(`${label}: nothing is deleted and the result says ${status}, with the impact and no token`, async () => {
      const c = await open({ elicit: answering(result) });
      const p = await project();
      const out = await call(c, 'delete_work_item', { kind: 'project', ref: p.name });
      expect(out).toMatchObject({ status, impact: { path: p.path, tasks: 2, minutes: 90 } });
      expect(out.planToken).toBeUndefined();
      expect(out.deleted).toBeUndefined();
      expect(deletes()).toEqual([]);
      expect(await exists(p.id)).toBe(200);
    });
  }

  it('no answer in time: nothing changes and the result says no_answer', async () => {
    const c = await open({
      elicit: () => new Promise<ElicitResult>(() => undefined),
      env: { ACTITIME_DEADLINE_MS: '2500' },
    });
    const p = await project();
    const out = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    expect(out).toMatchObject({ status: 'no_answer', impact: { tasks: 2 } });
    expect(deletes()).toEqual([]);
    expect(await exists(p.id)).toBe(200);
  });

  it('accept, but time was logged while the user was asked: refused with the new impact', async () => {
    let taskId = 0;
    const c = await open({
      elicit: async () => {
        await logTime(taskId, 30);
        return { action: 'accept', content: { confirm: true } };
      },
    });
    const p = await project();
    taskId = p.taskIds[1]!;
    const out = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    expect(out).toMatchObject({
      status: 'confirmation_required',
      reason: 'changed',
      impact: { minutes: 120 },
    });
    expect(typeof out.planToken).toBe('string');
    expect(deletes()).toEqual([]);
  });
});

describe('SEC-CF-02 a client without elicitation confirms with a token', () => {
  let c: Connected;
  let skew = 0;
  beforeAll(async () => {
    c = await open({ now: () => Date.now() + skew });
  });

  it('first call: confirmation_required with the impact and a token, no DELETE; with the token: deleted', async () => {
    const p = await project();
    const first = await call(c, 'delete_work_item', { kind: 'project', ref: p.name });
    expect(first).toMatchObject({
      status: 'confirmation_required',
      impact: { action: 'Delete project', path: p.path, tasks: 2, minutes: 90, approvedWeeks: 0 },
    });
    expect(first.planToken).toMatch(/^ct_/);
    expect(deletes()).toEqual([]);
    expect(await exists(p.id)).toBe(200);

    const second = await call(c, 'delete_work_item', {
      kind: 'project',
      ref: p.name,
      confirm: first.planToken,
    });
    expect(second).toMatchObject({ deleted: { id: p.id }, cascaded: { tasks: 2, minutes: 90 } });
    expect(deletes().map((r) => r.path)).toEqual([`/projects/${p.id}`]);
    expect(await exists(p.id)).toBe(404);

    // Replayed: refused (the project is gone anyway, but the token must not be what says so).
    const p2 = await project();
    const again = await call(c, 'delete_work_item', {
      kind: 'project',
      ref: p2.id,
      confirm: first.planToken,
    });
    expect(again).toMatchObject({ status: 'confirmation_required', reason: 'used' });
    expect(deletes()).toEqual([]);
  });

  it('a token for other arguments stays usable, once', async () => {
    const p = await project();
    const first = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    const token = first.planToken;
    const other = await call(c, 'delete_work_item', {
      kind: 'project',
      ref: p.id,
      revokeApprovedWeeks: true,
      confirm: token,
    });
    expect(other).toMatchObject({ status: 'confirmation_required', reason: 'other_call' });
    expect(deletes()).toEqual([]);
    // The call the token was issued for still applies it, once.
    await call(c, 'delete_work_item', { kind: 'project', ref: p.id, confirm: token });
    expect(deletes()).toHaveLength(1);
    const replay = await c.client.callTool({
      name: 'delete_work_item',
      arguments: { kind: 'project', ref: p.id, confirm: token },
    });
    expect(errorOf(replay)).toMatchObject({ kind: 'not_found', field: 'ref' });
    expect(deletes()).toHaveLength(1);
  });

  it('time logged on a task of the project between the calls: refused with the new impact, nothing deleted', async () => {
    const p = await project();
    const first = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    await logTime(p.taskIds[1]!, 45);
    const second = await call(c, 'delete_work_item', {
      kind: 'project',
      ref: p.id,
      confirm: first.planToken,
    });
    expect(second).toMatchObject({
      status: 'confirmation_required',
      reason: 'changed',
      impact: { minutes: 135, tasks: 2 },
    });
    expect(second.message).toMatch(/changed since the token was issued/);
    expect(deletes()).toEqual([]);
    expect(await exists(p.id)).toBe(200);
    // The fresh token confirms the new state.
    const third = await call(c, 'delete_work_item', {
      kind: 'project',
      ref: p.id,
      confirm: second.planToken,
    });
    expect(third).toMatchObject({ deleted: { id: p.id }, cascaded: { minutes: 135 } });
  });

  it('an expired token (11 minutes later) is refused', async () => {
    const p = await project();
    const first = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    skew = 11 * 60_000;
    try {
      const late = await call(c, 'delete_work_item', {
        kind: 'project',
        ref: p.id,
        confirm: first.planToken,
      });
      expect(late).toMatchObject({ status: 'confirmation_required', reason: 'expired' });
      expect(late.message).toMatch(/expired/);
    } finally {
      skew = 0;
    }
    expect(deletes()).toEqual([]);
    expect(await exists(p.id)).toBe(200);
  });

  it('a made-up token is refused as unknown', async () => {
    const p = await project();
    const out = await call(c, 'delete_work_item', { kind: 'project', ref: p.id, confirm: 'ct_guess' });
    expect(out).toMatchObject({ status: 'confirmation_required', reason: 'unknown' });
    expect(deletes()).toEqual([]);
  });

  it('approved weeks are counted in the impact (Star map holds approved time)', async () => {
    const out = await call(c, 'delete_work_item', {
      kind: 'project',
      ref: 'Star map',
      revokeApprovedWeeks: true,
    });
    expect(out.status).toBe('confirmation_required');
    expect((out.impact as Json).approvedWeeks).toBeGreaterThan(0);
    expect(deletes()).toEqual([]);
  });
});

describe('SEC-CF-03 ACTITIME_CONFIRM=never deletes at once', () => {
  it('no question, no token: deleted, and the result still says what went', async () => {
    const seen: ElicitRequest[] = [];
    const c = await open({
      env: { ACTITIME_CONFIRM: 'never' },
      elicit: answering({ action: 'decline' }, seen),
    });
    const p = await project();
    const out = await call(c, 'delete_work_item', { kind: 'project', ref: p.id });
    expect(seen).toEqual([]);
    expect(out).toMatchObject({ deleted: { id: p.id }, cascaded: { tasks: 2, minutes: 90 } });
    expect(deletes().map((r) => r.path)).toEqual([`/projects/${p.id}`]);
    expect(await exists(p.id)).toBe(404);
  });
});
