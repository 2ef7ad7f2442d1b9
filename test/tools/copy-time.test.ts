/**
 * copy_time over the wire: SDK client → server → simulator (loopback), the clock pinned to the demo's
 * Wednesday. Each test copies into its own week (mostly future weeks, empty in the seed) and checks what the
 * simulator holds and which requests it got.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { copyTimeTool } from '../../src/tools/copy-time.js';
import { errorOf, textOf, type Connected } from '../helpers/mcp.js';
import { TODAY, W0, week } from '../simulator/demo-calendar.js';
import { ok, refused, world, writesOf, type World } from './time-support.js';

type Entry = Record<string, unknown> & { status: string; date: string; taskId: number; before: number };
type Copied = {
  from: { from: string; to: string };
  to: { from: string; to: string };
  mode: string;
  sourceCells: number;
  filled: Array<{ date: string; from: string }>;
  skipped: Array<{ date: string; reason: string }>;
  note?: string;
};
type CopyOut = {
  entries: Entry[];
  summary: Record<string, number>;
  days: Array<{ date: string; total: number }>;
  status?: string;
  planToken?: string;
  note?: string;
  dryRun?: boolean;
  copied: Copied;
};

const TRAINEE = 3;
const ENGINE_TESTING = 103;
const MEETINGS = 136;

describe('copy_time', () => {
  let w: World;
  let trainee: Connected;
  beforeAll(async () => {
    w = await world(TODAY);
    trainee = await w.connect('trainee');
  });
  afterAll(() => w.close());

  const copy = (c: Connected, args: Record<string, unknown>) => ok<CopyOut>(c, copyTimeTool, args);
  /** taskId → {time, comment} of the trainee's day in the simulator. */
  const day = (date: string) =>
    Object.fromEntries(
      [...(w.sim.store.getDay(TRAINEE, date) ?? new Map())]
        .filter(([, r]) => r.time > 0)
        .map(([taskId, r]) => [taskId, { time: r.time, comment: r.comment ?? '' }]),
    );
  const patches = (since: number) =>
    writesOf(w.sim, since).map((r) => [r.method, r.path, r.body] as [string, string, unknown]);

  it('fill-gaps from yesterday into this week: only the empty working days get yesterday’s cells', async () => {
    const yesterday = week(0, 1);
    const source = day(yesterday);
    const monday = day(W0);
    expect(Object.keys(source).length).toBeGreaterThan(0);
    expect(Object.keys(monday).length).toBeGreaterThan(0);
    const since = w.sim.requests.length;
    const out = await copy(trainee, { from: 'yesterday', to: 'this week' });

    const filled = [week(0, 2), week(0, 3), week(0, 4)];
    expect(out.copied).toEqual({
      from: { from: yesterday, to: yesterday },
      to: { from: W0, to: week(0, 6) },
      mode: 'fill-gaps',
      sourceCells: Object.keys(source).length,
      filled: filled.map((date) => ({ date, from: yesterday })),
      skipped: [
        { date: W0, reason: 'has_time' },
        { date: yesterday, reason: 'source_day' },
        { date: week(0, 5), reason: 'non_working_day' },
        { date: week(0, 6), reason: 'non_working_day' },
      ],
    });
    const tasks = Object.keys(source).map(Number);
    expect(out.entries).toHaveLength(filled.length * tasks.length);
    expect(out.entries.every((e) => e.status === 'applied' && e.before === 0)).toBe(true);
    expect(out.summary).toEqual({ applied: filled.length * tasks.length });
    // Exactly those cells, as absolute values with the source comments; nothing else.
    const expected = filled.flatMap((date) =>
      tasks
        .sort((a, b) => a - b)
        .map((taskId) => [
          'PATCH',
          `/timetrack/${TRAINEE}/${date}/${taskId}`,
          { time: source[taskId]!.time, comment: source[taskId]!.comment },
        ]),
    );
    expect(patches(since)).toEqual(expected);
    for (const date of filled) expect(day(date)).toEqual(source);
    expect(day(W0)).toEqual(monday);
    expect(day(yesterday)).toEqual(source);
    expect(out.days.map((d) => d.date)).toEqual(filled);
  });

  it('week → week maps Monday to Monday; a day with nothing logged copies nothing', async () => {
    const lastWeek = Array.from({ length: 7 }, (_, i) => day(week(-1, i)));
    // The seed leaves the trainee's Thursday of last week empty.
    expect(lastWeek[3]).toEqual({});
    const since = w.sim.requests.length;
    const out = await copy(trainee, { from: 'last week', to: `${week(1)}..${week(1, 6)}` });
    expect(out.copied.filled).toEqual([0, 1, 2, 4].map((i) => ({ date: week(1, i), from: week(-1, i) })));
    expect(out.copied.skipped).toEqual([
      { date: week(1, 3), reason: 'source_empty' },
      // Weekend → weekend: the source days are off too, and empty.
      { date: week(1, 5), reason: 'source_empty' },
      { date: week(1, 6), reason: 'source_empty' },
    ]);
    for (let i = 0; i < 7; i++) expect(day(week(1, i)), `day ${i}`).toEqual(lastWeek[i]);
    expect(writesOf(w.sim, since).every((r) => r.method === 'PATCH')).toBe(true);
    expect(writesOf(w.sim, since)).toHaveLength(out.entries.length);
  });

  it('add adds the source minutes; a target comment stays, the source one fills an empty one', async () => {
    const src = week(3, 0);
    const dst = week(3, 1);
    w.sim.store.setTime(TRAINEE, src, MEETINGS, 60, 'standup');
    w.sim.store.setTime(TRAINEE, src, ENGINE_TESTING, 45, 'rig');
    w.sim.store.setTime(TRAINEE, dst, MEETINGS, 30, 'own');
    const since = w.sim.requests.length;
    const out = await copy(trainee, { from: src, to: dst, mode: 'add' });
    expect(out.entries.map((e) => [e.taskId, e.mode, e.minutes, e.before, e.after, e.status])).toEqual([
      [ENGINE_TESTING, 'add', 45, 0, 45, 'applied'],
      [MEETINGS, 'add', 60, 30, 90, 'applied'],
    ]);
    expect(day(dst)).toEqual({
      [ENGINE_TESTING]: { time: 45, comment: 'rig' },
      [MEETINGS]: { time: 90, comment: 'own' },
    });
    // Adds go as atomic deltas.
    const deltas = patches(since).filter(([, path]) => path.endsWith('/time'));
    expect(deltas.map(([, path, body]) => [path, body])).toEqual([
      [`/timetrack/${TRAINEE}/${dst}/${ENGINE_TESTING}/time`, { delta: 45 }],
      [`/timetrack/${TRAINEE}/${dst}/${MEETINGS}/time`, { delta: 60 }],
    ]);
    expect(day(src)).toEqual({
      [ENGINE_TESTING]: { time: 45, comment: 'rig' },
      [MEETINGS]: { time: 60, comment: 'standup' },
    });
  });

  it('replace lowers → confirmation_required, nothing written; confirm applies it with absent cells set to 0', async () => {
    const c = await w.connect('trainee', { env: { ACTITIME_CONFIRM: 'destructive' } });
    const src = week(4, 0);
    const dst = week(4, 1);
    w.sim.store.setTime(TRAINEE, src, MEETINGS, 60, 'src');
    w.sim.store.setTime(TRAINEE, dst, MEETINGS, 120, 'keep');
    w.sim.store.setTime(TRAINEE, dst, ENGINE_TESTING, 30, 'gone');
    const args = { from: src, to: dst, mode: 'replace' };
    let since = w.sim.requests.length;
    const asked = await copy(c, args);
    expect(asked.status).toBe('confirmation_required');
    expect(asked.planToken).toMatch(/^ct_/);
    expect(asked.note).toContain('nothing was written');
    expect(asked.entries.map((e) => [e.taskId, e.mode, e.before, e.after, e.status])).toEqual([
      [ENGINE_TESTING, 'set', 30, 0, 'planned'],
      [MEETINGS, 'set', 120, 60, 'planned'],
    ]);
    expect(asked.copied).toMatchObject({ mode: 'replace', filled: [{ date: dst, from: src }] });
    expect(writesOf(w.sim, since)).toHaveLength(0);

    since = w.sim.requests.length;
    const out = await copy(c, { ...args, confirm: asked.planToken });
    expect(out.status).toBeUndefined();
    expect(out.entries.map((e) => [e.taskId, e.status, e.after])).toEqual([
      [ENGINE_TESTING, 'applied', 0],
      [MEETINGS, 'applied', 60],
    ]);
    expect(out.copied).toEqual(asked.copied);
    expect(patches(since)).toEqual([
      ['PATCH', `/timetrack/${TRAINEE}/${dst}/${ENGINE_TESTING}`, { time: 0, comment: 'gone' }],
      ['PATCH', `/timetrack/${TRAINEE}/${dst}/${MEETINGS}`, { time: 60, comment: 'keep' }],
    ]);
    expect(day(dst)).toEqual({ [MEETINGS]: { time: 60, comment: 'keep' } });
  });

  it('dryRun writes nothing; its planToken applies exactly the plan, not what changed since', async () => {
    const src = week(5, 0);
    w.sim.store.setTime(TRAINEE, src, MEETINGS, 60, 'plan');
    const args = { from: src, to: `${week(5, 1)}..${week(5, 2)}` };
    let since = w.sim.requests.length;
    const plan = await copy(trainee, { ...args, dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(plan.planToken).toMatch(/^ct_/);
    expect(plan.entries.map((e) => [e.date, e.taskId, e.status, e.after])).toEqual([
      [week(5, 1), MEETINGS, 'planned', 60],
      [week(5, 2), MEETINGS, 'planned', 60],
    ]);
    expect(writesOf(w.sim, since)).toHaveLength(0);
    // A source cell added after the plan is not part of it.
    w.sim.store.setTime(TRAINEE, src, ENGINE_TESTING, 15);

    since = w.sim.requests.length;
    const out = await copy(trainee, { ...args, confirm: plan.planToken });
    expect(out.entries.map((e) => [e.date, e.taskId, e.status, e.after])).toEqual([
      [week(5, 1), MEETINGS, 'applied', 60],
      [week(5, 2), MEETINGS, 'applied', 60],
    ]);
    expect(out.copied).toEqual(plan.copied);
    expect(patches(since)).toEqual([
      ['PATCH', `/timetrack/${TRAINEE}/${week(5, 1)}/${MEETINGS}`, { time: 60, comment: 'plan' }],
      ['PATCH', `/timetrack/${TRAINEE}/${week(5, 2)}/${MEETINGS}`, { time: 60, comment: 'plan' }],
    ]);
    expect(day(week(5, 1))).toEqual({ [MEETINGS]: { time: 60, comment: 'plan' } });
  });

  it('periods of different lengths → a validation error naming `to`; nothing read or written', async () => {
    const since = w.sim.requests.length;
    const result = await trainee.client.callTool({
      name: 'copy_time',
      arguments: { from: 'last week', to: `${week(6)}..${week(6, 2)}` },
    });
    expect(result.isError).toBe(true);
    const error = errorOf(result);
    expect(error).toMatchObject({ kind: 'validation', field: 'to' });
    expect(String(error.message)).toMatch(/^to: 3 days .* cannot take 7 days from `from`/);
    expect(String(error.hint)).toContain('one day');
    expect(w.sim.requests.slice(since).filter((r) => r.path.startsWith('/timetrack'))).toHaveLength(0);
    expect(writesOf(w.sim, since)).toHaveLength(0);
  });

  it('holidays and leave days are skipped; an empty source says there is nothing to copy', async () => {
    const src = week(2, 0);
    w.sim.store.setTime(TRAINEE, src, MEETINGS, 30);
    w.sim.store.setLeave(TRAINEE, week(2, 3), 1, 480);
    const out = await copy(trainee, { from: src, to: `${week(2, 1)}..${week(2, 4)}` });
    expect(out.copied.filled.map((f) => f.date)).toEqual([week(2, 1), week(2, 4)]);
    expect(out.copied.skipped).toEqual([
      { date: week(2, 2), reason: 'non_working_day' },
      { date: week(2, 3), reason: 'leave' },
    ]);
    expect(day(week(2, 2))).toEqual({});
    expect(day(week(2, 3))).toEqual({});

    const since = w.sim.requests.length;
    const empty = await copy(trainee, { from: week(9, 0), to: `${week(9, 1)}..${week(9, 4)}` });
    expect(empty.copied.sourceCells).toBe(0);
    expect(empty.copied.note).toContain('nothing is logged');
    expect(empty.entries).toEqual([]);
    expect(empty.copied.skipped.every((s) => s.reason === 'source_empty')).toBe(true);
    expect(writesOf(w.sim, since)).toHaveLength(0);
  });

  it('an approved target week is refused per entry, as log_time refuses it: an error result, nothing written', async () => {
    const src = week(6, 0);
    w.sim.store.setTime(TRAINEE, src, MEETINGS, 60);
    w.sim.store.setTime(TRAINEE, src, ENGINE_TESTING, 30);
    w.sim.store.setTime(TRAINEE, week(7, 0), MEETINGS, 30);
    w.sim.store.setApproved(TRAINEE, week(7, 0), true);
    const since = w.sim.requests.length;
    const out = await refused<CopyOut>(trainee, copyTimeTool, {
      from: src,
      to: `${week(7, 1)}..${week(7, 2)}`,
    });
    expect(out.entries).toHaveLength(4);
    for (const e of out.entries)
      expect(e).toMatchObject({ status: 'refused', error: { reason: 'timetrack_approved' } });
    expect(out.summary).toEqual({ refused: 4 });
    expect(writesOf(w.sim, since)).toHaveLength(0);
  });

  it('undo_change reverses a copy', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'actitime-copy-')), 'state', 'journal.jsonl');
    const c = await w.connect('trainee', { env: { ACTITIME_JOURNAL: file } });
    const src = week(8, 0);
    w.sim.store.setTime(TRAINEE, src, MEETINGS, 60, 'undo me');
    w.sim.store.setTime(TRAINEE, week(8, 2), ENGINE_TESTING, 20, 'mine');
    const out = await copy(c, { from: src, to: `${week(8, 1)}..${week(8, 2)}`, mode: 'add' });
    expect(out.summary).toEqual({ applied: 2 });
    expect(day(week(8, 1))).toEqual({ [MEETINGS]: { time: 60, comment: 'undo me' } });

    const list = await c.client.callTool({ name: 'list_recent_changes', arguments: {} });
    const changes = (list.structuredContent as { changes: Array<Record<string, unknown>> }).changes;
    expect(changes[0]).toMatchObject({ tool: 'copy_time', kind: 'time', undoable: true });
    const undo = await c.client.callTool({ name: 'undo_change', arguments: { change: 'last' } });
    expect(undo.isError, textOf(undo)).toBeFalsy();
    expect(undo.structuredContent).toMatchObject({ status: 'undone' });
    expect(day(week(8, 1))).toEqual({});
    expect(day(week(8, 2))).toEqual({ [ENGINE_TESTING]: { time: 20, comment: 'mine' } });
  });
});
