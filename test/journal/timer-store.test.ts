/** The timers file (src/journal/timer-store.ts): one timer per URL and user, compare-and-set, atomic, 0600. */
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { FileTimers, memoryTimers, newTimerId, type StoredTimer } from '../../src/journal/timer-store.js';

const A = { url: 'https://online.actitime.com/acme/api/v1', user: 'jane' };
const B = { url: 'https://online.actitime.com/acme/api/v1', user: 'joe' };

function timer(key: typeof A, taskId = 7): StoredTimer {
  return {
    id: newTimerId(),
    ...key,
    taskId,
    task: 'C / P / T',
    startedAt: new Date().toISOString(),
    timeZone: 'UTC',
  };
}

function file(): string {
  return join(mkdtempSync(join(tmpdir(), 'actitime-timers-')), 'state', 'timers.json');
}

describe('timer store', () => {
  it('REL-TM-12 one timer per URL and user, changed only by compare-and-set; the file is 0600 in a 0700 directory and left without temp or lock files', () => {
    const path = file();
    const store = new FileTimers(path);
    const a = timer(A);
    const b = timer(B);
    expect(store.replace(A, null, a)).toBe(true);
    expect(store.replace(B, null, b)).toBe(true);
    // Another start while one runs, or a stop of a timer that is not the running one, changes nothing.
    expect(store.replace(A, null, timer(A))).toBe(false);
    expect(store.replace(A, 'someone-else', null)).toBe(false);
    expect(store.get(A)).toEqual(a);
    expect(new FileTimers(path).get(B)).toEqual(b); // another process sees the same
    // Taking it is once only.
    expect(store.replace(A, a.id, null)).toBe(true);
    expect(store.replace(A, a.id, null)).toBe(false);
    expect(store.get(A)).toBeUndefined();
    expect(store.get(B)).toEqual(b);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(path, '..'))).toEqual(['timers.json']);
  });

  it('a lock left by a dead process is taken over once stale; a torn file holds no timer', () => {
    const path = file();
    const store = new FileTimers(path);
    store.replace(A, null, timer(A));
    const lock = `${path}.lock`;
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(store.replace(A, store.get(A)!.id, null)).toBe(true);
    writeFileSync(path, '{"timers": [');
    expect(store.get(A)).toBeUndefined();
    expect(store.replace(A, null, timer(A))).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, timers: [{ user: 'jane' }] });
  });

  it('the memory store (ACTITIME_JOURNAL=off) keeps the same rules', () => {
    const t = timer({ url: 'memory://test', user: 'x' });
    const key = { url: 'memory://test', user: 'x' };
    expect(memoryTimers.replace(key, null, t)).toBe(true);
    expect(memoryTimers.replace(key, null, timer(key))).toBe(false);
    expect(memoryTimers.replace(key, t.id, null)).toBe(true);
    expect(memoryTimers.get(key)).toBeUndefined();
  });
});
