/**
 * The bench modules run (one tiny row, at a few ms of latency, so `npm test` stays fast) and the README's
 * Performance section is generated from their JSON. No figure is asserted: speed is `npm run bench`'s business.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { printTable, machine, type BenchResults } from '../../bench/report.js';
import { toolRows } from '../../bench/tools.js';
import {
  checkPerfShape,
  generatePerfSection,
  PERF_END,
  PERF_START,
  renderPerf,
} from '../../scripts/gen-perf.js';
import { REPO_ROOT } from '../helpers/mcp.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { noonClock, TODAY } from '../simulator/demo-calendar.js';

describe('bench modules (smoke)', () => {
  it('measures one tool row against its hand-written minimum, with targets shown', async () => {
    const now = noonClock(TODAY);
    const sim = await startTestSimulator({ seed: 'team:50', today: TODAY, now, latencyMs: 5 });
    try {
      const rows = await toolRows(sim, { repetitions: 1, now, only: ['search_tasks'] });
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row).toMatchObject({ kind: 'tool', name: expect.stringMatching(/^search_tasks/) });
      expect(row!.minimum).toMatchObject({ requests: 1, roundTrips: 1 });
      expect(row!.ours.requests).toBeGreaterThanOrEqual(1);
      expect(row!.ours.wallMs).toBeGreaterThan(0);
      expect(row!.targets.map((t) => t.text)).toContain('round trips ≤ 1');

      const results: BenchResults = { machine: machine(), latencyMs: 5, durationS: 1, rows };
      expect(printTable(results)).toContain('search_tasks');
      const section = generatePerfSection(results);
      expect(section.startsWith(PERF_START)).toBe(true);
      expect(section.endsWith(PERF_END)).toBe(true);
      const readme = await renderPerf(`# x\n\n${PERF_START}\n${PERF_END}\n`, results);
      expect(checkPerfShape(readme)).toBeUndefined();
      expect(readme).toContain('| search_tasks');
    } finally {
      await sim.close();
    }
  });

  it('the committed README holds a generated Performance section (its figures are not re-measured)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(checkPerfShape(readme)).toBeUndefined();
    expect(checkPerfShape('# no section\n')).toMatch(/needs one/);
  });
});
