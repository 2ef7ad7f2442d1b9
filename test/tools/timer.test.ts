/**
 * Timers end to end (issue 16): SDK client → server → simulator over loopback HTTP, on a clock the test moves
 * forward (the server's and the simulator's, together). "Restarting the server" closes the client and its server
 * and connects a new pair on the same state directory (ACTITIME_JOURNAL in a temp directory: timers.json sits
 * beside it). Assertions read the simulator's store and its request log.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { addDays } from '../../src/domain/period.js';
import { PLAIN_TESTING_TASK_ID } from '../../src/simulator/seed.js';
import { connectClient, textOf, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { TODAY, W0 } from '../simulator/demo-calendar.js';
import { writesOf } from './time-support.js';

type Obj = Record<string, unknown>;
const TASK = 'Spaceship building / Testing';
const TESTING = PLAIN_TESTING_TASK_ID; // Big Bang Company / Spaceship building / Testing
const MEETINGS = 136;
const ADMIN = 1; // in the New York time-zone group
const MIN = 60_000;

/** The server's and the simulator's clock: real time from `instant`, moved forward by the test. */
function movable(instant: string) {
  const start = Date.parse(instant);
  const real = Date.now();
  let offset = 0;
  return {
    now: () => start + (Date.now() - real) + offset,
    advance: (ms: number) => void (offset += ms),
  };
}

function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'actitime-timer-'));
}

/** A call's JSON: the structured content, or the error body of a refusal. */
async function call(c: Connected, name: string, args: Obj = {}): Promise<{ isError: boolean; out: Obj }> {
  const result = await c.client.callTool({ name, arguments: args });
  const text = textOf(result);
  return { isError: result.isError === true, out: JSON.parse(text) as Obj };
}

async function ok(c: Connected, name: string, args: Obj = {}): Promise<Obj> {
  const { isError, out } = await call(c, name, args);
  expect(isError, JSON.stringify(out)).toBe(false);
  return out;
}

async function refused(c: Connected, name: string, args: Obj = {}): Promise<Obj> {
  const { isError, out } = await call(c, name, args);
  expect(isError, JSON.stringify(out)).toBe(true);
  return out;
}

const entriesOf = (out: Obj) => out.entries as Array<Obj & { error?: Obj }>;

describe('timers: start, restart, stop (10:00 in New York on TODAY)', () => {
  const clock = movable(`${TODAY}T14:00:00Z`);
  let sim: SimulatorHandle;
  let dir: string;
  const open: Connected[] = [];
  const connect = async (env: Record<string, string> = {}) => {
    const c = await connectClient({
      simulator: sim,
      user: 'admin',
      now: clock.now,
      env: { ACTITIME_JOURNAL: join(dir, 'journal.jsonl'), ...env },
    });
    open.push(c);
    return c;
  };
  const cell = (date: string, taskId = TESTING) => sim.store.getTime(ADMIN, date, taskId)?.time ?? 0;
  const timerIn = async (c: Connected) => (await ok(c, 'get_timesheet')).timer as Obj | undefined;

  beforeAll(async () => {
    sim = await startTestSimulator({ today: TODAY, now: clock.now });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    dir = stateDir();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    sim.faults.clear();
  });

  it('REL-TM-01 start → restart the server → stop adds the elapsed minutes once, as one atomic delta; undo reverses it', async () => {
    const first = await connect();
    const started = await ok(first, 'start_timer', { task: TASK, comment: 'login bug' });
    expect(started).toMatchObject({
      status: 'started',
      timer: { task: 'Big Bang Company / Spaceship building / Testing', taskId: TESTING, minutes: 0 },
    });
    expect((started.timer as Obj).startedAt).toMatch(/^2026-10-07T10:00:\d\d-04:00$/);
    // Persisted beside the journal, 0600, keyed by URL and user, without a secret.
    const file = join(dir, 'timers.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file, 'utf8');
    expect(stored).toContain('"user":"admin"');
    expect(stored).not.toContain('manager');
    await first.close();

    clock.advance(47 * MIN);
    const second = await connect();
    expect(await timerIn(second)).toMatchObject({ taskId: TESTING, minutes: 47, hm: '0:47' });
    const before = cell(TODAY);
    const since = sim.requests.length;
    const stopped = await ok(second, 'stop_timer');
    expect(stopped).toMatchObject({
      status: 'stopped',
      timer: { taskId: TESTING, minutes: 47 },
      summary: { applied: 1 },
    });
    expect(entriesOf(stopped)).toMatchObject([
      {
        date: TODAY,
        mode: 'add',
        minutes: 47,
        before,
        after: before + 47,
        status: 'applied',
        comment: 'login bug',
      },
    ]);
    expect(stopped.note).toBe(
      'logged 0:47 on 2026-10-07 to Big Bang Company / Spaceship building / Testing (the elapsed time in whole minutes, rounded half up)',
    );
    const writes = writesOf(sim, since).filter((r) => r.method === 'PATCH');
    expect(writes.filter((r) => r.path.endsWith('/time'))).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      path: `/timetrack/${ADMIN}/${TODAY}/${TESTING}/time`,
      body: { delta: 47 },
    });
    expect(cell(TODAY)).toBe(before + 47);

    // Stopped means gone: a second stop (here or after another restart) logs nothing.
    const again = await refused(second, 'stop_timer');
    expect(again.error).toMatchObject({ kind: 'not_found', message: 'no timer is running' });
    expect(await timerIn(second)).toBeUndefined();
    expect(cell(TODAY)).toBe(before + 47);

    const undo = await ok(second, 'undo_change', { change: stopped.change as string });
    expect(undo.status).toBe('undone');
    expect(cell(TODAY)).toBe(before);
  });

  it('REL-TM-03 starting a timer while one runs stops (and logs) the running one first, at the new start', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK });
    clock.advance(20 * MIN);
    const before = [cell(TODAY), cell(TODAY, MEETINGS)];
    const started = await ok(c, 'start_timer', { task: MEETINGS, at: '5 min ago' });
    expect(started.note).toBe(
      'the timer on Big Bang Company / Spaceship building / Testing was stopped first (see stopped)',
    );
    expect(started.stopped).toMatchObject({ status: 'stopped', timer: { taskId: TESTING, minutes: 15 } });
    expect(started.timer).toMatchObject({ taskId: MEETINGS, minutes: 5 });
    expect(cell(TODAY)).toBe(before[0]! + 15);
    clock.advance(10 * MIN);
    const stopped = await ok(c, 'stop_timer');
    expect(entriesOf(stopped)[0]).toMatchObject({ taskId: MEETINGS, minutes: 15, status: 'applied' });
    expect(cell(TODAY, MEETINGS)).toBe(before[1]! + 15);
    // Both stops are journaled as the timer's own changes.
    const { changes } = await ok(c, 'list_recent_changes', { limit: 2 });
    expect((changes as Obj[]).map((ch) => ch.tool)).toEqual(['stop_timer', 'stop_timer']);
  });

  it('REL-TM-04 stop with nothing running: not_found, no request to actiTIME', async () => {
    const c = await connect();
    const since = sim.requests.length;
    const out = await refused(c, 'stop_timer');
    expect(out.error).toEqual({
      kind: 'not_found',
      message: 'no timer is running',
      hint: 'start one with start_timer; time already worked goes in with log_time',
    });
    expect(sim.requests.length).toBe(since);
  });

  it('REL-TM-05 a locked day: actiTIME refuses, nothing is logged, the timer keeps running and says why; stopping later logs it once', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK });
    clock.advance(30 * MIN);
    sim.store.setLock(TODAY, TODAY, null, true);
    const before = cell(TODAY);
    try {
      const out = await refused(c, 'stop_timer');
      expect(out).toMatchObject({
        status: 'running',
        note: 'nothing was logged; the timer keeps running (see the entries’ errors)',
      });
      expect(entriesOf(out)[0]).toMatchObject({
        status: 'refused',
        error: { key: 'api.error.timetrack_locked' },
      });
      expect(cell(TODAY)).toBe(before);
      expect(await timerIn(c)).toMatchObject({ taskId: TESTING, minutes: 30 });
    } finally {
      sim.store.setLock(TODAY, TODAY, null, false);
    }
    const since = sim.requests.length;
    const stopped = await ok(c, 'stop_timer');
    expect(entriesOf(stopped)[0]).toMatchObject({ minutes: 30, status: 'applied' });
    expect(writesOf(sim, since)).toHaveLength(1);
    expect(cell(TODAY)).toBe(before + 30);
  });

  it('REL-TM-06 an approved week: refused before sending, the timer keeps running untouched', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK });
    clock.advance(25 * MIN);
    sim.store.setApproved(ADMIN, W0, true);
    try {
      const since = sim.requests.length;
      const out = await refused(c, 'stop_timer');
      expect(out.status).toBe('running');
      expect(entriesOf(out)[0]).toMatchObject({
        status: 'refused',
        error: { kind: 'precheck', reason: 'timetrack_approved' },
      });
      expect(writesOf(sim, since)).toHaveLength(0);
      expect(await timerIn(c)).toMatchObject({ minutes: 25 });
    } finally {
      sim.store.setApproved(ADMIN, W0, false);
    }
    await ok(c, 'stop_timer', { discard: true });
  });

  it('REL-TM-07 a timer running over 16 h is probably forgotten: not logged without confirm; confirm logs exactly the plan, discard drops it', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK, at: 'yesterday 9:00' });
    expect(await timerIn(c)).toMatchObject({ probablyForgotten: true });
    const yesterday = addDays(TODAY, -1);
    const before = [cell(yesterday), cell(TODAY)];
    const since = sim.requests.length;
    const held = await ok(c, 'stop_timer', { at: '10:00' });
    expect(held).toMatchObject({ status: 'confirmation_required', timer: { minutes: 25 * 60 } });
    expect(held.note).toMatch(
      /^nothing was logged: the timer ran 25:00, more than 16 h, so it was probably forgotten/,
    );
    expect(entriesOf(held).map((e) => [e.date, e.minutes, e.status])).toEqual([
      [yesterday, 15 * 60, 'planned'],
      [TODAY, 10 * 60, 'planned'],
    ]);
    expect(writesOf(sim, since)).toHaveLength(0);
    clock.advance(3 * MIN);
    const applied = await ok(c, 'stop_timer', { at: '10:00', confirm: held.planToken as string });
    expect(entriesOf(applied).map((e) => [e.date, e.minutes, e.status])).toEqual([
      [yesterday, 900, 'applied'],
      [TODAY, 600, 'applied'],
    ]);
    expect([cell(yesterday), cell(TODAY)]).toEqual([before[0]! + 900, before[1]! + 600]);
    await ok(c, 'undo_change', { change: applied.change as string });

    await ok(c, 'start_timer', { task: TASK, at: 'yesterday 8:00' });
    const since2 = sim.requests.length;
    const dropped = await ok(c, 'stop_timer', { discard: true });
    expect(dropped).toMatchObject({
      status: 'discarded',
      note: 'the timer was discarded; nothing was logged',
    });
    expect(writesOf(sim, since2)).toHaveLength(0);
  });

  it('REL-TM-07 with elicitation, a forgotten timer is asked about: a decline keeps it, an accept logs it', async () => {
    const questions: string[] = [];
    let answer: 'accept' | 'decline' = 'decline';
    const c = await connectClient({
      simulator: sim,
      user: 'admin',
      now: clock.now,
      env: { ACTITIME_JOURNAL: join(dir, 'journal.jsonl') },
      elicit: (r) => {
        questions.push(r.params.message);
        return Promise.resolve(
          answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' },
        );
      },
    });
    open.push(c);
    await ok(c, 'start_timer', { task: TASK, at: 'yesterday 12:00' });
    const since = sim.requests.length;
    const declined = await ok(c, 'stop_timer');
    expect(declined).toMatchObject({ status: 'declined' });
    expect(declined.planToken).toBeUndefined();
    expect(questions[0]).toMatch(/^Log the timer \(\d+:\d\d, probably forgotten\):\n- 2026-10-06 Big Bang/);
    expect(writesOf(sim, since)).toHaveLength(0);
    expect(await timerIn(c)).toMatchObject({ probablyForgotten: true });
    answer = 'accept';
    const logged = await ok(c, 'stop_timer');
    expect(logged.status).toBe('stopped');
    expect(writesOf(sim, since)).toHaveLength(2); // the two days, in one batch
    await ok(c, 'undo_change', { change: logged.change as string });
  });

  it('REL-TM-08 under a minute logs nothing and discards the timer; `at` before the start or in the future is refused', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK });
    const future = await refused(c, 'stop_timer', { at: '23:59' });
    expect(future.error).toMatchObject({ kind: 'validation', field: 'at' });
    expect((future.error as Obj).message).toMatch(
      /^at: 23:59 is later than now \(\d\d:\d\d in America\/New_York\)$/,
    );
    const early = await refused(c, 'stop_timer', { at: '1h ago' });
    expect((early.error as Obj).message).toMatch(/^at: .* is not after the timer’s start/);
    const since = sim.requests.length;
    const out = await ok(c, 'stop_timer');
    expect(out).toMatchObject({ status: 'discarded' });
    expect(out.note).toBe(
      'the timer ran under a minute (the elapsed time in whole minutes, rounded half up): nothing was logged, and the timer was discarded',
    );
    expect(writesOf(sim, since)).toHaveLength(0);
    const bad = await refused(c, 'start_timer', { task: TASK, at: 'teatime' });
    expect(bad.error).toMatchObject({ kind: 'validation', field: 'at' });
  });

  it('REL-TM-09 two stops at once (two servers on one state file) log the time exactly once', async () => {
    const [a, b] = [await connect(), await connect()];
    await ok(a, 'start_timer', { task: TASK });
    clock.advance(12 * MIN);
    const before = cell(TODAY);
    const since = sim.requests.length;
    const results = await Promise.all([call(a, 'stop_timer'), call(b, 'stop_timer')]);
    const winners = results.filter((r) => !r.isError);
    expect(winners).toHaveLength(1);
    expect(results.find((r) => r.isError)?.out.error).toMatchObject({
      kind: expect.stringMatching(/conflict|not_found/),
    });
    expect(writesOf(sim, since)).toHaveLength(1);
    expect(cell(TODAY)).toBe(before + 12);
  });

  it('REL-TM-10 a write whose answer was lost (maybe applied) is never sent again: the timer is gone and the result says to re-read', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK });
    clock.advance(9 * MIN);
    sim.faults.inject({ method: 'PATCH', path: `/timetrack/${ADMIN}/${TODAY}/${TESTING}/time`, status: 503 });
    const since = sim.requests.length;
    const out = await ok(c, 'stop_timer');
    expect(out.status).toBe('maybe_logged');
    expect(out.note).toMatch(/may or may not have been logged/);
    expect(entriesOf(out)[0]).toMatchObject({ status: 'maybe_applied' });
    expect((await refused(c, 'stop_timer')).error).toMatchObject({ kind: 'not_found' });
    expect(writesOf(sim, since)).toHaveLength(1);
  });

  it('REL-TM-13 a start that cannot stop the running timer first starts nothing; a completed task takes no timer', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TASK });
    clock.advance(6 * MIN);
    sim.store.setLock(TODAY, TODAY, null, true);
    try {
      const out = await refused(c, 'start_timer', { task: MEETINGS });
      expect(out.error).toMatchObject({
        kind: 'conflict',
        message: 'not started: the running timer could not be stopped first, and it keeps running',
        stopped: { status: 'running' },
      });
      expect(await timerIn(c)).toMatchObject({ taskId: TESTING, minutes: 6 });
    } finally {
      sim.store.setLock(TODAY, TODAY, null, false);
    }
    await ok(c, 'stop_timer', { discard: true });
    const done = [...sim.store.tasks.values()].find((t) => t.workflowStatusId === 3)!;
    const out = await refused(c, 'start_timer', { task: done.id });
    expect(out.error).toMatchObject({ kind: 'validation', field: 'task' });
    expect((out.error as Obj).message).toMatch(/is completed; a timer runs on open tasks$/);
  });

  it('REL-TM-14 ACTITIME_CONFIRM=writes: stopping asks first (a planToken when the client cannot be asked); the token logs once', async () => {
    const c = await connect({ ACTITIME_CONFIRM: 'writes' });
    await ok(c, 'start_timer', { task: TASK });
    clock.advance(4 * MIN);
    const since = sim.requests.length;
    const held = await ok(c, 'stop_timer');
    expect(held).toMatchObject({ status: 'confirmation_required', timer: { minutes: 4 } });
    expect(typeof held.planToken).toBe('string');
    expect(writesOf(sim, since)).toHaveLength(0);
    const applied = await ok(c, 'stop_timer', { confirm: held.planToken as string });
    expect(entriesOf(applied)[0]).toMatchObject({ minutes: 4, status: 'applied' });
    const reused = await refused(c, 'stop_timer', { confirm: held.planToken as string });
    expect(reused.error).toMatchObject({ kind: 'not_found' });
    expect(writesOf(sim, since)).toHaveLength(1);
  });

  it('REL-TM-11 ACTITIME_JOURNAL=off: timers live in memory and say so; actitime://timer shows the running timer', async () => {
    const c = await connect({ ACTITIME_JOURNAL: 'off' });
    const read = async () => {
      const [content] = (await c.client.readResource({ uri: 'actitime://timer' })).contents;
      return JSON.parse((content as { text: string }).text) as Obj;
    };
    expect(await read()).toEqual({ running: false });
    const started = await ok(c, 'start_timer', { task: TASK, comment: 'pairing' });
    expect(started.storage).toBe(
      'ACTITIME_JOURNAL=off: timers are kept in memory only and are lost when the server restarts',
    );
    clock.advance(8 * MIN);
    expect(await read()).toMatchObject({ running: true, taskId: TESTING, minutes: 8, comment: 'pairing' });
    const stopped = await ok(c, 'stop_timer');
    expect(stopped).toMatchObject({
      status: 'stopped',
      journal: expect.stringMatching(/^not recorded: ACTITIME_JOURNAL=off/),
    });
    expect(await read()).toEqual({ running: false });
  });
});

describe('timers across midnight (23:40 in New York on TODAY)', () => {
  const clock = movable(`${addDays(TODAY, 1)}T03:40:00Z`);
  let sim: SimulatorHandle;
  let c: Connected;
  const connect = () => Promise.resolve(c);
  const cell = (date: string, taskId = TESTING) => sim.store.getTime(ADMIN, date, taskId)?.time ?? 0;

  beforeAll(async () => {
    sim = await startTestSimulator({ today: TODAY, now: clock.now });
    c = await connectClient({
      simulator: sim,
      user: 'admin',
      now: clock.now,
      env: { ACTITIME_JOURNAL: join(stateDir(), 'journal.jsonl') },
    });
  });
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('REL-TM-02 a timer that crosses midnight in the user’s zone is split between the two days, in one write; undo takes both back', async () => {
    const c = await connect();
    await ok(c, 'start_timer', { task: TESTING, at: '23:30' });
    clock.advance(95 * MIN); // 01:15 the next day
    const next = addDays(TODAY, 1);
    const before = [cell(TODAY), cell(next)];
    const since = sim.requests.length;
    const stopped = await ok(c, 'stop_timer', { at: '5 min ago' });
    expect(entriesOf(stopped).map((e) => [e.date, e.minutes, e.status])).toEqual([
      [TODAY, 30, 'applied'],
      [next, 70, 'applied'],
    ]);
    expect(stopped.note).toBe(
      'logged 0:30 on 2026-10-07 and 1:10 on 2026-10-08 to Big Bang Company / Spaceship building / Testing (the elapsed time in whole minutes, rounded half up)',
    );
    expect([cell(TODAY), cell(next)]).toEqual([before[0]! + 30, before[1]! + 70]);
    expect(sim.requests.slice(since).filter((r) => r.method === 'POST' && r.path === '/batch')).toHaveLength(
      1,
    );
    expect(writesOf(sim, since).map((r) => r.body)).toEqual([{ delta: 30 }, { delta: 70 }]);
    await ok(c, 'undo_change', { change: 'last' });
    expect([cell(TODAY), cell(next)]).toEqual(before);
  });
});
