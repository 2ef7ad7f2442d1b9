/**
 * Shared setup for the client reliability tests: a seeded simulator on loopback and an ActitimeClient with a
 * debug-level logger whose lines are captured (they stand for stderr), so every test can also check that no
 * log line carries a credential (SEC-CR-03).
 */
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, expect } from 'vitest';
import { ActitimeClient, type ClientDeps } from '../../src/actitime/client.js';
import type { ClientConfig } from '../../src/actitime/config.js';
import { createLogger } from '../../src/logger.js';
import type { RecordedRequest, SimulatorOptions } from '../../src/simulator/types.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

export const TODAY = '2026-10-07';
export const ADMIN_PASSWORD = 'manager';
export const ADMIN_BASIC = Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64');

/**
 * Scaled time: one actiTIME "second" is 50 ms, and the simulator's windows shrink to match, as do the units of
 * its X-Ratelimit-Reset and Retry-After headers.
 */
export const UNIT = 50;
export const SCALED_LIMITS = { secondWindowMs: UNIT, minuteWindowMs: 60 * UNIT, timeUnitMs: UNIT };

export type Overrides = Partial<Omit<ClientConfig, 'baseUrl'>> & { baseUrl?: string };

export interface Harness {
  sim: SimulatorHandle;
  /** Log lines the client wrote (debug level). */
  logs: string[];
  client(overrides?: Overrides, deps?: ClientDeps): ActitimeClient;
  /** Requests to `path` (relative to /api/v1), optionally one method. */
  hits(path: string | RegExp, method?: string): RecordedRequest[];
  warnings(): string[];
  close(): Promise<void>;
}

export async function harness(simOptions: SimulatorOptions = {}): Promise<Harness> {
  const sim = await startTestSimulator({ today: TODAY, ...simOptions });
  const logs: string[] = [];
  const clients: ActitimeClient[] = [];
  const logger = createLogger('debug', (line) => logs.push(line));
  return {
    sim,
    logs,
    client(overrides = {}, deps = {}) {
      const client = new ActitimeClient(
        {
          baseUrl: sim.baseUrl,
          username: 'admin',
          password: ADMIN_PASSWORD,
          timeUnitMs: UNIT,
          backoffBaseMs: 40,
          backoffCapMs: 400,
          ...overrides,
        },
        { logger, ...deps },
      );
      clients.push(client);
      return client;
    },
    hits(path, method) {
      return sim.requests.filter(
        (r) =>
          r.batchOf === undefined &&
          (method === undefined || r.method === method) &&
          (typeof path === 'string' ? r.path === path : path.test(r.path)),
      );
    },
    warnings: () => logs.filter((l) => l.includes(' warn: ')),
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await sim.close();
    },
  };
}

/**
 * For the enclosing describe block: a fresh harness per test (scaled limits unless `simOptions` says otherwise),
 * handed to `use`; after each test its log lines are checked free of credentials (SEC-CR-03), then it is closed.
 */
export function harnessPerTest(
  use: (h: Harness) => void,
  simOptions: SimulatorOptions = { limits: SCALED_LIMITS },
): void {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await harness(simOptions);
    use(current);
  });
  afterEach(async () => {
    const h = current;
    current = undefined;
    if (!h) return;
    try {
      expectNoSecrets(h.logs);
    } finally {
      await h.close();
    }
  });
}

/** SEC-CR-03: no captured line holds the password, the base64 credential or an Authorization value. */
export function expectNoSecrets(
  lines: readonly string[],
  password = ADMIN_PASSWORD,
  basic = ADMIN_BASIC,
): void {
  for (const line of lines) {
    expect(line).not.toContain(password);
    expect(line).not.toContain(basic);
    expect(line).not.toMatch(/authorization\s*[:=]\s*(basic|bearer)\s+[A-Za-z0-9+/=]{6,}/i);
  }
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const now = (): number => performance.now();

export function gaps(records: readonly RecordedRequest[]): number[] {
  return records.slice(1).map((r, i) => r.arrivedAt - records[i]!.arrivedAt);
}

/**
 * The waits the client decided on before its retries, in ms, from its warnings ("retrying in 100 ms",
 * "retrying in 1 s"). What it decided does not depend on load; how late its timer then fired does.
 */
export function announcedWaits(lines: readonly string[]): number[] {
  return lines.flatMap((line) => {
    const m = /retrying in (\d+(?:\.\d+)?) (ms|s)\b/.exec(line);
    return m ? [Number(m[1]) * (m[2] === 's' ? 1000 : 1)] : [];
  });
}

export interface BudgetHold {
  remaining: number;
  resetSeconds: number;
  /** How long after taking in these headers the client's budget lets the next request go. */
  holdMs: number;
}

/**
 * Records what the client decided on each X-Ratelimit-Remaining/-Reset pair it took in: the wait its rate
 * budget then imposes on the next request, computed at the instant of observation (so load cannot change it).
 */
export function recordBudgetHolds(client: ActitimeClient): BudgetHold[] {
  const budget = client.limiter.budget;
  const observe = budget.observe.bind(budget);
  const holds: BudgetHold[] = [];
  budget.observe = (remaining, resetSeconds, at = performance.now()) => {
    observe(remaining, resetSeconds, at);
    holds.push({ remaining, resetSeconds, holdMs: budget.earliest(1, at) - at });
  };
  return holds;
}

export async function settle<T>(
  p: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
