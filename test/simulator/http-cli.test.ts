import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../src/simulator/cli.js';
import { QUIRK_SUMMARY, QUIRKS } from '../../src/simulator/quirks.js';
import { api } from '../helpers/simulator.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cliModule = pathToFileURL(`${root}src/simulator/cli.ts`).href;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs runSimulatorCommand(args) in a child process through tsx, as src/cli.ts would. */
function runCli(args: string[]): Run {
  const script = `import { runSimulatorCommand } from ${JSON.stringify(cliModule)};
await runSimulatorCommand(${JSON.stringify(args)});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

let running: Run | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

describe('simulator CLI (actitime-mcp simulator)', () => {
  it('prints its URL on stderr only, serves the seed, and exits 0 on SIGTERM', async () => {
    running = runCli(['--port', '0', '--today', '2026-03-04']);
    const run = running;
    await until(() => /\n/.test(run.stderr()));
    const match = /^actiTIME simulator: (http:\/\/127\.0\.0\.1:(\d+)\/api\/v1)\n$/.exec(run.stderr());
    expect(match, run.stderr()).not.toBeNull();
    const res = await api({ baseUrl: match![1]! }, 'GET', '/customers/6', { user: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 6, name: 'Big Bang Company' });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe('');
  });

  it.each([
    [['--port', 'abc']],
    [['--host', '0.0.0.0']],
    [['--today', '2026-13-01']],
    [['--verbose']],
    [['--port']],
  ])('rejects %j with one stderr line and exit 2', async (args) => {
    running = runCli(args);
    const { code } = await running.exit;
    expect(code).toBe(2);
    expect(running.stdout()).toBe('');
    expect(running.stderr().trimEnd().split('\n')).toHaveLength(1);
    expect(running.stderr()).toMatch(/^actitime-mcp simulator: /);
  });
});

describe('SIM-04 simulator CLI --quirks', () => {
  it('SIM-04 --quirks a,b serves those quirks and names them on the banner line', async () => {
    running = runCli(['--today', '2026-03-04', '--quirks', 'no-delta,side-403']);
    const run = running;
    await until(() => /\n/.test(run.stderr()));
    const match =
      /^actiTIME simulator: (http:\/\/127\.0\.0\.1:\d+\/api\/v1) \(quirks: side-403,no-delta\)\n$/.exec(
        run.stderr(),
      );
    expect(match, run.stderr()).not.toBeNull();
    const refused = await api({ baseUrl: match![1]! }, 'GET', '/tasks/143/assignedUsers', { user: 'admin' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ key: 'api.error.access_denied' });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });

  it('SIM-04 an unknown quirk exits 2 with one line naming it and the valid ones', async () => {
    running = runCli(['--quirks', 'side-403,side-500']);
    expect((await running.exit).code).toBe(2);
    const lines = running.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^actitime-mcp simulator: --quirks: unknown quirk "side-500"; valid: /);
    for (const q of QUIRKS) expect(lines[0]).toContain(q);
  });

  it('SIM-04 --help lists every quirk with its summary and exits 0', async () => {
    running = runCli(['--help']);
    expect((await running.exit).code).toBe(0);
    expect(running.stdout()).toBe('');
    expect(running.stderr()).toMatch(/--quirks a,b\|all/);
    for (const q of QUIRKS)
      expect(running.stderr()).toMatch(new RegExp(`^  ${q} +${escapeRegExp(QUIRK_SUMMARY[q])}$`, 'm'));
  });

  it('SIM-04 parses --quirks=all into every quirk', () => {
    expect(parseSimulatorArgs(['--quirks=all'])).toEqual({ host: '127.0.0.1', port: 0, quirks: [...QUIRKS] });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('simulator CLI arguments (unit)', () => {
  it('parses --flag value and --flag=value, skipping a leading "simulator"', () => {
    expect(
      parseSimulatorArgs(['simulator', '--port=8123', '--host', '::1', '--today', '2026-01-02']),
    ).toEqual({
      host: '::1',
      port: 8123,
      today: '2026-01-02',
    });
    expect(parseSimulatorArgs([])).toEqual({ host: '127.0.0.1', port: 0 });
  });
});
