/**
 * Basic authentication (docs/actitime-model.md §1.2) and the IP ban after failed logins (docs/actitime-model.md §1.12). The checks run in actiTIME's order:
 * ban, scheme, credentials; only 401 `authentication_failed` answers count towards a ban.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Store, StoreUser } from './store.js';
import { SimError, type SimulatorLimits } from './types.js';

export type AuthResult = { ok: true; user: StoreUser } | { ok: false; error: SimError };

/** Parses the Authorization header and checks it against the store. Does not touch the ban. */
export function authenticate(header: string | undefined, store: Store): AuthResult {
  if (header === undefined || header.trim() === '') return fail(401, 'authentication_failed');
  const match = /^\s*(\S+)(?:\s+(.*))?$/.exec(header);
  const scheme = match?.[1] ?? '';
  if (scheme.toLowerCase() !== 'basic') return fail(400, 'invalid_auth_scheme');

  const token = (match?.[2] ?? '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return fail(401, 'authentication_failed');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return fail(401, 'authentication_failed');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);

  const user = store.findLoginUser(username);
  // An invited user who never set a password has no credentials that could be valid.
  if (!user || user.password === null || !samePassword(user.password, password)) {
    return fail(401, 'authentication_failed');
  }
  if (!store.canAuthorize(user)) return fail(401, 'user_cannot_be_authorized');
  return { ok: true, user };
}

function fail(status: number, key: string): AuthResult {
  return { ok: false, error: new SimError(status, key) };
}

function samePassword(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** Failed logins per client IP; `banFailures` of them within `banWindowMs` ban the IP for `banDurationMs`. */
export class IpBan {
  private readonly failures = new Map<string, number[]>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(
    private readonly limits: SimulatorLimits,
    private readonly now: () => number,
  ) {}

  isBanned(ip: string): boolean {
    const until = this.bannedUntil.get(ip);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.bannedUntil.delete(ip);
    return false;
  }

  /** Counts one 401 `authentication_failed` answer to `ip`. */
  recordFailure(ip: string): void {
    const t = this.now();
    const recent = (this.failures.get(ip) ?? []).filter((at) => t - at < this.limits.banWindowMs);
    recent.push(t);
    if (recent.length >= this.limits.banFailures) {
      this.bannedUntil.set(ip, t + this.limits.banDurationMs);
      this.failures.delete(ip);
    } else {
      this.failures.set(ip, recent);
    }
  }

  reset(): void {
    this.failures.clear();
    this.bannedUntil.clear();
  }
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function clientIp(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
