/**
 * The sentences of the confirmation step (confirm.ts): what the user is asked, and why nothing was changed.
 * Our own templates; object names inside them come from actiTIME and are capped by the caller.
 */
import type { TokenRefusal } from './confirm-tokens.js';

/** Why a call was not applied. */
export type NotApplied = 'declined' | 'cancelled' | 'no_answer' | 'confirmation_required';

/** Why a `confirm` token did not apply, beyond the token store's own reasons. */
export type ConfirmRefusal = TokenRefusal | 'changed';

export const NOT_APPLIED_TEXT: Record<NotApplied, string> = {
  declined: 'The user declined; nothing was changed.',
  cancelled: 'The user cancelled the question; nothing was changed.',
  no_answer: 'No answer came from the user in time; nothing was changed. Ask again later.',
  confirmation_required:
    'Nothing was changed yet. Show the user the impact; if they agree, call again with the same ' +
    'arguments and confirm = planToken.',
};

export const REFUSAL_TEXT: Record<ConfirmRefusal, string> = {
  unknown: 'The confirm token is not one this server issued in this session; nothing was changed.',
  expired: 'The confirm token expired (tokens last 10 minutes); nothing was changed.',
  used: 'The confirm token was already used (each token applies once); nothing was changed.',
  other_call: 'The confirm token was issued for a different call; nothing was changed.',
  changed: 'The affected objects changed since the token was issued; nothing was changed.',
};

/** The question put to the user through elicitation. */
export function questionText(summary: string): string {
  return `${summary}. Apply this change?`;
}

/** What a change affects, as shown to the user and returned with every non-applied result. */
export interface Impact {
  [key: string]: unknown;
  /** "Delete project", "Create customer"… */
  action: string;
  /** The object's path, e.g. "Big Bang Company / Spaceship building". */
  path?: string;
  /** Child projects and tasks that go with it. */
  projects?: number;
  tasks?: number;
  /** Minutes of logged time that go with it (the time the caller can see). */
  minutes?: number;
  /** User-weeks whose approval a delete would revoke. */
  approvedWeeks?: number;
  /** Set when a count was capped: the real numbers are at least these. */
  countsAreMinimums?: boolean;
  /** For writes: what will be created or changed. */
  changes?: Record<string, unknown>;
}

/** One line on what a change affects, e.g. "Delete project X: 3 tasks, 600 min logged time, 1 approved week". */
export function summaryText(impact: Impact): string {
  const head = impact.path === undefined ? impact.action : `${impact.action} "${impact.path}"`;
  const at = impact.countsAreMinimums ? 'at least ' : '';
  const parts: string[] = [];
  if (impact.projects !== undefined) parts.push(`${at}${plural(impact.projects, 'project')}`);
  if (impact.tasks !== undefined) parts.push(`${at}${plural(impact.tasks, 'task')}`);
  if (impact.minutes !== undefined) parts.push(`${at}${hours(impact.minutes)} of logged time`);
  if (impact.approvedWeeks) parts.push(`${plural(impact.approvedWeeks, 'approved user-week')} affected`);
  if (impact.changes !== undefined) parts.push(JSON.stringify(impact.changes).slice(0, 300));
  return parts.length === 0 ? head : `${head}: ${parts.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function hours(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A delete that actiTIME would refuse for its approved time is refused before the user is asked. */
export const APPROVED_TIME_TEXT = {
  message: (weeks: number) =>
    `it holds approved time (${weeks} user-week${weeks === 1 ? '' : 's'}); nothing was deleted and nobody was asked`,
  hint: 'ask the user whether those approvals may be revoked; if so, call again with revokeApprovedWeeks: true',
};
