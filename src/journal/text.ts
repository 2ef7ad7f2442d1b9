/** Every sentence the journal and the undo tools say, in one place. */
import type { JournalChange } from './change.js';
import { formatMinutes } from '../domain/duration.js';

export const JOURNAL_TEXT = {
  off: 'no journal: ACTITIME_JOURNAL=off, so this server keeps no record of its changes and cannot undo them',
  offHint: 'undo by hand: read the current state and write the previous value back',
  notRecorded: (reason: string) => `not recorded: ${reason}; this change cannot be undone with undo_change`,
  unknownChange: (id: string) => `no change ${id} in this server's journal for this actiTIME URL and user`,
  unknownHint: 'call list_recent_changes for the ids',
  nothingToUndo: 'nothing to undo: no undoable change in the journal that is not undone already',
  deletes: 'deletes cannot be undone; they are confirmed instead',
  unread: 'the value after the write is unknown',
  noUpdate: 'nothing changed',
  alreadyUndone: (by: string) => `already undone by change ${by}; undo that one to redo it`,
  conflict:
    'not undone: the object changed since this server wrote it (current differs from expected); nothing was written',
  conflictHint: 'read the current state and decide; undo_change only reverses changes nobody touched since',
  loggedOn: (minutes: number) =>
    `not undone: ${formatMinutes(minutes)} of time is logged on it, so deleting it would take that time with it; nothing was written`,
  loggedHint: 'delete it with delete_work_item if that time should go too',
  commentNotRestored: 'the previous comment is not in the journal, so only the time was restored',
  other: (tool: string) => `${tool} changes are recorded but cannot be undone`,
  gone: 'not undone: the object no longer exists; nothing was written',
} as const;

export function summaryOf(tool: string, change: JournalChange): string {
  switch (change.kind) {
    case 'time':
    case 'leave': {
      const cells = change.cells.map((c) => {
        const what = 'taskId' in c ? c.task : c.leaveType;
        return `${what} ${c.date} ${formatMinutes(c.before)}→${formatMinutes(c.after)}`;
      });
      const shown = cells.slice(0, 3).join('; ');
      return `${tool}: ${shown}${cells.length > 3 ? ` (+${cells.length - 3} more)` : ''}`;
    }
    case 'create':
      return `${tool}: created ${change.object} ${change.id} "${change.name}"`;
    case 'update':
      return `${tool}: ${change.object} ${change.id} "${change.name}" ${Object.keys(change.after).join(', ')}`;
    case 'delete':
      return `${tool}: deleted ${change.object} ${change.id} "${change.name}"`;
    case 'other':
      return tool;
  }
}
