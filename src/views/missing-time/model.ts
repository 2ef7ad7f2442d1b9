/**
 * find_missing_time's result as the team view shows it: the structured result checked into a typed value, then
 * turned into a people × days grid with every text already formatted. Pure (no DOM), so it is tested in Node.
 *
 * The result comes from the host, so it is read defensively: anything that is not a report is refused as a
 * whole rather than drawn half right. Dates, durations and day headings are the timesheet view's.
 */
import { addDays, dayHeading, isDate, rangeLength, type DateRange } from '../timesheet/dates.js';
import { formatHm } from '../timesheet/model.js';
import { errorTextOf, structuredOf, type ToolResultLike } from '../timesheet/tool-calls.js';
import { all, isId, isMinutes, isObj, minutesOf } from '../common/read.js';

export interface GapDay {
  date: string;
  scheduled: number;
  logged: number;
  leave: number;
  missing: number;
}

export interface Person {
  id: number;
  /** Untrusted text. */
  name: string;
  scheduled: number;
  logged: number;
  leave: number;
  missing: number;
  /** The gap days by date; undefined when the server left them out (over its cap) though the person has gaps. */
  gaps: Map<string, GapDay> | undefined;
  /** Days with a gap, listed or not. */
  gapCount: number;
}

export interface MissingTimeReport {
  period: DateRange & { timeZone?: string };
  /** Last day checked: later days cannot be missing yet. */
  checkedTo: string;
  /** People with gaps first (most missing first, as the server orders them), then the others as listed. */
  people: Person[];
  totals: { usersChecked: number; usersWithGaps: number; missing: number };
  truncated: boolean;
}

/** Longer periods show the per-person totals only: a column per day would not be readable. */
export const MAX_GRID_DAYS = 62;

// ---- reading the structured result ------------------------------------------------------------------------

/** What a gap day and a person's totals count, in minutes. */
const DAY_MINUTES = ['scheduled', 'logged', 'leave', 'missing'] as const;

function readGapDay(v: unknown): GapDay | undefined {
  if (!isObj(v) || typeof v.date !== 'string' || !isDate(v.date)) return undefined;
  const minutes = minutesOf(v, DAY_MINUTES);
  return minutes && { date: v.date, ...minutes };
}

interface GapRow {
  id: number;
  days: GapDay[] | undefined;
  dayCount: number;
}

function readGapRow(v: unknown): GapRow | undefined {
  if (!isObj(v) || !isId(v.id)) return undefined;
  const days = v.days === undefined ? undefined : all(v.days, readGapDay);
  if (v.days !== undefined && days === undefined) return undefined;
  const dayCount = isMinutes(v.dayCount) ? v.dayCount : (days?.length ?? 0);
  return { id: v.id, days, dayCount };
}

type PersonTotals = Omit<Person, 'gaps' | 'gapCount'>;

function readPerson(v: unknown): PersonTotals | undefined {
  if (!isObj(v) || !isId(v.id) || typeof v.name !== 'string') return undefined;
  const minutes = minutesOf(v, DAY_MINUTES);
  return minutes && { id: v.id, name: v.name, ...minutes };
}

/** find_missing_time's structured content as a report, or undefined when it is not one. */
export function readReport(value: unknown): MissingTimeReport | undefined {
  if (!isObj(value) || !isObj(value.period)) return undefined;
  const { period } = value;
  if (typeof period.from !== 'string' || typeof period.to !== 'string') return undefined;
  if (!isDate(period.from) || !isDate(period.to) || period.from > period.to) return undefined;
  const checkedTo = value.checkedTo === undefined ? period.to : value.checkedTo;
  if (typeof checkedTo !== 'string' || !isDate(checkedTo) || checkedTo > period.to) return undefined;
  const rows = all(value.users, readGapRow);
  const totals = all(value.people, readPerson);
  if (!rows || !totals) return undefined;
  const gapsOf = new Map(rows.map((r) => [r.id, r]));
  const withGaps = (p: PersonTotals): Person => {
    const row = gapsOf.get(p.id);
    return {
      ...p,
      gaps: row === undefined ? new Map() : row.days && new Map(row.days.map((d) => [d.date, d])),
      gapCount: row?.dayCount ?? 0,
    };
  };
  const byId = new Map(totals.map((p) => [p.id, p]));
  const first = rows.flatMap((r) => {
    const p = byId.get(r.id);
    return p ? [withGaps(p)] : [];
  });
  const rest = totals.filter((p) => !gapsOf.has(p.id)).map(withGaps);
  const people = [...first, ...rest];
  const t = isObj(value.totals) ? value.totals : {};
  const sum = people.reduce((s, p) => s + p.missing, 0);
  return {
    period: {
      from: period.from,
      to: period.to,
      ...(typeof period.timeZone === 'string' ? { timeZone: period.timeZone } : {}),
    },
    checkedTo,
    people,
    totals: {
      usersChecked: isMinutes(t.usersChecked) ? t.usersChecked : people.length,
      usersWithGaps: isMinutes(t.usersWithGaps) ? t.usersWithGaps : first.length,
      missing: isMinutes(t.missing) ? t.missing : sum,
    },
    truncated: value.truncated === true,
  };
}

// ---- the grid ---------------------------------------------------------------------------------------------

/**
 * How a person's day stands: a gap (time missing), fine, not checked yet (after `checkedTo`), or unknown (the
 * server left this person's days out).
 */
export type CellState = 'gap' | 'ok' | 'later' | 'unknown';

export interface TeamColumn {
  date: string;
  weekday: string;
  day: string;
  later: boolean;
  /** People with a gap on this day. */
  gaps: number;
}

export interface TeamCell {
  date: string;
  state: CellState;
  /** Minutes missing (0 unless a gap). */
  missing: number;
  /** `2:00` on a gap, else empty. */
  text: string;
  /** `missing 2:00 (logged 6:00, leave 0:00 of 8:00)`, `no gap`, `not checked yet`, `not listed`. */
  title: string;
}

export interface TeamRow {
  id: number;
  name: string;
  cells: TeamCell[];
  missing: number;
  /** The person's missing time, `H:MM`. */
  total: string;
  /** `logged + leave / scheduled`, `H:MM`. */
  worked: string;
  scheduled: string;
  gapCount: number;
  /** The server listed this person's totals but not their gap days. */
  unlisted: boolean;
}

export interface TeamGrid {
  periodText: string;
  /** `checked to 2026-11-25`, when the period runs past today. */
  checkedText: string | undefined;
  timeZone: string | undefined;
  /** Empty when the period is longer than MAX_GRID_DAYS: the totals only. */
  columns: TeamColumn[];
  rows: TeamRow[];
  /** `2 of 12 people have gaps: 11:00 missing`. */
  summary: string;
  total: string;
  truncated: boolean;
  /** The period is too long for a column per day. */
  totalsOnly: boolean;
}

function datesOf(range: DateRange): string[] {
  return Array.from({ length: rangeLength(range) }, (_, i) => addDays(range.from, i));
}

function cellOf(person: Person, date: string, later: boolean): TeamCell {
  if (later) return { date, state: 'later', missing: 0, text: '', title: 'not checked yet' };
  if (person.gaps === undefined)
    return { date, state: 'unknown', missing: 0, text: '?', title: 'days not listed' };
  const gap = person.gaps.get(date);
  if (gap === undefined || gap.missing <= 0)
    return { date, state: 'ok', missing: 0, text: '', title: 'no gap' };
  return {
    date,
    state: 'gap',
    missing: gap.missing,
    text: formatHm(gap.missing),
    title:
      `missing ${formatHm(gap.missing)} (logged ${formatHm(gap.logged)}` +
      `${gap.leave > 0 ? `, leave ${formatHm(gap.leave)}` : ''} of ${formatHm(gap.scheduled)})`,
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function buildTeamGrid(report: MissingTimeReport, locale?: string): TeamGrid {
  const dates = datesOf(report.period);
  const totalsOnly = dates.length > MAX_GRID_DAYS;
  const shown = totalsOnly ? [] : dates;
  const rows: TeamRow[] = report.people.map((p) => ({
    id: p.id,
    name: p.name,
    cells: shown.map((date) => cellOf(p, date, date > report.checkedTo)),
    missing: p.missing,
    total: formatHm(p.missing),
    worked: formatHm(p.logged + p.leave),
    scheduled: formatHm(p.scheduled),
    gapCount: p.gapCount,
    unlisted: p.gaps === undefined,
  }));
  const columns: TeamColumn[] = shown.map((date, i) => ({
    date,
    ...dayHeading(date, locale),
    later: date > report.checkedTo,
    gaps: rows.filter((r) => r.cells[i]?.state === 'gap').length,
  }));
  const { usersChecked, usersWithGaps, missing } = report.totals;
  const summary =
    usersWithGaps === 0
      ? `No gaps: ${plural(usersChecked, 'person', 'people')} checked`
      : `${usersWithGaps} of ${plural(usersChecked, 'person has', 'people have')} gaps: ${formatHm(missing)} missing`;
  return {
    periodText: `${report.period.from} – ${report.period.to}`,
    checkedText: report.checkedTo < report.period.to ? `checked to ${report.checkedTo}` : undefined,
    timeZone: report.period.timeZone,
    columns,
    rows,
    summary,
    total: formatHm(missing),
    truncated: report.truncated,
    totalsOnly,
  };
}

// ---- the tool result --------------------------------------------------------------------------------------

export type ReportOutcome = { kind: 'report'; report: MissingTimeReport } | { kind: 'error'; text: string };

/** find_missing_time's answer as the host hands it over: a report, or the sentence saying why not. */
export function readReportResult(result: ToolResultLike): ReportOutcome {
  if (result.isError === true) return { kind: 'error', text: errorTextOf(result) };
  const report = readReport(structuredOf(result));
  return report
    ? { kind: 'report', report }
    : { kind: 'error', text: 'the result is not a missing-time report' };
}
