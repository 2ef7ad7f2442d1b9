/**
 * Where running timers live (issue 16, docs/timers.md): one per actiTIME URL and user, in `timers.json` beside
 * the undo journal, so a timer survives restarts; in memory (this process only) when ACTITIME_JOURNAL=off.
 * MCP-free, like the journal.
 *
 * Every change is one compare-and-set (`replace`): the file is read, checked and rewritten while holding a lock
 * file created exclusively (O_EXCL), and written atomically (temp file + rename, 0600 in a 0700 directory).
 * So two processes stopping the same timer cannot both take it: the one that removes it logs it, the other
 * finds it gone. The file holds no secret: the URL without credentials, the login name, the task and the start.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import type { JournalKey } from './store.js';

export const TIMERS_FILE_NAME = 'timers.json';

export interface StoredTimer {
  /** Random: tells this timer from a later one on the same key. */
  id: string;
  url: string;
  user: string;
  taskId: number;
  /** `Customer / Project / Task` when it started. */
  task: string;
  comment?: string;
  /** ISO instant (UTC). */
  startedAt: string;
  /** The user's zone when it started: shows the start in local time without asking actiTIME. */
  timeZone: string;
}

export interface TimerStore {
  /** `file` survives a restart; `memory` does not. */
  readonly kind: 'file' | 'memory';
  get(key: JournalKey): StoredTimer | undefined;
  /**
   * Sets `next` (null removes) only while the key's timer is the one with `expected` (null: none runs); false
   * when it is not, and nothing changed.
   */
  replace(key: JournalKey, expected: string | null, next: StoredTimer | null): boolean;
}

export function newTimerId(): string {
  return randomBytes(8).toString('hex');
}

/** The timers file beside a journal file. */
export function timersPath(journalFile: string): string {
  return join(dirname(journalFile), TIMERS_FILE_NAME);
}

const keyOf = (key: JournalKey): string => JSON.stringify([key.url, key.user]);

/** Process-wide, so every session of an HTTP server sees the same timers, as with the file. */
const MEMORY = new Map<string, StoredTimer>();

export const memoryTimers: TimerStore = {
  kind: 'memory',
  get: (key) => MEMORY.get(keyOf(key)),
  replace(key, expected, next) {
    const k = keyOf(key);
    if ((MEMORY.get(k)?.id ?? null) !== expected) return false;
    if (next === null) MEMORY.delete(k);
    else MEMORY.set(k, next);
    return true;
  },
};

/** A lock older than this was left by a process that died holding it (a change takes microseconds). */
const STALE_LOCK_MS = 5_000;
const LOCK_WAIT_MS = 2_000;

export class FileTimers implements TimerStore {
  readonly kind = 'file';

  constructor(readonly file: string) {}

  get(key: JournalKey): StoredTimer | undefined {
    const k = keyOf(key);
    return this.read().find((t) => keyOf(t) === k);
  }

  replace(key: JournalKey, expected: string | null, next: StoredTimer | null): boolean {
    const k = keyOf(key);
    return this.locked(() => {
      const all = this.read();
      const current = all.find((t) => keyOf(t) === k);
      if ((current?.id ?? null) !== expected) return false;
      const rest = all.filter((t) => keyOf(t) !== k);
      this.write(next === null ? rest : [...rest, next]);
      return true;
    });
  }

  /** Every readable timer; a missing or unreadable file holds none. */
  private read(): StoredTimer[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { timers?: unknown };
      return Array.isArray(parsed.timers) ? parsed.timers.filter(isTimer) : [];
    } catch {
      // Writes are atomic, so only a foreign hand leaves a torn file: it holds no timer we can use.
      return [];
    }
  }

  private write(timers: readonly StoredTimer[]): void {
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, timers }) + '\n', { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }

  private locked<T>(change: () => T): T {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const lock = `${this.file}.lock`;
    const until = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
        if (lockAge(lock) > STALE_LOCK_MS) {
          try {
            unlinkSync(lock);
          } catch {
            // another process removed it first
          }
          continue;
        }
        if (Date.now() > until) throw new Error(`timer state is locked: ${lock}`, { cause: err });
        sleepSync(5);
      }
    }
    try {
      return change();
    } finally {
      try {
        unlinkSync(lock);
      } catch {
        // already gone (taken over as stale): nothing to release
      }
    }
  }
}

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return Infinity;
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** The holder releases within microseconds; waiting synchronously keeps every change one atomic step. */
function sleepSync(ms: number): void {
  Atomics.wait(SLEEPER, 0, 0, ms);
}

function isTimer(v: unknown): v is StoredTimer {
  const t = v as Partial<StoredTimer> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.id === 'string' &&
    typeof t.url === 'string' &&
    typeof t.user === 'string' &&
    typeof t.taskId === 'number' &&
    typeof t.task === 'string' &&
    typeof t.startedAt === 'string' &&
    Number.isFinite(Date.parse(t.startedAt)) &&
    typeof t.timeZone === 'string'
  );
}
