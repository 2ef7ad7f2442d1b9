/**
 * Plan → apply and confirmation for log_time and log_leave_time (issue 10): the tokens, the question put to the
 * user, and every sentence of it in one place. Planning and applying are the domain's (src/domain/plan.ts).
 */
import type { ConfirmPolicy } from '../config.js';
import { formatMinutes } from '../domain/duration.js';
import { ToolError } from '../domain/errors.js';
import type { EntryProblem } from '../domain/write-outcome.js';
import type { TokenRefusal } from './confirm-tokens.js';
import type { ToolContext, UserAnswer } from './context.js';

/** Whether a call must be confirmed: under `writes` every call that writes; under `destructive` a lowering. */
export function needsConfirmation(policy: ConfirmPolicy, writes: boolean, lowers: boolean): boolean {
  if (policy === 'never' || !writes) return false;
  return policy === 'writes' || lowers;
}

const REFUSED: Record<TokenRefusal, string> = {
  unknown: 'this confirm token is unknown (tokens last for one MCP session)',
  expired: 'this confirm token has expired (tokens last 10 minutes)',
  used: 'this confirm token was already used; a token applies once',
  other_call: 'this confirm token was issued for other arguments',
};

/** Redeems a plan token for this call, or throws: nothing is written for a refused token. */
export function redeemPlan<P>(ctx: ToolContext, tool: string, args: Record<string, unknown>): P {
  if (args.dryRun === true)
    throw new ToolError('validation', 'dryRun and confirm exclude each other', {
      field: 'confirm',
      hint: 'send confirm without dryRun to apply the plan',
    });
  const r = ctx.tokens.redeem<P>(String(args.confirm), tool, args);
  if (r.ok) return r.payload;
  throw new ToolError('conflict', `nothing was written: ${REFUSED[r.reason]}`, {
    field: 'confirm',
    hint:
      r.reason === 'other_call'
        ? 'send the arguments of the call that returned this planToken, unchanged, with confirm; the token still stands'
        : 'call again with dryRun: true (same arguments) for a new plan and planToken',
  });
}

/** Issues the token that applies exactly `stored` when the same arguments come back with `confirm`. */
export function issuePlan(
  ctx: ToolContext,
  tool: string,
  args: Record<string, unknown>,
  stored: { cells: unknown },
): string {
  return ctx.tokens.issue(tool, args, JSON.stringify(stored.cells), stored);
}

export const CONFIRM_REQUIRED_NOTE =
  'nothing was written: this lowers or clears logged time, or the server asks to confirm every write. Show the ' +
  'user the plan; if they agree, call again with the same arguments and confirm: planToken';

const NOT_CONFIRMED: Record<Exclude<UserAnswer, 'accept' | 'unsupported'>, string> = {
  decline: 'nothing was written: the user declined the change',
  cancel: 'nothing was written: the user cancelled the confirmation',
  no_answer: 'nothing was written: the confirmation got no answer',
};

/** The result fields when the user did not accept (or could not be asked). */
export function unconfirmed(
  answer: Exclude<UserAnswer, 'accept'>,
  token: () => string,
): { status: string; note: string; planToken?: string } {
  if (answer === 'unsupported')
    return { status: 'confirmation_required', planToken: token(), note: CONFIRM_REQUIRED_NOTE };
  return {
    status: answer === 'decline' ? 'declined' : answer === 'cancel' ? 'cancelled' : 'no_answer',
    note: NOT_CONFIRMED[answer],
  };
}

/** The question put to the user: one line per cell change, longest lists cut. */
export function confirmQuestion(
  what: string,
  lines: ReadonlyArray<{ label: string; before: number; after: number }>,
): string {
  const shown = lines
    .slice(0, 10)
    .map((l) => `- ${l.label}: ${formatMinutes(l.before)} → ${formatMinutes(l.after)}`);
  if (lines.length > 10) shown.push(`- and ${lines.length - 10} more`);
  return `${what}:\n${shown.join('\n')}\nApply these changes?`;
}

export const TIME_QUESTION = 'Change logged time';
export const LEAVE_QUESTION = 'Change leave time';

/** The problem shown for a cell a plan found changed since: nothing was written to it. */
export function planConflict(current: number, expected: number): EntryProblem {
  return {
    kind: 'conflict',
    message: `not written: the cell holds ${current} minutes now, the plan expected ${expected}; it changed since the plan`,
    hint: 'plan again (dryRun: true) to see the current state',
  };
}
