/**
 * Regressions found by driving the server as an assistant would: each case is one request a model makes and the
 * answer it needs to go on without guessing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { setTimetrackLock } from '../../src/tools/admin.js';
import { logLeaveTime } from '../../src/tools/leave.js';
import { logTimeTool } from '../../src/tools/time.js';
import { getUserTool } from '../../src/tools/users.js';
import { createProjectTool } from '../../src/tools/work-write.js';
import { errorOf, type Connected } from '../helpers/mcp.js';
import { TODAY } from '../simulator/demo-calendar.js';
import { ok, world, writesOf, type World } from './time-support.js';

describe('assistant review: errors a model can act on, periods echoed', () => {
  let w: World;
  let c: Connected;
  beforeAll(async () => {
    w = await world(TODAY);
    c = await w.connect('admin', { env: { ACTITIME_TOOLSETS: 'all' } });
  });
  afterAll(() => w.close());
  beforeEach(() => w.sim.clearRequests());

  const call = (name: string, args: Record<string, unknown>) => c.client.callTool({ name, arguments: args });

  it('SEC-IN-04 log_time with duration 1.5 says "whole minutes" and suggests "1.5h", nothing sent', async () => {
    const err = errorOf(
      await call(logTimeTool.name, {
        entries: [{ task: 'Spaceship building / Testing', date: 'yesterday', duration: 1.5 }],
      }),
    );
    expect(err).toMatchObject({ kind: 'validation', field: 'entries[0].duration' });
    expect(err.message).toContain('must be a whole number of minutes, got 1.5; for hours write e.g. "1.5h"');
    expect(writesOf(w.sim)).toHaveLength(0);
  });

  it('an archived customer in log_time / create_project / log_leave_time: no hint to an argument they lack', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      [
        logTimeTool.name,
        { entries: [{ task: 'Joda Consulting Inc / Legacy migration / Data export', duration: '1h' }] },
      ],
      [createProjectTool.name, { name: 'Revival', customer: 'Joda Consulting Inc' }],
      [logLeaveTime.name, { leaveType: 'Study Leave', duration: '1h' }],
    ];
    for (const [name, args] of cases) {
      const err = errorOf(await call(name, args));
      expect(err.kind, name).toBe('not_found');
      expect(String(err.hint), name).not.toContain('includeArchived');
      expect(String(err.hint), name).toMatch(/^only archived /);
    }
    expect(writesOf(w.sim)).toHaveLength(0);
    // get_work_item has the argument, so there the hint names it.
    const err = errorOf(await call('get_work_item', { kind: 'customer', ref: 'Joda Consulting Inc' }));
    expect(err.hint).toContain('includeArchived: true');
  });

  it('get_user schedule and set_timetrack_lock echo the resolved period with timeZone and weekStart', async () => {
    const user = await ok<{ schedule: Record<string, unknown> }>(c, getUserTool, {
      user: 'trainee',
      schedule: 'last week',
    });
    expect(user.schedule).toMatchObject({ timeZone: 'America/New_York', weekStart: 1 });
    const lock = await ok<Record<string, unknown>>(c, setTimetrackLock, {
      action: 'unlock',
      period: 'last week',
      users: ['trainee'],
    });
    expect(lock).toMatchObject({
      from: user.schedule.from,
      to: user.schedule.to,
      timeZone: 'America/New_York',
      weekStart: 1,
    });
  });
});
