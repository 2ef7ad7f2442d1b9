/**
 * The undo journal's file (issue 10): JSON lines, one record per change this server made, each carrying the
 * actiTIME URL and user it was made as, and the state of each object before and after. MCP-free, like
 * src/domain. The file is created 0600 in a 0700 directory; when the next line would take it past `maxBytes`,
 * it is renamed to `<file>.1` (replacing an older one) and a new file is started, so at most twice the bound
 * is kept. No secrets: the URL loses any credentials and query, the user is the login name only.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  appendFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { readEnv, type Env } from '../settings-schema.js';
import type { JournalChange } from './change.js';

export const JOURNAL_MAX_BYTES = 1_000_000;
export const JOURNAL_FILE_NAME = 'journal.jsonl';

/** Whose journal: records are written and listed per actiTIME URL and user. */
export interface JournalKey {
  url: string;
  user: string;
}

export interface JournalRecord extends JournalKey {
  id: string;
  /** ISO time of the write. */
  at: string;
  tool: string;
  summary: string;
  /** False when the change cannot be undone; `why` says why. */
  undoable: boolean;
  why?: string;
  /** The id of the record this one undid. */
  undoes?: string;
  change: JournalChange;
}

export type NewRecord = Omit<JournalRecord, 'id' | 'at' | 'url' | 'user'>;

export interface JournalOptions {
  maxBytes?: number;
  now?: () => number;
}

/**
 * The journal file for ACTITIME_JOURNAL: undefined when `off`, the given path, or the default under
 * `$XDG_STATE_HOME/actitime-mcp/` (else `~/.local/state/actitime-mcp/`).
 */
export function journalPath(setting: string | undefined, env: Env = process.env): string | undefined {
  if (setting !== undefined && setting.toLowerCase() === 'off') return undefined;
  if (setting !== undefined && setting !== '') return setting;
  const state = readEnv(env, ['stateHome']).stateHome ?? join(homedir(), '.local', 'state');
  return join(state, 'actitime-mcp', JOURNAL_FILE_NAME);
}

/** The URL as recorded: no credentials, query or fragment. */
export function journalUrl(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return baseUrl.replace(/[?#].*$/, '');
  }
}

export class Journal {
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(
    readonly file: string,
    options: JournalOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? JOURNAL_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Appends the records as one write; throws (a Node fs error) when the file cannot be written. */
  append(key: JournalKey, records: readonly NewRecord[]): JournalRecord[] {
    if (records.length === 0) return [];
    const at = new Date(this.now()).toISOString();
    const full = records.map((r): JournalRecord => ({ id: newId(), at, url: key.url, user: key.user, ...r }));
    const text = full.map((r) => JSON.stringify(r)).join('\n') + '\n';
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const size = existsSync(this.file) ? statSync(this.file).size : 0;
    if (size > 0 && size + Buffer.byteLength(text) > this.maxBytes) renameSync(this.file, `${this.file}.1`);
    appendFileSync(this.file, text, { mode: 0o600 });
    chmodSync(this.file, 0o600);
    return full;
  }

  /** Every readable record of `key`, oldest first (the rotated file first). Unreadable lines are skipped. */
  read(key: JournalKey): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const file of [`${this.file}.1`, this.file]) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          const r = JSON.parse(line) as JournalRecord;
          if (r && r.url === key.url && r.user === key.user && typeof r.id === 'string') out.push(r);
        } catch {
          // A torn or foreign line: skip it, keep the rest.
        }
      }
    }
    return out;
  }
}

/** Short, sortable-enough and unique: base-36 time plus 4 random bytes. */
function newId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Which records are undone: newest first, a record not itself undone undoes its target. So undoing an undo
 * makes the original current again.
 */
export function undoneBy(records: readonly JournalRecord[]): Map<string, string> {
  const undone = new Map<string, string>();
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.undoes !== undefined && !undone.has(r.id)) undone.set(r.undoes, r.id);
  }
  return undone;
}
