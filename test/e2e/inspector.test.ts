/**
 * Interop: the MCP Inspector CLI (@modelcontextprotocol/inspector-cli 1.0.3, a dev dependency; runs on Node 20)
 * drives the BUILT server (dist/cli.js) with no ACTITIME_URL, i.e. against the embedded demo simulator:
 * over stdio (the Inspector spawns the server) and over Streamable HTTP, with sessions and --stateless,
 * asserting on the JSON it prints. What this covers and why the conformance suite does not run: docs/interop.md.
 *
 * Inspector 1.0.3 quirk: `mcp-inspector-cli --cli` reads its own package.json by a path it checks relative
 * to the working directory (`../package.json`) but imports relative to its module; from the repository root
 * it fails with "Cannot find module '…/node_modules/@modelcontextprotocol/package.json'". It is run from
 * dist/, whose parent holds a package.json, which makes both lookups agree.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { childEnv, CLI, ensureBuilt, REPO_ROOT } from '../helpers/mcp.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
const INSPECTOR = join(
  REPO_ROOT,
  'node_modules',
  '@modelcontextprotocol',
  'inspector-cli',
  'build',
  'cli.js',
);
const TOKEN = 'inspector-token-0123456789abcdef';

/** Runs the Inspector CLI with `args`; returns its stdout parsed as JSON (its deprecation banner goes to stderr). */
async function inspector(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [INSPECTOR, '--cli', ...args], {
    cwd: join(REPO_ROOT, 'dist'),
    env: childEnv(),
    timeout: 30_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const LIST = ['--method', 'tools/list'];
const CALL = ['--method', 'tools/call', '--tool-name', 'get_reference_data', '--tool-arg', 'kind=settings'];
const READ = ['--method', 'resources/read', '--uri', 'actitime://settings'];

function expectToolList(out: Record<string, unknown>): void {
  const tools = out.tools as Array<{ name: string; inputSchema?: unknown; annotations?: unknown }>;
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['log_time', 'get_reference_data']));
  for (const t of tools) expect(t.inputSchema).toBeDefined();
}

function expectSettingsCall(out: Record<string, unknown>): void {
  expect(out.isError).toBeFalsy();
  expect(out.structuredContent).toMatchObject({ kind: 'settings' });
  const content = out.content as Array<{ type: string; text: string }>;
  expect(content[0]?.type).toBe('text');
  expect(JSON.parse(content[0]!.text)).toEqual(out.structuredContent);
}

function expectSettingsResource(out: Record<string, unknown>): void {
  const contents = out.contents as Array<{ uri: string; mimeType: string; text: string }>;
  expect(contents).toHaveLength(1);
  expect(contents[0]).toMatchObject({ uri: 'actitime://settings', mimeType: 'application/json' });
  expect(JSON.parse(contents[0]!.text)).toMatchObject({ company: { name: 'Demo Company' } });
}

interface HttpChild {
  url: string;
  child: ChildProcess;
  stderr(): string;
}

async function startHttpChild(extra: string[]): Promise<HttpChild> {
  const child = spawn(process.execPath, [CLI, '--http', '--port', '0', ...extra], {
    cwd: REPO_ROOT,
    env: childEnv({ ACTITIME_MCP_HTTP_TOKEN: TOKEN }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const at = /MCP over Streamable HTTP at (http:\/\/127\.0\.0\.1:\d+\/mcp)/;
  await waitFor(() => at.test(stderr) || child.exitCode !== null, {
    timeoutMs: 20_000,
    message: 'the HTTP server to listen',
  });
  const url = at.exec(stderr)?.[1];
  if (!url) throw new Error(`the HTTP server did not start: ${stderr}`);
  return { url, child, stderr: () => stderr };
}

async function stop(server: HttpChild | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!existsSync(INSPECTOR))('MCP Inspector CLI against the built server', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  describe('over stdio', () => {
    const server = ['node', CLI];

    it('lists the tools', async () => {
      expectToolList(await inspector([...server, ...LIST]));
    });

    it('calls a tool against the demo simulator', async () => {
      expectSettingsCall(await inspector([...server, ...CALL]));
    });

    it('reads a resource', async () => {
      expectSettingsResource(await inspector([...server, ...READ]));
    });
  });

  for (const mode of ['sessions', 'stateless'] as const) {
    describe(`over Streamable HTTP (${mode})`, () => {
      let http: HttpChild | undefined;
      const target = (): string[] => [
        http!.url,
        '--transport',
        'http',
        '--header',
        `Authorization: Bearer ${TOKEN}`,
      ];

      beforeAll(async () => {
        http = await startHttpChild(mode === 'stateless' ? ['--stateless'] : []);
      }, 30_000);
      afterAll(() => stop(http));

      it('lists the tools, calls one and reads a resource', async () => {
        expectToolList(await inspector([...target(), ...LIST]));
        expectSettingsCall(await inspector([...target(), ...CALL]));
        expectSettingsResource(await inspector([...target(), ...READ]));
      });

      it('is refused without the bearer token', async () => {
        const failed = await inspector([http!.url, '--transport', 'http', ...LIST]).catch(
          (e: unknown) => e as { code?: number; stderr?: string },
        );
        expect(failed).toMatchObject({ code: 1 });
        expect((failed as { stderr: string }).stderr).toMatch(/401|Unauthorized/);
        expect(http!.stderr()).toContain('refused POST without a valid bearer token');
      });
    });
  }
});
