/**
 * The README's quick start: `npm start` with no ACTITIME_URL serves the demo over stdio. npm prints a script
 * banner before the script, on stdout in its default mode; the project's .npmrc (`json=true`) sends it to stderr
 * instead, without silencing npm's errors (issue 13). These tests guard both halves (SEC-IO-01).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { childEnv, REPO_ROOT } from '../helpers/mcp.js';

describe('npm start (README quick start)', () => {
  it('SEC-IO-01 answers initialize with nothing but JSON-RPC on stdout, demo notice on stderr', async () => {
    const child = spawn('npm', ['start'], { cwd: REPO_ROOT, env: childEnv(), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const answered = new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        if (stdout.includes('"id":1')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }) + '\n',
    );
    await answered;
    child.stdin.end();
    expect(await exited).toBe(0);

    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stderr).toMatch(
      /no ACTITIME_URL configured — serving the embedded demo actiTIME at http:\/\/127\.0\.0\.1:/,
    );
    // npm's banner is still printed, on stderr; and a pipe on stdin is a client, so no guide for a person.
    expect(stderr).toMatch(/> actitime-mcp@[^ ]+ start\n> node dist\/cli\.js/);
    expect(stderr).not.toContain('waits for MCP protocol');
  });

  it('a mistyped script is reported on stderr', () => {
    const r = spawnSync('npm', ['run', 'no-such-script'], {
      cwd: REPO_ROOT,
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Missing script: "no-such-script"');
  });

  it('npm install against an unreachable registry prints its error on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actitime-mcp-npm-'));
    try {
      copyFileSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
      copyFileSync(join(REPO_ROOT, '.npmrc'), join(dir, '.npmrc'));
      const r = spawnSync(
        'npm',
        [
          'install',
          '--registry',
          'http://127.0.0.1:9',
          '--fetch-retries=0',
          '--cache',
          join(dir, 'cache'),
          '--no-audit',
          '--no-fund',
          'some-nonexistent-pkg',
        ],
        { cwd: dir, env: childEnv(), encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/npm error .*ECONNREFUSED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('started by a person (stdin a terminal) it prints a short guide on stderr', async () => {
    // script(1) gives the server a pseudo-terminal; its output (stderr included) comes back on our stdout.
    const which = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' });
    if (which.status !== 0) return;
    const child = spawn('script', ['-qfec', 'node dist/cli.js', '/dev/null'], {
      cwd: REPO_ROOT,
      env: childEnv(),
      stdio: 'pipe',
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no guide within 20 s: ${out}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        if (out.includes('Ctrl-D or Ctrl-C ends it')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    expect(out).toContain('it now waits for MCP protocol (JSON-RPC) on stdin');
    expect(out).toContain('dist/cli.js');
  });
});
