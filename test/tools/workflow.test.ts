import { describe, expect, it } from 'vitest';

import { workflowTools } from '../../src/tools/workflow.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { toolCalls, toolSession, writes } from '../helpers/tools.js';

// SEC-OUT-05: ok() checks that structuredContent passes the tool's output schema and the text is the same JSON.
const { ok, fail } = toolCalls(workflowTools);

describe('workflow tools against the simulator (SEC-OUT-05)', () => {
  let sim: SimulatorHandle;
  let admin: Connected;
  toolSession(
    { admin: { user: 'admin', env: { ACTITIME_TOOLSETS: 'workflow' } } },
    (s) => ({ sim, admin } = s),
  );

  it('only with the opt-in toolset: hints say write and destructive', async () => {
    const { tools } = await admin.client.listTools();
    const manage = tools.find((t) => t.name === 'manage_workflow_status');
    const del = tools.find((t) => t.name === 'delete_workflow_status');
    expect(manage?.annotations).toEqual({ destructiveHint: false });
    expect(del?.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
    const plain = await connectClient({ simulator: sim });
    try {
      const names = (await plain.client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain('manage_workflow_status');
    } finally {
      await plain.close();
    }
  });

  it('creates the official "Won\'t Fix" status; a duplicate surfaces key workflow_status_exists', async () => {
    const out = await ok(admin, 'manage_workflow_status', {
      action: 'create',
      name: "Won't Fix",
      type: 'completed',
    });
    expect(out).toMatchObject({ action: 'created', status: { name: "Won't Fix", type: 'completed' } });
    expect(writes(sim).map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/workflowStatuses', { name: "Won't Fix", type: 'completed' }],
    ]);
    const id = (out.status as { id: number }).id;
    expect(sim.store.workflowStatuses.get(id)?.name).toBe("Won't Fix");
    const dup = await fail(admin, 'manage_workflow_status', {
      action: 'create',
      name: "won't fix",
      type: 'open',
    });
    expect(dup).toMatchObject({ status: 400, key: 'api.error.workflow_status_exists' });
  });

  it('updates by name right after the create (the cached list was invalidated), only changed fields', async () => {
    const out = await ok(admin, 'manage_workflow_status', {
      action: 'update',
      status: "won't fix",
      name: 'Wontfix',
      type: 'completed',
    });
    expect(out).toMatchObject({
      action: 'updated',
      status: { name: 'Wontfix', type: 'completed' },
      before: { name: "Won't Fix" },
    });
    expect(writes(sim).map((r) => r.body)).toEqual([{ name: 'Wontfix' }]);
    sim.clearRequests();
    const same = await ok(admin, 'manage_workflow_status', {
      action: 'update',
      status: 'Wontfix',
      type: 'completed',
    });
    expect(same.action).toBe('unchanged');
    expect(writes(sim)).toHaveLength(0);
  });

  it('refuses incomplete arguments with 0 requests', async () => {
    for (const [args, field] of [
      [{ action: 'create', name: 'X' }, 'type'],
      [{ action: 'create', type: 'open' }, 'name'],
      [{ action: 'update', name: 'X' }, 'status'],
      [{ action: 'create', name: 'X', type: 'done' }, 'type'],
    ] as const) {
      expect(await fail(admin, 'manage_workflow_status', args)).toMatchObject({ kind: 'validation', field });
    }
    expect(sim.requests).toHaveLength(0);
  });

  it('delete: in use and unknown are refused with their keys; an unused status goes', async () => {
    const inUse = await fail(admin, 'delete_workflow_status', { status: 'New' });
    expect(inUse).toMatchObject({ status: 400, key: 'api.error.workflow_status_in_use' });
    expect(sim.store.workflowStatuses.has(1)).toBe(true);
    const unknown = await fail(admin, 'delete_workflow_status', { status: 'Nonexistent' });
    expect(unknown.kind).toBe('not_found');
    sim.clearRequests();
    const out = await ok(admin, 'delete_workflow_status', { status: 'Wontfix' });
    expect(out.deleted).toMatchObject({ name: 'Wontfix', type: 'completed' });
    expect(writes(sim).map((r) => r.method)).toEqual(['DELETE']);
    expect([...sim.store.workflowStatuses.values()].map((s) => s.name)).not.toContain('Wontfix');
  });

  it('the last status of its type is refused (key last_workflow_status)', async () => {
    const empty = await startTestSimulator({ seed: 'empty' });
    const c = await connectClient({ simulator: empty, env: { ACTITIME_TOOLSETS: 'workflow' } });
    try {
      const error = await fail(c, 'delete_workflow_status', { status: 'Completed' });
      expect(error).toMatchObject({ status: 400, key: 'api.error.last_workflow_status' });
    } finally {
      await c.close();
      await empty.close();
    }
  });

  it('a regular user is refused by actiTIME (access_denied)', async () => {
    const trainee = await connectClient({
      simulator: sim,
      user: 'trainee',
      env: { ACTITIME_TOOLSETS: 'workflow' },
    });
    try {
      const error = await fail(trainee, 'manage_workflow_status', {
        action: 'create',
        name: 'Mine',
        type: 'open',
      });
      expect(error).toMatchObject({ status: 403, key: 'api.error.access_denied' });
    } finally {
      await trainee.close();
    }
  });
});
