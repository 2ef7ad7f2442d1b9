/**
 * Comments on time entries (docs/reliability.md, "Add with a comment"): an add with a comment never loses time
 * another writer added meanwhile, and a set always sends the comment explicitly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { connectClient, textOf, type Connected } from '../helpers/mcp.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { waitFor } from '../helpers/wait.js';

const TASK = 143;
const USER = 1; // admin

type Entry = Record<string, unknown> & { status: string; after?: number; error?: Record<string, unknown> };

describe('log_time comments against the simulator (REL-RT-11, SEC-OUT-05)', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: '2026-10-07' });
    c = await connectClient({ simulator: sim });
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });
  beforeEach(() => sim.clearRequests());

  async function log(entry: Record<string, unknown>): Promise<Entry> {
    const result = await c.client.callTool({ name: 'log_time', arguments: { entries: [entry] } });
    expect(result.isError, textOf(result)).toBeFalsy();
    return (result.structuredContent as { entries: Entry[] }).entries[0]!;
  }

  async function seedCell(date: string, time: number, comment?: string): Promise<void> {
    const body = comment === undefined ? { time } : { time, comment };
    expect(
      (await api(sim, 'PATCH', `/timetrack/admin/${date}/${TASK}`, { user: 'admin', body })).status,
    ).toBe(200);
    sim.clearRequests();
  }

  it('REL-RT-11 an add with a comment: the delta, then one batch that reads the cell and writes the comment', async () => {
    const date = '2026-10-19';
    await seedCell(date, 30);
    const entry = await log({ task: TASK, date, duration: 30, comment: 'hull review' });
    expect(entry).toMatchObject({ status: 'applied', before: 30, after: 60, comment: 'hull review' });
    expect(entry.error).toBeUndefined();
    expect(sim.store.getTime(USER, date, TASK)).toMatchObject({ time: 60, comment: 'hull review' });
    const writes = sim.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /timetrack/1/${date}/${TASK}/time`,
      'POST /batch',
      `PATCH /timetrack/1/${date}/${TASK}`,
    ]);
    const batch = writes[1]!;
    expect(sim.requests.filter((r) => r.batchOf === batch.seq).map((r) => r.method)).toEqual([
      'GET',
      'PATCH',
    ]);
  });

  it('REL-RT-11 the add-with-comment race loses no minutes: another writer’s +30 in between is kept, and reported', async () => {
    const date = '2026-10-20';
    await seedCell(date, 30);
    // The comment batch is held; meanwhile another writer adds 30 minutes to the same cell.
    sim.faults.inject({ method: 'POST', path: '/batch', delayMs: 1_000 });
    const pending = log({ task: TASK, date, duration: 30, comment: 'hull review' });
    await waitFor(() => sim.requests.some((r) => r.path === '/batch'), { message: 'the comment batch' });
    const other = await api(sim, 'PATCH', `/timetrack/admin/${date}/${TASK}/time`, {
      user: 'admin',
      body: { delta: 30 },
    });
    expect(other.body).toMatchObject({ time: 90 });
    const entry = await pending;
    // 30 before + our 30 + their 30: nothing lost (it used to end at 60 and say "applied").
    expect(sim.store.getTime(USER, date, TASK)).toMatchObject({ time: 90, comment: 'hull review' });
    expect(entry).toMatchObject({ status: 'conflict', before: 30, after: 90, minutes: 30 });
    expect(entry.error).toEqual({
      kind: 'conflict',
      message:
        'another change to this cell (+30 minutes) arrived while the comment was being saved; both were kept: the cell holds 90 minutes, your +30 included',
      hint: 'check with whoever else logs on this task and day that the total is what you both meant',
    });
  });

  it('REL-RT-11 a set without a comment sends the cell’s current comment explicitly', async () => {
    const date = '2026-10-21';
    await seedCell(date, 30, 'keep me');
    const entry = await log({ task: TASK, date, duration: 45, mode: 'set' });
    expect(entry).toMatchObject({ status: 'applied', before: 30, after: 45 });
    const patch = sim.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.body).toEqual({ time: 45, comment: 'keep me' });
    expect(sim.store.getTime(USER, date, TASK)).toMatchObject({ time: 45, comment: 'keep me' });
  });

  it('REL-RT-11 a set on an empty cell sends an empty comment; a set with a comment sends that one', async () => {
    const date = '2026-10-22';
    await log({ task: TASK, date, duration: 20, mode: 'set' });
    expect(sim.requests.find((r) => r.method === 'PATCH')!.body).toEqual({ time: 20, comment: '' });
    sim.clearRequests();
    await log({ task: TASK, date, duration: 25, mode: 'set', comment: 'new words' });
    expect(sim.requests.find((r) => r.method === 'PATCH')!.body).toEqual({ time: 25, comment: 'new words' });
  });
});
