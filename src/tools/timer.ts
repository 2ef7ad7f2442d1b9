/**
 * start_timer and stop_timer (issue 16, docs/timers.md): actiTIME's API has no timer, so the server keeps one,
 * per actiTIME URL and user, beside the undo journal (src/journal/timer-store.ts). Stopping logs the elapsed
 * whole minutes as log_time `add` entries (one per day of the user's zone it ran on), through log_time's own
 * plan and write: the same pre-checks, statuses and journal record, so undo_change reverses it.
 *
 * Never twice: the timer is removed from the store (compare-and-set) before anything is sent, and put back only
 * when every entry certainly wrote nothing. A refusal found before sending keeps it without touching it.
 */
import { z } from 'zod';

import { ToolError } from '../domain/errors.js';
import {
  planLogTime,
  planResult,
  writeLogTime,
  type LogTimePlan,
  type LogTimeResult,
} from '../domain/log-time.js';
import { resolveTask } from '../domain/resolve/task.js';
import type { Ref } from '../domain/resolve/types.js';
import { commentInput } from '../domain/sanitize.js';
import { atProblem, localIso, resolveAt, splitByDay } from '../domain/timer-clock.js';
import { timeCells, record } from '../journal/records.js';
import { JOURNAL_TEXT } from '../journal/text.js';
import { newTimerId, type StoredTimer, type TimerStore } from '../journal/timer-store.js';
import type { JournalKey } from '../journal/store.js';
import { ARG } from './arg-text.js';
import type { ToolContext } from './context.js';
import { defineTool, type AnyTool } from './define.js';
import { refInput } from './inputs.js';
import { confirmQuestion, needsConfirmation, redeemPlan, unconfirmed } from './plan-text.js';
import { logTimeContext, Obj, shown } from './time.js';
import { TIMER_FORGOTTEN_MS, timerKey, timersBeside, timerView, type TimerView } from './timer-state.js';
import { TIMER_TEXT } from './timer-text.js';

/** More days than this is no timer anyone ran: it is refused (discard it, log by hand). */
const TIMER_MAX_DAYS = 7;

const atInput = z
  .string()
  .max(64)
  .superRefine((spec, ctx) => {
    const problem = atProblem(spec);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional()
  .describe(ARG.at);

const Ref = refInput();

/** Outcomes after which no timer is left to stop: the one that ran is logged, dropped, or maybe logged. */
const FINISHED = new Set(['stopped', 'discarded', 'maybe_logged', 'partly_logged']);

interface Finished {
  [key: string]: unknown;
  status: string;
  note?: string;
}

interface Where {
  store: TimerStore;
  key: JournalKey;
}

function whereOf(ctx: ToolContext): Where {
  return { store: timersBeside(ctx.journal), key: timerKey(ctx.config) };
}

/** A store change that failed on the file system: nothing changed, and the result says so. */
function replaceOrThrow(
  ctx: ToolContext,
  w: Where,
  expected: string | null,
  next: StoredTimer | null,
): boolean {
  try {
    return w.store.replace(w.key, expected, next);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    ctx.logger.warn('timer state not written', { error: String(err) });
    throw new ToolError(
      'unsupported',
      TIMER_TEXT.stateUnwritable(typeof code === 'string' ? code : undefined),
      {
        hint: TIMER_TEXT.stateHint,
      },
    );
  }
}

/** Journals what a stop logged, like server.ts does for log_time; returns the record's id or why there is none. */
function journal(ctx: ToolContext, result: LogTimeResult): { change?: string; journal?: string } {
  const change = timeCells({}, result);
  if (change === undefined) return {};
  if (ctx.journal === undefined) return { journal: JOURNAL_TEXT.notRecorded(TIMER_TEXT.noJournal) };
  try {
    const [written] = ctx.journal.store.append(ctx.journal.key, [record('stop_timer', change)]);
    return written === undefined ? {} : { change: written.id };
  } catch (err) {
    ctx.logger.warn('journal not written', { tool: 'stop_timer', error: String(err) });
    return { journal: JOURNAL_TEXT.notRecorded('the journal file could not be written') };
  }
}

const memoryNote = (w: Where) => (w.store.kind === 'memory' ? { storage: TIMER_TEXT.memoryOnly } : {});

/** How a stop may be confirmed: `confirmed` already (a redeemed planToken); else asked, with a planToken for `args`. */
interface Confirmation {
  confirmed: boolean;
  /** The stop_timer arguments a planToken is bound to; absent (inside start_timer): no token is handed out. */
  args?: Record<string, unknown>;
}

/** The plan as shown without writing (a held or refused stop): no dryRun flag, it was not asked for. */
function planShown(plan: LogTimePlan) {
  const { dryRun: _dryRun, ...rest } = shown(planResult(plan));
  return rest;
}

/**
 * Logs `timer` up to `end` and ends it: the minutes per day of the user's zone, planned and written as log_time
 * `add` entries. Returns the result to show; the timer is left running whenever nothing was written.
 */
async function finish(
  ctx: ToolContext,
  w: Where,
  timer: StoredTimer,
  end: number,
  over: { task?: Ref | undefined; comment?: string | undefined },
  confirmation: Confirmation,
): Promise<Finished> {
  const { timeZone } = await ctx.calendar();
  const start = Date.parse(timer.startedAt);
  const view = (stopped: boolean) => timerView(timer, end, { zone: timeZone, stopped });
  const days = splitByDay(start, end, timeZone);
  if (days.length === 0) {
    replaceOrThrow(ctx, w, timer.id, null);
    return { status: 'discarded', timer: view(true), note: TIMER_TEXT.underAMinute };
  }
  if (days.length > TIMER_MAX_DAYS) {
    throw new ToolError('validation', TIMER_TEXT.tooLong(days.length, localIso(start, timeZone)), {
      field: 'at',
      hint: TIMER_TEXT.tooLongHint,
    });
  }
  const lctx = await logTimeContext(ctx);
  const comment = over.comment ?? timer.comment;
  const plan = await planLogTime(
    lctx,
    days.map((d) => ({
      task: over.task ?? timer.taskId,
      date: d.date,
      minutes: d.minutes,
      mode: 'add' as const,
      ...(comment === undefined ? {} : { comment }),
    })),
  );

  // Found before sending: nothing is written, and the timer runs on untouched.
  if (plan.plans.some((p) => p.result.status === 'refused')) {
    for (const p of plan.plans)
      if (p.result.status === 'planned') {
        p.result.status = 'not_applied';
        p.result.error = { message: TIMER_TEXT.heldBack };
        delete p.result.after;
      }
    return { status: 'running', timer: view(false), ...planShown(plan), note: TIMER_TEXT.kept };
  }

  const held = await confirmStop(ctx, timer, end, plan, view(true), confirmation);
  if (held !== undefined) return held;

  // Taken before anything is sent: whoever removes it logs it; a second stop finds it gone.
  if (!replaceOrThrow(ctx, w, timer.id, null)) throw new ToolError('conflict', TIMER_TEXT.taken);
  const result = shown(await writeLogTime(lctx, plan));
  const written = result.entries.filter(
    (e) => e.status === 'applied' || (e.status === 'conflict' && e.expected === undefined),
  );
  const maybe = result.entries.some((e) => e.status === 'maybe_applied');
  if (written.length === 0 && !maybe) {
    const back = replaceOrThrow(ctx, w, null, timer);
    return {
      status: 'running',
      timer: view(false),
      ...result,
      note: back ? TIMER_TEXT.kept : TIMER_TEXT.notKept,
    };
  }
  const completed = plan.plans.some((p) => p.resolved.status === 'completed');
  const status = maybe
    ? 'maybe_logged'
    : written.length < result.entries.length
      ? 'partly_logged'
      : 'stopped';
  return {
    status,
    timer: view(true),
    ...result,
    ...journal(ctx, result),
    note:
      status === 'stopped'
        ? TIMER_TEXT.logged(written[0]!.task, written) + (completed ? `; ${TIMER_TEXT.completedSince}` : '')
        : status === 'maybe_logged'
          ? TIMER_TEXT.maybe
          : TIMER_TEXT.partly,
  };
}

/**
 * A stop of a probably forgotten timer (over 16 h), or any stop under ACTITIME_CONFIRM=writes, is confirmed first:
 * the user is asked, or (a client that cannot be asked) the planned entries come back with a planToken that logs
 * exactly up to `end`. Undefined: go ahead.
 */
async function confirmStop(
  ctx: ToolContext,
  timer: StoredTimer,
  end: number,
  plan: LogTimePlan,
  view: TimerView,
  confirmation: Confirmation,
): Promise<Finished | undefined> {
  const forgotten = end - Date.parse(timer.startedAt) > TIMER_FORGOTTEN_MS;
  if (confirmation.confirmed || !(forgotten || needsConfirmation(ctx.config.confirm, true, false)))
    return undefined;
  const answer = await ctx.askUser(
    confirmQuestion(
      `${TIMER_TEXT.question} (${view.hm}${forgotten ? ', probably forgotten' : ''})`,
      plan.plans.map(({ result: r }) => ({
        label: `${r.date} ${r.task}`,
        before: r.before,
        after: r.after ?? 0,
      })),
    ),
  );
  if (answer === 'accept') return undefined;
  const preview = { timer: view, ...planShown(plan) };
  const args = confirmation.args;
  if (args === undefined) {
    return answer === 'unsupported'
      ? { status: 'confirmation_required', ...preview }
      : { ...preview, ...unconfirmed(answer, () => '') };
  }
  const token = () => ctx.tokens.issue('stop_timer', args, timer.id, { timerId: timer.id, end });
  return {
    ...preview,
    ...unconfirmed(answer, token),
    ...(forgotten && answer === 'unsupported' ? { note: TIMER_TEXT.forgotten(view.hm) } : {}),
  };
}

function runningOr404(w: Where): StoredTimer {
  const timer = w.store.get(w.key);
  if (timer === undefined) throw new ToolError('not_found', TIMER_TEXT.none, { hint: TIMER_TEXT.noneHint });
  return timer;
}

// ---- start_timer --------------------------------------------------------------------------------------------

export const startTimer = defineTool({
  name: 'start_timer',
  title: 'Start timer',
  description:
    'Start timing a task ("starting on X now"); stop_timer logs it. A running timer is stopped and logged ' +
    'first. Returns timer, stopped.',
  toolset: 'time',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    task: Ref.describe(ARG.task),
    comment: commentInput('for the cell when logged').optional(),
    at: atInput,
  }),
  outputSchema: z.looseObject({ timer: Obj }),
  async handler(args, ctx) {
    const w = whereOf(ctx);
    const { timeZone } = await ctx.calendar();
    const now = ctx.now();
    const at = args.at === undefined ? now : resolveAt(args.at, { timeZone, now, field: 'at' });
    const task = await resolveTask(ctx, args.task, { field: 'task' });
    if (task.status === 'completed')
      throw new ToolError('validation', TIMER_TEXT.completed(task.path), {
        field: 'task',
        hint: TIMER_TEXT.completedHint,
      });
    const running = w.store.get(w.key);
    let stopped: Finished | undefined;
    if (running !== undefined) {
      const since = Date.parse(running.startedAt);
      if (at <= since)
        throw new ToolError('validation', TIMER_TEXT.startsBefore(localIso(since, timeZone)), {
          field: 'at',
        });
      stopped = await finish(ctx, w, running, at, {}, { confirmed: false });
      if (!FINISHED.has(stopped.status))
        throw new ToolError('conflict', TIMER_TEXT.notStarted, {
          hint: TIMER_TEXT.notStartedHint,
          details: { stopped },
        });
    }
    const timer: StoredTimer = {
      id: newTimerId(),
      ...w.key,
      taskId: task.id,
      task: task.path,
      ...(args.comment === undefined ? {} : { comment: args.comment }),
      startedAt: new Date(at).toISOString(),
      timeZone,
    };
    if (!replaceOrThrow(ctx, w, null, timer))
      throw new ToolError('conflict', TIMER_TEXT.raced, { hint: TIMER_TEXT.racedHint, details: { stopped } });
    return {
      status: 'started',
      timer: timerView(timer, now, { zone: timeZone }),
      ...(stopped === undefined ? {} : { stopped, note: TIMER_TEXT.stoppedFirst(running!.task) }),
      ...memoryNote(w),
    };
  },
});

// ---- stop_timer ---------------------------------------------------------------------------------------------

export const stopTimer = defineTool({
  name: 'stop_timer',
  title: 'Stop timer',
  description:
    'Stop the timer, adding its time (whole minutes, half up; split at midnight) as log_time would; refused, ' +
    'it keeps running; over 16 h needs confirm. Returns status, timer, entries, change (undo id).',
  toolset: 'time',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    at: atInput,
    task: Ref.optional().describe('log to this task instead'),
    comment: commentInput('replaces the start’s comment').optional(),
    discard: z.boolean().optional().describe('true: drop it, log nothing'),
    confirm: z.string().max(64).optional().describe(ARG.confirm),
  }),
  outputSchema: z.looseObject({ status: z.string(), timer: Obj.optional() }),
  async handler(args, ctx) {
    const w = whereOf(ctx);
    const timer = runningOr404(w);
    if (args.discard === true) {
      if (args.at !== undefined || args.task !== undefined || args.comment !== undefined)
        throw new ToolError('validation', TIMER_TEXT.discardAlone, { field: 'discard' });
      const { timeZone } = await ctx.calendar();
      if (!replaceOrThrow(ctx, w, timer.id, null)) throw new ToolError('conflict', TIMER_TEXT.taken);
      return {
        status: 'discarded',
        timer: timerView(timer, ctx.now(), { zone: timeZone, stopped: true }),
        note: TIMER_TEXT.discarded,
      };
    }
    let end: number;
    let confirmed = false;
    if (args.confirm !== undefined) {
      const planned = redeemPlan<{ timerId: string; end: number }>(ctx, 'stop_timer', args);
      if (planned.timerId !== timer.id)
        throw new ToolError('conflict', TIMER_TEXT.changed, {
          field: 'confirm',
          hint: TIMER_TEXT.changedHint,
        });
      end = planned.end;
      confirmed = true;
    } else {
      const { timeZone } = await ctx.calendar();
      const now = ctx.now();
      end = args.at === undefined ? now : resolveAt(args.at, { timeZone, now, field: 'at' });
    }
    const start = Date.parse(timer.startedAt);
    if (end <= start) {
      const { timeZone } = await ctx.calendar();
      throw new ToolError(
        'validation',
        TIMER_TEXT.beforeStart(localIso(end, timeZone), localIso(start, timeZone)),
        { field: 'at' },
      );
    }
    const out = await finish(
      ctx,
      w,
      timer,
      end,
      { task: args.task, comment: args.comment },
      { confirmed, args },
    );
    return { ...out, ...memoryNote(w) };
  },
});

export const timerTools: readonly AnyTool[] = [startTimer, stopTimer] as AnyTool[];
