/**
 * Every destructive tool goes through the confirmation step, and under ACTITIME_CONFIRM=writes every write tool
 * does too (issue 10 part 1): a client without elicitation gets `confirmation_required` and nothing is written
 * until it comes back with the token.
 */
import type { ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ALL_TOOLS } from '../../src/tools/registry.js';
import { connectClient, textOf, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import type { Json } from '../helpers/tools.js';

let sim: SimulatorHandle;
const opened: Connected[] = [];
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  for (const c of opened) await c.close();
  await sim.close();
});

async function open(policy: string, extra: Parameters<typeof connectClient>[0] = {}): Promise<Connected> {
  const c = await connectClient({
    simulator: sim,
    ...extra,
    env: { ACTITIME_TOOLSETS: 'all', ACTITIME_CONFIRM: policy },
  });
  opened.push(c);
  return c;
}

async function call(c: Connected, name: string, args: Json): Promise<Json> {
  const result = await c.client.callTool({ name, arguments: args });
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent as Json;
}

const writes = () => sim.requests.filter((r) => r.method !== 'GET');

/** First call held (no write), second call with the token applied; returns the applied result. */
async function confirmed(c: Connected, name: string, args: Json): Promise<Json> {
  sim.clearRequests();
  const held = await call(c, name, args);
  expect(held, JSON.stringify(held)).toMatchObject({ status: 'confirmation_required' });
  expect(typeof held.planToken).toBe('string');
  expect(held.impact).toBeDefined();
  expect(writes()).toEqual([]);
  const applied = await call(c, name, { ...args, confirm: held.planToken });
  expect(applied.planToken).toBeUndefined();
  expect(['confirmation_required', 'declined', 'cancelled', 'no_answer']).not.toContain(applied.status);
  expect(writes().length).toBeGreaterThan(0);
  return applied;
}

describe('SEC-CF-04 every destructive tool and, under writes, every write tool confirms', () => {
  it('each destructive tool takes a confirm argument; the write tools that can be held do too', () => {
    for (const tool of ALL_TOOLS.filter((t) => t.access !== 'read')) {
      const shape = tool.inputSchema.shape as Record<string, unknown>;
      if (tool.access === 'destructive') expect(Object.keys(shape), tool.name).toContain('confirm');
    }
    const heldWrites = [
      'create_customer',
      'create_project',
      'create_task',
      'update_work_item',
      'manage_workflow_status',
      'create_hook',
      'manage_user',
      'set_timetrack_lock',
    ];
    for (const name of heldWrites) {
      const tool = ALL_TOOLS.find((t) => t.name === name)!;
      expect(Object.keys(tool.inputSchema.shape as object), name).toContain('confirm');
    }
  });

  it('delete_workflow_status and delete_hook: held without elicitation, applied with the token', async () => {
    const setup = await open('never');
    await call(setup, 'manage_workflow_status', { action: 'create', name: 'CF doomed', type: 'open' });
    const hook = await call(setup, 'create_hook', {
      url: 'http://127.0.0.1:9/cf',
      event: '*',
      enabled: false,
    });
    const c = await open('destructive');

    const status = await confirmed(c, 'delete_workflow_status', { status: 'CF doomed' });
    expect(status).toMatchObject({ deleted: { name: 'CF doomed' } });
    expect(writes().map((r) => r.method)).toEqual(['DELETE']);

    const removed = await confirmed(c, 'delete_hook', { id: hook.id });
    expect(removed).toMatchObject({ removed: [{ id: hook.id }] });
    expect(sim.store.hooks.get(hook.id as number)).toBeUndefined();
  });

  it('a declined hook removal changes nothing', async () => {
    const setup = await open('never');
    const hook = await call(setup, 'create_hook', {
      url: 'http://127.0.0.1:9/cf2',
      event: '*',
      enabled: false,
    });
    const seen: ElicitRequest[] = [];
    const c = await open('destructive', {
      elicit: (r) => {
        seen.push(r);
        return Promise.resolve({ action: 'decline' });
      },
    });
    sim.clearRequests();
    const out = await call(c, 'delete_hook', { url: 'http://127.0.0.1:9/cf2' });
    expect(out).toMatchObject({ status: 'declined', impact: { hooks: 1 } });
    expect(seen).toHaveLength(1);
    expect(writes()).toEqual([]);
    expect(sim.store.hooks.get(hook.id as number)).toBeDefined();
  });

  it('policy destructive: writes apply at once; policy writes: creates and updates wait for the token', async () => {
    const plain = await open('destructive');
    sim.clearRequests();
    const direct = await call(plain, 'create_customer', { name: 'CF direct' });
    expect(direct.status).toBeUndefined();
    expect(writes()).toHaveLength(1);

    const c = await open('writes');
    const customer = await confirmed(c, 'create_customer', { name: 'CF held' });
    expect(customer).toMatchObject({ name: 'CF held' });
    const project = await confirmed(c, 'create_project', { name: 'CF P', customer: 'CF held' });
    await confirmed(c, 'create_task', { name: 'CF T', project: project.id });
    const updated = await confirmed(c, 'update_work_item', {
      kind: 'customer',
      ref: 'CF held',
      changes: { description: 'confirmed' },
    });
    expect(updated.changed).toEqual(['description']);
    await confirmed(c, 'manage_workflow_status', { action: 'create', name: 'CF held status', type: 'open' });
    await confirmed(c, 'create_hook', { url: 'http://127.0.0.1:9/cf3', event: 'task', enabled: false });
    await confirmed(c, 'manage_user', { action: 'update', user: 'trainee', middleName: 'C' });
    await confirmed(c, 'set_timetrack_lock', { action: 'unlock', period: 'last week', users: ['trainee'] });
  });

  it('policy writes: the question shows what will be created; accept creates it', async () => {
    const seen: ElicitRequest[] = [];
    const c = await open('writes', {
      elicit: (r) => {
        seen.push(r);
        return Promise.resolve({ action: 'accept', content: { confirm: true } });
      },
    });
    const out = await call(c, 'create_customer', { name: 'CF asked' });
    expect(out).toMatchObject({ name: 'CF asked' });
    expect((seen[0]!.params as { message: string }).message).toMatch(/Create customer "CF asked"/);
  });
});
