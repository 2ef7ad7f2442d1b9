import { describe, expect, it } from 'vitest';
import { RateBudget, RequestLimiter, type ScheduleOptions } from '../../src/actitime/limiter.js';
import { BusyError, CancelledError, RateLimitedError } from '../../src/actitime/errors.js';
import { said } from '../helpers/errors.js';
import { loopTurnWatch, waitFor } from '../helpers/wait.js';

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
    expect(said(err)).toBe('actiTIME rate limit; retry after ~120 s');
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

describe('RequestLimiter (bottleneck queues around the rate budget)', () => {
  const limits = { perSecond: 1000, perMinute: 10000, maxConcurrent: 2, writeMinTimeMs: 0, highWater: 3 };
  const opts = (write: boolean, extra: Partial<ScheduleOptions> = {}): ScheduleOptions => ({
    write,
    weight: 1,
    signal: never,
    deadlineAt: Infinity,
    ...extra,
  });

  function tracker() {
    const t = { inFlight: 0, peak: 0, writesInFlight: 0, writePeak: 0, order: [] as string[] };
    const job =
      (write: boolean, name = '', ms = 10) =>
      async () => {
        t.order.push(name);
        t.inFlight++;
        t.peak = Math.max(t.peak, t.inFlight);
        if (write) t.writePeak = Math.max(t.writePeak, ++t.writesInFlight);
        await sleep(ms);
        if (write) t.writesInFlight--;
        t.inFlight--;
      };
    return { t, job };
  }

  it('caps concurrency, serialises writes in the lane (writeMinTimeMs > 0) and bounds the queue', async () => {
    const l = new RequestLimiter({ limits: { ...limits, writeMinTimeMs: 1 }, timeUnitMs: 1000 });
    const { t, job } = tracker();
    const calls = [true, true, false, true, true].map((w) => l.run(opts(w), job(w)));
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual([
      expect.any(BusyError),
      expect.any(BusyError),
    ]);
    expect(t.peak).toBeLessThanOrEqual(2);
    expect(t.writePeak).toBe(1);
    await l.close();
  });

  it('with writeMinTimeMs 0 writes share the slots with reads: they overlap up to the cap, never beyond', async () => {
    const l = new RequestLimiter({ limits: { ...limits, highWater: 10 }, timeUnitMs: 1000 });
    const { t, job } = tracker();
    await Promise.all([true, true, true, true].map((w) => l.run(opts(w), job(w, '', 30))));
    expect(t.writePeak).toBe(2);
    expect(t.peak).toBe(2);
    await l.close();
  });

  it('busy calls fail synchronously-fast; a retry skips the bound and runs ahead of queued new calls', async () => {
    const l = new RequestLimiter({ limits: { ...limits, maxConcurrent: 1, highWater: 2 }, timeUnitMs: 1000 });
    const { t, job } = tracker();
    const first = l.run(opts(false), job(false, 'first', 30));
    const a = l.run(opts(false), job(false, 'a'));
    const turn = loopTurnWatch();
    const busy = await l.run(opts(false), job(false, 'busy')).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(BusyError);
    // Refused on admission: before the event loop ran anything else, so no queue wait, on any load.
    expect(turn.turned()).toBe(false);
    const retry = l.run(opts(false, { retry: true }), job(false, 'retry'));
    await Promise.all([first, a, retry]);
    expect(t.order).toEqual(['first', 'retry', 'a']);
    await l.close();
  });

  it('a call cancelled while queued is answered at once and its job never runs', async () => {
    const l = new RequestLimiter({ limits: { ...limits, maxConcurrent: 1, highWater: 3 }, timeUnitMs: 1000 });
    const { t, job } = tracker();
    const first = l.run(opts(false), job(false, 'first', 40));
    const ac = new AbortController();
    const cancelled = l.run(opts(false, { signal: ac.signal }), job(false, 'cancelled'));
    // bottleneck starts jobs on its own timers: wait for it rather than for a fixed time (a loaded CI core).
    await waitFor(() => l.counts.running === 1, { message: 'the first job running' });
    expect(l.counts).toEqual({ queued: 1, running: 1 });
    const turn = loopTurnWatch();
    ac.abort();
    const outcome = await cancelled.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(turn.turned()).toBe(false);
    expect(outcome).toBeInstanceOf(CancelledError);
    // It no longer counts against the queue bound, though bottleneck still holds its (inert) job.
    expect(l.counts).toEqual({ queued: 0, running: 1 });
    await first;
    // bottleneck runs its queue in order, one at a time: once a job queued after the cancelled one has run,
    // the cancelled one has had its turn, so its absence from the order is final.
    await l.run(opts(false), job(false, 'after'));
    await waitFor(() => l.counts.running === 0, { message: 'the last job released' });
    expect(t.order).toEqual(['first', 'after']);
    expect(l.counts).toEqual({ queued: 0, running: 0 });
    await l.close();
  });

  it('a write cancelled while waiting in the lane never runs and does not delay the next write', async () => {
    // The spacing runs on the limiter's clock, here one that moves only when the test moves it, and it is a
    // minute long: a second spacing (charged to the cancelled write, or its sleep left holding the lane) would
    // keep w3 waiting a real minute, which no load can be mistaken for.
    const spacing = 60_000;
    let clockAt = 0;
    let clockReads = 0;
    const now = (): number => {
      clockReads++;
      return clockAt;
    };
    const l = new RequestLimiter({
      limits: { ...limits, writeMinTimeMs: spacing, highWater: 10 },
      timeUnitMs: 1000,
      now,
    });
    const { t, job } = tracker();
    const ac = new AbortController();
    const first = l.run(opts(true), job(true, 'w1', 5));
    const cancelled = l.run(opts(true, { signal: ac.signal }), job(true, 'cancelled', 5));
    const third = l.run(opts(true), job(true, 'w3', 5));
    await first;
    // w1's answer anchored the spacing. Nothing else reads the clock until the lane's next write computes its
    // wait: then the cancelled write is waiting out the spacing, w3 behind it.
    const readsAfterW1 = clockReads;
    await waitFor(() => clockReads > readsAfterW1, { message: 'the cancelled write in the spacing' });
    expect(t.order).toEqual(['w1']);
    clockAt = spacing; // one spacing after w1, by the limiter's clock
    ac.abort();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    await waitFor(() => t.order.includes('w3'), { message: 'w3 to run (it was due at once)' });
    await third;
    expect(t.order).toEqual(['w1', 'w3']);
    await l.close();
  });

  it('close() drops queued jobs with CancelledError, lets running ones end, refuses new ones, leaves no timers', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const l = new RequestLimiter({
      limits: { ...limits, maxConcurrent: 1, highWater: 10, writeMinTimeMs: 5 },
      timeUnitMs: 1000,
    });
    let ran = 0;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow = l.run(opts(false), () => {
      started();
      return sleep(30);
    });
    const queued = l.run(opts(false), async () => void ran++);
    const queuedWrite = l.run(opts(true), async () => void ran++);
    await running;
    const closing = l.close();
    // Both rejections are awaited together: awaiting one first would leave the other unhandled meanwhile.
    await Promise.all([
      expect(queued).rejects.toBeInstanceOf(CancelledError),
      expect(queuedWrite).rejects.toBeInstanceOf(CancelledError),
    ]);
    await slow;
    await closing;
    await expect(l.run(opts(false), async () => void ran++)).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(0);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
