/**
 * Tokens that stand for "the user has seen this impact": issued with a `confirmation_required` (or a plan) and
 * redeemed by calling the same tool again with `confirm: <token>`. A token is bound to the tool, its canonical
 * arguments (without `confirm`) and a fingerprint of the affected objects' state; it is single use and
 * expires after 10 minutes (issue 10). Random, so it cannot be guessed or built by the assistant.
 */
import { randomBytes } from 'node:crypto';

export const CONFIRM_TTL_MS = 10 * 60_000;

interface Grant {
  tool: string;
  args: string;
  fingerprint: string;
  payload: unknown;
  expiresAt: number;
}

export type TokenRefusal = 'unknown' | 'expired' | 'used' | 'other_call';

export type Redeemed<P> = { ok: true; fingerprint: string; payload: P } | { ok: false; reason: TokenRefusal };

/** JSON with object keys sorted at every depth and `confirm`/`dryRun` dropped at the top: what a call means. */
export function canonicalArgs(args: Record<string, unknown>): string {
  const { confirm: _confirm, dryRun: _dryRun, ...rest } = args;
  return stable(rest);
}

/** JSON with object keys sorted at every depth: equal values give equal text. */
export function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stable(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export class ConfirmTokens {
  private readonly grants = new Map<string, Grant>();
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = CONFIRM_TTL_MS,
  ) {}

  issue(tool: string, args: Record<string, unknown>, fingerprint: string, payload?: unknown): string {
    this.sweep();
    const token = `ct_${randomBytes(18).toString('base64url')}`;
    this.grants.set(token, {
      tool,
      args: canonicalArgs(args),
      fingerprint,
      payload,
      expiresAt: this.now() + this.ttlMs,
    });
    return token;
  }

  /**
   * Consumes the token whatever the outcome of the call it confirms: a token never applies twice. A call with
   * other arguments leaves it unspent: it applied nothing, and the right call may still follow.
   */
  redeem<P = unknown>(token: string, tool: string, args: Record<string, unknown>): Redeemed<P> {
    const grant = this.grants.get(token);
    if (!grant) return { ok: false, reason: this.spent.has(token) ? 'used' : 'unknown' };
    const expired = this.now() > grant.expiresAt;
    if (!expired && (grant.tool !== tool || grant.args !== canonicalArgs(args)))
      return { ok: false, reason: 'other_call' };
    this.grants.delete(token);
    this.spent.set(token, grant.expiresAt);
    if (expired) return { ok: false, reason: 'expired' };
    return { ok: true, fingerprint: grant.fingerprint, payload: grant.payload as P };
  }

  private sweep(): void {
    const now = this.now();
    for (const [t, g] of this.grants) if (now > g.expiresAt + this.ttlMs) this.grants.delete(t);
    for (const [t, at] of this.spent) if (now > at + this.ttlMs) this.spent.delete(t);
  }
}
