import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One worker per core of the 2-core CI machine. Timing assertions are load-proof (lower bounds, counts from
    // the simulator's log, the client's own decisions); how fast things run is `npm run bench`'s business.
    maxWorkers: 2,
    pool: 'forks',
    // Write tools journal their changes (issue 10); tests that name no ACTITIME_JOURNAL keep theirs out of ~.
    env: { XDG_STATE_HOME: join(tmpdir(), 'actitime-mcp-test-state') },
  },
});
