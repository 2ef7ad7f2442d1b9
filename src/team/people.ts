/**
 * Each person as themselves (`--http --auth actitime`, docs/team-server.md): every MCP request carries that
 * person's actiTIME credentials (`Authorization: Basic …`), and their calls run with an ActitimeClient of their
 * own, so actiTIME applies their permissions, their timesheet and their account's rate budget.
 *
 * - A credential is proven once, by GET /users/me through the login guard (login-guard.ts), and remembered
 *   only as an HMAC with a per-process random key, for `proofTtlMs`; then it is proven again.
 * - A credential actiTIME refused (401) is refused here for `refusalTtlMs` without asking actiTIME: retries
 *   and reconnects of a misconfigured client cost no failed sign-ins.
 * - The password lives only in the person's client, in memory, while they are active; it is dropped (and no
 *   longer needed for redaction) once they have been idle for `idleMs`. Nothing is written to disk or logged.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ActitimeClient } from '../actitime/client.js';
import { resolveClientConfig, type ResolvedClientConfig } from '../actitime/config.js';
import { ActitimeApiError, ActitimeError } from '../actitime/errors.js';
import type { LoginGuard } from '../actitime/login-guard.js';
import { getMe } from '../actitime/resources/users.js';
import type { SharedBudget } from '../actitime/shared-budget.js';
import type { Logger } from '../logger.js';
import { PEOPLE_TEXT } from './people-text.js';

export interface Person {
  /** Stable per account: what sessions and confirmation tokens are keyed by. */
  id: string;
  username: string;
  client: ActitimeClient;
  lastUsed: number;
}

export interface PersonPrincipal {
  id: string;
  person: Person;
}

export type PersonDecision =
  | { ok: true; principal: PersonPrincipal }
  | { ok: false; status: number; code: number; message: string; headers?: Record<string, string> };

export interface PeopleOptions {
  /** The server's client configuration: URL, limits, timeouts (its own credentials are not used). */
  base: ResolvedClientConfig;
  logger: Logger;
  guard: LoginGuard;
  /** The budget an account shares with other replicas (Redis), made when the person's client is. */
  sharedBudget?: (url: string, username: string) => SharedBudget;
  proofTtlMs?: number;
  refusalTtlMs?: number;
  idleMs?: number;
  now?: () => number;
}

export const PROOF_TTL_MS = 10 * 60_000;
export const REFUSAL_TTL_MS = 5 * 60_000;
export const PERSON_IDLE_MS = 15 * 60_000;
/** A sign-in that takes longer than this is given up (the guard's slot is freed: it was no refusal). */
const SIGN_IN_TIMEOUT_MS = 15_000;

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]{1,4096}={0,2})[ \t]*$/i;

export class People {
  private readonly salt = randomBytes(32);
  private readonly proven = new Map<string, { personId: string; until: number }>();
  private readonly refused = new Map<string, number>();
  private readonly persons = new Map<string, Person>();
  /** Sign-ins under way, by credential: concurrent requests of one person share one proof. */
  private readonly proving = new Map<string, Promise<PersonDecision>>();
  private readonly now: () => number;
  private readonly proofTtlMs: number;
  private readonly refusalTtlMs: number;
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: PeopleOptions) {
    this.now = opts.now ?? Date.now;
    this.proofTtlMs = opts.proofTtlMs ?? PROOF_TTL_MS;
    this.refusalTtlMs = opts.refusalTtlMs ?? REFUSAL_TTL_MS;
    this.idleMs = opts.idleMs ?? PERSON_IDLE_MS;
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.idleMs / 2));
    this.sweeper.unref();
  }

  /** People with a client right now (diagnostics, tests). */
  get active(): number {
    return this.persons.size;
  }

  async authenticate(req: IncomingMessage): Promise<PersonDecision> {
    if (this.closed) return refusal(503, -32000, PEOPLE_TEXT.shuttingDown);
    const header = req.headers.authorization ?? '';
    const m = BASIC.exec(header);
    const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 1 || colon === decoded.length - 1) return unauthorized(PEOPLE_TEXT.sendCredentials);
    const key = createHmac('sha256', this.salt).update(m![1]!).digest('base64url');
    const t = this.now();

    const refusedUntil = this.refused.get(key);
    if (refusedUntil !== undefined && refusedUntil > t) return unauthorized(PEOPLE_TEXT.refusedRecently);
    const proof = this.proven.get(key);
    const known = proof ? this.persons.get(proof.personId) : undefined;
    if (proof && known && proof.until > t) {
      known.lastUsed = t;
      return { ok: true, principal: { id: known.id, person: known } };
    }
    let pending = this.proving.get(key);
    if (!pending) {
      pending = this.prove(key, decoded.slice(0, colon), decoded.slice(colon + 1)).finally(() =>
        this.proving.delete(key),
      );
      this.proving.set(key, pending);
    }
    return pending;
  }

  private async prove(key: string, username: string, password: string): Promise<PersonDecision> {
    const grant = await this.opts.guard.acquire();
    if (!grant.ok) {
      const seconds = Math.max(1, Math.ceil(grant.retryAfterMs / 1000));
      this.opts.logger.warn(`team server: a sign-in waits for the login guard (retry in ${seconds} s)`);
      return refusal(503, -32000, PEOPLE_TEXT.signInsPaused(seconds), { 'Retry-After': String(seconds) });
    }
    const id = personId(this.opts.base.baseUrl, username);
    const existing = this.persons.get(id);
    // The same account with another password (changed, or mistyped): a client of its own until proven.
    const reuse = existing && existing.client.config.password === password ? existing : undefined;
    let client: ActitimeClient;
    try {
      client =
        reuse?.client ??
        new ActitimeClient(resolveClientConfig({ ...this.opts.base, username, password }), {
          logger: this.opts.logger,
          ...(this.opts.sharedBudget
            ? { sharedBudget: this.opts.sharedBudget(this.opts.base.baseUrl, username) }
            : {}),
        });
    } catch {
      grant.slot.release();
      return unauthorized(PEOPLE_TEXT.sendCredentials);
    }
    try {
      await getMe(client, { signal: AbortSignal.timeout(SIGN_IN_TIMEOUT_MS) });
    } catch (err) {
      if (err instanceof ActitimeApiError && err.status === 401) {
        grant.slot.failed();
        this.refused.set(key, this.now() + this.refusalTtlMs);
        this.opts.logger.warn(`team server: actiTIME refused a sign-in (${err.key ?? 'HTTP 401'})`);
        if (!reuse) await client.close();
        else this.drop(reuse);
        return unauthorized(PEOPLE_TEXT.refused);
      }
      grant.slot.release();
      if (!reuse) await client.close();
      if (err instanceof ActitimeApiError && err.status === 403 && err.key?.endsWith('ip_banned')) {
        this.opts.guard.noteBan(60_000);
        return refusal(503, -32000, PEOPLE_TEXT.banned, { 'Retry-After': '60' });
      }
      const what = err instanceof ActitimeError ? err.message : String(err);
      this.opts.logger.warn(`team server: a sign-in could not be checked: ${what}`);
      return refusal(502, -32000, PEOPLE_TEXT.unreachable, { 'Retry-After': '5' });
    }
    grant.slot.release();
    const t = this.now();
    let person = reuse;
    if (!person) {
      if (existing) this.drop(existing);
      person = { id, username, client, lastUsed: t };
      this.persons.set(id, person);
    }
    person.lastUsed = t;
    this.proven.set(key, { personId: id, until: t + this.proofTtlMs });
    this.refused.delete(key);
    return { ok: true, principal: { id: person.id, person } };
  }

  private drop(person: Person): void {
    if (this.persons.get(person.id) === person) this.persons.delete(person.id);
    for (const [key, proof] of this.proven) if (proof.personId === person.id) this.proven.delete(key);
    void person.client.close();
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, until] of this.refused) if (until <= t) this.refused.delete(key);
    for (const [key, proof] of this.proven) if (proof.until <= t) this.proven.delete(key);
    for (const person of [...this.persons.values()]) {
      if (person.lastUsed + this.idleMs <= t) this.drop(person);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const clients = [...this.persons.values()].map((p) => p.client.close());
    this.persons.clear();
    this.proven.clear();
    this.refused.clear();
    await Promise.allSettled(clients);
  }
}

/** Stable across replicas for one account, without naming it (it reaches logs and sessions). */
export function personId(url: string, username: string): string {
  return 'person:' + createHmac('sha256', url).update(username.toLowerCase()).digest('hex').slice(0, 24);
}

function refusal(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): PersonDecision {
  return { ok: false, status, code, message, headers };
}

function unauthorized(message: string): PersonDecision {
  return refusal(401, -32001, message, { 'WWW-Authenticate': 'Basic realm="actitime-mcp", charset="UTF-8"' });
}
