/**
 * The DOM of the missing-time view: the fixed parts of index.html found once, and the people × days grid drawn
 * from a TeamGrid (model.ts), with the timesheet view's element helpers.
 *
 * Every name is a text node inside its own `<bdi dir="auto">`, never markup: a name holding bidi controls or
 * markup-like text shows as inert characters and cannot reorder the rest of its row.
 */
import { byId, h, isolated } from '../timesheet/render.js';
import type { TeamColumn, TeamGrid, TeamRow } from './model.js';

export interface ViewElements {
  period: HTMLElement;
  checked: HTMLElement;
  zone: HTMLElement;
  summary: HTMLElement;
  message: HTMLElement;
  gridWrap: HTMLElement;
  status: HTMLElement;
}

export function findElements(doc: Document = document): ViewElements {
  return {
    period: byId(doc, 'period', HTMLElement),
    checked: byId(doc, 'checked', HTMLElement),
    zone: byId(doc, 'zone', HTMLElement),
    summary: byId(doc, 'summary', HTMLElement),
    message: byId(doc, 'message', HTMLElement),
    gridWrap: byId(doc, 'grid-wrap', HTMLElement),
    status: byId(doc, 'status', HTMLElement),
  };
}

function dayHead(column: TeamColumn): HTMLTableCellElement {
  return h(
    'th',
    {
      class: column.later ? 'day later' : column.gaps > 0 ? 'day gap' : 'day',
      attrs: { scope: 'col', 'data-date': column.date, title: column.date },
    },
    h('span', { class: 'weekday' }, column.weekday),
    h('span', { class: 'date' }, column.day),
  );
}

function personRow(row: TeamRow): HTMLTableRowElement {
  const cells = row.cells.map((cell) =>
    h(
      'td',
      {
        class: `mark ${cell.state}`,
        attrs: {
          'data-date': cell.date,
          'data-state': cell.state,
          'data-missing': String(cell.missing),
          title: cell.title,
        },
      },
      cell.text,
      // Said, not only coloured: a screen reader hears why a cell is empty.
      ...(cell.state === 'ok' ? [h('span', { class: 'visually-hidden' }, 'no gap')] : []),
    ),
  );
  return h(
    'tr',
    {
      class: row.missing > 0 ? 'person has-gaps' : 'person',
      attrs: { 'data-user-id': String(row.id) },
    },
    h(
      'th',
      { class: 'task', attrs: { scope: 'row' } },
      isolated(row.name, 'name'),
      ...(row.unlisted ? [h('span', { class: 'note' }, ` (${row.gapCount} gap days, not listed)`)] : []),
    ),
    ...cells,
    h(
      'td',
      { class: 'row-total', attrs: { 'data-missing': String(row.missing) } },
      h('span', { class: 'missing' }, row.total),
      h('span', { class: 'worked' }, `${row.worked} / ${row.scheduled}`),
    ),
  );
}

export function renderGrid(grid: TeamGrid): HTMLTableElement {
  const body = h('tbody', {}, ...grid.rows.map(personRow));
  if (grid.rows.length === 0)
    body.append(
      h(
        'tr',
        { class: 'empty' },
        h('td', { attrs: { colspan: String(grid.columns.length + 2) } }, 'Nobody was checked.'),
      ),
    );
  return h(
    'table',
    { attrs: { id: 'grid' } },
    h(
      'caption',
      { class: 'visually-hidden' },
      `Missing time per person and day, ${grid.periodText}. Times shown are missing.`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'task-head', attrs: { scope: 'col' } }, 'Person'),
        ...grid.columns.map(dayHead),
        h('th', { class: 'row-total', attrs: { scope: 'col' } }, 'Missing'),
      ),
    ),
    body,
    h(
      'tfoot',
      {},
      h(
        'tr',
        { class: 'totals' },
        h('th', { class: 'task', attrs: { scope: 'row' } }, 'People with a gap'),
        ...grid.columns.map((c) =>
          h('td', { class: 'day-total', attrs: { 'data-date': c.date } }, c.later ? '' : String(c.gaps)),
        ),
        h('td', { class: 'grand-total' }, grid.total),
      ),
    ),
  );
}

export function showGrid(els: ViewElements, grid: TeamGrid): void {
  els.period.textContent = grid.periodText;
  els.checked.textContent = grid.checkedText ?? '';
  els.zone.textContent = grid.timeZone ?? '';
  els.summary.textContent = grid.summary;
  els.gridWrap.replaceChildren(renderGrid(grid));
  els.message.hidden = !(grid.totalsOnly || grid.truncated);
  els.message.textContent = grid.totalsOnly
    ? 'The period is too long for a column per day: totals per person only.'
    : grid.truncated
      ? 'Some people’s gap days were left out of the result: their totals are shown.'
      : '';
}

/** A text in place of the grid: waiting, or why there is no report. */
export function showMessage(els: ViewElements, text: string): void {
  els.message.textContent = text;
  els.message.hidden = false;
}

export function showStatus(els: ViewElements, text: string): void {
  els.status.textContent = text;
  els.status.dataset.tone = 'error';
}
