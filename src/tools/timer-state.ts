/**
 * The running timer as tools and resources see it: which store holds it (beside the server's journal, else in
 * memory), whose it is (actiTIME URL + user, like the journal), and how it is shown. Kept apart from timer.ts so
 * that get_timesheet (time.ts), which timer.ts builds on, can show it too.
 */
import type { ServerConfig } from '../config.js';
import { formatMinutes } from '../domain/duration.js';
import { localIso, roundedMinutes } from '../domain/timer-clock.js';
import type { Journal, JournalKey } from '../journal/store.js';
import { journalPath, journalUrl } from '../journal/store.js';
import type { ToolContext } from './context.js';
import {
  FileTimers,
  memoryTimers,
  timersPath,
  type StoredTimer,
  type TimerStore,
} from '../journal/timer-store.js';

/** A timer running longer than this was probably forgotten: it is not logged without confirmation. */
export const TIMER_FORGOTTEN_MS = 16 * 3_600_000;

/** The embedded demo's name in the timers file: it is one installation, though its port changes at every start. */
export const DEMO_TIMER_URL = 'demo:embedded-actitime';

/** Whose timer: the URL and user the journal records changes under (the demo under one name). */
export function timerKey(config: Pick<ServerConfig, 'client' | 'demo'>): JournalKey {
  const url = config.demo ? DEMO_TIMER_URL : journalUrl(config.client.baseUrl);
  return { url, user: config.client.username };
}

/** The store beside the call's journal; memory without one (ACTITIME_JOURNAL=off). */
export function timersBeside(journal: { store: Pick<Journal, 'file'> } | undefined): TimerStore {
  return journal === undefined ? memoryTimers : new FileTimers(timersPath(journal.store.file));
}

/** The store of a server (resources): its journal as server.ts opens it (a context's own, else ACTITIME_JOURNAL). */
export function serverTimers(ctx: {
  config: Pick<ServerConfig, 'journal'>;
  journal?: { store: Pick<Journal, 'file'> } | null;
}): TimerStore {
  if (ctx.journal !== undefined) return timersBeside(ctx.journal ?? undefined);
  const file = journalPath(ctx.config.journal);
  return file === undefined ? memoryTimers : new FileTimers(timersPath(file));
}

/** A type, not an interface: results are open records (index signatures). */
export type TimerView = {
  task: string;
  taskId: number;
  /** ISO 8601 in the user's zone. */
  startedAt: string;
  /** Elapsed so far (or until stoppedAt), whole minutes rounded half up. */
  minutes: number;
  hm: string;
  comment?: string;
  stoppedAt?: string;
  /** Running longer than 16 h. */
  probablyForgotten?: true;
};

/** A timer as results show it, its times in `zone` (default: the zone it was started in). */
export function timerView(
  t: StoredTimer,
  until: number,
  options: { zone?: string; stopped?: boolean } = {},
): TimerView {
  const zone = options.zone ?? t.timeZone;
  const started = Date.parse(t.startedAt);
  const minutes = roundedMinutes(until - started);
  return {
    task: t.task,
    taskId: t.taskId,
    startedAt: localIso(started, zone),
    minutes,
    hm: formatMinutes(minutes),
    ...(t.comment === undefined ? {} : { comment: t.comment }),
    ...(options.stopped ? { stoppedAt: localIso(until, zone) } : {}),
    ...(!options.stopped && until - started > TIMER_FORGOTTEN_MS ? { probablyForgotten: true as const } : {}),
  };
}

/** get_timesheet's `timer`: the caller's running timer, when the sheet is theirs and holds today. */
export async function timerOnSheet(
  ctx: ToolContext,
  userId: number,
  period: { from: string; to: string },
  today: string,
): Promise<{ timer?: TimerView }> {
  if (today < period.from || today > period.to) return {};
  const timer = timersBeside(ctx.journal).get(timerKey(ctx.config));
  if (timer === undefined || (await ctx.me()).id !== userId) return {};
  return { timer: timerView(timer, ctx.now(), { zone: (await ctx.calendar()).timeZone }) };
}
