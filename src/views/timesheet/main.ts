/**
 * The timesheet view (MCP Apps): shows get_timesheet's result as a week grid, moves a period back or forth and
 * writes an edited cell with log_time, each through the host (tools/call). This file only wires the parts:
 * the protocol (bridge.ts), the look (host-style.ts, autosize.ts), the data (model.ts, tool-calls.ts) and the
 * DOM (render.ts, editor.ts).
 *
 * One call to the host at a time: while one runs, <html data-busy="true"> is set, the buttons are disabled
 * and no cell opens. The page starts busy, waiting for the first tool result.
 */
import type { McpUiHostContext } from '@modelcontextprotocol/ext-apps';

import { HostBridge } from './bridge.js';
import { reportSize } from './autosize.js';
import { shiftRange, type DateRange } from './dates.js';
import { attachEditor, revertCell, type CellEdit } from './editor.js';
import { applyHostContext } from './host-style.js';
import { buildGrid, formatHm, periodText, type Timesheet } from './model.js';
import {
  findElements,
  hideConfirmation,
  showConfirmation,
  showGrid,
  showMessage,
  showStatus,
} from './render.js';
import {
  logTimeArgs,
  readSheetResult,
  readWriteResult,
  timesheetArgs,
  type CellWrite,
  type WriteOutcome,
} from './tool-calls.js';

/** package.json's version, set by scripts/build-views.ts. */
declare const __VIEW_VERSION__: string;

const els = findElements();
const bridge = new HostBridge();

let sheet: Timesheet | undefined;
let locale: string | undefined;
/** Calls to the host under way, plus one while the first tool result is awaited (index.html starts busy). */
let busy = 1;
let awaitingFirstResult = true;
let stopSizeReports: (() => void) | undefined;
/** A write the server wants confirmed, with the cell showing it as pending. */
let confirmation: { change: CellWrite; edit: CellEdit; token: string } | undefined;

// ---- state shown ------------------------------------------------------------------------------------------

function updateButtons(): void {
  els.prev.disabled = els.next.disabled = busy > 0 || sheet === undefined;
}

function setBusy(delta: 1 | -1): void {
  busy = Math.max(0, busy + delta);
  if (busy > 0) document.documentElement.setAttribute('data-busy', 'true');
  else document.documentElement.removeAttribute('data-busy');
  updateButtons();
}

async function whileBusy(work: () => Promise<void>): Promise<void> {
  setBusy(1);
  try {
    await work();
  } finally {
    setBusy(-1);
  }
}

function firstResultSettled(): void {
  if (!awaitingFirstResult) return;
  awaitingFirstResult = false;
  setBusy(-1);
}

type CellKey = { taskId: number; date: string };

function focusedCell(): CellKey | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLTableCellElement) || !els.gridWrap.contains(active)) return undefined;
  return { taskId: Number(active.dataset.taskId), date: active.dataset.date ?? '' };
}

function focusCell(key: CellKey): void {
  for (const cell of els.gridWrap.querySelectorAll<HTMLTableCellElement>('td.cell[data-editable]')) {
    if (Number(cell.dataset.taskId) === key.taskId && cell.dataset.date === key.date) {
      cell.focus();
      return;
    }
  }
}

/** Whether moving the focus takes it from nowhere the user put it: the grid, the confirmation, or nothing. */
function focusIsOurs(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || els.gridWrap.contains(active) || els.confirm.contains(active);
}

/** Draws a sheet; the focused cell (or `focus`, the cell just written) has the focus after the redraw. */
function show(next: Timesheet, focus: CellKey | undefined = focusedCell()): void {
  const refocus = focus !== undefined && focusIsOurs();
  sheet = next;
  showGrid(els, buildGrid(next, locale));
  if (refocus) focusCell(focus);
  updateButtons();
}

function dropConfirmation(): void {
  if (!confirmation) return;
  revertCell(confirmation.edit);
  confirmation = undefined;
  hideConfirmation(els);
}

const failure = (err: unknown) =>
  `the host could not run the call: ${err instanceof Error ? err.message : String(err)}`;

// ---- calls to the host ------------------------------------------------------------------------------------

/** The timesheet of `userId` for `range`, or the text saying why not. */
async function fetchSheet(userId: number, range: DateRange): Promise<Timesheet | string> {
  try {
    const outcome = readSheetResult(await bridge.callTool('get_timesheet', timesheetArgs(userId, range)));
    return outcome.kind === 'sheet' ? outcome.sheet : outcome.text;
  } catch (err) {
    return failure(err);
  }
}

function navigate(direction: -1 | 1): void {
  const shown = sheet;
  if (!shown || busy > 0) return;
  dropConfirmation();
  const range = shiftRange(shown.period, direction);
  void whileBusy(async () => {
    const next = await fetchSheet(shown.user.id, range);
    if (typeof next === 'string') return showStatus(els, next, 'error');
    show(next);
    showStatus(els, `Showing ${periodText(range)}`);
  });
}

function writeCell(change: CellWrite, edit: CellEdit, token?: string): void {
  const shown = sheet;
  if (!shown) return;
  void whileBusy(async () => {
    let outcome: WriteOutcome;
    try {
      const args = logTimeArgs(change);
      outcome = readWriteResult(
        await bridge.callTool('log_time', token ? { ...args, confirm: token } : args),
      );
    } catch (err) {
      outcome = { kind: 'error', text: failure(err) };
    }
    if (outcome.kind === 'confirm') {
      confirmation = { change, edit, token: outcome.token };
      showConfirmation(els, outcome.text, outcome.changes);
      showStatus(els, 'Confirm or cancel the change.');
      return;
    }
    if (outcome.kind !== 'written') {
      revertCell(edit);
      showStatus(els, outcome.text, 'error');
      return;
    }
    const saved =
      change.minutes === 0 ? `Cleared ${change.date}` : `Saved ${formatHm(change.minutes)} on ${change.date}`;
    const next = await fetchSheet(shown.user.id, shown.period);
    if (typeof next === 'string') {
      edit.cell.classList.remove('pending');
      showStatus(els, `${saved}, but the timesheet could not be reloaded: ${next}`, 'error');
      return;
    }
    show(next, { taskId: change.taskId, date: change.date });
    if (outcome.warning) showStatus(els, `${saved}, with a warning: ${outcome.warning}`, 'error');
    else showStatus(els, `${saved}.`, 'ok');
  });
}

// ---- wiring -----------------------------------------------------------------------------------------------

attachEditor(els.gridWrap, {
  canEdit: () => busy === 0 && sheet !== undefined,
  started: dropConfirmation,
  invalid: (message) => showStatus(els, message, 'error'),
  commit: (edit) => {
    if (!sheet) return revertCell(edit);
    writeCell({ userId: sheet.user.id, taskId: edit.taskId, date: edit.date, minutes: edit.minutes }, edit);
  },
});

els.prev.addEventListener('click', () => navigate(-1));
els.next.addEventListener('click', () => navigate(1));
els.confirmYes.addEventListener('click', () => {
  const pending = confirmation;
  if (!pending || busy > 0) return;
  confirmation = undefined;
  hideConfirmation(els);
  writeCell(pending.change, pending.edit, pending.token);
});
els.confirmNo.addEventListener('click', () => {
  const cell = confirmation?.edit.cell;
  dropConfirmation();
  showStatus(els, 'Not changed.');
  cell?.focus();
});

bridge.on('ui/notifications/tool-input', (params) => {
  const period = params.arguments?.period;
  if (sheet || typeof period !== 'string') return;
  showMessage(els, `Waiting for the timesheet (${period.slice(0, 64)})…`);
});

bridge.on('ui/notifications/tool-result', (result) => {
  dropConfirmation();
  const outcome = readSheetResult(result);
  if (outcome.kind === 'sheet') show(outcome.sheet);
  else if (sheet) showStatus(els, outcome.text, 'error');
  else showMessage(els, outcome.text);
  firstResultSettled();
});

bridge.on('ui/notifications/tool-cancelled', (params) => {
  if (!sheet) showMessage(els, `The timesheet was cancelled${params.reason ? `: ${params.reason}` : ''}.`);
  firstResultSettled();
});

function useHostContext(context: McpUiHostContext): void {
  applyHostContext(context);
  if (typeof context.locale === 'string' && context.locale !== locale) {
    locale = context.locale;
    if (sheet) show(sheet);
  }
}

bridge.on('ui/notifications/host-context-changed', useHostContext);

bridge.onTeardown(() => {
  stopSizeReports?.();
  dropConfirmation();
});

bridge
  .connect({ name: 'actitime-timesheet', version: __VIEW_VERSION__ })
  .then((init) => {
    useHostContext(init.hostContext ?? {});
    stopSizeReports = reportSize(bridge);
  })
  .catch((err: unknown) => {
    if (!sheet) showMessage(els, `No host to talk to: ${err instanceof Error ? err.message : String(err)}`);
    firstResultSettled();
  });
