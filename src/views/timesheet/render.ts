/**
 * The DOM of the view: the fixed parts of index.html found once, and the grid drawn from a Grid (model.ts).
 *
 * Every text that comes from data (names, task paths, server messages) becomes a text node, never markup, and
 * each name sits in its own `<bdi dir="auto">`: a name holding bidi controls or markup-like text shows as
 * inert characters and cannot reorder the rest of its row.
 */
import type { Grid, GridColumn, GridRow } from './model.js';
import { formatHm } from './model.js';
import type { PlannedChange } from './tool-calls.js';

export interface ViewElements {
  user: HTMLElement;
  period: HTMLElement;
  zone: HTMLElement;
  approval: HTMLElement;
  prev: HTMLButtonElement;
  next: HTMLButtonElement;
  message: HTMLElement;
  gridWrap: HTMLElement;
  confirm: HTMLElement;
  confirmText: HTMLElement;
  confirmYes: HTMLButtonElement;
  confirmNo: HTMLButtonElement;
  status: HTMLElement;
}

export function byId<T extends HTMLElement>(doc: Document, id: string, type: { new (): T }): T {
  const found = doc.getElementById(id);
  if (!(found instanceof type)) throw new Error(`index.html has no #${id}`);
  return found;
}

export function findElements(doc: Document = document): ViewElements {
  return {
    user: byId(doc, 'user', HTMLElement),
    period: byId(doc, 'period', HTMLElement),
    zone: byId(doc, 'zone', HTMLElement),
    approval: byId(doc, 'approval', HTMLElement),
    prev: byId(doc, 'prev', HTMLButtonElement),
    next: byId(doc, 'next', HTMLButtonElement),
    message: byId(doc, 'message', HTMLElement),
    gridWrap: byId(doc, 'grid-wrap', HTMLElement),
    confirm: byId(doc, 'confirm', HTMLElement),
    confirmText: byId(doc, 'confirm-text', HTMLElement),
    confirmYes: byId(doc, 'confirm-yes', HTMLButtonElement),
    confirmNo: byId(doc, 'confirm-no', HTMLButtonElement),
    status: byId(doc, 'status', HTMLElement),
  };
}

export type Child = Node | string;

/** An element with classes, attributes and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  for (const child of children) el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return el;
}

/** A name from data, isolated so its direction stays its own. */
export function isolated(text: string, cls?: string): HTMLElement {
  return h('bdi', { ...(cls ? { class: cls } : {}), attrs: { dir: 'auto' } }, text);
}

const classes = (base: string, marks: readonly string[]) => [base, ...marks].join(' ');

function headRow(grid: Grid): HTMLTableRowElement {
  const days = grid.columns.map((c) =>
    h(
      'th',
      { class: classes('day', c.marks), attrs: { scope: 'col', 'data-date': c.date, title: c.date } },
      h('span', { class: 'weekday' }, c.weekday),
      h('span', { class: 'date' }, c.day),
    ),
  );
  return h(
    'tr',
    {},
    h('th', { class: 'task-head', attrs: { scope: 'col' } }, 'Task'),
    ...days,
    h('th', { class: 'row-total', attrs: { scope: 'col' } }, 'Total'),
  );
}

function taskRow(row: GridRow): HTMLTableRowElement {
  const cells = row.cells.map((cell) => {
    // Day marks stay on the header and the total (the hooks the tests count); a cell only says it is locked.
    const td = h(
      'td',
      {
        class: cell.editable ? 'cell' : 'cell locked',
        attrs: {
          'data-task-id': String(row.id),
          'data-date': cell.date,
          'data-minutes': String(cell.minutes),
        },
      },
      cell.text,
    );
    if (cell.editable) {
      td.tabIndex = 0;
      td.dataset.editable = 'true';
    } else td.setAttribute('aria-readonly', 'true');
    return td;
  });
  return h(
    'tr',
    { attrs: { 'data-task-id': String(row.id) } },
    h('th', { class: 'task', attrs: { scope: 'row' } }, isolated(row.label)),
    ...cells,
    h('td', { class: 'row-total' }, row.total),
  );
}

function leaveRow(row: GridRow): HTMLTableRowElement {
  return h(
    'tr',
    { class: 'leave-row', attrs: { 'data-leave-id': String(row.id) } },
    h(
      'th',
      { class: 'task', attrs: { scope: 'row' } },
      h('span', { class: 'kind' }, 'Leave: '),
      isolated(row.label),
    ),
    ...row.cells.map((c) => h('td', { class: 'leave-cell', attrs: { 'data-date': c.date } }, c.text)),
    h('td', { class: 'row-total' }, row.total),
  );
}

function dayTotal(column: GridColumn): HTMLTableCellElement {
  // The text starts with the logged H:MM (the scheduled one and the notes follow), as the tests read it.
  return h(
    'td',
    { class: classes('day-total', column.marks), attrs: { 'data-date': column.date } },
    h('span', { class: 'logged' }, column.logged),
    h('span', { class: 'scheduled' }, ` / ${column.scheduled}`),
    ...column.notes.map((note) => h('span', { class: 'note' }, ` ${note}`)),
  );
}

export function renderGrid(grid: Grid): HTMLTableElement {
  const body = h('tbody', {}, ...grid.tasks.map(taskRow), ...grid.leave.map(leaveRow));
  if (grid.tasks.length === 0 && grid.leave.length === 0)
    body.append(
      h(
        'tr',
        { class: 'empty' },
        h('td', { attrs: { colspan: String(grid.columns.length + 2) } }, 'No time logged in this period.'),
      ),
    );
  const caption = h(
    'caption',
    { class: 'visually-hidden' },
    'Timesheet of ',
    isolated(grid.userName),
    `, ${grid.periodText}. To change a cell, select it or press Enter on it.`,
  );
  return h(
    'table',
    { attrs: { id: 'grid' } },
    caption,
    h('thead', {}, headRow(grid)),
    body,
    h(
      'tfoot',
      {},
      h(
        'tr',
        { class: 'totals' },
        h('th', { class: 'task', attrs: { scope: 'row' } }, 'Logged / scheduled'),
        ...grid.columns.map(dayTotal),
        h(
          'td',
          { class: 'grand-total' },
          h('span', { class: 'logged' }, grid.logged),
          h('span', { class: 'scheduled' }, ` / ${grid.scheduled}`),
        ),
      ),
    ),
  );
}

/** Draws a sheet in place of whatever was shown, keeping the grid's horizontal scroll. */
export function showGrid(els: ViewElements, grid: Grid): void {
  els.user.textContent = grid.userName;
  els.period.textContent = grid.periodText;
  els.zone.textContent = grid.timeZone ?? '';
  els.approval.hidden = grid.approval === 'none';
  els.approval.textContent = grid.approval === 'all' ? 'approved: read-only' : 'partly approved';
  const unit = grid.length === 7 ? 'week' : `${grid.length} days`;
  els.prev.textContent = `‹ Previous ${unit}`;
  els.next.textContent = `Next ${unit} ›`;
  const scroll = els.gridWrap.scrollLeft;
  els.gridWrap.replaceChildren(renderGrid(grid));
  els.gridWrap.scrollLeft = scroll;
  els.message.hidden = true;
}

/** A text in place of the grid: waiting, or why there is no timesheet. */
export function showMessage(els: ViewElements, text: string): void {
  els.message.textContent = text;
  els.message.hidden = false;
}

export type Tone = 'info' | 'ok' | 'error';

export function showStatus(els: ViewElements, text: string, tone: Tone = 'info'): void {
  els.status.textContent = text;
  els.status.dataset.tone = tone;
}

export function showConfirmation(els: ViewElements, text: string, changes: readonly PlannedChange[]): void {
  const list = h(
    'ul',
    { class: 'changes' },
    ...changes.map((c) =>
      h('li', {}, `${c.date} `, isolated(c.task), `: ${formatHm(c.before)} → ${formatHm(c.after)}`),
    ),
  );
  els.confirmText.replaceChildren(h('p', {}, text), ...(changes.length > 0 ? [list] : []));
  els.confirm.hidden = false;
  els.confirmYes.focus();
}

export function hideConfirmation(els: ViewElements): void {
  els.confirm.hidden = true;
  els.confirmText.replaceChildren();
}
