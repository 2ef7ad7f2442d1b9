/**
 * From a successful write tool call to journal records, one mapping per tool name: (arguments, structured
 * result, what the handler noted) → the records. Tool files stay as they are; a tool without a mapping is
 * journaled as a change that cannot be undone.
 */
import type {
  Fields,
  JournalChange,
  LeaveCellChange,
  ObjectKind,
  TimeCellChange,
  WorkKind,
} from './change.js';
import type { NewRecord } from './store.js';
import { JOURNAL_TEXT, summaryOf } from './text.js';

type Obj = Record<string, unknown>;
type Mapping = (args: Obj, result: Obj, note: Obj) => JournalChange | undefined;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Statuses whose cell was written: `conflict` too (another writer also changed it, both kept). */
const WRITTEN = new Set(['applied', 'conflict']);

/** The time cells a log_time-shaped result wrote (also what stop_timer journals itself). */
export function timeCells(_args: Obj, result: Obj): JournalChange | undefined {
  if (result.dryRun === true) return undefined;
  const cells: TimeCellChange[] = [];
  for (const e of list(result.entries)) {
    const [userId, taskId, before, after, date] = [
      num(e.userId),
      num(e.taskId),
      num(e.before),
      num(e.after),
      str(e.date),
    ];
    if (!WRITTEN.has(String(e.status)) || userId === undefined || taskId === undefined) continue;
    // A plan applied with its token reports a cell changed since planning as a conflict it did NOT write.
    if (e.status === 'conflict' && 'expected' in e) continue;
    if (before === undefined || after === undefined || date === undefined) continue;
    const cell: TimeCellChange = {
      userId,
      user: str(e.user) ?? String(userId),
      date,
      taskId,
      task: str(e.task) ?? String(taskId),
      mode: e.mode === 'set' ? 'set' : 'add',
      before,
      after,
    };
    if (typeof e.comment === 'string') cell.comment = e.comment;
    if (typeof e.commentBefore === 'string') cell.commentBefore = e.commentBefore;
    cells.push(cell);
  }
  return cells.length > 0 ? { kind: 'time', cells } : undefined;
}

function leaveCells(_args: Obj, result: Obj): JournalChange | undefined {
  if (result.dryRun === true) return undefined;
  const user = isObj(result.user) ? result.user : {};
  const type = isObj(result.leaveType) ? result.leaveType : {};
  const [userId, leaveTypeId] = [num(user.id), num(type.id)];
  if (userId === undefined || leaveTypeId === undefined) return undefined;
  const cells: LeaveCellChange[] = [];
  for (const d of list(result.days)) {
    const [before, after, date] = [num(d.before), num(d.after), str(d.date)];
    if (d.status !== 'applied' || before === undefined || after === undefined || date === undefined) continue;
    cells.push({
      userId,
      user: str(user.name) ?? String(userId),
      date,
      leaveTypeId,
      leaveType: str(type.name) ?? String(leaveTypeId),
      mode: result.mode === 'set' ? 'set' : 'add',
      before,
      after,
    });
  }
  return cells.length > 0 ? { kind: 'leave', cells } : undefined;
}

const created =
  (object: ObjectKind, pick: (r: Obj) => Obj | undefined = (r) => r, nameKey = 'name'): Mapping =>
  (_args, result) => {
    const o = pick(result);
    const id = num(o?.id);
    if (!o || id === undefined) return undefined;
    return { kind: 'create', object, id, name: str(o[nameKey]) ?? String(id) };
  };

/** The view keys update_work_item reports → the fields a patch sets. */
export const PATCH_FIELD: Record<string, string> = {
  name: 'name',
  description: 'description',
  archived: 'archived',
  customer: 'customerId',
  project: 'projectId',
  status: 'status',
  workflowStatus: 'workflowStatusId',
  typeOfWork: 'typeOfWorkId',
  deadline: 'deadline',
  estimatedTime: 'estimatedTime',
};

function scalar(v: unknown): string | number | boolean | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

function workUpdate(args: Obj, result: Obj, note: Obj): JournalChange | undefined {
  const item = isObj(result.item) ? result.item : undefined;
  const changed = Array.isArray(result.changed) ? result.changed.map(String) : [];
  const id = num(item?.id);
  const kind = args.kind as WorkKind;
  if (!item || id === undefined || changed.length === 0) return undefined;
  const previous = isObj(note.previous) ? note.previous : {};
  const before: Fields = {};
  const after: Fields = {};
  for (const key of changed) {
    const field = PATCH_FIELD[key];
    if (field === undefined) continue;
    before[field] = scalar(previous[field]);
    after[field] = scalar(item[field]);
  }
  return { kind: 'update', object: kind, id, name: str(item.name) ?? String(id), before, after };
}

function statusUpdate(_args: Obj, result: Obj): JournalChange | undefined {
  const status = isObj(result.status) ? result.status : undefined;
  const id = num(status?.id);
  if (!status || id === undefined) return undefined;
  if (result.action === 'created')
    return { kind: 'create', object: 'workflowStatus', id, name: str(status.name) ?? '' };
  if (result.action !== 'updated' || !isObj(result.before)) return undefined;
  const before: Fields = {};
  const after: Fields = {};
  for (const key of ['name', 'type']) {
    if (result.before[key] === status[key]) continue;
    before[key] = scalar(result.before[key]);
    after[key] = scalar(status[key]);
  }
  return { kind: 'update', object: 'workflowStatus', id, name: str(status.name) ?? '', before, after };
}

const deleted =
  (object: (args: Obj) => ObjectKind, key = 'deleted'): Mapping =>
  (args, result) => {
    const d = isObj(result[key]) ? result[key] : undefined;
    const id = num(d?.id);
    if (!d || id === undefined) return undefined;
    return { kind: 'delete', object: object(args), id, name: str(d.name) ?? String(id) };
  };

const MAPPINGS: Record<string, Mapping> = {
  log_time: timeCells,
  copy_time: timeCells,
  log_leave_time: leaveCells,
  create_customer: created('customer'),
  create_project: created('project'),
  create_task: created('task'),
  create_hook: created('hook', (r) => r, 'url'),
  update_work_item: workUpdate,
  manage_workflow_status: statusUpdate,
  delete_work_item: deleted((a) => a.kind as WorkKind),
  delete_workflow_status: deleted(() => 'workflowStatus'),
};

/** The tools that write their records themselves (to return the record's id); timers also when they log nothing. */
const SELF_JOURNALED = new Set(['undo_change', 'start_timer', 'stop_timer']);

/** The records for one successful write call; empty when it changed nothing (a dry run, all refused). */
export function recordsFor(tool: string, args: unknown, result: unknown, note: Obj = {}): NewRecord[] {
  if (SELF_JOURNALED.has(tool) || !isObj(result)) return [];
  const a = isObj(args) ? args : {};
  const mapping = MAPPINGS[tool];
  if (mapping === undefined) {
    if (tool === 'delete_hook') {
      return list(result.removed).flatMap((h) => {
        const id = num(h.id);
        return id === undefined
          ? []
          : [record(tool, { kind: 'delete', object: 'hook', id, name: str(h.url) ?? '' })];
      });
    }
    return [record(tool, { kind: 'other' })];
  }
  const change = mapping(a, result, note);
  return change === undefined ? [] : [record(tool, change)];
}

export function record(tool: string, change: JournalChange, undoes?: string): NewRecord {
  const why = whyNot(tool, change);
  return {
    tool,
    summary: summaryOf(tool, change),
    undoable: why === undefined,
    ...(why === undefined ? {} : { why }),
    ...(undoes === undefined ? {} : { undoes }),
    change,
  };
}

function whyNot(tool: string, change: JournalChange): string | undefined {
  if (change.kind === 'delete') return JOURNAL_TEXT.deletes;
  if (change.kind === 'other') return JOURNAL_TEXT.other(tool);
  return undefined;
}
