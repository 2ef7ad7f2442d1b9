/**
 * The built CLI as an MCP client sees it: a child process speaking JSON-RPC over stdio. Builds dist/ first when
 * it is older than src/.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CLI, childEnv, ensureBuilt, REPO_ROOT, spawnStdio } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { settles, waitFor } from '../helpers/wait.js';

interface JsonRpcMessage {
  jsonrpc: string;
  id?: number | string;
  method?: string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** A raw stdio peer: every stdout line is kept, so the test sees exactly what went over the wire. */
class RawPeer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private buffer = '';
  private nextId = 1;
  private readonly waiters = new Map<number, (m: JsonRpcMessage) => void>();

  constructor(args: string[], env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: childEnv(env),
      stdio: 'pipe',
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.lines.push(line);
        try {
          const msg = JSON.parse(line) as JsonRpcMessage;
          if (typeof msg.id === 'number' && (msg.result || msg.error)) this.waiters.get(msg.id)?.(msg);
        } catch {
          // Kept in `lines`; the test fails on it.
        }
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Unterminated stdout, e.g. a partial line; must be empty at the end. */
  get rest(): string {
    return this.buffer;
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<JsonRpcMessage> {
    const id = this.nextId++;
    const reply = new Promise<JsonRpcMessage>((resolve) => this.waiters.set(id, resolve));
    this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    return reply;
  }

  notify(method: string): void {
    this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method }) + '\n');
  }

  async initialize(): Promise<JsonRpcMessage> {
    const init = await this.send('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-e2e', version: '0' },
    });
    this.notify('notifications/initialized');
    return init;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

function expectAllJsonRpc(peer: RawPeer): void {
  expect(peer.lines.length).toBeGreaterThan(0);
  for (const line of peer.lines) {
    let msg: JsonRpcMessage | undefined;
    expect(
      () => (msg = JSON.parse(line) as JsonRpcMessage),
      `stdout line is not JSON: ${line.slice(0, 200)}`,
    ).not.toThrow();
    expect(msg?.jsonrpc, line.slice(0, 200)).toBe('2.0');
    expect('id' in msg! || 'method' in msg!, line.slice(0, 200)).toBe(true);
  }
  expect(peer.rest).toBe('');
}

function toolText(msg: JsonRpcMessage): string {
  const content = msg.result?.content as Array<{ text: string }> | undefined;
  return content?.[0]?.text ?? '';
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

describe('demo mode over stdio', () => {
  let peer: RawPeer;
  beforeAll(() => {
    peer = new RawPeer(['--demo'], {}); // no credentials anywhere in the environment
  });
  afterAll(() => peer.kill());

  it('SEC-IO-01 SIM-03 initialize, tools/list, a call and a validation failure: every stdout line is JSON-RPC', async () => {
    const init = await peer.initialize();
    expect(init.result?.serverInfo).toMatchObject({ name: 'actitime-mcp' });

    const list = await peer.send('tools/list');
    const tools = list.result?.tools as Array<{ name: string }>;
    expect(tools.map((t) => t.name)).toContain('get_reference_data');

    const ok = await peer.send('tools/call', {
      name: 'get_reference_data',
      arguments: { kind: 'leave_types' },
    });
    expect(ok.result?.isError).toBeFalsy();
    expect(ok.result?.structuredContent).toMatchObject({ kind: 'leave_types', count: 3 });

    const bad = await peer.send('tools/call', { name: 'get_reference_data', arguments: { kind: 7 } });
    expect(bad.result?.isError).toBe(true);
    expect(JSON.parse(toolText(bad))).toMatchObject({ error: { kind: 'validation', field: 'kind' } });

    const unknown = await peer.send('tools/call', { name: 'no_such_tool', arguments: {} });
    expect(unknown.error?.message).toMatch(/Unknown tool/);

    expectAllJsonRpc(peer);
    expect(peer.stderr).toMatch(
      /no ACTITIME_URL configured — serving the embedded demo actiTIME at http:\/\/127\.0\.0\.1:\d+\/api\/v1 as admin/,
    );
  });

  it('SIM-03 the embedded simulator listens on loopback only', async () => {
    await waitFor(() => /127\.0\.0\.1:\d+\/api\/v1/.test(peer.stderr), { message: 'the demo notice' });
    const port = Number(/127\.0\.0\.1:(\d+)\/api\/v1/.exec(peer.stderr)?.[1]);
    expect(port).toBeGreaterThan(0);
    // The kernel's socket table says where the listener is bound, without sending anything anywhere (Linux only).
    if (!existsSync('/proc/net/tcp')) return;
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    const listeners = [
      readFileSync('/proc/net/tcp', 'utf8'),
      existsSync('/proc/net/tcp6') ? readFileSync('/proc/net/tcp6', 'utf8') : '',
    ]
      .join('\n')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') // 0A = LISTEN
      .map((cols) => cols[1]!.split(':')[0]);
    expect(listeners).toEqual(['0100007F']); // 127.0.0.1 only: not 0.0.0.0, not ::
  });

  it('SIM-03 an SDK client over stdio sees the demo with a non-admin demo user', async () => {
    const spawned = await spawnStdio(['--demo', '--demo-user', 'trainee'], {});
    try {
      const result = await spawned.client.callTool({
        name: 'get_reference_data',
        arguments: { kind: 'types_of_work' },
      });
      expect(result.isError).toBeFalsy();
      const items = (result.structuredContent as { items: Array<Record<string, unknown>> }).items;
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(item).not.toHaveProperty('rate'); // rates are hidden from regular users
      expect(spawned.stderr()).toContain('as trainee');
    } finally {
      await spawned.close();
    }
  });
});

describe('live mode against a test simulator', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());

  const liveEnv = () => ({
    ACTITIME_URL: sim.baseUrl,
    ACTITIME_USERNAME: 'admin',
    ACTITIME_PASSWORD: 'manager',
  });

  it('SEC-IO-01 a 429 that is retried logs its warning on stderr, never on stdout', async () => {
    const peer = new RawPeer([], liveEnv());
    try {
      await peer.initialize();
      sim.faults.inject({
        method: 'GET',
        path: '/typesOfWork',
        status: 429,
        headers: { 'Retry-After': '1', 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': '1' },
        body: { key: 'api.error.too_many_requests', message: 'Too many requests' },
      });
      const res = await peer.send('tools/call', {
        name: 'get_reference_data',
        arguments: { kind: 'types_of_work' },
      });
      expect(res.result?.isError).toBeFalsy();
      expect(sim.requests.filter((r) => r.path === '/typesOfWork')).toHaveLength(2);
      expect(peer.stderr).toMatch(/warn: .*typesOfWork.*retrying/);
      expect(peer.stderr).not.toContain('manager');
      expectAllJsonRpc(peer);
    } finally {
      peer.kill();
    }
  });

  for (const how of ['SIGTERM', 'stdin close'] as const) {
    it(`REL-TH-05 ${how} while a call is in flight: the request is aborted and the process exits 0 without waiting for it`, async () => {
      const peer = new RawPeer([], liveEnv());
      try {
        await peer.initialize();
        sim.faults.inject({ method: 'GET', path: '/departments', delayMs: 20_000 });
        const seen = sim.requests.length;
        void peer.send('tools/call', { name: 'get_reference_data', arguments: { kind: 'departments' } });
        await waitFor(() => sim.requests.slice(seen).some((r) => r.path === '/departments'), {
          message: 'the held request',
        });
        const held = sim.requests.slice(seen).find((r) => r.path === '/departments')!;

        if (how === 'SIGTERM') peer.child.kill('SIGTERM');
        else peer.child.stdin.end();
        // The child bounds its own shutdown (an 800 ms grace, then exit anyway); here it only has to exit, cleanly,
        // and long before the 20 s answer: the held request was dropped, never answered.
        const exit = await settles(peer.exited, 'the process exit');
        expect(exit.code).toBe(0);
        await waitFor(() => held.abortedAt !== undefined, { message: 'the held request to close' });
        expect(held.status).toBeUndefined();
        expectAllJsonRpc(peer);
      } finally {
        peer.kill();
        sim.faults.clear();
      }
    });
  }
});

describe('invalid configuration', () => {
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['URL without username', [], { ACTITIME_URL: 'https://acme.example' }, /ACTITIME_USERNAME/],
    [
      'http to a non-loopback host',
      [],
      { ACTITIME_URL: 'http://acme.example', ACTITIME_USERNAME: 'u', ACTITIME_PASSWORD: 'p' },
      /http/,
    ],
    ['unknown toolset', ['--demo'], { ACTITIME_TOOLSETS: 'time,bogus' }, /bogus/],
    ['unknown tool in the allow list', ['--demo'], { ACTITIME_TOOLS: 'no_such_tool' }, /no_such_tool/],
    ['unknown demo user', ['--demo', '--demo-user', 'mallory'], {}, /--demo-user/],
    ['unknown flag', ['--frobnicate'], {}, /frobnicate/],
  ];
  for (const [label, args, env, reason] of cases) {
    it(`SEC-IO-02 ${label}: empty stdout, one stderr line, non-zero exit`, async () => {
      const peer = new RawPeer(args, env);
      try {
        const exit = await peer.exited;
        expect(exit.code).not.toBe(0);
        expect(exit.code).not.toBeNull();
        expect(peer.lines).toEqual([]);
        expect(peer.rest).toBe('');
        const lines = peer.stderr.split('\n').filter(Boolean);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(reason);
        expect(peer.stderr).not.toContain('ACTITIME_PASSWORD=');
      } finally {
        peer.kill();
      }
    });
  }
});

describe('stdout hygiene in the sources', () => {
  it('SEC-IO-04 no console.log/info/debug or process.stdout.write in src/ outside cli.ts and transports/stdio.ts', () => {
    const allowed = new Set(['src/cli.ts', 'src/transports/stdio.ts']);
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) {
          const rel = relative(REPO_ROOT, path).split('\\').join('/');
          if (allowed.has(rel)) continue;
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/console\s*\.\s*(log|info|debug)\b|process\s*\.\s*stdout\b/.test(line))
                offenders.push(`${rel}:${i + 1}`);
            });
        }
      }
    };
    walk(join(REPO_ROOT, 'src'));
    expect(offenders).toEqual([]);
  });
});
