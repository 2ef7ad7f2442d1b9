/**
 * Editing a cell in place: a click, or Enter (F2) on a focused editable cell, turns it into an `<input>`;
 * Enter or leaving the field commits, Escape cancels. A committed value shows in the cell as pending until the
 * write is settled, when main.ts redraws the sheet or reverts the cell.
 *
 * An invalid value is refused with a message: on Enter the field stays open to fix it, on leaving the field
 * the cell goes back to what it held.
 */
import { cellText, parseDuration } from './model.js';

export interface CellEdit {
  cell: HTMLTableCellElement;
  taskId: number;
  date: string;
  before: number;
  minutes: number;
}

export interface EditorHooks {
  /** False while the host is busy: one change at a time. */
  canEdit(): boolean;
  /** An edit begins (a pending confirmation of another one is dropped then). */
  started(): void;
  commit(edit: CellEdit): void;
  invalid(message: string): void;
}

const EDITABLE = 'td.cell[data-editable]';

/** Puts a cell back to the value it held before the edit. */
export function revertCell(edit: CellEdit): void {
  edit.cell.classList.remove('pending', 'editing');
  edit.cell.replaceChildren(cellText(edit.before));
}

/** Listens on the container, so a redrawn grid needs no new listeners. */
export function attachEditor(container: HTMLElement, hooks: EditorHooks): void {
  container.addEventListener('click', (event) => {
    const cell = event.target instanceof Element ? event.target.closest(EDITABLE) : null;
    if (cell instanceof HTMLTableCellElement && container.contains(cell)) startEditing(cell, hooks);
  });
  container.addEventListener('keydown', (event) => {
    const cell = event.target;
    if (!(cell instanceof HTMLTableCellElement) || !cell.matches(EDITABLE)) return;
    if (event.key !== 'Enter' && event.key !== 'F2') return;
    event.preventDefault();
    startEditing(cell, hooks);
  });
}

function startEditing(cell: HTMLTableCellElement, hooks: EditorHooks): void {
  if (cell.classList.contains('editing') || !hooks.canEdit()) return;
  const taskId = Number(cell.dataset.taskId);
  const date = cell.dataset.date ?? '';
  const before = Number(cell.dataset.minutes);
  if (!Number.isSafeInteger(taskId) || date === '' || !Number.isFinite(before)) return;
  hooks.started();

  const input = document.createElement('input');
  input.className = 'cell-input';
  input.type = 'text';
  input.value = cellText(before);
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('enterkeyhint', 'done');
  input.setAttribute('aria-label', `time on ${date}, e.g. 1:30`);
  cell.classList.add('editing');
  cell.replaceChildren(input);
  input.focus();
  input.select();

  let done = false;
  const close = (text: string, refocus: boolean) => {
    done = true;
    cell.classList.remove('editing');
    cell.replaceChildren(text);
    if (refocus) cell.focus();
  };
  const finish = (refocus: boolean, keepOpenIfInvalid: boolean) => {
    if (done || !cell.isConnected) return;
    const parsed = parseDuration(input.value);
    if ('error' in parsed) {
      if (keepOpenIfInvalid) {
        input.setAttribute('aria-invalid', 'true');
        hooks.invalid(parsed.error);
        return;
      }
      close(cellText(before), refocus);
      hooks.invalid(`not saved: ${parsed.error}`);
      return;
    }
    if (parsed.minutes === before) {
      close(cellText(before), refocus);
      return;
    }
    close(cellText(parsed.minutes), refocus);
    cell.classList.add('pending');
    hooks.commit({ cell, taskId, date, before, minutes: parsed.minutes });
  };

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      finish(true, true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      // Escape is the editor's; a host listening for it (to leave fullscreen) must not see it too.
      event.stopPropagation();
      if (!done) close(cellText(before), true);
    }
  });
  input.addEventListener('blur', () => finish(false, false));
}
