/**
 * The README's quick start: `npm start` with no ACTITIME_URL serves the demo over stdio. npm itself prints a
 * script banner on stdout unless its log level is silent (.npmrc); this guards that setting (SEC-IO-01).
 */
import { spawn } from 'node:child_process';

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
  });
});
