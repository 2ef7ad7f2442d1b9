/**
 * The MCP bundle as Claude Desktop installs it: manifest.json is valid for mcpb and in step with the tool
 * registry; `npm run bundle`'s build (once per run, into a temporary directory) holds dist/ and production
 * dependencies only; unpacked, its server runs over stdio with the environment mcpb derives from the user's
 * configuration — against a test simulator with the user's credentials, and as the demo when the URL is empty.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

import {
  getMcpConfigForManifest,
  MANIFEST_SCHEMAS,
  unpackExtension,
  validateManifest,
} from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildBundle,
  manifestTools,
  MANIFEST,
  productionPackages,
  readPackageJson,
} from '../../scripts/bundle.js';
import { parseSettings } from '../../src/config.js';
import { selectTools } from '../../src/tools/registry.js';
import { childEnv } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

type UserConfig = Record<string, string | number | boolean | string[]>;

const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as {
  version: string;
  manifest_version: string;
  server: {
    type: string;
    entry_point: string;
    mcp_config: { command: string; args: string[]; env: Record<string, string> };
  };
  tools: Array<{ name: string; description: string }>;
  user_config: Record<string, { type: string; sensitive?: boolean; required?: boolean; default?: unknown }>;
};

/** What Claude Desktop runs for `userConfig` (mcpb's own substitution, defaults filled in). */
async function launchConfig(extensionPath: string, userConfig: UserConfig) {
  const config = await getMcpConfigForManifest({
    manifest: MANIFEST_SCHEMAS['0.3'].parse(manifest),
    extensionPath,
    systemDirs: {
      HOME: tmpdir(),
      DATA: tmpdir(),
      DOCUMENTS: tmpdir(),
      DOWNLOADS: tmpdir(),
      DESKTOP: tmpdir(),
    },
    userConfig,
    pathSeparator: sep,
  });
  if (!config) throw new Error('mcpb found required configuration missing');
  return { command: config.command, args: config.args ?? [], env: config.env ?? {} };
}

/** The unpacked server started as a host would, from `cwd` outside the repository (nothing resolves from its
 * node_modules); `stderr()` is what it has written so far. */
async function connectUnpacked(
  launch: Awaited<ReturnType<typeof launchConfig>>,
  cwd: string,
): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: launch.command === 'node' ? process.execPath : launch.command,
    args: launch.args,
    env: childEnv(launch.env),
    cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const client = new Client({ name: 'bundle-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

describe('manifest.json (mcpb)', () => {
  it('passes mcpb validate', () => {
    expect(validateManifest(MANIFEST)).toBe(true);
  });

  it('runs dist/cli.js with node, every setting mapped to its environment variable', () => {
    expect(manifest.manifest_version).toBe('0.3');
    expect(manifest.server).toMatchObject({ type: 'node', entry_point: 'dist/cli.js' });
    expect(manifest.server.mcp_config).toEqual({
      command: 'node',
      args: ['${__dirname}/dist/cli.js'],
      env: {
        ACTITIME_URL: '${user_config.actitime_url}',
        ACTITIME_USERNAME: '${user_config.actitime_username}',
        ACTITIME_PASSWORD: '${user_config.actitime_password}',
        ACTITIME_READ_ONLY: '${user_config.read_only}',
        ACTITIME_TOOLSETS: '${user_config.toolsets}',
      },
    });
    expect(Object.keys(manifest.user_config).sort()).toEqual(
      ['actitime_password', 'actitime_url', 'actitime_username', 'read_only', 'toolsets'].sort(),
    );
    expect(manifest.user_config.actitime_password?.sensitive).toBe(true);
    expect(manifest.user_config.read_only).toMatchObject({ type: 'boolean', default: false });
  });

  it('leaves nothing unsubstituted when the user sets nothing: an empty URL is the demo', async () => {
    // mcpb keeps `${user_config.x}` literally when x has neither a value nor a default; the server would take
    // that text for a URL. Every optional setting therefore has a default.
    for (const option of Object.values(manifest.user_config)) {
      expect(option.required).toBe(false);
      expect(option.default).toBeDefined();
    }
    const { env } = await launchConfig('/bundle', {});
    expect(env).toEqual({
      ACTITIME_URL: '',
      ACTITIME_USERNAME: '',
      ACTITIME_PASSWORD: '',
      ACTITIME_READ_ONLY: 'false',
      ACTITIME_TOOLSETS: '',
    });
  });

  it('lists every tool of the registry and has package.json’s version (npm run gen:manifest)', () => {
    expect(manifest.tools).toEqual(manifestTools());
    expect(manifest.version).toBe(readPackageJson().version);
  });
});

describe('the built bundle (npm run bundle)', () => {
  let work: string;
  let unpacked: string;
  let files: string[];
  let bytes: number;
  let sim: SimulatorHandle;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'actitime-mcp-bundle-test-'));
    const built = await buildBundle({ out: join(work, 'actitime-mcp.mcpb') });
    bytes = built.bytes;
    unpacked = join(work, 'unpacked');
    expect(await unpackExtension({ mcpbPath: built.file, outputDir: unpacked, silent: true })).toBe(true);
    files = filesUnder(unpacked);
    sim = await startTestSimulator();
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the manifest, dist/, package.json, LICENSE, README, CHANGELOG and production dependencies only', () => {
    for (const f of [
      'manifest.json',
      'package.json',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'dist/cli.js',
      'dist/views/timesheet.html',
      'dist/views/missing-time.html',
    ]) {
      expect(files).toContain(f);
    }
    const top = new Set(files.map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(
      [
        'CHANGELOG.md',
        'LICENSE',
        'README.md',
        'dist',
        'manifest.json',
        'node_modules',
        'package.json',
      ].sort(),
    );
    expect(files.filter((f) => /\.(ts|mts|cts|map)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);

    // The packages shipped are exactly npm's production tree: no devDependency, none of theirs.
    const shipped = new Set<string>();
    for (const f of files) {
      const m = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)/.exec(f);
      if (m?.[1]) shipped.add(m[1].slice(0, -1));
    }
    expect([...shipped].sort()).toEqual(productionPackages());
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).not.toHaveProperty('devDependencies');
    expect(pkg).not.toHaveProperty('scripts');
    expect(pkg).toMatchObject({ type: 'module', version: manifest.version });
    for (const dev of Object.keys(
      JSON.parse(readFileSync('package.json', 'utf8')).devDependencies as object,
    )) {
      expect(shipped.has(`node_modules/${dev}`)).toBe(false);
    }
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('serves over stdio with the user configuration mapped to the environment: initialize, tools/list, a call', async () => {
    const launch = await launchConfig(unpacked, {
      actitime_url: sim.baseUrl,
      actitime_username: 'admin',
      actitime_password: 'manager',
      read_only: true,
      toolsets: 'time,reference',
    });
    expect(launch.args).toEqual([`${unpacked}/dist/cli.js`]);
    const { client, stderr } = await connectUnpacked(launch, work);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'actitime-mcp', version: manifest.version });

      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toContain('get_reference_data');
      expect(names).toContain('get_timesheet');
      expect(names).not.toContain('log_time'); // read-only
      expect(names).not.toContain('list_users'); // toolsets: time, reference
      for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(true);

      sim.clearRequests();
      const result = await client.callTool({
        name: 'get_reference_data',
        arguments: { kind: 'leave_types' },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ kind: 'leave_types', count: 3 });
      expect(sim.requests.length).toBeGreaterThan(0);
      expect(sim.requests.every((r) => r.username === 'admin')).toBe(true);
    } finally {
      await client.close();
    }
    expect(stderr()).not.toContain('manager');
  });

  it('serves the demo when the user leaves the URL empty', async () => {
    const launch = await launchConfig(unpacked, {});
    const { client, stderr } = await connectUnpacked(launch, work);
    try {
      const { tools } = await client.listTools();
      const defaults = selectTools(parseSettings({})).map((t) => t.name);
      expect(tools.map((t) => t.name).sort()).toEqual(defaults.sort());
      const result = await client.callTool({
        name: 'get_reference_data',
        arguments: { kind: 'leave_types' },
      });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(stderr()).toMatch(/demo/);
  });
});
