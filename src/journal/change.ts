/**
 * What a journal record holds: each object's state before and after one change. Time and leave cells carry
 * the mode they were written in, because an add is undone by the negative delta and a set by restoring.
 */
export type WorkKind = 'customer' | 'project' | 'task';
export type ObjectKind = WorkKind | 'workflowStatus' | 'hook';

export interface TimeCellChange {
  userId: number;
  user: string;
  date: string;
  taskId: number;
  task: string;
  mode: 'add' | 'set';
  before: number;
  after: number;
  /** The comment written with the change, when one was; absent = the comment was not touched. */
  comment?: string;
  /** The cell's comment before the change, when known. */
  commentBefore?: string;
}

export interface LeaveCellChange {
  userId: number;
  user: string;
  date: string;
  leaveTypeId: number;
  leaveType: string;
  mode: 'add' | 'set';
  before: number;
  after: number;
}

export type Fields = Record<string, string | number | boolean | null>;

export type JournalChange =
  | { kind: 'time'; cells: TimeCellChange[] }
  | { kind: 'leave'; cells: LeaveCellChange[] }
  | { kind: 'create'; object: ObjectKind; id: number; name: string }
  | {
      kind: 'update';
      object: WorkKind | 'workflowStatus';
      id: number;
      name: string;
      before: Fields;
      after: Fields;
    }
  | { kind: 'delete'; object: ObjectKind; id: number; name: string }
  /** A write the journal records but cannot reverse (locks, users). */
  | { kind: 'other' };

export type ChangeKind = JournalChange['kind'];
