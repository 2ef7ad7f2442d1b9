import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../src/simulator/cli.js';
import { Latency } from '../../src/simulator/latency.js';
import { criticalPath, type Span } from '../../src/simulator/round-trips.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const admin = { user: 'admin' } as const;

describe('simulated latency (startSimulator({ latencyMs, jitterMs }))', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startTestSimulator({ latencyMs: 40, jitterMs: 10, limits: { perSecond: 3 } });
  });
  afterAll(() => sim.close());

  it('holds every answer at least latency − jitter after its arrival, and logs when it left', async () => {
    sim.reset();
    await api(sim, 'GET', '/users/me', admin);
    await api(sim, 'GET', '/customers/6', admin);
    await api(sim, 'GET', '/nowhere', admin); // errors wait too
    expect(sim.requests).toHaveLength(3);
    for (const r of sim.requests) {
      expect(r.answeredAt).toBeDefined();
      expect(r.answeredAt! - r.arrivedAt).toBeGreaterThanOrEqual(30);
      expect(r.finishedAt!).toBeGreaterThanOrEqual(r.answeredAt!);
    }
    expect(sim.requests.map((r) => r.status)).toEqual([200, 200, 404]);
    expect(sim.latency).toEqual({ latencyMs: 40, jitterMs: 10 });
  });

  it('counts requests against the rate limit on arrival, and holds the 429 too', async () => {
    sim.reset();
    const statuses = await Promise.all(
      Array.from({ length: 4 }, () => api(sim, 'GET', '/users/me', admin).then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([200, 200, 200, 429]);
    const refused = sim.requests.find((r) => r.status === 429)!;
    expect(refused.answeredAt! - refused.arrivedAt).toBeGreaterThanOrEqual(30);
  });

  it('requests sent together are one round trip; a request sent after an answer is another', async () => {
    sim.reset();
    await Promise.all([api(sim, 'GET', '/users/me', admin), api(sim, 'GET', '/customers/6', admin)]);
    await api(sim, 'GET', '/customers/7', admin);
    const path = criticalPath(sim.requests);
    expect(path.requests).toBe(3);
    expect(path.roundTrips).toBe(2);
    expect(path.chain.at(-1)).toBe(sim.requests.find((r) => r.path === '/customers/7')!.seq);
  });

  it('answers at once without latency and still records answeredAt', async () => {
    const plain = await startTestSimulator();
    try {
      await api(plain, 'GET', '/users/me', admin);
      expect(plain.requests[0]!.answeredAt).toBeGreaterThanOrEqual(plain.requests[0]!.arrivedAt);
      expect(plain.latency).toEqual({ latencyMs: 0, jitterMs: 0 });
    } finally {
      await plain.close();
    }
  });

  it('refuses a negative latency', async () => {
    await expect(startTestSimulator({ latencyMs: -1 })).rejects.toThrow(/latencyMs must be/);
  });
});

describe('latency jitter', () => {
  it('draws latency ± jitter from a seeded PRNG: the same sequence for the same seed', () => {
    const draw = (seed?: string) => {
      const l = new Latency({ latencyMs: 100, jitterMs: 20, ...(seed ? { seed } : {}) });
      return Array.from({ length: 200 }, () => l.next());
    };
    const a = draw();
    expect(draw()).toEqual(a);
    expect(draw('other')).not.toEqual(a);
    for (const ms of a) {
      expect(ms).toBeGreaterThanOrEqual(80);
      expect(ms).toBeLessThanOrEqual(120);
    }
    expect(new Set(a.map((ms) => Math.round(ms))).size).toBeGreaterThan(10);
    expect(new Latency({ latencyMs: 5, jitterMs: 50 }).next()).toBeGreaterThanOrEqual(0);
    expect(new Latency().next()).toBe(0);
  });
});

describe('critical path of a request log', () => {
  const span = (seq: number, arrivedAt: number, answeredAt?: number, batchOf?: number): Span => ({
    seq,
    arrivedAt,
    ...(answeredAt === undefined ? {} : { answeredAt }),
    ...(batchOf === undefined ? {} : { batchOf }),
  });

  it('is empty for an empty log', () => {
    expect(criticalPath([])).toEqual({ roundTrips: 0, chain: [], requests: 0 });
  });

  it('chains each request after an answer it could have waited for; overlapping ones count once', () => {
    // 1 → (2 ∥ 3) → 4, where 4 starts after 3 but before 2 ends; 5 starts after 4 ends. 6 is a batch sub-op.
    const log = [
      span(1, 0, 100),
      span(2, 101, 300),
      span(3, 102, 200),
      span(4, 205, 305),
      span(6, 206, 207, 4),
      span(5, 305, 405),
    ];
    expect(criticalPath(log)).toEqual({ roundTrips: 4, chain: [1, 3, 4, 5], requests: 5 });
  });

  it('counts requests sent at once as one round trip, and an unanswered request ends no chain', () => {
    const log = [span(1, 0, 100), span(2, 1, 101), span(3, 2), span(4, 50, 150)];
    expect(criticalPath(log).roundTrips).toBe(1);
    expect(criticalPath([span(1, 0), span(2, 10, 20)]).roundTrips).toBe(1);
    expect(criticalPath([span(1, 0, 10), span(2, 10, 20)]).roundTrips).toBe(2);
  });

  it('falls back to finishedAt when answeredAt is missing', () => {
    expect(criticalPath([{ seq: 1, arrivedAt: 0, finishedAt: 5 }, span(2, 6, 9)]).roundTrips).toBe(2);
  });
});

describe('simulator CLI --latency, --jitter, --seed team:N (unit)', () => {
  it('parses them', () => {
    expect(parseSimulatorArgs(['--latency', '100', '--jitter=12.5', '--seed', 'team:200'])).toEqual({
      host: '127.0.0.1',
      port: 0,
      latencyMs: 100,
      jitterMs: 12.5,
      seed: 'team:200',
    });
  });

  it.each([
    [['--latency', '-5'], /--latency must be a number of milliseconds/],
    [['--jitter', 'x'], /--jitter must be a number of milliseconds/],
    [['--seed', 'team:0'], /--seed: seed team:N needs N from 1/],
    [['--seed', 'team:abc'], /--seed: seed team:N needs N/],
    [['--seed', 'big'], /--seed must be demo, empty or team:N/],
  ])('rejects %j', (args, message) => {
    expect(() => parseSimulatorArgs(args)).toThrow(message);
  });
});
