/**
 * The timesheet as the view shows it: get_timesheet's structured result checked into a typed value, then turned
 * into the rows and columns of the grid with every text already formatted, and the durations a person types
 * into a cell read back as minutes. Pure (no DOM), so it is tested in Node.
 *
 * The result comes from the host, so it is read defensively: anything that is not a timesheet is refused as a
 * whole rather than drawn half right.
 */
import { dayHeading, isDate, rangeLength, type DateRange } from './dates.js';
import { all, isId, isMinutes, isObj, minutesOf } from '../common/read.js';

export interface SheetDay {
  date: string;
  scheduled: number;
  logged: number;
  leave: number;
  missing: number;
  overtime: number;
  /** null: the week holds no time, so actiTIME cannot tell. */
  approved: boolean | null;
}

export interface SheetTask {
  id: number;
  /** `Customer / Project / Task`; untrusted text. */
  path: string;
  /** Minutes per day, aligned with `days`. */
  minutes: number[];
  total: number;
}

export interface SheetLeave {
  id: number;
  name: string;
  minutes: number[];
  total: number;
}

export interface Timesheet {
  user: { id: number; name: string };
  period: DateRange & { timeZone?: string };
  days: SheetDay[];
  tasks: SheetTask[];
  leave: SheetLeave[];
  totals: { scheduled: number; logged: number };
}

/** actiTIME holds at most a day per task-day cell. */
export const MAX_CELL_MINUTES = 1440;

// ---- reading the structured result ------------------------------------------------------------------------

function readDay(v: unknown): SheetDay | undefined {
  if (!isObj(v) || typeof v.date !== 'string' || !isDate(v.date)) return undefined;
  const minutes = minutesOf(v, ['scheduled', 'logged', 'leave', 'missing', 'overtime']);
  if (!minutes) return undefined;
  return { date: v.date, ...minutes, approved: typeof v.approved === 'boolean' ? v.approved : null };
}

function readMinutes(v: unknown, days: number): number[] | undefined {
  return Array.isArray(v) && v.length === days && v.every(isMinutes) ? v : undefined;
}

function readRow(v: unknown, label: 'path' | 'name', days: number) {
  if (!isObj(v) || !isId(v.id) || typeof v[label] !== 'string') return undefined;
  const minutes = readMinutes(v.minutes, days);
  if (!minutes) return undefined;
  return { id: v.id, text: v[label], minutes, total: minutes.reduce((s, m) => s + m, 0) };
}

/** get_timesheet's structured content as a Timesheet, or undefined when it is not one. */
export function readTimesheet(value: unknown): Timesheet | undefined {
  if (!isObj(value) || !isObj(value.user) || !isObj(value.period)) return undefined;
  const { user, period } = value;
  if (!isId(user.id) || typeof user.name !== 'string') return undefined;
  if (typeof period.from !== 'string' || typeof period.to !== 'string') return undefined;
  if (!isDate(period.from) || !isDate(period.to) || period.from > period.to) return undefined;
  const days = all(value.days, readDay);
  if (!days || days.length !== rangeLength({ from: period.from, to: period.to })) return undefined;
  const tasks = all(value.tasks, (v) => readRow(v, 'path', days.length));
  // Older servers may send no leave rows; the per-day leave minutes still show in the totals.
  const leave = value.leave === undefined ? [] : all(value.leave, (v) => readRow(v, 'name', days.length));
  if (!tasks || !leave) return undefined;
  const sum = (f: (d: SheetDay) => number) => days.reduce((s, d) => s + f(d), 0);
  return {
    user: { id: user.id, name: user.name },
    period: {
      from: period.from,
      to: period.to,
      ...(typeof period.timeZone === 'string' ? { timeZone: period.timeZone } : {}),
    },
    days,
    tasks: tasks.map((t) => ({ id: t.id, path: t.text, minutes: t.minutes, total: t.total })),
    leave: leave.map((l) => ({ id: l.id, name: l.text, minutes: l.minutes, total: l.total })),
    totals: { scheduled: sum((d) => d.scheduled), logged: sum((d) => d.logged) },
  };
}

// ---- durations --------------------------------------------------------------------------------------------

/** `H:MM`, as actiTIME shows durations (hours unbounded: a week's total is `40:00`). */
export function formatHm(minutes: number): string {
  const abs = Math.abs(Math.round(minutes));
  return `${minutes < 0 ? '-' : ''}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

/** A cell's text: `H:MM`, or empty when nothing is logged. */
export function cellText(minutes: number): string {
  return minutes === 0 ? '' : formatHm(minutes);
}

export type ParsedDuration = { minutes: number } | { error: string };

export const DURATION_HELP = 'type 1:30, 1h30, 90m, 90 or 1.5h';

const CLOCK = /^(\d{1,2}):([0-5]\d)$/;
const HOURS_AND_MINUTES = /^(\d{1,2})h(\d{1,3})m?$/;
const HOURS = /^(\d{1,2}(?:[.,]\d{1,4})?)h$/;
const MINUTES = /^(\d{1,4})m?$/;

/**
 * What a person typed into a cell → minutes: `1:30`, `1h30`, `1h30m`, `90m`, `90`, `1.5h` (or `1,5h`); blanks
 * between the parts are ignored, and an empty cell is 0 (it clears the cell). Fractional hours round to the
 * nearest minute, as the server does. Anything else, or more than a day, is refused with a sentence to show.
 */
export function parseDuration(input: string): ParsedDuration {
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  let minutes: number | undefined;
  let m: RegExpExecArray | null;
  if (text === '') minutes = 0;
  else if ((m = CLOCK.exec(text))) minutes = Number(m[1]) * 60 + Number(m[2]);
  else if ((m = HOURS_AND_MINUTES.exec(text))) minutes = Number(m[1]) * 60 + Number(m[2]);
  else if ((m = HOURS.exec(text))) minutes = Math.round(Number(m[1]!.replace(',', '.')) * 60);
  else if ((m = MINUTES.exec(text))) minutes = Number(m[1]);
  if (minutes === undefined) {
    const shown = input.trim().slice(0, 20);
    return { error: `“${shown}” is not a duration: ${DURATION_HELP}` };
  }
  if (minutes > MAX_CELL_MINUTES) return { error: `${formatHm(minutes)} is more than a day (24:00)` };
  return { minutes };
}

// ---- the grid ---------------------------------------------------------------------------------------------

/** How a day stands; each is a CSS class on its header and total. */
export type DayMark = 'gap' | 'overtime' | 'leave' | 'approved';

export interface GridColumn {
  date: string;
  weekday: string;
  day: string;
  marks: DayMark[];
  /** Approved days are read-only in actiTIME: a write would be refused. */
  editable: boolean;
  /** Logged and scheduled `H:MM` of the day. */
  logged: string;
  scheduled: string;
  /** `missing 2:00`, `over 1:00`, `leave 4:00`, `approved`. */
  notes: string[];
}

export interface GridCell {
  date: string;
  minutes: number;
  text: string;
  editable: boolean;
}

export interface GridRow {
  id: number;
  label: string;
  cells: GridCell[];
  total: string;
}

export interface Grid {
  userName: string;
  periodText: string;
  timeZone: string | undefined;
  columns: GridColumn[];
  tasks: GridRow[];
  leave: GridRow[];
  /** Logged and scheduled `H:MM` of the period. */
  logged: string;
  scheduled: string;
  approval: 'all' | 'some' | 'none';
  /** 7 for a week: the navigation buttons name it. */
  length: number;
}

export function periodText(range: DateRange): string {
  return `${range.from} – ${range.to}`;
}

function marksOf(day: SheetDay): DayMark[] {
  const marks: DayMark[] = [];
  if (day.missing > 0) marks.push('gap');
  if (day.overtime > 0) marks.push('overtime');
  if (day.leave > 0) marks.push('leave');
  if (day.approved === true) marks.push('approved');
  return marks;
}

function notesOf(day: SheetDay): string[] {
  const notes: string[] = [];
  if (day.missing > 0) notes.push(`missing ${formatHm(day.missing)}`);
  if (day.overtime > 0) notes.push(`over ${formatHm(day.overtime)}`);
  if (day.leave > 0) notes.push(`leave ${formatHm(day.leave)}`);
  if (day.approved === true) notes.push('approved');
  return notes;
}

function rowOf(
  row: { id: number; minutes: number[]; total: number },
  label: string,
  columns: GridColumn[],
  editable: boolean,
): GridRow {
  return {
    id: row.id,
    label,
    cells: columns.map((c, i) => {
      const minutes = row.minutes[i] ?? 0;
      return { date: c.date, minutes, text: cellText(minutes), editable: editable && c.editable };
    }),
    total: formatHm(row.total),
  };
}

export function buildGrid(sheet: Timesheet, locale?: string): Grid {
  const columns: GridColumn[] = sheet.days.map((d) => ({
    date: d.date,
    ...dayHeading(d.date, locale),
    marks: marksOf(d),
    editable: d.approved !== true,
    logged: formatHm(d.logged),
    scheduled: formatHm(d.scheduled),
    notes: notesOf(d),
  }));
  const approved = sheet.days.filter((d) => d.approved === true).length;
  return {
    userName: sheet.user.name,
    periodText: periodText(sheet.period),
    timeZone: sheet.period.timeZone,
    columns,
    tasks: sheet.tasks.map((t) => rowOf(t, t.path, columns, true)),
    // Leave is written with log_leave_time, not in this grid.
    leave: sheet.leave.map((l) => rowOf(l, l.name, columns, false)),
    logged: formatHm(sheet.totals.logged),
    scheduled: formatHm(sheet.totals.scheduled),
    approval: approved === 0 ? 'none' : approved === sheet.days.length ? 'all' : 'some',
    length: sheet.days.length,
  };
}
