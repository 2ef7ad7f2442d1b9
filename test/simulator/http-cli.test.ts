import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../src/simulator/cli.js';
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
