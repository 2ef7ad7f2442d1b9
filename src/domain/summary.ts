/**
 * Totals of time-track records grouped by up to three keys ("hours per project last month, per person"): one
 * row per combination, subtotals per value of the first key, a grand total, and the billable share from the
 * records' types of work (a task's type of work decides; unknown when actiTIME did not say).
 */
import { formatMinutes } from './duration.js';
import { weekStartOf } from './timesheet.js';

export const GROUP_KEYS = ['user', 'customer', 'project', 'task', 'typeOfWork', 'day', 'week'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export interface SummaryRecord {
  date: string;
  userId: number;
  taskId: number;
  minutes: number;
}

export interface SummaryTask {
  name?: string;
  projectName?: string;
  customerName?: string;
  typeOfWorkId?: number | null;
}

export interface SummaryLookup {
  userName(id: number): string;
  task(id: number): SummaryTask | undefined;
  typeOfWork(id: number): { name: string; billable?: boolean } | undefined;
  weekStart: number;
}

/** Minutes with their h:mm text and the billable split; `unknown` = no type of work to tell by. */
export type Totals = {
  minutes: number;
  hm: string;
  billable: number;
  nonBillable: number;
  unknown?: number;
};

export type SummaryRow = Partial<Record<GroupKey, string>> & Totals;

export interface Summary {
  rows: SummaryRow[];
  /** Per value of the first key, when there are two or more keys. */
  subtotals?: SummaryRow[];
  total: Totals;
  /** Rows past `maxRows` were left out of `rows` (the totals still count them). */
  truncated?: true;
}

const join = (...parts: Array<string | undefined>): string =>
  parts.filter((p): p is string => p !== undefined && p !== '').join(' / ');

function label(key: GroupKey, r: SummaryRecord, lookup: SummaryLookup): string {
  const task = lookup.task(r.taskId);
  switch (key) {
    case 'user':
      return lookup.userName(r.userId);
    case 'customer':
      return task?.customerName ?? '(unknown customer)';
    case 'project':
      return join(task?.customerName, task?.projectName) || '(unknown project)';
    case 'task':
      return join(task?.customerName, task?.projectName, task?.name) || `task ${r.taskId}`;
    case 'typeOfWork': {
      const id = task?.typeOfWorkId;
      return (id == null ? undefined : lookup.typeOfWork(id)?.name) ?? '(no type of work)';
    }
    case 'day':
      return r.date;
    case 'week':
      return weekStartOf(r.date, lookup.weekStart);
  }
}

class Acc {
  minutes = 0;
  billable = 0;
  nonBillable = 0;
  unknown = 0;
  add(minutes: number, billable: boolean | undefined): void {
    this.minutes += minutes;
    if (billable === true) this.billable += minutes;
    else if (billable === false) this.nonBillable += minutes;
    else this.unknown += minutes;
  }
  totals(): Totals {
    return {
      minutes: this.minutes,
      hm: formatMinutes(this.minutes),
      billable: this.billable,
      nonBillable: this.nonBillable,
      ...(this.unknown > 0 ? { unknown: this.unknown } : {}),
    };
  }
}

export function summarizeTime(
  records: readonly SummaryRecord[],
  lookup: SummaryLookup,
  groupBy: readonly GroupKey[],
  maxRows = 500,
): Summary {
  const rows = new Map<string, { keys: string[]; acc: Acc }>();
  const firsts = new Map<string, Acc>();
  const total = new Acc();
  for (const r of records) {
    if (r.minutes === 0) continue;
    const id = lookup.task(r.taskId)?.typeOfWorkId;
    const billable = id == null ? undefined : lookup.typeOfWork(id)?.billable;
    const keys = groupBy.map((k) => label(k, r, lookup));
    const id2 = JSON.stringify(keys);
    const row = rows.get(id2) ?? { keys, acc: new Acc() };
    row.acc.add(r.minutes, billable);
    rows.set(id2, row);
    const first = firsts.get(keys[0]!) ?? new Acc();
    first.add(r.minutes, billable);
    firsts.set(keys[0]!, first);
    total.add(r.minutes, billable);
  }
  const byKeys = (a: string[], b: string[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  };
  const sorted = [...rows.values()].sort((a, b) => byKeys(a.keys, b.keys));
  const out: Summary = {
    rows: sorted.slice(0, maxRows).map(({ keys, acc }) => ({
      ...Object.fromEntries(groupBy.map((k, i) => [k, keys[i]!])),
      ...acc.totals(),
    })),
    total: total.totals(),
  };
  if (groupBy.length > 1) {
    out.subtotals = [...firsts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, acc]) => ({ [groupBy[0]!]: value, ...acc.totals() }));
  }
  if (sorted.length > maxRows) out.truncated = true;
  return out;
}
