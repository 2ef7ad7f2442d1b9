import { describe, expect, it } from 'vitest';
import { RateBudget, RequestLimiter } from '../../src/actitime/limiter.js';
import { BusyError, CancelledError, RateLimitedError } from '../../src/actitime/errors.js';

function fakeClock(start = 1000) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), add: (d: number) => (t += d) };
}

const never = new AbortController().signal;

describe('RateBudget (sliding windows counted from send to response + one window)', () => {
  it('lets a burst of perSecond through, then waits until the oldest response is a window (+margin) old', async () => {
    const clock = fakeClock();
    const b = new RateBudget({ perSecond: 3, perMinute: 100, timeUnitMs: 1000, now: clock.now });
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(await b.acquire(1, never));
    expect(b.earliest(1)).toBe(Infinity); // all three in flight: only a completion can free budget
    clock.add(5);
    tickets[0]!.done(); // finished at 1005
    tickets[1]!.done();
    tickets[2]!.done();
    const at = b.earliest(1);
    expect(at).toBeGreaterThanOrEqual(1005 + 1000);
    expect(at).toBeLessThanOrEqual(1005 + 1000 + 11);
    clock.set(at);
    expect(b.earliest(1)).toBe(at);
    b.close();
  });

  it('the per-minute window binds when the per-second one does not', async () => {
    const clock = fakeClock();
    const b = new RateBudget({ perSecond: 100, perMinute: 5, timeUnitMs: 100, now: clock.now });
    for (let i = 0; i < 5; i++) (await b.acquire(1, never)).done();
    const at = b.earliest(1);
    expect(at).toBeGreaterThanOrEqual(1000 + 60 * 100);
    b.close();
  });

  it('clamps a weight above the limit so a big batch can still go once the window is empty', async () => {
    const clock = fakeClock();
    const b = new RateBudget({ perSecond: 5, perMinute: 100, timeUnitMs: 1000, now: clock.now });
    expect(b.earliest(50)).toBe(1000);
    (await b.acquire(50, never)).done();
    expect(b.earliest(1)).toBeGreaterThan(2000);
    b.close();
  });

  it('REL-TH-07 a Remaining below our own count (another client) caps us until the reset', async () => {
    const clock = fakeClock();
    const b = new RateBudget({ perSecond: 100, perMinute: 1000, timeUnitMs: 50, now: clock.now });
    (await b.acquire(1, never)).done();
    b.observe(0, 2);
    expect(b.earliest(1)).toBe(1000 + 100);
    // Remaining consistent with our own usage: no cap.
    b.observe(99, 1);
    expect(b.earliest(1)).toBe(1000);
    b.observe(2, 1);
    await b.acquire(1, never);
    await b.acquire(1, never);
    expect(b.earliest(1)).toBe(1050);
    b.close();
  });

  it('a Retry-After pause beyond the deadline fails at once with the wait named', async () => {
    const b = new RateBudget({ perSecond: 10, perMinute: 100, timeUnitMs: 50 });
    b.pauseUntil(performance.now() + 120 * 50);
    const err = await b.acquire(1, never, performance.now() + 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as Error).message).toBe('actiTIME rate limit; retry after ~120 s');
    b.close();
  });

  it('waiters are served in order and a cancelled waiter leaves the line', async () => {
    const b = new RateBudget({ perSecond: 1, perMinute: 100, timeUnitMs: 30 });
    const first = await b.acquire(1, never);
    const ac = new AbortController();
    const order: string[] = [];
    const second = b.acquire(1, ac.signal).then(
      () => order.push('cancelled one ran'),
      () => order.push('cancelled'),
    );
    const third = b.acquire(1, never).then((t) => {
      order.push('third');
      t.done();
    });
    ac.abort();
    first.done();
    await Promise.all([second, third]);
    expect(order).toEqual(['cancelled', 'third']);
    b.close();
  });
});

describe('RequestLimiter', () => {
  const limits = { perSecond: 1000, perMinute: 10000, maxConcurrent: 2, writeMinTimeMs: 0, highWater: 3 };

  it('caps concurrency, serialises writes and bounds the queue', async () => {
    const l = new RequestLimiter({ limits, timeUnitMs: 1000 });
    let inFlight = 0;
    let peak = 0;
    let writesInFlight = 0;
    let writePeak = 0;
    const job = (write: boolean) => async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      if (write) writePeak = Math.max(writePeak, ++writesInFlight);
      await new Promise((r) => setTimeout(r, 10));
      if (write) writesInFlight--;
      inFlight--;
    };
    const opts = (write: boolean) => ({ write, weight: 1, signal: never, deadlineAt: Infinity });
    const calls = [true, true, false, true, true].map((w) => l.run(opts(w), job(w)));
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual([
      expect.any(BusyError),
      expect.any(BusyError),
    ]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(writePeak).toBe(1);
    await l.close();
  });

  it('close() drops queued jobs with CancelledError and refuses new ones', async () => {
    const l = new RequestLimiter({
      limits: { ...limits, maxConcurrent: 1, highWater: 10 },
      timeUnitMs: 1000,
    });
    const opts = { write: false, weight: 1, signal: never, deadlineAt: Infinity };
    let ran = 0;
    const slow = l.run(opts, () => new Promise((r) => setTimeout(r, 30)));
    const queued = l.run(opts, async () => void ran++);
    const closing = l.close();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    await slow;
    await closing;
    await expect(l.run(opts, async () => void ran++)).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(0);
  });
});
