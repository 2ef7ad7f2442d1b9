/**
 * The shared budget and the login guard against a real redis-server (test/helpers/redis.ts): several links in
 * one process stand for replicas. Figures come from the grant times recorded here, never from sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginGuard } from '../../src/actitime/login-guard.js';
import { RedisLink } from '../../src/actitime/redis.js';
import { ClusterBudget, LEASE_SIZE } from '../../src/actitime/shared-budget.js';
import { bucketFor } from '../../src/actitime/token-bucket.js';
import { createLogger } from '../../src/logger.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

const logger = createLogger('silent');
// Small windows keep the test short; the bucket is derived from them exactly as for 100/s and 1000/min.
const WINDOWS = [
  { limit: 30, windowMs: 1000 },
  { limit: 60, windowMs: 4000 },
];

describe.skipIf(!redisAvailable() && !process.env.CI)('shared budget and login guard on a real Redis', () => {
  let redis: RedisServer;
  const links: RedisLink[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) links.push(RedisLink.open({ url: redis.url, logger }));
    await waitFor(() => links.every((l) => l.status === 'up'));
  });
  /** One account's budget on each replica. */
  const budgetsFor = (username: string): ClusterBudget[] =>
    links.map(
      (link) =>
        new ClusterBudget({ link, logger, url: 'http://sim', username, windows: WINDOWS, replicas: 3 }),
    );

  afterAll(async () => {
    await Promise.all(links.map((l) => l.close()));
    await redis?.stop();
  });

  it('the bucket for actiTIME`s limits keeps every window inside, with the margin', () => {
    const shape = bucketFor(
      [
        { limit: 100, windowMs: 1000 },
        { limit: 1000, windowMs: 60_000 },
      ],
      750,
      LEASE_SIZE,
    );
    expect(shape).toEqual({ capacity: 64, intervalMs: 66, start: 8 });
    // Any stretch of 1 s + margin, and of 60 s + margin: what it started with, capacity + 1, refills.
    expect(shape.start + shape.capacity + 1 + 1750 / shape.intervalMs).toBeLessThanOrEqual(100);
    expect(shape.start + shape.capacity + 1 + 60_750 / shape.intervalMs).toBeLessThanOrEqual(1000);
  });

  it('three replicas share one bucket fairly and never exceed its bound; a Redis crash moves waiters to 1/N and back, none lost', async () => {
    const budgets = budgetsFor('alice');
    const grants: Array<{ at: number; replica: number }> = [];
    let started = 0;
    let failures = 0;
    let stop = false;
    const worker = async (replica: number): Promise<void> => {
      while (!stop) {
        started++;
        try {
          await budgets[replica]!.acquire(1, AbortSignal.timeout(20_000));
          grants.push({ at: performance.now(), replica });
        } catch {
          failures++;
        }
      }
    };
    const workers = budgets.flatMap((_, r) => [worker(r), worker(r), worker(r)]);
    await waitFor(() => grants.length >= 60, { timeoutMs: 30_000 });
    const shared = grants.length;

    await redis.stop();
    await waitFor(() => budgets.every((b) => b.mode === 'down'));
    const outageFrom = grants.length;
    await waitFor(() => budgets.every((b) => b.granted.fallback >= 3), { timeoutMs: 30_000 });
    await redis.start();
    await waitFor(() => budgets.every((b) => b.mode === 'up'));
    const back = grants.length;
    await waitFor(() => grants.length >= back + 24, { timeoutMs: 30_000 });
    stop = true;
    await Promise.all(budgets.map((b) => b.close()));
    await Promise.all(workers);

    // Every acquire that did not end with close() was granted exactly once.
    expect(failures).toBeLessThanOrEqual(9);
    expect(grants.length + failures).toBe(started);
    const shape = budgets[0]!.shape;
    // The bound of a bucket, over every stretch between two grants (the whole run, outage included).
    const times = grants.map((g) => g.at);
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const span = times[j]! - times[i]!;
        expect(j - i + 1).toBeLessThanOrEqual(
          shape.start + shape.capacity + 1 + Math.floor(span / shape.intervalMs) + 1,
        );
      }
    }
    // Fair: each replica had at least a fifth of the shared grants before the crash.
    const before = grants.slice(0, shared);
    for (let r = 0; r < 3; r++) {
      expect(before.filter((g) => g.replica === r).length).toBeGreaterThanOrEqual(shared / 5);
    }
    expect(budgets.every((b) => b.granted.leases > 0)).toBe(true);
    expect(outageFrom).toBeGreaterThanOrEqual(shared);
    expect(budgets[0]!.maxWeight).toBeLessThanOrEqual(LEASE_SIZE);
  }, 90_000);

  it('Redis dying again and again just as the replicas rejoin it: no rejection escapes (it would end the process)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const budgets = budgetsFor('bob');
    let stop = false;
    const work = async (b: ClusterBudget): Promise<void> => {
      while (!stop) await b.acquire(1, AbortSignal.timeout(5000)).catch(() => undefined);
    };
    const workers = budgets.map(work);
    try {
      for (let k = 0; k < 8; k++) {
        await waitFor(() => links.every((l) => l.status === 'up'), { intervalMs: 2 });
        // The re-subscriptions' answers are still on their way when Redis goes.
        const busy = performance.now();
        while (performance.now() - busy < 20);
        await redis.stop();
        await waitFor(() => links.every((l) => l.status === 'down'), { intervalMs: 2 });
        await redis.start();
      }
      await waitFor(() => links.every((l) => l.status === 'up'));
      stop = true;
      await Promise.all(budgets.map((b) => b.close()));
      await Promise.all(workers);
      // Rejections are reported after a turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 60_000);

  it('a Redis refusing every command while the link still reads up: leases are retried at a pace, not in a loop of promises that starves the process', async () => {
    // The fault: every bottleneck script fails at once, as ioredis fails a command on a stream it has not yet
    // seen close. After 2,000 calls the scripts stop answering, which ends a loop instead of hanging the run.
    const connection = links[0]!.connection as unknown as { __scriptFn__: (name: string) => unknown };
    const original = connection.__scriptFn__;
    let calls = 0;
    connection.__scriptFn__ = function (this: unknown) {
      calls++;
      return (...args: unknown[]) => {
        const callback = args.at(-1) as (err: Error) => void;
        if (calls > 2000) return;
        queueMicrotask(() =>
          callback(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
        );
      };
    };
    // A budget made now: its limiter's setup fails too, so each failed lease also replaces the limiter.
    const budget = budgetsFor('carol')[0]!;
    const granted = budget.acquire(1, AbortSignal.timeout(20_000));
    granted.catch(() => undefined);
    try {
      await waitFor(() => calls >= 6);
      // About one try per 100 ms; the loop went through all 2,000 before anything else could run.
      expect(calls).toBeLessThan(50);
    } finally {
      connection.__scriptFn__ = original;
    }
    await granted;
    expect(budget.granted.leases).toBe(1);
    await budget.close();
  });

  it('login guard: across replicas at most 2 failed sign-ins per hold; Redis down with 3 replicas refuses unproven sign-ins', async () => {
    const guards = links.map(
      (link) => new LoginGuard({ url: 'http://sim', logger, link, replicas: 3, holdMs: 1500, waitMs: 300 }),
    );
    const outcomes = await Promise.all(
      [0, 1, 2, 0, 1].map(async (r) => {
        const grant = await guards[r]!.acquire();
        if (grant.ok) grant.slot.failed();
        return { ok: grant.ok, at: performance.now() };
      }),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(outcomes.filter((o) => !o.ok).every((o) => o.ok === false)).toBe(true);

    // A successful sign-in frees its slot at once: once the holds are over, many succeed one after another.
    await waitFor(
      async () => {
        const g = await guards[2]!.acquire();
        if (g.ok) g.slot.release();
        return g.ok;
      },
      { timeoutMs: 10_000 },
    );
    for (let i = 0; i < 5; i++) {
      const g = await guards[i % 3]!.acquire();
      expect(g.ok).toBe(true);
      if (g.ok) g.slot.release();
    }

    await redis.stop();
    await waitFor(() => links.every((l) => l.status === 'down'));
    const refused = await guards[0]!.acquire();
    expect(refused).toMatchObject({ ok: false });
    await redis.start();
    await waitFor(() => links.every((l) => l.status === 'up'));
    await waitFor(async () => {
      const g = await guards[1]!.acquire();
      if (g.ok) g.slot.release();
      return g.ok;
    });
    await Promise.all(guards.map((g) => g.close()));
  }, 60_000);
});
