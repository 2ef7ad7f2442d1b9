import { describe, expect, it } from 'vitest';

import { eachDate } from '../../src/domain/period.js';
import { adminTools } from '../../src/tools/admin.js';
import type { Connected } from '../helpers/mcp.js';
import type { SimulatorHandle } from '../helpers/simulator.js';
import { toolCalls, toolSession, writes, type Json } from '../helpers/tools.js';

const ENV = { ACTITIME_TOOLSETS: 'admin' };

// SEC-OUT-05: ok() checks that structuredContent passes the tool's output schema and the text is the same JSON.
const { ok, fail } = toolCalls(adminTools);

describe('admin tools against the simulator (SEC-OUT-05)', () => {
  let sim: SimulatorHandle;
  let admin: Connected;
  let trainee: Connected;
  toolSession(
    { admin: { user: 'admin', env: ENV }, trainee: { user: 'trainee', env: ENV } },
    (s) => ({ sim, admin, trainee } = s),
  );

  describe('set_timetrack_lock', () => {
    it('locks a period for named users, then unlocks it for everyone', async () => {
      const out = await ok(admin, 'set_timetrack_lock', {
        action: 'lock',
        period: 'next week',
        users: ['trainee', 'John A. Smith'],
      });
      expect(out).toMatchObject({
        action: 'locked',
        users: [
          { id: 3, name: 'Tom Green' },
          { id: 4, name: 'John A. Smith' },
        ],
      });
      const { from, to } = out as { from: string; to: string };
      expect(writes(sim).map((r) => [r.path, r.body])).toEqual([
        ['/timetrack/lock', { dateFrom: from, dateTo: to, userIds: [3, 4] }],
      ]);
      for (const d of eachDate(from, to)) {
        expect(sim.store.isLocked(3, d)).toBe(true);
        expect(sim.store.isLocked(5, d)).toBe(false);
      }
      sim.clearRequests();
      await ok(admin, 'set_timetrack_lock', { action: 'unlock', period: `${from}..${to}` });
      expect(writes(sim).map((r) => [r.path, r.body])).toEqual([
        ['/timetrack/unlock', { dateFrom: from, dateTo: to }],
      ]);
      expect(sim.store.isLocked(3, from)).toBe(false);
    });

    it('refuses a bad period or an unknown user before sending; a regular user gets access_denied', async () => {
      expect(await fail(admin, 'set_timetrack_lock', { action: 'lock', period: 'whenever' })).toMatchObject({
        kind: 'validation',
        field: 'period',
      });
      const unknown = await fail(admin, 'set_timetrack_lock', {
        action: 'lock',
        period: 'today',
        users: ['Nobody X'],
      });
      expect(unknown).toMatchObject({ kind: 'not_found', field: 'users[0]' });
      expect(writes(sim)).toHaveLength(0);
      const denied = await fail(trainee, 'set_timetrack_lock', { action: 'lock', period: 'today' });
      expect(denied).toMatchObject({ status: 403, key: 'api.error.access_denied' });
    });
  });

  describe('hooks', () => {
    it('create (filter by names), list, delete by id, unsubscribe by url', async () => {
      const created = await ok(admin, 'create_hook', {
        url: 'http://127.0.0.1:9/hook',
        event: 'task.create',
        projects: ['Spaceship building'],
        enabled: false,
      });
      expect(created).toMatchObject({ url: 'http://127.0.0.1:9/hook', event: 'task.create', enabled: false });
      expect(writes(sim).map((r) => r.body)).toEqual([
        {
          target_url: 'http://127.0.0.1:9/hook',
          event: 'task.create',
          filter: { projectIds: [13] },
          enabled: false,
        },
      ]);
      const second = await ok(admin, 'create_hook', {
        url: 'http://127.0.0.1:9/other',
        event: '*',
        enabled: false,
      });
      const third = await ok(admin, 'create_hook', {
        url: 'http://127.0.0.1:9/other',
        event: 'timetrack.update',
        enabled: false,
      });

      const listed = await ok(admin, 'list_hooks', {});
      expect((listed.items as Json[]).map((h) => h.id)).toEqual([created.id, second.id, third.id]);

      sim.clearRequests();
      const one = await ok(admin, 'delete_hook', { id: created.id });
      expect(one.removed).toEqual([expect.objectContaining({ id: created.id, event: 'task.create' })]);
      expect(writes(sim).map((r) => [r.method, r.path])).toEqual([
        ['DELETE', `/hooks/${String(created.id)}`],
      ]);

      sim.clearRequests();
      const byUrl = await ok(admin, 'delete_hook', { url: 'http://127.0.0.1:9/other' });
      expect((byUrl.removed as Json[]).map((h) => h.id)).toEqual([second.id, third.id]);
      expect(writes(sim).map((r) => [r.path, r.body])).toEqual([
        ['/hooks/unsubscribe', { target_url: 'http://127.0.0.1:9/other' }],
      ]);
      expect(sim.store.hooks.list()).toHaveLength(0);
    });

    it('refuses unknown events, credentials in the url, or both id and url, with 0 requests', async () => {
      for (const [tool, args, field] of [
        ['create_hook', { url: 'http://127.0.0.1:9/h', event: 'Task.Create' }, 'event'],
        ['create_hook', { url: 'http://u:p@127.0.0.1:9/h', event: '*' }, 'url'],
        ['create_hook', { url: 'ftp://127.0.0.1/h', event: '*' }, 'url'],
        ['delete_hook', { id: 1, url: 'http://127.0.0.1:9/h' }, 'id'],
        ['delete_hook', {}, 'id'],
        ['delete_hook', { id: 1.5 }, 'id'],
      ] as const) {
        expect(await fail(admin, tool, args), JSON.stringify(args)).toMatchObject({
          kind: 'validation',
          field,
        });
      }
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('manage_user', () => {
    it('SEC-CR-06 takes no password: the argument is unknown and nothing is sent', async () => {
      const error = await fail(admin, 'manage_user', {
        action: 'invite',
        email: 'x@example.com',
        firstName: 'X',
        lastName: 'Y',
        password: 'secret1',
      });
      expect(error).toMatchObject({ kind: 'validation', field: 'password' });
      expect(sim.requests).toHaveLength(0);
      const { tools } = await admin.client.listTools();
      const props = Object.keys(tools.find((t) => t.name === 'manage_user')!.inputSchema.properties ?? {});
      for (const p of props) expect(p).not.toMatch(/pass(word)?|secret|token|auth/i);
    });

    it('invites a user (an e-mail invitation, no password) with a department by name', async () => {
      const out = await ok(admin, 'manage_user', {
        action: 'invite',
        email: 'lena.lind@demo-company.example',
        firstName: 'Lena',
        lastName: 'Lind',
        department: 'QA',
        timeZoneGroup: 'London',
      });
      expect(out).toMatchObject({
        action: 'invited',
        user: { name: 'Lena Lind', department: 'QA', timeZoneGroup: 'London' },
      });
      const sent = writes(sim);
      expect(sent.map((r) => [r.path, r.body])).toEqual([
        [
          '/users/invitation',
          {
            email: 'lena.lind@demo-company.example',
            firstName: 'Lena',
            lastName: 'Lind',
            departmentId: 7,
            timeZoneGroupId: 2,
          },
        ],
      ]);
      const stored = sim.store.users.get((out.user as { id: number }).id)!;
      expect(stored).toMatchObject({ departmentId: 7, activated: false, password: null });
    });

    it('updates only what changed and reports before/after; disabling a user', async () => {
      const out = await ok(admin, 'manage_user', {
        action: 'update',
        user: 'Nina Newman',
        department: 'Engineering',
        lastName: 'Newman',
        active: false,
      });
      expect(out).toMatchObject({
        action: 'updated',
        changed: ['department', 'active'],
        before: { department: 'QA', active: true },
        after: { department: 'Engineering', active: false },
      });
      expect(writes(sim).map((r) => [r.method, r.path, r.body])).toEqual([
        ['PATCH', '/users/8', { departmentId: 6, active: false }],
      ]);
      expect(sim.store.users.get(8)).toMatchObject({ departmentId: 6, active: false });
      sim.clearRequests();
      const again = await ok(admin, 'manage_user', { action: 'update', user: 8, active: false });
      expect(again).toMatchObject({ action: 'unchanged', changed: [] });
      expect(writes(sim)).toHaveLength(0);
    });

    it('refuses missing invite fields and bad dates with 0 writes; a regular user gets access_denied', async () => {
      expect(
        await fail(admin, 'manage_user', { action: 'invite', firstName: 'A', lastName: 'B' }),
      ).toMatchObject({
        kind: 'validation',
        field: 'email',
      });
      expect(
        await fail(admin, 'manage_user', { action: 'update', user: 8, releaseDate: '2026-02-30' }),
      ).toMatchObject({ kind: 'validation', field: 'releaseDate' });
      expect(writes(sim)).toHaveLength(0);
      const denied = await fail(trainee, 'manage_user', {
        action: 'invite',
        email: 'z@example.com',
        firstName: 'Z',
        lastName: 'Z',
      });
      expect(denied).toMatchObject({ status: 403, key: 'api.error.access_denied' });
    });
  });
});
