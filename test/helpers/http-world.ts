/**
 * The world of an HTTP transport test: one simulator for the file, a fresh ActitimeClient per test (so no cache
 * carries over), and every server a test starts closed after it. Bound like toolSession: the file keeps its
 * own variables and `use` assigns them before each test.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { ActitimeClient } from '../../src/actitime/client.js';
import { demoPassword, loadConfig, type ServerConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { ServerContext } from '../../src/tools/context.js';
import type { HttpServerHandle } from '../../src/transports/http.js';
import { startTestSimulator, type SimulatorHandle } from './simulator.js';

/** The bearer token the transport tests' servers require. */
export const TOKEN = 'test-token-0123456789abcdef';

export interface HttpWorld {
  sim: SimulatorHandle;
  config: ServerConfig;
  /** Log lines of the file's servers, debug level included. */
  logs: string[];
  logger: Logger;
  /** This test's client; every session of a server shares it (and its rate budget), as the CLI does. */
  actitime: ActitimeClient;
  ctxFactory: () => ServerContext;
  /** Servers to close after the test. */
  servers: HttpServerHandle[];
}

/** Registers the hooks; `beforeClose` runs first after each test (e.g. releasing held requests). */
export function httpWorld(use: (w: HttpWorld) => void, beforeClose?: () => unknown): void {
  let sim: SimulatorHandle | undefined;
  let config: ServerConfig;
  let logger: Logger;
  let actitime: ActitimeClient | undefined;
  const logs: string[] = [];
  const servers: HttpServerHandle[] = [];
  const ctxFactory = (): ServerContext => ({ client: actitime!, config, logger });

  beforeAll(async () => {
    sim = await startTestSimulator();
    logger = createLogger('debug', (line) => logs.push(line));
    config = loadConfig({
      ACTITIME_URL: sim.baseUrl,
      ACTITIME_USERNAME: 'admin',
      ACTITIME_PASSWORD: demoPassword('admin'),
    });
  });
  beforeEach(() => {
    actitime = new ActitimeClient(config.client, { logger });
    use({ sim: sim!, config, logs, logger, actitime, ctxFactory, servers });
  });
  afterEach(async () => {
    await beforeClose?.();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await actitime?.close();
    sim?.faults.clear();
  });
  afterAll(async () => {
    await sim?.close();
  });
}
