/**
 * Benchmarks: each one measures our way and a baseline in the same run, on the same simulator, and reports
 * the ratio. Run with `npm run bench`. The simulator's rate limits are lifted here so the numbers show the
 * client's own overhead, not actiTIME's throttle (the throttle is covered by REL-TH-06 in the test suite).
 */
import { Pool } from 'undici';

import { ActitimeClient } from '../src/actitime/client.js';
import { runBatch } from '../src/actitime/resources/batch.js';
import { addTimeDelta } from '../src/actitime/resources/timetrack.js';
import { createLogger } from '../src/logger.js';
import { startSimulator, type SimulatorHandle } from '../src/simulator/server.js';

interface Row {
  name: string;
  ours: number;
  baseline: number;
  unit: string;
  better: 'higher' | 'lower';
}

const AUTH = 'Basic ' + Buffer.from('admin:manager').toString('base64');

function makeClient(sim: SimulatorHandle): ActitimeClient {
  return new ActitimeClient(
    {
      baseUrl: sim.baseUrl,
      username: 'admin',
      password: 'manager',
      limits: { perSecond: 100_000, perMinute: 1_000_000 },
    },
    { logger: createLogger('silent') },
  );
}

async function workers(count: number, total: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < total) await job(next++);
    }),
  );
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * The price of the client's safety machinery (bottleneck queue, rate budget, retry policy, zod parsing) over
 * raw undici on the same keep-alive pool: a ratio below 1 is that overhead, paid per request.
 */
async function readThroughput(sim: SimulatorHandle): Promise<Row> {
  const n = 600;
  const client = makeClient(sim);
  await client.request({ method: 'GET', path: ['customers', 6] }); // credentials proven once
  const ours = await timed(() =>
    Promise.all(
      Array.from({ length: n }, () => client.request({ method: 'GET', path: ['customers', 6] })),
    ).then(() => undefined),
  );
  await client.close();
  const pool = new Pool(new URL(sim.baseUrl).origin, { connections: 6 });
  const baseline = await timed(() =>
    workers(6, n, async () => {
      const res = await pool.request({
        path: '/api/v1/customers/6',
        method: 'GET',
        headers: { authorization: AUTH, accept: 'application/json' },
      });
      await res.body.json();
    }),
  );
  await pool.close();
  return {
    name: `${n} GETs, 6 at a time (client vs raw undici pool)`,
    ours: (n / ours) * 1000,
    baseline: (n / baseline) * 1000,
    unit: 'req/s',
    better: 'higher',
  };
}

/** 200 time entries: one /batch per 100 ops vs. one PATCH …/time per entry. */
async function batchedWrites(sim: SimulatorHandle): Promise<Row> {
  const n = 200;
  const date = new Date().toISOString().slice(0, 10); // the current week is never approved or locked
  const client = makeClient(sim);
  const ops = Array.from({ length: n }, (_, i) => ({
    method: 'PATCH' as const,
    path: ['timetrack', 1, date, 143, 'time'],
    body: { delta: 1 },
    idempotent: false,
    id: String(i),
  }));
  const ours = await timed(async () => {
    await runBatch(client, ops);
  });
  const baseline = await timed(() =>
    workers(1, n, async () => {
      await addTimeDelta(client, 1, date, 143, 1);
    }),
  );
  await client.close();
  return {
    name: `${n} time deltas (batch vs one request each)`,
    ours,
    baseline,
    unit: 'ms',
    better: 'lower',
  };
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    limits: { perSecond: 1e6, perMinute: 1e7 },
  });
  try {
    const rows: Row[] = [];
    for (const bench of [readThroughput, batchedWrites]) {
      sim.reset();
      rows.push(await bench(sim));
    }
    process.stderr.write('benchmark | ours | baseline | ratio (>1 = ours better)\n');
    for (const r of rows) {
      const ratio = r.better === 'higher' ? r.ours / r.baseline : r.baseline / r.ours;
      process.stderr.write(
        `${r.name} | ${r.ours.toFixed(1)} ${r.unit} | ${r.baseline.toFixed(1)} ${r.unit} | ${ratio.toFixed(2)}\n`,
      );
    }
  } finally {
    await sim.close();
  }
}

await main();
