/**
 * Issue 10 acceptance, run as a user runs the product: the built CLI with no configuration (the embedded demo)
 * behind an SDK client over stdio, once without elicitation (token flow) and once with it (the user declines).
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { childEnv, CLI, ensureBuilt, REPO_ROOT, spawnStdio, textOf, type Spawned } from '../helpers/mcp.js';

type Json = Record<string, unknown>;

async function call(client: Client, name: string, args: Json): Promise<Json> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, `${name}: ${textOf(result).slice(0, 400)}`).toBeFalsy();
  return result.structuredContent as Json;
}

beforeAll(() => ensureBuilt(), 120_000);

describe('issue 10 acceptance: safe writes in the demo', () => {
  let cli: Spawned;
  beforeAll(async () => {
    cli = await spawnStdio([], { ACTITIME_TOOLSETS: 'all' });
  });
  afterAll(() => cli.close());

  const minutesOn = async (taskId: number, date: string): Promise<number> => {
    const sheet = await call(cli.client, 'get_timesheet', { period: date });
    const tasks = sheet.tasks as Array<{ id: number; minutes: number[] }>;
    return tasks.find((t) => t.id === taskId)?.minutes[0] ?? 0;
  };

  it('deleting a project without elicitation returns a token with the impact and deletes nothing; the token deletes', async () => {
    // Launch pad holds approved weeks: the user agrees to revoke them as part of the same confirmed call.
    const args = { kind: 'project', ref: 'Big Bang Company / Launch pad', revokeApprovedWeeks: true };
    const asked = await call(cli.client, 'delete_work_item', args);
    expect(asked).toMatchObject({ status: 'confirmation_required' });
    expect(asked.planToken).toMatch(/^ct_/);
    expect(JSON.stringify(asked.impact)).toMatch(/Launch pad/);
    const still = await call(cli.client, 'search_projects', { customer: 'Big Bang Company' });
    expect(JSON.stringify(still)).toMatch(/Launch pad/);
    expect(asked.impact).toMatchObject({ approvedWeeks: expect.any(Number) });
    const done = await call(cli.client, 'delete_work_item', { ...args, confirm: asked.planToken });
    expect(done.status).not.toBe('confirmation_required');
    expect(JSON.stringify(done)).toMatch(/minutes/);
    const after = await call(cli.client, 'search_projects', { customer: 'Big Bang Company' });
    expect(JSON.stringify(after)).not.toMatch(/Launch pad/);
  });

  it('"undo last" reverses a log_time add exactly', async () => {
    const out = await call(cli.client, 'log_time', {
      entries: [{ task: 'Spaceship building / Testing', date: 'yesterday', duration: '1h30' }],
    });
    const e = (out.entries as Json[])[0]!;
    expect(e).toMatchObject({ status: 'applied' });
    const [taskId, date, before] = [e.taskId as number, e.date as string, e.before as number];
    expect(await minutesOn(taskId, date)).toBe(before + 90);
    const undo = await call(cli.client, 'undo_change', { change: 'last' });
    expect(undo.status).toBe('undone');
    expect(await minutesOn(taskId, date)).toBe(before);
  });
});

describe('issue 10 acceptance: a client with elicitation', () => {
  it('asks before deleting a project; declining changes nothing', async () => {
    const questions: string[] = [];
    const client = new Client(
      { name: 'e2e-elicit', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      questions.push(req.params.message);
      return { action: 'decline' };
    });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI],
      env: childEnv({ ACTITIME_TOOLSETS: 'all' }),
      cwd: REPO_ROOT,
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      await call(client, 'create_project', { name: 'Apollo', customer: 'Big Bang Company' });
      const out = await call(client, 'delete_work_item', {
        kind: 'project',
        ref: 'Big Bang Company / Apollo',
      });
      expect(out.status).toBe('declined');
      expect(questions).toHaveLength(1);
      expect(questions[0]).toMatch(/Apollo/);
      const still = await call(client, 'search_projects', { customer: 'Big Bang Company' });
      expect(JSON.stringify(still)).toMatch(/Apollo/);
    } finally {
      await client.close();
    }
  });
});
