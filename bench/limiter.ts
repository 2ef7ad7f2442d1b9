/**
 * The limiter's own cost, on loopback without latency: `npx tsx bench/limiter.ts`.
 *
 * Every row is a ratio against a baseline measured in the same run, interleaved round by round so machine load
 * hits both alike:
 *
 * - per request, awaited alone: raw undici on a keep-alive pool vs ActitimeClient.request (median of many);
 * - 200 started together: the same, per request (wall time / 200), both capped at the client's concurrency;
 * - concurrent starts: 6 requests started together (the cap), held 20 ms at the simulator: the spread of their
 *   arrivals and the simulator's in-flight count, raw vs client;
 * - the throttle alone (no HTTP): alternatives for the slot/budget authority with an empty job, against a
 *   plain counting semaphore (the floor): one bottleneck job per request (the old design), bottleneck leases
 *   spent locally (RequestLimiter now), the same with a 1,500-request burst under the rate budget.
 *
 * Options: `--rounds N` (default 7), `--json` (rows as JSON on stdout as well).
 */
import Bottleneck from 'bottleneck';
import { Pool } from 'undici';

import { ActitimeClient } from '../src/actitime/client.js';
import { RequestLimiter, type ScheduleOptions } from '../src/actitime/limiter.js';
import { createLogger } from '../src/logger.js';
import { startSimulator, type SimulatorHandle } from '../src/simulator/server.js';

const AUTH = 'Basic ' + Buffer.from('admin:manager').toString('base64');
const CONCURRENCY = 6;
const argv = process.argv.slice(2);
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1] ?? 0) || 7;

interface Row {
  name: string;
  ours: number;
  baseline: number;
  unit: string;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function makeClient(sim: SimulatorHandle): ActitimeClient {
  return new ActitimeClient(
    {
      baseUrl: sim.baseUrl,
      username: 'admin',
      password: 'manager',
      limits: { perSecond: 100_000, perMinute: 1_000_000, maxConcurrent: CONCURRENCY },
    },
    { logger: createLogger('silent') },
  );
}

function rawGet(pool: Pool, path: string): () => Promise<void> {
  return async () => {
    const res = await pool.request({
      path: `/api/v1${path}`,
      method: 'GET',
      headers: { authorization: AUTH, accept: 'application/json; charset=UTF-8' },
    });
    await res.body.json();
  };
}

/** Runs `fn` `n` times one after the other; per-call durations. */
async function sequential(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** `n` calls of `fn` started together, at most `cap` at a time (the raw baseline caps itself). */
async function together(n: number, fn: () => Promise<unknown>, cap = n): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(cap, n) }, async () => {
      while (next < n) {
        next++;
        await fn();
      }
    }),
  );
  return performance.now() - t0;
}

/** Spread (ms) of the arrivals of the last `n` requests and the highest in-flight count among them. */
function arrivals(sim: SimulatorHandle, n: number): { spread: number; inFlight: number } {
  const last = sim.requests.slice(-n);
  const at = last.map((r) => r.arrivedAt);
  return { spread: Math.max(...at) - Math.min(...at), inFlight: Math.max(...last.map((r) => r.inFlight)) };
}

async function overWire(sim: SimulatorHandle): Promise<Row[]> {
  const client = makeClient(sim);
  const pool = new Pool(new URL(sim.baseUrl).origin, { connections: CONCURRENCY, pipelining: 1 });
  const raw = rawGet(pool, '/users/me');
  const ours = (): Promise<unknown> => client.request({ method: 'GET', path: ['users', 'me'] });
  // Warm both: credentials proven, connections open, JIT settled.
  await sequential(200, ours);
  await sequential(200, raw);
  await together(200, ours);
  await together(200, raw, CONCURRENCY);

  const alone = { ours: [] as number[], raw: [] as number[] };
  const burst = { ours: [] as number[], raw: [] as number[] };
  const spread = { ours: [] as number[], raw: [] as number[], oursInFlight: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    alone.raw.push(...(await sequential(100, raw)));
    alone.ours.push(...(await sequential(100, ours)));
    burst.raw.push((await together(200, raw, CONCURRENCY)) / 200);
    burst.ours.push((await together(200, ours)) / 200);

    sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 20, times: CONCURRENCY });
    await Promise.all(Array.from({ length: CONCURRENCY }, rawGet(pool, '/customers/6')));
    spread.raw.push(arrivals(sim, CONCURRENCY).spread);
    sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 20, times: CONCURRENCY });
    await Promise.all(
      Array.from({ length: CONCURRENCY }, () => client.request({ method: 'GET', path: ['customers', 6] })),
    );
    const a = arrivals(sim, CONCURRENCY);
    spread.ours.push(a.spread);
    spread.oursInFlight.push(a.inFlight);
    sim.clearRequests();
  }
  await client.close();
  await pool.close();
  const ma = median(alone.ours);
  const mr = median(alone.raw);
  return [
    { name: 'one request awaited alone (client vs raw undici), median', ours: ma, baseline: mr, unit: 'ms' },
    { name: '  added cost per request, alone', ours: ma - mr, baseline: 1, unit: 'ms (target ≤ 1)' },
    {
      name: '200 started together, per request (client vs raw, both 6 at a time)',
      ours: median(burst.ours),
      baseline: median(burst.raw),
      unit: 'ms',
    },
    {
      name: '  added cost per request, 200 together',
      ours: median(burst.ours) - median(burst.raw),
      baseline: 1,
      unit: 'ms (target ≤ 1)',
    },
    {
      name: `${CONCURRENCY} started together: spread of arrivals (client vs raw)`,
      ours: median(spread.ours),
      baseline: median(spread.raw),
      unit: 'ms',
    },
    {
      name: `  in flight at the simulator at once (client vs cap)`,
      ours: median(spread.oursInFlight),
      baseline: CONCURRENCY,
      unit: 'requests',
    },
  ];
}

/** A counting semaphore with a FIFO queue: what a slot costs with no library at all. */
class Semaphore {
  private free: number;
  private readonly queue: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.queue.push(r));
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    }
  }
}

interface Throttle {
  name: string;
  make(): { run(fn: () => Promise<void>): Promise<void>; close(): Promise<void> };
}

const empty = async (): Promise<void> => undefined;
/** A fresh signal per call, as the client gives each request its own. */
const schedule = (): ScheduleOptions => ({
  write: false,
  weight: 1,
  signal: new AbortController().signal,
  deadlineAt: Infinity,
});
const unlimited = {
  perSecond: 100_000,
  perMinute: 1_000_000,
  maxConcurrent: CONCURRENCY,
  writeMinTimeMs: 0,
  highWater: 10_000,
};

const throttles: Throttle[] = [
  {
    name: 'one bottleneck job per request (before)',
    make() {
      const b = new Bottleneck({ maxConcurrent: CONCURRENCY });
      return { run: (fn) => b.schedule(fn), close: () => b.stop({ dropWaitingJobs: true }) };
    },
  },
  {
    name: 'bottleneck reservoir, one job per request',
    make() {
      const b = new Bottleneck({
        maxConcurrent: CONCURRENCY,
        reservoir: 1_000_000,
        reservoirRefreshAmount: 1_000_000,
        reservoirRefreshInterval: 60_000,
      });
      return { run: (fn) => b.schedule(fn), close: () => b.stop({ dropWaitingJobs: true }) };
    },
  },
  {
    name: 'RequestLimiter: bottleneck leases spent locally (now)',
    make() {
      const l = new RequestLimiter({ limits: unlimited, timeUnitMs: 1000 });
      return { run: (fn) => l.run(schedule(), fn), close: () => l.close() };
    },
  },
  {
    name: 'bottleneck reservoir, 10 tokens leased per weighted job, local semaphore',
    make() {
      // The budget as bottleneck's reservoir, leased 10 at a time; concurrency from a local semaphore. Every
      // 10th request pays a whole bottleneck job on its critical path (see the mean), and the reservoir's
      // windows run on the client's clock (limiter.ts explains why the budget is not bottleneck's).
      const b = new Bottleneck({
        reservoir: 1_000_000,
        reservoirRefreshAmount: 1_000_000,
        reservoirRefreshInterval: 60_000,
      });
      const sem = new Semaphore(CONCURRENCY);
      let tokens = 0;
      let refill: Promise<void> | undefined;
      const token = async (): Promise<void> => {
        while (tokens === 0) {
          refill ??= b.schedule({ weight: 10 }, empty).then(() => {
            tokens += 10;
            refill = undefined;
          });
          await refill;
        }
        tokens--;
      };
      return {
        run: (fn) =>
          sem.run(async () => {
            await token();
            await fn();
          }),
        close: () => b.stop({ dropWaitingJobs: true }),
      };
    },
  },
];

async function throttleAlone(): Promise<Row[]> {
  const rows: Row[] = [];
  const floor = new Semaphore(CONCURRENCY);
  const floorAlone: number[] = [];
  const floorBurst: number[] = [];
  const results = throttles.map(() => ({ alone: [] as number[], burst: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    floorAlone.push(...(await sequential(50, () => floor.run(empty))));
    floorBurst.push((await together(200, () => floor.run(empty))) / 200);
    for (const [i, t] of throttles.entries()) {
      const inst = t.make();
      await sequential(5, () => inst.run(empty)); // its first lease, timers warmed
      results[i]!.alone.push(...(await sequential(50, () => inst.run(empty))));
      results[i]!.burst.push((await together(200, () => inst.run(empty))) / 200);
      await inst.close();
    }
  }
  const fa = median(floorAlone);
  const fb = median(floorBurst);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const [i, t] of throttles.entries()) {
    rows.push({
      name: `throttle, empty job alone: ${t.name}`,
      ours: median(results[i]!.alone),
      baseline: fa,
      unit: 'ms',
    });
    rows.push({
      name: `  mean of the same`,
      ours: mean(results[i]!.alone),
      baseline: mean(floorAlone),
      unit: 'ms',
    });
    rows.push({
      name: `throttle, 200 empty jobs together, per job: ${t.name}`,
      ours: median(results[i]!.burst),
      baseline: fb,
      unit: 'ms',
    });
  }
  return rows;
}

function print(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `${'row'.padEnd(width)}  ${'ours'.padStart(9)}  ${'baseline'.padStart(9)}  ${'ratio'.padStart(7)}  unit`,
  );
  for (const r of rows) {
    const ratio = r.baseline === 0 ? NaN : r.ours / r.baseline;
    console.log(
      `${r.name.padEnd(width)}  ${r.ours.toFixed(3).padStart(9)}  ${r.baseline.toFixed(3).padStart(9)}  ${ratio.toFixed(2).padStart(7)}  ${r.unit}`,
    );
  }
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    limits: { perSecond: 1_000_000, perMinute: 10_000_000 },
  });
  try {
    const rows = [...(await overWire(sim)), ...(await throttleAlone())];
    print(rows);
    if (argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  } finally {
    await sim.close();
  }
}

await main();
