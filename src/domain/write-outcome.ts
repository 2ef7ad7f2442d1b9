/**
 * What a write's outcome means for its entry or cell (shared by log_time, log_leave_time and plan apply).
 */
import { ActitimeApiError, ActitimeError } from '../actitime/errors.js';
import type { BatchOutcome } from '../actitime/resources/batch.js';

/**
 * The one status vocabulary of every per-entry (or per-day) write result. planned: a dry run or confirmation
 * shows it; applied: written; skipped: nothing to write (e.g. a weekend in a leave range); refused: actiTIME or
 * our pre-check said no; not_applied: never reached actiTIME, safe to resend; conflict: someone else changed the
 * value meanwhile (with `expected`: since it was planned, so not written; an add race: written, both kept);
 * maybe_applied: the answer was lost, re-read before retrying.
 */
export const ENTRY_STATUSES = [
  'planned',
  'applied',
  'skipped',
  'refused',
  'not_applied',
  'conflict',
  'maybe_applied',
] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** Statuses that wrote nothing for their entry (a conflict only when it carries the plan's `expected`). */
export const UNWRITTEN: ReadonlySet<EntryStatus> = new Set(['skipped', 'refused', 'not_applied', 'conflict']);

/**
 * Why an entry was not (fully) applied, in the same shape as a tool error. `key` is only ever actiTIME's own;
 * a refusal by our pre-check has `kind: 'precheck'` and `reason`, the actiTIME key it anticipates.
 */
export type EntryProblem = {
  status?: number;
  key?: string;
  kind?: string;
  reason?: string;
  message: string;
  hint?: string;
  maybeApplied?: true;
};

/** A refusal by the pre-check: actiTIME was not asked. */
export function precheckProblem(reason: string, message: string, hint: string): EntryProblem {
  return { kind: 'precheck', reason, message, hint };
}

export type Failure = { status: 'refused' | 'not_applied' | 'maybe_applied'; error: EntryProblem };

const SAFE_TO_RESEND = 'nothing was written for this entry; it is safe to send it again';

/**
 * What a failed write means for its entry: maybe applied (ambiguous), refused (actiTIME said no), or not applied
 * (it never reached actiTIME, or actiTIME turned it away with 429 before doing anything).
 */
export function failureOf(describe: (err: unknown) => EntryProblem, err: unknown): Failure {
  const problem = describe(err);
  if (err instanceof ActitimeError && err.maybeApplied) {
    return {
      status: 'maybe_applied',
      error: { ...problem, maybeApplied: true, hint: 're-read the cell before retrying' },
    };
  }
  if (err instanceof ActitimeApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
    return { status: 'refused', error: problem };
  }
  return { status: 'not_applied', error: { ...problem, hint: SAFE_TO_RESEND } };
}

/**
 * One batch operation's outcome: `{status: 'applied', body}` or a Failure. A sub-operation's 5xx on a delta may
 * have been applied before it failed; a set is safe to repeat, so it is plainly not applied.
 */
export function batchOutcomeOf(
  describe: (err: unknown) => EntryProblem,
  outcome: BatchOutcome | undefined,
  isDelta: boolean,
): { status: 'applied'; body: unknown } | Failure {
  if (!outcome) return failureOf(describe, undefined);
  if (outcome.skipped) {
    return {
      status: 'not_applied',
      error: { message: 'not sent: an earlier part of the batch failed', hint: SAFE_TO_RESEND },
    };
  }
  if (outcome.status >= 200 && outcome.status < 300) return { status: 'applied', body: outcome.body };
  const err = outcome.error;
  if (outcome.status >= 500 && isDelta && err && !err.maybeApplied) err.maybeApplied = true;
  return failureOf(describe, err);
}
