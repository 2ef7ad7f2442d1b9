/**
 * `actitime-mcp doctor` as a user runs it: the built CLI with no ACTITIME_URL probes the embedded demo, says so
 * on stderr, prints the report (or JSON with --json) on stdout, and exits 0 unless a check failed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import type { Report } from '../../src/doctor/report.js';
import { childEnv, CLI } from '../helpers/mcp.js';

const run = promisify(execFile);

async function doctor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'doctor', ...args], {
      env: childEnv(),
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('actitime-mcp doctor (CLI)', () => {
  it('REL-DR-03 in demo mode reports the embedded actiTIME as ok and exits 0', async () => {
    const { code, stdout, stderr } = await doctor([]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/no ACTITIME_URL configured — probing the embedded demo actiTIME as admin/);
    expect(stdout).toMatch(/^ok +sign-in +signed in as System Administrator/m);
    expect(stdout).toMatch(/\d+ ok, 0 degraded, 0 fail/);
  });

  it('--json with --demo-quirks names the switch and stays on stdout as one JSON document', async () => {
    const { code, stdout } = await doctor(['--json', '--demo-quirks', 'side-403,no-rate-headers']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.demo).toBe(true);
    expect(report.checks.filter((c) => c.variant).map((c) => [c.id, c.status, c.variant])).toEqual([
      ['rate-headers', 'degraded', 'no-rate-headers'],
      ['work-assignments', 'degraded', 'side-403'],
      ['assigned-users', 'degraded', 'side-403'],
    ]);
    expect(report.counts.fail).toBe(0);
  });

  it('--write-probe needs --date, and a bad flag exits 2 with one line', async () => {
    const { code, stdout, stderr } = await doctor(['--write-probe', '143']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      'actitime-mcp: --write-probe TASK and --date YYYY-MM-DD go together; see actitime-mcp --help',
    ]);
  });
});
