/**
 * The timesheet view's calls against the real server (in memory, seeded simulator): the arguments it builds
 * are accepted, and what get_timesheet and log_time answer reads as the view expects — a sheet, a
 * confirmation with its planToken, a write, an error. No DOM: the browser side is tested elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { shiftRange } from '../../src/views/timesheet/dates.js';
import type { Timesheet } from '../../src/views/timesheet/model.js';
import {
  logTimeArgs,
  readSheetResult,
  readWriteResult,
  timesheetArgs,
  type ToolResultLike,
} from '../../src/views/timesheet/tool-calls.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

let conn: Connected;

beforeAll(async () => {
  // Every write asks to be confirmed, and the client cannot be asked: the server answers confirmation_required.
  conn = await connectClient({ env: { ACTITIME_CONFIRM: 'writes' } });
});
afterAll(() => conn.close());

const call = async (name: string, args: Record<string, unknown>) =>
  (await conn.client.callTool({ name, arguments: args })) as ToolResultLike;

async function sheetOf(args: Record<string, unknown>): Promise<Timesheet> {
  const outcome = readSheetResult(await call('get_timesheet', args));
  if (outcome.kind !== 'sheet') throw new Error(`no sheet: ${outcome.text}`);
  return outcome.sheet;
}

describe('timesheet view against the server', () => {
  it('reads a week, and the week before it with the arguments the view builds', async () => {
    const week = await sheetOf({ period: 'last week' });
    expect(week.days).toHaveLength(7);
    expect(week.tasks.length).toBeGreaterThan(0);
    const before = await sheetOf(timesheetArgs(week.user.id, shiftRange(week.period, -1)));
    expect(before.period).toMatchObject(shiftRange(week.period, -1));
    expect(before.user).toEqual(week.user);
  });

  it('shows an unknown user as an error text', async () => {
    const outcome = readSheetResult(await call('get_timesheet', { user: '999999', period: 'last week' }));
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.text).toMatch(/no user named "999999"/);
  });

  it('writes a cell after confirming it, then re-reads it', async () => {
    const week = await sheetOf({ period: 'last week' });
    const task = week.tasks[0]!;
    const i = task.minutes.findIndex((m) => m > 0);
    const write = { userId: week.user.id, taskId: task.id, date: week.days[i]!.date, minutes: 25 };

    const asked = readWriteResult(await call('log_time', logTimeArgs(write)));
    expect(asked.kind).toBe('confirm');
    if (asked.kind !== 'confirm') return;
    expect(asked.changes).toEqual([
      { date: write.date, task: task.path, before: task.minutes[i], after: 25 },
    ]);
    // The note's first sentence: how an assistant confirms is no business of the person with the button.
    expect(asked.text).toMatch(/^nothing was written: [^.]*\.$/);

    const done = readWriteResult(await call('log_time', { ...logTimeArgs(write), confirm: asked.token }));
    expect(done).toEqual({ kind: 'written' });
    const after = await sheetOf(timesheetArgs(week.user.id, week.period));
    expect(after.tasks.find((t) => t.id === task.id)!.minutes[i]).toBe(25);

    // A token applies once; the view shows the refusal as text.
    const again = readWriteResult(await call('log_time', { ...logTimeArgs(write), confirm: asked.token }));
    expect(again.kind).toBe('error');
    expect(again.kind === 'error' && again.text).toMatch(/already used/);
  });
});
