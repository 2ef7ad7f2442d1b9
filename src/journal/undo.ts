/**
 * The inverse of a journaled change, applied only when every object it touched still holds the journaled
 * "after" state (read now); otherwise a conflict, and nothing is written. MCP-free: it speaks to actiTIME
 * through src/actitime and returns data for the tool to present.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { getCustomer, deleteCustomer, updateCustomer } from '../actitime/resources/customers.js';
import { deleteHook, listHooks } from '../actitime/resources/hooks.js';
import { addLeaveDelta, getLeaveCell, setLeaveCell } from '../actitime/resources/leavetime.js';
import { getProject, deleteProject, updateProject } from '../actitime/resources/projects.js';
import { getTask, deleteTask, updateTask } from '../actitime/resources/tasks.js';
import { addTimeDelta, getTimeCell, listTimetrack, setTimeCell } from '../actitime/resources/timetrack.js';
import {
  deleteWorkflowStatus,
  getWorkflowStatus,
  updateWorkflowStatus,
} from '../actitime/resources/workflowStatuses.js';
import { isNotFound } from '../actitime/resources/common.js';
import type { Fields, JournalChange, LeaveCellChange, TimeCellChange } from './change.js';
import { JOURNAL_TEXT } from './text.js';

export interface UndoContext {
  client: ActitimeClient;
  signal: AbortSignal;
}

export type UndoOutcome =
  | { status: 'undone'; inverse: JournalChange; notes: string[]; cells?: unknown[] }
  | { status: 'conflict'; message: string; current: unknown; expected: unknown }
  | { status: 'refused'; message: string; hint?: string };

export async function applyUndo(ctx: UndoContext, change: JournalChange): Promise<UndoOutcome> {
  switch (change.kind) {
    case 'time':
      return undoTime(ctx, change.cells);
    case 'leave':
      return undoLeave(ctx, change.cells);
    case 'create':
      return undoCreate(ctx, change);
    case 'update':
      return undoUpdate(ctx, change);
    case 'delete':
      return { status: 'refused', message: JOURNAL_TEXT.deletes };
    case 'other':
      return { status: 'refused', message: JOURNAL_TEXT.other('this tool') };
  }
}

function conflict(current: unknown, expected: unknown): UndoOutcome {
  return { status: 'conflict', message: JOURNAL_TEXT.conflict, current, expected };
}

// ---- time and leave cells -------------------------------------------------------------------------------

async function undoTime(ctx: UndoContext, cells: TimeCellChange[]): Promise<UndoOutcome> {
  const opts = { signal: ctx.signal };
  const now = await Promise.all(cells.map((c) => getTimeCell(ctx.client, c.userId, c.date, c.taskId, opts)));
  const differs = cells.filter((c, i) => {
    const cur = now[i]!;
    if (cur.time !== c.after) return true;
    return c.comment !== undefined && c.after > 0 && (cur.comment ?? '') !== c.comment;
  });
  if (differs.length > 0) {
    const view = (c: TimeCellChange, minutes: number, comment?: string) => ({
      task: c.task,
      date: c.date,
      user: c.user,
      minutes,
      ...(comment === undefined ? {} : { comment }),
    });
    return conflict(
      differs.map((c) => view(c, now[cells.indexOf(c)]!.time, now[cells.indexOf(c)]!.comment ?? '')),
      differs.map((c) => view(c, c.after, c.comment)),
    );
  }
  const notes: string[] = [];
  const inverse: TimeCellChange[] = [];
  for (const [i, c] of cells.entries()) {
    const current = now[i]!;
    const commentKnown = c.commentBefore !== undefined || c.before === 0;
    const restoreComment = c.comment !== undefined && c.before > 0;
    if (restoreComment && !commentKnown && !notes.includes(JOURNAL_TEXT.commentNotRestored)) {
      notes.push(JOURNAL_TEXT.commentNotRestored);
    }
    let written: string | undefined;
    let time: number;
    if (c.mode === 'add') {
      const res = await addTimeDelta(ctx.client, c.userId, c.date, c.taskId, c.before - c.after, {
        ...opts,
        emulateIfUnsupported: true,
      });
      time = res.time;
      if (restoreComment && c.commentBefore !== undefined && c.commentBefore !== (res.comment ?? '')) {
        written = c.commentBefore;
        await setTimeCell(ctx.client, c.userId, c.date, c.taskId, { time, comment: written }, opts);
      }
    } else {
      written = restoreComment && c.commentBefore !== undefined ? c.commentBefore : (current.comment ?? '');
      time = (
        await setTimeCell(ctx.client, c.userId, c.date, c.taskId, { time: c.before, comment: written }, opts)
      ).time;
      if (!(restoreComment && c.commentBefore !== undefined)) written = undefined;
    }
    const back: TimeCellChange = { ...c, before: c.after, after: time };
    delete back.comment;
    delete back.commentBefore;
    if (written !== undefined) {
      back.comment = written;
      back.commentBefore = current.comment ?? '';
    }
    inverse.push(back);
  }
  return {
    status: 'undone',
    inverse: { kind: 'time', cells: inverse },
    notes,
    cells: inverse.map((c) => ({
      task: c.task,
      date: c.date,
      user: c.user,
      before: c.before,
      after: c.after,
    })),
  };
}

async function undoLeave(ctx: UndoContext, cells: LeaveCellChange[]): Promise<UndoOutcome> {
  const opts = { signal: ctx.signal };
  const now = await Promise.all(
    cells.map((c) => getLeaveCell(ctx.client, c.userId, c.date, c.leaveTypeId, opts)),
  );
  const differs = cells.filter((c, i) => now[i]!.leaveTime !== c.after);
  if (differs.length > 0) {
    const view = (c: LeaveCellChange, minutes: number) => ({
      leaveType: c.leaveType,
      date: c.date,
      user: c.user,
      minutes,
    });
    return conflict(
      differs.map((c) => view(c, now[cells.indexOf(c)]!.leaveTime)),
      differs.map((c) => view(c, c.after)),
    );
  }
  const inverse: LeaveCellChange[] = [];
  for (const c of cells) {
    let minutes: number;
    if (c.mode === 'add') {
      const res = await addLeaveDelta(ctx.client, c.userId, c.date, c.leaveTypeId, c.before - c.after, {
        ...opts,
        emulateIfUnsupported: true,
      });
      minutes = res.leaveTime ?? c.before;
    } else {
      minutes = (await setLeaveCell(ctx.client, c.userId, c.date, c.leaveTypeId, c.before, opts)).leaveTime;
    }
    inverse.push({ ...c, before: c.after, after: minutes });
  }
  return {
    status: 'undone',
    inverse: { kind: 'leave', cells: inverse },
    notes: [],
    cells: inverse.map((c) => ({
      leaveType: c.leaveType,
      date: c.date,
      user: c.user,
      before: c.before,
      after: c.after,
    })),
  };
}

// ---- creates: delete what was created, when nothing was logged on it --------------------------------------

/** Minutes logged on a task, project or customer, any date, any user (one page: enough to say "some"). */
async function loggedOn(
  ctx: UndoContext,
  object: 'customer' | 'project' | 'task',
  id: number,
): Promise<number> {
  const key = { customer: 'customerIds', project: 'projectIds', task: 'taskIds' }[object];
  const list = await listTimetrack(
    ctx.client,
    { dateFrom: '2000-01-01', [key]: [id], stopAfter: 1000 },
    { signal: ctx.signal },
  );
  let minutes = 0;
  for (const day of list.data) for (const r of day.records) minutes += r.time;
  return minutes;
}

async function exists(load: () => Promise<unknown>): Promise<boolean> {
  try {
    await load();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function undoCreate(
  ctx: UndoContext,
  change: Extract<JournalChange, { kind: 'create' }>,
): Promise<UndoOutcome> {
  const opts = { signal: ctx.signal };
  const { client } = ctx;
  const { object, id } = change;
  const present =
    object === 'hook'
      ? (await listHooks(client, opts)).some((h) => h.id === id)
      : await exists(() =>
          object === 'customer'
            ? getCustomer(client, id, opts)
            : object === 'project'
              ? getProject(client, id, opts)
              : object === 'task'
                ? getTask(client, id, opts)
                : getWorkflowStatus(client, id, opts),
        );
  if (!present) return { status: 'refused', message: JOURNAL_TEXT.gone };
  if (object === 'customer' || object === 'project' || object === 'task') {
    const minutes = await loggedOn(ctx, object, id);
    if (minutes > 0)
      return { status: 'refused', message: JOURNAL_TEXT.loggedOn(minutes), hint: JOURNAL_TEXT.loggedHint };
  }
  if (object === 'customer') await deleteCustomer(client, id, opts);
  else if (object === 'project') await deleteProject(client, id, opts);
  else if (object === 'task') await deleteTask(client, id, opts);
  else if (object === 'workflowStatus') await deleteWorkflowStatus(client, id, opts);
  else await deleteHook(client, id, opts);
  return { status: 'undone', inverse: { kind: 'delete', object, id, name: change.name }, notes: [] };
}

// ---- updates: restore the previous fields -----------------------------------------------------------------

function norm(v: unknown): string | number | boolean | null {
  if (v === undefined || v === '') return null;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

async function undoUpdate(
  ctx: UndoContext,
  change: Extract<JournalChange, { kind: 'update' }>,
): Promise<UndoOutcome> {
  const opts = { signal: ctx.signal };
  const { client } = ctx;
  const { object, id } = change;
  let current: Record<string, unknown>;
  try {
    current =
      object === 'customer'
        ? await getCustomer(client, id, opts)
        : object === 'project'
          ? await getProject(client, id, opts)
          : object === 'task'
            ? await getTask(client, id, opts)
            : await getWorkflowStatus(client, id, opts);
  } catch (err) {
    if (isNotFound(err)) return { status: 'refused', message: JOURNAL_TEXT.gone };
    throw err;
  }
  const keys = Object.keys(change.after);
  const now: Fields = Object.fromEntries(keys.map((k) => [k, norm(current[k])]));
  if (keys.some((k) => now[k] !== norm(change.after[k]))) return conflict(now, change.after);
  const patch: Record<string, unknown> = { ...change.before };
  // A task's status follows its workflow status: restoring the status id restores both.
  if ('workflowStatusId' in patch && patch.workflowStatusId !== null) delete patch.status;
  let after: Record<string, unknown>;
  if (object === 'customer') after = await updateCustomer(client, id, patch, opts);
  else if (object === 'project') after = await updateProject(client, id, patch, opts);
  else if (object === 'task') after = await updateTask(client, id, patch, opts);
  else after = await updateWorkflowStatus(client, id, patch, opts);
  const restored: Fields = Object.fromEntries(keys.map((k) => [k, norm(after[k])]));
  return {
    status: 'undone',
    inverse: { kind: 'update', object, id, name: change.name, before: now, after: restored },
    notes: [],
  };
}
