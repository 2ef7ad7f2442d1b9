/**
 * What a tool handler gets besides its arguments: the actiTIME client, the configuration, a logger, the
 * call's cancellation signal, progress reporting, and a few per-session lookups most tools need.
 */
import type { ActitimeClient } from '../actitime/client.js';
import { getInfo } from '../actitime/resources/info.js';
import { getTimeZoneGroup, listTimeZoneGroups } from '../actitime/resources/reference.js';
import { getMeCached } from '../actitime/resources/users.js';
import type { Info, TimeZoneGroup, User } from '../actitime/schemas.js';
import { raceAbort } from '../actitime/signals.js';
import type { ServerConfig } from '../config.js';
import type { Journal, JournalKey } from '../journal/store.js';
import type { Logger } from '../logger.js';
import { ConfirmTokens } from './confirm-tokens.js';

export interface ToolContext {
  client: ActitimeClient;
  config: ServerConfig;
  logger: Logger;
  /** Aborted when the MCP client cancels the call or the server shuts down; pass it to every request. */
  signal: AbortSignal;
  /** Reports progress to the client; a no-op when the client sent no progressToken. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** The authenticated user (GET /users/me), cached for the session. */
  me(): Promise<User>;
  /** System settings (GET /info), cached for the session. */
  settings(): Promise<Info>;
  /**
   * How the authenticated user counts days: the IANA zone of their time-zone group, the company's first day of
   * the week (0 = Sunday … 6) and the present moment. Spread it into parsePeriod / resolveDate options.
   */
  calendar(): Promise<Calendar>;
  /**
   * The company's IANA zone (the default time-zone group's), in which epoch-ms dates are read
   * (docs/actitime-model.md §1.5); undefined when the server does not say.
   */
  companyZone(): Promise<string | undefined>;
  /** The present moment (epoch ms): the server's clock, which tests pin to the simulator's. */
  now(): number;
  /**
   * Asks the person at the MCP client a yes/no question (elicitation, form mode). `unsupported` when the client
   * did not declare elicitation; `no_answer` when none came in time or the request failed. Only `accept`
   * means yes.
   */
  askUser(message: string): Promise<UserAnswer>;
  /** Confirmation and plan tokens of this MCP session (confirm-tokens.ts). */
  tokens: ConfirmTokens;
  /** The undo journal and whose changes it holds; undefined when ACTITIME_JOURNAL=off. */
  journal?: { store: Journal; key: JournalKey };
  /** Hands the journal what a write's result does not show (e.g. the previous fields); a no-op without one. */
  noteForJournal(note: Record<string, unknown>): void;
}

export type UserAnswer = 'accept' | 'decline' | 'cancel' | 'no_answer' | 'unsupported';

export interface Calendar {
  timeZone: string;
  weekStart: number;
  /** Epoch ms at the time calendar() was called. */
  now: number;
}

/** Everything buildServer needs; one per server (per MCP session). */
export interface ServerContext {
  client: ActitimeClient;
  config: ServerConfig;
  logger: Logger;
  /** Clock for "today", "last week"…; default Date.now. */
  now?: () => number;
  /** The undo journal instead of the one ACTITIME_JOURNAL names (tests); null = none. */
  journal?: { store: Journal; key: JournalKey } | null;
}

/** The parts of the SDK's RequestHandlerExtra a tool context is built from. */
export interface CallExtra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number } & Record<string, unknown>;
  sendNotification(notification: {
    method: 'notifications/progress';
    params: { progressToken: string | number; progress: number; total?: number; message?: string };
  }): Promise<void>;
  /** The server's elicitation for this call (server.ts); absent = the client cannot be asked. */
  askUser?: (message: string) => Promise<UserAnswer>;
  /** The session's token store; a fresh one when absent (tests that build a context by hand). */
  tokens?: ConfirmTokens;
  /** The server's journal (server.ts); absent = none. */
  journal?: { store: Journal; key: JournalKey };
  /** Collects the call's notes for the journal (server.ts). */
  noteForJournal?: (note: Record<string, unknown>) => void;
}

/** How long session lookups (me, settings, calendar) are trusted before being read again. */
const SESSION_TTL_MS = 5 * 60_000;

/** Per-server memo of the lookups every tool shares; failures are not remembered. */
export class SessionLookups {
  private readonly memo = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly client: ActitimeClient,
    private readonly now: () => number = Date.now,
  ) {}

  me(signal: AbortSignal): Promise<User> {
    return raceAbort(
      this.shared('me', () => getMeCached(this.client)),
      signal,
    );
  }

  settings(signal: AbortSignal): Promise<Info> {
    return raceAbort(
      this.shared('settings', () => getInfo(this.client)),
      signal,
    );
  }

  calendar(signal: AbortSignal): Promise<Omit<Calendar, 'now'>> {
    return raceAbort(
      this.shared('calendar', async () => {
        // One round trip: the user, the settings and the (short, cached) list of time-zone groups together.
        const [me, info, groups] = await Promise.all([
          this.shared('me', () => getMeCached(this.client)),
          this.shared('settings', () => getInfo(this.client)),
          this.timeZoneGroups(),
        ]);
        const group = await this.timeZoneGroup(groups, me.timeZoneGroupId ?? 'default');
        // Servers may leave either unset (docs/actitime-model.md §4); the machine running this server is the user's best proxy.
        return {
          timeZone: group.timeZoneId || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
          weekStart: info.format?.dayOfWeekStart ?? 1,
        };
      }),
      signal,
    );
  }

  companyZone(signal: AbortSignal): Promise<string | undefined> {
    return raceAbort(
      this.shared('companyZone', async () => {
        try {
          return (await this.timeZoneGroup(await this.timeZoneGroups(), 'default')).timeZoneId || undefined;
        } catch {
          // Dates then fall back to the nearest UTC midnight (src/actitime/schemas.ts normaliseDate).
          return undefined;
        }
      }),
      signal,
    );
  }

  /** The time-zone groups from the client's reference cache; undefined when the list cannot be read. */
  private timeZoneGroups(): Promise<TimeZoneGroup[] | undefined> {
    return listTimeZoneGroups(this.client).catch(() => undefined);
  }

  /** A group from the list, else read by id (a list that failed, or lacks it). */
  private timeZoneGroup(
    groups: readonly TimeZoneGroup[] | undefined,
    id: number | 'default',
  ): Promise<TimeZoneGroup> {
    const hit = groups?.find((g) => (id === 'default' ? g.default === true : g.id === id));
    return hit ? Promise.resolve(hit) : getTimeZoneGroup(this.client, id);
  }

  /** Forgets everything, e.g. after a write that changes the user or the settings. */
  clear(): void {
    this.memo.clear();
  }

  /**
   * One lookup shared by every call of the session. It runs without any call's signal: a cancelled call must
   * not fail the others waiting on it (each caller stops waiting on its own signal instead).
   */
  private shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.memo.get(key);
    if (hit && this.now() - hit.at < SESSION_TTL_MS) return hit.value as Promise<T>;
    const value = load();
    const entry = { at: this.now(), value };
    this.memo.set(key, entry);
    value.catch(() => {
      if (this.memo.get(key) === entry) this.memo.delete(key);
    });
    return value;
  }
}

export function createToolContext(
  server: ServerContext,
  lookups: SessionLookups,
  extra: CallExtra,
): ToolContext {
  const token = extra._meta?.progressToken;
  const now = server.now ?? Date.now;
  return {
    client: server.client,
    config: server.config,
    logger: server.logger,
    signal: extra.signal,
    progress: async (progress, total, message) => {
      if (token === undefined || extra.signal.aborted) return;
      try {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: {
            progressToken: token,
            progress,
            ...(total === undefined ? {} : { total }),
            ...(message === undefined ? {} : { message }),
          },
        });
      } catch (err) {
        // Progress is advisory: a closed transport must not fail the call.
        server.logger.debug('progress notification not sent', { error: String(err) });
      }
    },
    me: () => lookups.me(extra.signal),
    settings: () => lookups.settings(extra.signal),
    calendar: async () => ({ ...(await lookups.calendar(extra.signal)), now: now() }),
    companyZone: () => lookups.companyZone(extra.signal),
    now,
    askUser: extra.askUser ?? (() => Promise.resolve('unsupported' as const)),
    tokens: extra.tokens ?? new ConfirmTokens(now),
    ...(extra.journal === undefined ? {} : { journal: extra.journal }),
    noteForJournal: extra.noteForJournal ?? (() => undefined),
  };
}
