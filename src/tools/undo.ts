/**
 * list_recent_changes and undo_change: this server's own writes, from the undo journal (src/journal), and
 * their reversal when nobody changed the object since.
 */
import { z } from 'zod';

import { ToolError } from '../domain/errors.js';
import { record } from '../journal/records.js';
import { undoneBy, type JournalRecord } from '../journal/store.js';
import { JOURNAL_TEXT } from '../journal/text.js';
import { applyUndo } from '../journal/undo.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';

function journalOf(ctx: ToolContext): NonNullable<ToolContext['journal']> {
  if (ctx.journal === undefined)
    throw new ToolError('unsupported', JOURNAL_TEXT.off, { hint: JOURNAL_TEXT.offHint });
  return ctx.journal;
}

export const listRecentChanges = defineTool({
  name: 'list_recent_changes',
  title: 'Changes',
  description: 'Returns your changes via this server, newest first.',
  toolset: 'time',
  access: 'read',
  // Tiny schemas: both tools are on by default, within the tools/list budget. limit is clamped to 1–50.
  inputSchema: z.object({ limit: z.number().optional().describe('1–50; default 10') }),
  outputSchema: z.looseObject({ changes: z.unknown() }),
  async handler({ limit }, ctx) {
    const journal = journalOf(ctx);
    const records = journal.store.read(journal.key);
    const undone = undoneBy(records);
    const changes = records
      .slice(-Math.min(50, Math.max(1, Math.floor(limit ?? 10))))
      .reverse()
      .map((r) => {
        const by = undone.get(r.id);
        const why = by === undefined ? r.why : JOURNAL_TEXT.alreadyUndone(by);
        return {
          id: r.id,
          at: r.at,
          tool: r.tool,
          kind: r.change.kind,
          summary: r.summary,
          undoable: r.undoable && by === undefined,
          ...(why === undefined ? {} : { why }),
        };
      });
    return { changes };
  },
});

export const undoChange = defineTool({
  name: 'undo_change',
  title: 'Undo',
  description:
    'Undo one of your changes if nothing changed it since (undo the undo to redo). Returns what was restored.',
  toolset: 'time',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({ change: z.string().max(40).describe('a change id or "last"') }),
  // Loose: cells, notes and journal pass without being listed (the tools/list budget).
  outputSchema: z.looseObject({
    status: z.literal('undone'),
    change: z.string(),
    summary: z.string(),
    undoId: z.string().optional(),
  }),
  async handler({ change }, ctx) {
    const journal = journalOf(ctx);
    const records = journal.store.read(journal.key);
    const undone = undoneBy(records);
    const target = pick(records, undone, change.trim());
    if (!target.undoable)
      throw new ToolError('unsupported', target.why ?? JOURNAL_TEXT.deletes, { field: 'change' });
    const by = undone.get(target.id);
    if (by !== undefined)
      throw new ToolError('conflict', JOURNAL_TEXT.alreadyUndone(by), { field: 'change' });

    const outcome = await applyUndo(ctx, target.change);
    // Either way nothing was written: an error result, so the assistant does not read it as done.
    if (outcome.status === 'conflict') {
      throw new ToolError('conflict', outcome.message, {
        field: 'change',
        hint: JOURNAL_TEXT.conflictHint,
        details: { change: target.id, current: outcome.current, expected: outcome.expected },
      });
    }
    if (outcome.status === 'refused') {
      throw new ToolError('conflict', outcome.message, {
        field: 'change',
        ...(outcome.hint === undefined ? {} : { hint: outcome.hint }),
        details: { change: target.id },
      });
    }
    const result = {
      status: 'undone' as const,
      change: target.id,
      summary: target.summary,
      ...(outcome.cells === undefined ? {} : { cells: outcome.cells }),
      ...(outcome.notes.length > 0 ? { notes: outcome.notes } : {}),
    };
    try {
      const [written] = journal.store.append(journal.key, [
        record('undo_change', outcome.inverse, target.id),
      ]);
      return { ...result, undoId: written?.id };
    } catch (err) {
      ctx.logger.warn('journal not written', { tool: 'undo_change', error: String(err) });
      return { ...result, journal: JOURNAL_TEXT.notRecorded('the journal file could not be written') };
    }
  },
});

function pick(records: readonly JournalRecord[], undone: Map<string, string>, change: string): JournalRecord {
  if (change.toLowerCase() === 'last') {
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i]!;
      if (r.undoable && !undone.has(r.id)) return r;
    }
    throw new ToolError('not_found', JOURNAL_TEXT.nothingToUndo, {
      field: 'change',
      hint: JOURNAL_TEXT.unknownHint,
    });
  }
  const found = records.find((r) => r.id === change);
  if (found === undefined) {
    throw new ToolError('not_found', JOURNAL_TEXT.unknownChange(change), {
      field: 'change',
      hint: JOURNAL_TEXT.unknownHint,
    });
  }
  return found;
}

export const undoTools: readonly AnyTool[] = [listRecentChanges, undoChange] as AnyTool[];
