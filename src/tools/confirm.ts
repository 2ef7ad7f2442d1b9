/**
 * Confirmation of changes, failing closed (issue 10 part 1). A destructive handler (and, under
 * ACTITIME_CONFIRM=writes, every write handler) calls `confirmStep` before it writes:
 *
 *   const step = await confirmStep(ctx, 'delete_work_item', args, 'destructive', () => assess());
 *   if (!step.proceed) return step.result;          // nothing was written
 *
 * - policy `never` (or a plain write under `destructive`): proceed at once;
 * - a `confirm` token: redeem it, read the impact again, proceed only if its fingerprint equals the token's;
 *   otherwise a `confirmation_required` result with the new impact, a fresh token and the reason;
 * - else ask the user through elicitation: only `accept` proceeds (after checking the state did not change
 *   while they were asked); decline, cancel or no answer change nothing and the result says so;
 * - a client without elicitation gets `confirmation_required` with the impact and a `planToken`.
 */
import { ARG } from './arg-text.js';
import { createHash } from 'node:crypto';

import { z } from 'zod';

import { listProjects } from '../actitime/resources/projects.js';
import { listTasks } from '../actitime/resources/tasks.js';
import { listTimetrack } from '../actitime/resources/timetrack.js';
import { capUntrusted } from '../domain/sanitize.js';
import {
  NOT_APPLIED_TEXT,
  questionText,
  REFUSAL_TEXT,
  summaryText,
  type ConfirmRefusal,
  type Impact,
  type NotApplied,
} from './confirm-text.js';
import type { ToolContext } from './context.js';
import { stable } from './confirm-tokens.js';

export type { Impact } from './confirm-text.js';

export interface Assessment {
  impact: Impact;
  /** A hash of the affected objects' state; a token applies only while it is unchanged. */
  fingerprint: string;
}

/** The result of a call that changed nothing; the tool returns it as is. */
export interface PendingResult {
  [key: string]: unknown;
  status: NotApplied;
  reason?: ConfirmRefusal;
  message: string;
  impact: Impact;
  planToken?: string;
}

export type ConfirmStep =
  { proceed: true; assessment?: Assessment } | { proceed: false; result: PendingResult };

/** `destructive`: confirmed unless the policy is `never`; `write`: only under `writes`. */
export type ChangeLevel = 'destructive' | 'write';

/** The optional `confirm` argument every confirmable tool takes. */
export const confirmInput = z.string().optional().describe(ARG.confirm);

/**
 * The output-schema fields of a confirmable tool; extra keys (reason, message) pass because output schemas are
 * loose. Only `status` is spelled out, to keep tools/list small: planToken and impact are in the text.
 */
export const confirmOutput = {
  status: z.string().optional(),
  planToken: z.string().optional(),
  impact: z.looseObject({}).optional(),
};

/** A short stable hash of any JSON value (keys sorted). */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(stable(value)).digest('base64url').slice(0, 22);
}

/** Whether the configured policy confirms a change of this level at all. */
export function needsConfirmation(ctx: Pick<ToolContext, 'config'>, level: ChangeLevel): boolean {
  const policy = ctx.config.confirm ?? 'destructive';
  if (policy === 'never') return false;
  return level === 'destructive' || policy === 'writes';
}

/**
 * The gate. `assess` reads the impact and fingerprint; it is called once, or twice when a token is redeemed or
 * the user accepted (to compare the state now with what was shown). Under a policy that does not confirm this
 * level, `assess` is not called and the step proceeds.
 */
export async function confirmStep(
  ctx: ToolContext,
  tool: string,
  args: Record<string, unknown>,
  level: ChangeLevel,
  assess: () => Promise<Assessment>,
): Promise<ConfirmStep> {
  if (!needsConfirmation(ctx, level)) return { proceed: true };
  const token = typeof args.confirm === 'string' ? args.confirm : undefined;

  if (token !== undefined) {
    const redeemed = ctx.tokens.redeem(token.trim(), tool, args);
    const now = await assess();
    if (redeemed.ok && redeemed.fingerprint === now.fingerprint) return { proceed: true, assessment: now };
    const reason: ConfirmRefusal = redeemed.ok ? 'changed' : redeemed.reason;
    return { proceed: false, result: pending(ctx, tool, args, now, 'confirmation_required', reason) };
  }

  const first = await assess();
  const answer = await ctx.askUser(capUntrusted(questionText(summaryText(first.impact)), 500));
  if (answer === 'accept') {
    // The user agreed to what they were shown: apply only if that is still what the change does.
    const now = await assess();
    if (now.fingerprint === first.fingerprint) return { proceed: true, assessment: now };
    return { proceed: false, result: pending(ctx, tool, args, now, 'confirmation_required', 'changed') };
  }
  if (answer === 'unsupported') {
    return { proceed: false, result: pending(ctx, tool, args, first, 'confirmation_required') };
  }
  const status: NotApplied =
    answer === 'decline' ? 'declined' : answer === 'cancel' ? 'cancelled' : 'no_answer';
  // No token here: the user was asked and did not say yes, so the assistant gets no way around them.
  return { proceed: false, result: pending(ctx, tool, args, first, status) };
}

function pending(
  ctx: ToolContext,
  tool: string,
  args: Record<string, unknown>,
  assessment: Assessment,
  status: NotApplied,
  reason?: ConfirmRefusal,
): PendingResult {
  const withToken = status === 'confirmation_required';
  const message =
    reason === undefined ? NOT_APPLIED_TEXT[status] : `${REFUSAL_TEXT[reason]} ${NOT_APPLIED_TEXT[status]}`;
  return {
    status,
    ...(reason === undefined ? {} : { reason }),
    message,
    impact: assessment.impact,
    ...(withToken ? { planToken: ctx.tokens.issue(tool, args, assessment.fingerprint) } : {}),
  };
}

// ---- impact readers ------------------------------------------------------------------------------------------

/** The earliest day searched for logged time: all of it, in one or a few date-paged answers. */
const EPOCH_DAY = '1990-01-01';
/** Pages of GET /timetrack read at most for one impact (each up to ~1000 records). */
const MAX_TIME_PAGES = 3;

export interface LoggedTime {
  minutes: number;
  approvedWeeks: number;
  /** Per user-day-task minutes, for the fingerprint. */
  cells: Array<[number, string, number, number]>;
  capped: boolean;
}

/** Logged time on the tasks of a customer, a project or a task (what the caller can see), cheaply. */
export async function loggedTime(
  ctx: Pick<ToolContext, 'client' | 'signal' | 'settings'>,
  scope: { customerIds?: number[]; projectIds?: number[]; taskIds?: number[] },
): Promise<LoggedTime> {
  const weekStart = (await ctx.settings()).format?.dayOfWeekStart ?? 1;
  const cells: LoggedTime['cells'] = [];
  const weeks = new Set<string>();
  let minutes = 0;
  let from: string | null = EPOCH_DAY;
  let pages = 0;
  while (from !== null && pages < MAX_TIME_PAGES) {
    const page = await listTimetrack(ctx.client, { dateFrom: from, ...scope }, { signal: ctx.signal });
    pages++;
    for (const day of page.data) {
      for (const r of day.records) {
        minutes += r.time;
        cells.push([day.userId, day.date, r.taskId, r.time]);
      }
      if (day.approved && day.records.some((r) => r.time > 0)) {
        weeks.add(`${day.userId}|${weekOf(day.date, weekStart)}`);
      }
    }
    from = page.nextDateFrom && page.nextDateFrom > from ? page.nextDateFrom : null;
  }
  return { minutes, approvedWeeks: weeks.size, cells, capped: from !== null };
}

/** The first day of the company week holding `date` (YYYY-MM-DD). */
function weekOf(date: string, weekStart: number): string {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(t)) return date;
  const back = (new Date(t).getUTCDay() - weekStart + 7) % 7;
  return new Date(t - back * 86_400_000).toISOString().slice(0, 10);
}

/** Impact and fingerprint of deleting a customer, project or task (with everything below it). */
export async function workItemDeleteImpact(
  ctx: Pick<ToolContext, 'client' | 'signal' | 'settings'>,
  item: { kind: 'customer' | 'project' | 'task'; id: number; name: string; path: string },
): Promise<Assessment> {
  const { maxQueryLimit } = (await ctx.settings()).limits;
  const cap = Math.min(1000, maxQueryLimit);
  const opts = { signal: ctx.signal };
  const impact: Impact = { action: `Delete ${item.kind}`, path: item.path };
  let projectIds: number[] = [];
  let taskIds: number[] = [item.id];
  let capped = false;
  const scope =
    item.kind === 'customer'
      ? { customerIds: [item.id] }
      : item.kind === 'project'
        ? { projectIds: [item.id] }
        : { taskIds: [item.id] };
  const [projects, tasks, time] = await Promise.all([
    item.kind === 'customer'
      ? listProjects(ctx.client, { customerIds: [item.id], limit: cap }, opts)
      : undefined,
    item.kind === 'task' ? undefined : listTasks(ctx.client, { ...scope, limit: cap }, opts),
    loggedTime(ctx, scope),
  ]);
  if (projects) {
    projectIds = projects.items.map((p) => p.id);
    impact.projects = projectIds.length;
    capped ||= projectIds.length >= cap;
  }
  if (tasks) {
    taskIds = tasks.items.map((t) => t.id);
    impact.tasks = taskIds.length;
    capped ||= taskIds.length >= cap;
  }
  impact.minutes = time.minutes;
  impact.approvedWeeks = time.approvedWeeks;
  if (capped || time.capped) impact.countsAreMinimums = true;
  const fingerprint = fingerprintOf({
    item,
    projectIds: [...projectIds].sort((a, b) => a - b),
    taskIds: [...taskIds].sort((a, b) => a - b),
    cells: time.cells,
  });
  return { impact, fingerprint };
}

/** Impact of a write whose effect is fully given by its arguments (what will be created or changed). */
export function writeImpact(
  action: string,
  changes: Record<string, unknown>,
  state: unknown = null,
): Assessment {
  const impact: Impact = { action, changes };
  return { impact, fingerprint: fingerprintOf({ changes, state }) };
}

/**
 * The confirmation of a plain write (create, update), asked only under ACTITIME_CONFIRM=writes: the impact is
 * what the arguments will create or change. Returns the result to hand back when the write must not happen now,
 * undefined when it may. One line in a handler: `const held = await confirmWrite(…); if (held) return held;`.
 */
export async function confirmWrite(
  ctx: ToolContext,
  tool: string,
  args: Record<string, unknown>,
  action: string,
  path?: string,
): Promise<PendingResult | undefined> {
  const { confirm: _confirm, ...changes } = args;
  const assessment = writeImpact(action, changes);
  if (path !== undefined) assessment.impact.path = path;
  const step = await confirmStep(ctx, tool, args, 'write', () => Promise.resolve(assessment));
  return step.proceed ? undefined : step.result;
}

/** The output fields of a write tool that may be held for confirmation (only `status` is declared; loose). */
export const heldOutput = { status: z.string().optional() };
