/**
 * The tools on servers that behave like the simulator's quirk switches (docs/actitime-model.md §6): optional
 * endpoints refused, deadlines at the company zone's midnight, an omitted comment cleared, empty write answers,
 * generic error keys, no delta endpoint. Each test shows what the tool returned and what reached the server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Quirk } from '../../src/simulator/quirks.js';
import { connectClient, textOf, type Connected } from '../helpers/mcp.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const TODAY = '2026-10-07';
const TASK = 143;
const ADMIN = 1;

type Json = Record<string, unknown>;
type Entry = Json & { status: string; before: number; after?: number; note?: string };

async function serverWith(quirks: Quirk[]): Promise<{ sim: SimulatorHandle; c: Connected }> {
  const sim = await startTestSimulator({ today: TODAY, quirks });
  const c = await connectClient({ simulator: sim, env: { ACTITIME_TOOLSETS: 'all' } });
  return { sim, c };
}

async function call(c: Connected, name: string, args: Json): Promise<Json> {
  const result = await c.client.callTool({ name, arguments: args });
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent as Json;
}

async function refusal(c: Connected, name: string, args: Json): Promise<Json> {
  const result = await c.client.callTool({ name, arguments: args });
  expect(result.isError, textOf(result)).toBe(true);
  return (JSON.parse(textOf(result)) as { error: Json }).error;
}

describe.each<[Quirk, string]>([
  [
    'side-403',
    'not available: actiTIME refused this part for your account (HTTP 403 api.error.access_denied)',
  ],
  [
    'side-404',
    'not available: this actiTIME version does not offer it (HTTP 404 api.error.object_not_found)',
  ],
  ['side-html', 'not available: this actiTIME version does not offer it (HTTP 404)'],
])('REL-QK-01 side endpoints refused (%s)', (quirk, reason) => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => ({ sim, c } = await serverWith([quirk])));
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('REL-QK-01 get_work_item and get_user degrade: the part is null with a one-line reason', async () => {
    const item = await call(c, 'get_work_item', { kind: 'task', ref: TASK });
    expect(item.item).toMatchObject({ id: TASK, name: 'Test 10' });
    expect(item.assignedUsers).toBeNull();
    expect(item.unavailable).toEqual({ assignedUsers: reason });
    const user = await call(c, 'get_user', { user: 'akowalski', assignments: true });
    expect(user.user).toMatchObject({ id: 5 });
    expect(user.assignments).toBeNull();
    expect(user.unavailable).toEqual({ assignments: reason });
  });

  it('REL-QK-01 a missing endpoint is not asked again; a refusal (it may depend on the object) is', async () => {
    sim.clearRequests();
    await call(c, 'get_work_item', { kind: 'project', ref: 13 });
    const asked = sim.requests.filter((r) => r.path.endsWith('/assignedUsers')).length;
    expect(asked).toBe(quirk === 'side-403' ? 1 : 0);
  });
});

describe('REL-QK-01 deadlines at the company zone midnight (zoned-timestamps)', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => ({ sim, c } = await serverWith(['zoned-timestamps'])));
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('REL-QK-01 every deadline reads as the date the server holds, not the UTC day before', async () => {
    const withDeadline = [...sim.store.tasks.values()].filter((t) => t.deadline !== null);
    expect(withDeadline.length).toBeGreaterThan(2);
    const wire = await api(sim, 'GET', `/tasks/${withDeadline[0]!.id}`, { user: 'admin' });
    const ms = (wire.body as { deadline: number }).deadline;
    expect(new Date(ms).toISOString().slice(11)).toBe('21:00:00.000Z');
    sim.clearRequests();
    const found = await call(c, 'search_tasks', { project: withDeadline[0]!.projectId, limit: 100 });
    const items = found.items as Array<{ id: number; deadline?: string }>;
    for (const t of withDeadline.filter((x) => x.projectId === withDeadline[0]!.projectId)) {
      expect(items.find((i) => i.id === t.id)?.deadline, `task ${t.id}`).toBe(t.deadline);
    }
    // The company zone was asked for once, from the default time-zone group of the (cached) list of groups.
    expect(sim.requests.filter((r) => r.path.startsWith('/timeZoneGroups'))).toHaveLength(1);
    const one = await call(c, 'get_work_item', { kind: 'task', ref: withDeadline[0]!.id });
    expect((one.item as { deadline?: string }).deadline).toBe(withDeadline[0]!.deadline);
  });

  it('REL-QK-01 on a server with UTC midnights the zone is not asked for at all', async () => {
    const plain = await serverWith([]);
    try {
      await call(plain.c, 'search_tasks', { project: 13, limit: 100 });
      expect(plain.sim.requests.filter((r) => r.path.startsWith('/timeZoneGroups'))).toEqual([]);
    } finally {
      await plain.c.close();
      await plain.sim.close();
    }
  });
});

describe('REL-QK-01 REL-RT-11 an omitted comment clears it (comment-cleared)', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => ({ sim, c } = await serverWith(['comment-cleared'])));
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('REL-QK-01 a set without a comment keeps the cell comment, because it is sent back explicitly', async () => {
    const date = '2026-10-19';
    await api(sim, 'PATCH', `/timetrack/admin/${date}/${TASK}`, {
      user: 'admin',
      body: { time: 30, comment: 'hull review' },
    });
    sim.clearRequests();
    const out = await call(c, 'log_time', { entries: [{ task: TASK, date, duration: 45, mode: 'set' }] });
    expect((out.entries as Entry[])[0]).toMatchObject({ status: 'applied', before: 30, after: 45 });
    expect(sim.store.getTime(ADMIN, date, TASK)).toMatchObject({ time: 45, comment: 'hull review' });
    const patch = sim.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.body).toEqual({ time: 45, comment: 'hull review' });
  });
});

describe('REL-QK-01 empty write answers (empty-write-responses)', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => ({ sim, c } = await serverWith(['empty-write-responses'])));
  afterAll(async () => {
    await c.close();
    await sim.close();
  });
  beforeEach(() => sim.clearRequests());

  it('REL-QK-01 a delta answered 204 is applied, and the total is read back, not guessed', async () => {
    const date = '2026-10-20';
    const out = await call(c, 'log_time', { entries: [{ task: TASK, date, duration: 40 }] });
    expect((out.entries as Entry[])[0]).toMatchObject({ status: 'applied', before: 0, after: 40 });
    const delta = sim.requests.find((r) => r.path.endsWith('/time') && r.method === 'PATCH')!;
    expect(delta.status).toBe(204);
    expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', path: `/timetrack/1/${date}/${TASK}` });
    expect(sim.store.getTime(ADMIN, date, TASK)).toMatchObject({ time: 40 });
  });

  it('REL-QK-01 several entries in one batch, bodies empty: all applied', async () => {
    const out = await call(c, 'log_time', {
      entries: [
        { task: TASK, date: '2026-10-21', duration: 20 },
        { task: TASK, date: '2026-10-22', duration: 25 },
      ],
    });
    expect((out.entries as Entry[]).map((e) => [e.status, e.after])).toEqual([
      ['applied', 20],
      ['applied', 25],
    ]);
    expect(sim.store.getTime(ADMIN, '2026-10-22', TASK)).toMatchObject({ time: 25 });
  });
});

describe('REL-QK-01 one generic key for every validation error (generic-errors)', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => ({ sim, c } = await serverWith(['generic-errors'])));
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('REL-QK-01 a duplicate name answered 403 with a generic key is still told apart by its message', async () => {
    const error = await refusal(c, 'create_project', {
      name: 'Spaceship building',
      customer: 'Big Bang Company',
    });
    expect(error).toMatchObject({
      status: 403,
      key: 'api.error.bad_request',
      message:
        'a project with this name already exists for this customer. actiTIME said: "Project with specified name already exists"',
      hint: 'use the existing project or choose another name',
    });
  });

  it('REL-QK-01 approved time on delete is refused before asking, whatever the keys: the hint names revokeApprovedWeeks', async () => {
    const error = await refusal(c, 'delete_work_item', { kind: 'project', ref: 10 });
    expect(error).toMatchObject({ kind: 'conflict', field: 'revokeApprovedWeeks' });
    expect(error.hint).toMatch(/revokeApprovedWeeks: true/);
    expect(sim.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});

describe('REL-QK-01 no delta endpoint (no-delta)', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => ({ sim, c } = await serverWith(['no-delta'])));
  afterAll(async () => {
    await c.close();
    await sim.close();
  });
  beforeEach(() => sim.clearRequests());

  it('REL-QK-01 an add goes as the new total, with the comment, said openly; the 404 is learned once', async () => {
    const date = '2026-10-19';
    await api(sim, 'PATCH', `/timetrack/admin/${date}/${TASK}`, {
      user: 'admin',
      body: { time: 30, comment: 'hull review' },
    });
    sim.clearRequests();
    const out = await call(c, 'log_time', { entries: [{ task: TASK, date, duration: 15 }] });
    const entry = (out.entries as Entry[])[0]!;
    expect(entry).toMatchObject({ status: 'applied', before: 30, after: 45, emulated: true });
    expect(entry.note).toMatch(/^this actiTIME server has no time delta endpoint/);
    const writes = sim.requests.filter((r) => r.method === 'PATCH');
    expect(writes.map((r) => [r.path, r.status, r.body])).toEqual([
      [`/timetrack/1/${date}/${TASK}/time`, 404, { delta: 15 }],
      [`/timetrack/1/${date}/${TASK}`, 200, { time: 45, comment: 'hull review' }],
    ]);
    sim.clearRequests();
    await call(c, 'log_time', { entries: [{ task: TASK, date, duration: 5 }] });
    expect(sim.requests.filter((r) => r.path.endsWith('/time'))).toEqual([]);
    expect(sim.store.getTime(ADMIN, date, TASK)).toMatchObject({ time: 50, comment: 'hull review' });
  });

  it('REL-QK-01 in a batch, the delta ops answered 404 (nothing applied) are sent again as totals', async () => {
    const fresh = await connectClient({ simulator: sim });
    try {
      const out = await call(fresh, 'log_time', {
        entries: [
          { task: TASK, date: '2026-10-21', duration: 20, comment: 'a' },
          { task: TASK, date: '2026-10-22', duration: 25 },
        ],
      });
      expect((out.entries as Entry[]).map((e) => [e.status, e.after, e.emulated])).toEqual([
        ['applied', 20, true],
        ['applied', 25, true],
      ]);
      expect(sim.store.getTime(ADMIN, '2026-10-21', TASK)).toMatchObject({ time: 20, comment: 'a' });
      expect(sim.store.getTime(ADMIN, '2026-10-22', TASK)).toMatchObject({ time: 25 });
      const subOps = sim.requests.filter((r) => r.batchOf !== undefined && r.method === 'PATCH');
      expect(subOps.map((r) => [r.path.endsWith('/time'), r.status])).toEqual([
        [true, 404],
        [true, 404],
        [false, 200],
        [false, 200],
      ]);
    } finally {
      await fresh.close();
    }
  });
});
