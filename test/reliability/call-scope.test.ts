/**
 * One call, one scope (docs/reliability.md): one deadline, one cancellation and one request budget per tool
 * call; when a call ends, nothing it still had queued is ever sent. Through the MCP tools, against the simulator
 * at its DEFAULT limits (100/s, 1000/min) unless a test says otherwise.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { RecordedRequest } from '../../src/simulator/types.js';
import { connectClient, errorOf, textOf, type Connected } from '../helpers/mcp.js';
import { untilIdle, waitFor } from '../helpers/wait.js';

let c: Connected | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

function addUsers(conn: Connected, count: number): void {
  for (let i = 0; i < count; i++) {
    const id = 10_000 + i;
    conn.sim.store.addUser({
      id,
      username: `load${i}`,
      password: `load${i}`,
      firstName: 'Load',
      middleName: '',
      lastName: `User ${i}`,
      email: `load${i}@demo-company.example`,
      departmentId: 6,
      timeZoneGroupId: -1,
      hired: '2020-01-01',
      releaseDate: null,
      active: true,
      role: 'regular',
    });
  }
}

const schedules = (rs: readonly RecordedRequest[]) =>
  rs.filter((r) => /^\/users\/\d+\/schedule$/.test(r.path));

describe('one call, one scope (REL-TO-04, REL-CX-05)', () => {
  it('REL-CX-05 a 1,200-user find_missing_time is refused up front with a hint; nothing is sent after its result', async () => {
    c = await connectClient();
    addUsers(c, 1200);
    const active = [...c.sim.store.users.values()].filter((u) => u.active).length;
    const result = await c.client.callTool({ name: 'find_missing_time', arguments: {} });
    const sent = c.sim.requests.length;
    expect(errorOf(result)).toEqual({
      kind: 'call_budget',
      // Spent by the call itself (the user list's pages; sign-in and calendar are the session's) + one schedule
      // per user + the two lists.
      message: `this call would need about ${c.sim.requests.filter((r) => r.path === '/users').length + active + 2} requests to actiTIME, more than the 500 one call may send`,
      hint: 'narrow it: fewer users, entries or names, a department, or a shorter period',
    });
    expect(schedules(c.sim.requests)).toHaveLength(0);
    await untilIdle(c.actitime, c.sim);
    expect(c.sim.requests).toHaveLength(sent);
    // The account's budget is intact for the next call.
    const next = await c.client.callTool({ name: 'get_timesheet', arguments: {} });
    expect(next.isError).toBeFalsy();
    expect(c.sim.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('REL-CX-05 a call whose first schedule fails stops: none of its queued requests is ever sent', async () => {
    c = await connectClient();
    addUsers(c, 300);
    // The schedules go as operations of POST /batch (100 a chunk): the first one is refused.
    c.sim.faults.inject({ method: 'GET', path: /^\/users\/\d+\/schedule$/, status: 403, inBatch: true });
    const result = await c.client.callTool({ name: 'find_missing_time', arguments: {} });
    // What could still reach the simulator after the answer: the requests already handed to the network.
    const inFlight = c.actitime.limiter.counts.running;
    const sent = c.sim.requests.length;
    expect(errorOf(result)).toMatchObject({ status: 403, key: 'api.error.access_denied' });
    await untilIdle(c.actitime, c.sim);
    expect(c.sim.requests.length - sent).toBeLessThanOrEqual(inFlight);
    // 300 schedules were due; the call ended after the first answers.
    expect(schedules(c.sim.requests).length).toBeLessThan(300 / 2);
  });

  it('REL-CX-05 100 unknown task names in one log_time: one copy of the lists, no request per name, nothing after the error', async () => {
    c = await connectClient();
    await c.client.callTool({ name: 'get_timesheet', arguments: {} }); // sign-in and calendar out of the way
    const mark = c.sim.requests.length;
    const entries = Array.from({ length: 100 }, (_, i) => ({ task: `No such task ${i}`, duration: 30 }));
    const result = await c.client.callTool({ name: 'log_time', arguments: { entries } });
    const sent = c.sim.requests.slice(mark);
    expect(errorOf(result)).toMatchObject({ kind: 'not_found', field: 'entries[0].task' });
    // The copy: customers, projects and tasks, one page each in the seed; no filtered lookups, no writes.
    expect(sent.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /customers',
      'GET /projects',
      'GET /tasks',
    ]);
    expect(sent.every((r) => r.query.name === undefined && r.query.words === undefined)).toBe(true);
    await untilIdle(c.actitime, c.sim);
    expect(c.sim.requests).toHaveLength(mark + sent.length);
  });

  it('REL-CX-05 many known names resolve from the one copy and log correctly', async () => {
    c = await connectClient();
    const entries = [
      'Spaceship building / Testing',
      // A bare "Meetings" is ambiguous for the admin (Star map and Internal activities both have one).
      'Internal activities / Meetings',
      'Test 10',
      'Big Bang Company / Spaceship building / Test 10',
    ].map((task) => ({ task, date: 'today', duration: 1, mode: 'add' as const }));
    const result = await c.client.callTool({ name: 'log_time', arguments: { entries, dryRun: true } });
    expect(result.isError, textOf(result)).toBeFalsy();
    const out = result.structuredContent as { entries: Array<{ taskId: number; status: string }> };
    expect(out.entries.map((e) => e.taskId)).toEqual([
      [...c.sim.store.tasks.values()].find((t) => t.name === 'Testing' && t.projectId === 13)!.id,
      136,
      143,
      143,
    ]);
    expect(c.sim.requests.filter((r) => r.path === '/tasks' && r.query.name !== undefined)).toHaveLength(0);
  });

  it('REL-TO-04 the deadline covers the whole call: slow reads end it at the deadline, with the call timeout named', async () => {
    c = await connectClient({ client: { deadlineMs: 600, attemptTimeoutMs: 5_000 } });
    // Each read alone is well within the attempt timeout; together they pass the call's deadline.
    c.sim.faults.inject({ method: 'GET', delayMs: 250, times: 20 });
    const result = await c.client.callTool({ name: 'get_timesheet', arguments: {} });
    const sent = c.sim.requests.length;
    expect(errorOf(result)).toEqual({
      kind: 'timeout',
      message: 'the call did not finish within its 600 ms deadline',
      hint: 'actiTIME is slow; try again in a moment, or narrow the request',
    });
    await untilIdle(c.actitime, c.sim);
    // A read handed to the network just before the deadline can be parsed by the simulator after the answer (CI
    // showed one); the deadline cut it off. Anything still queued would go out after the deadline and be answered.
    const late = c.sim.requests.slice(sent);
    expect(late.filter((r) => r.abortedAt === undefined || r.status !== undefined)).toEqual([]);
  });

  it('REL-TO-04 a write in flight at the deadline is reported maybe_applied with its cell, before the deadline passes by much', async () => {
    c = await connectClient({ client: { deadlineMs: 3_000, attemptTimeoutMs: 20_000 } });
    await c.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: 143, duration: 1 }], dryRun: true },
    });
    c.sim.faults.inject({ method: 'PATCH', path: /\/time$/, delayMs: 30_000 });
    const date = '2026-11-30';
    const before = c.sim.store.getTime(1, date, 143)?.time ?? 0;
    const result = await c.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: 143, date, duration: 30 }] },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [entry] = (result.structuredContent as { entries: Array<Record<string, unknown>> }).entries;
    expect(entry).toMatchObject({ taskId: 143, userId: 1, date, status: 'maybe_applied' });
    expect(entry!.error).toEqual({
      kind: 'timeout',
      message:
        'the call did not finish within its 3 s deadline. The change may or may not have been applied; re-read before retrying',
      hint: 're-read the cell before retrying',
      maybeApplied: true,
    });
    await untilIdle(c.actitime, c.sim);
    // The simulator saw the connection close before the delayed route ran: nothing was applied.
    expect(c.sim.store.getTime(1, date, 143)?.time ?? 0).toBe(before);
  });

  it('REL-CX-02 REL-CX-05 a cancelled call drops its queued requests: none is sent after the cancel', async () => {
    c = await connectClient({ client: { limits: { perSecond: 5 } } });
    addUsers(c, 60);
    const controller = new AbortController();
    const call = c.client
      .callTool({ name: 'find_missing_time', arguments: {} }, undefined, { signal: controller.signal })
      .catch((e: unknown) => e);
    await waitFor(() => schedules(c!.sim.requests).length > 0);
    controller.abort();
    await call;
    await waitFor(() => c!.actitime.limiter.counts.queued === 0);
    const inFlight = c.actitime.limiter.counts.running;
    const sent = c.sim.requests.length;
    await untilIdle(c.actitime, c.sim);
    expect(c.sim.requests.length - sent).toBeLessThanOrEqual(inFlight);
    expect(schedules(c.sim.requests).length).toBeLessThan(60);
  });

  it('REL-CX-05 the call budget stops a call that would spend more than it may', async () => {
    c = await connectClient({ client: { callMaxRequests: 4 } });
    const result = await c.client.callTool({
      name: 'get_time_entries',
      arguments: { tasks: ['No such task', 'Another missing one'] },
    });
    expect(errorOf(result)).toEqual({
      kind: 'call_budget',
      message: 'this call needed more than the 4 requests to actiTIME one call may send',
      hint: 'narrow it: fewer users, entries or names, a department, or a shorter period',
    });
  });
  it('REL-RL-05 a 429 asking for 9999999999 s fails that tool call at once; the next call waits only the cap', async () => {
    c = await connectClient({ client: { timeUnitMs: 50, maxRetryAfterMs: 300 } });
    await c.client.callTool({ name: 'get_timesheet', arguments: {} });
    // Held a moment, so the call's other reads (started together with it) are at the simulator before it.
    c.sim.faults.inject({
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '9999999999' },
      delayMs: 50,
    });
    const mark = c.sim.requests.length;
    const first = await c.client.callTool({ name: 'get_timesheet', arguments: {} });
    expect(errorOf(first)).toEqual({
      kind: 'rate_limited',
      message:
        'actiTIME asked to wait 9999999999 s before the next request, longer than the 6 s this server waits',
      hint: 'try again in a few minutes; if it repeats, actiTIME (or a proxy in front of it) sends a wrong Retry-After',
    });
    // The call's reads went out together: those already sent when the 429 came back were answered, but nothing
    // of the call was sent after it.
    const limited = c.sim.requests.slice(mark);
    const refused = limited.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(limited.filter((r) => r.arrivedAt >= refused[0]!.finishedAt!)).toEqual([]);
    const second = await c.client.callTool({ name: 'get_timesheet', arguments: {} });
    expect(second.isError, textOf(second)).toBeFalsy();
    // It waited out the cap (6 units of 50 ms) after the 429, not the wait asked for.
    expect(c.sim.requests[mark + limited.length]!.arrivedAt - refused[0]!.arrivedAt).toBeGreaterThanOrEqual(
      300 - 1,
    );
  });
});
