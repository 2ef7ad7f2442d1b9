/**
 * What gets published: the npm tarball (`npm pack --dry-run --json`) and the MCP registry entry (server.json).
 *
 * No schema of server.json ships in a package and CI has no network, so the registry entry is checked against
 * the registry's documented constraints (docs/reference/server-json of modelcontextprotocol/registry, schema
 * 2025-12-11): required fields, the reverse-DNS name with one slash, a description of at most 100 characters,
 * exact versions, npm packages verified through package.json's `mcpName`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { REPO_ROOT } from '../helpers/mcp.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  mcpName?: string;
};

const exactVersion = z
  .string()
  .min(1)
  .max(255)
  .refine((v) => v !== 'latest' && !/[\^~<>=*|x ]|\.x$/i.test(v), 'a specific version, not a range');

const EnvironmentVariable = z.strictObject({
  name: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  description: z.string().min(1).optional(),
  isRequired: z.boolean().optional(),
  isSecret: z.boolean().optional(),
  format: z.enum(['string', 'number', 'boolean', 'filepath']).optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  choices: z.array(z.string()).optional(),
});

const Package = z.strictObject({
  registryType: z.literal('npm'),
  registryBaseUrl: z.url().optional(),
  identifier: z.string().min(1),
  version: exactVersion,
  runtimeHint: z.string().optional(),
  transport: z.strictObject({ type: z.literal('stdio') }),
  environmentVariables: z.array(EnvironmentVariable).optional(),
});

const ServerJson = z.object({
  $schema: z
    .string()
    .regex(/^https:\/\/static\.modelcontextprotocol\.io\/schemas\/\d{4}-\d{2}-\d{2}\/server\.schema\.json$/),
  name: z
    .string()
    .min(3)
    .max(200)
    .regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/),
  title: z.string().min(1).max(100).optional(),
  description: z.string().min(1).max(100),
  version: exactVersion,
  packages: z.array(Package).min(1),
});

describe('server.json (MCP registry)', () => {
  const server = ServerJson.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'server.json'), 'utf8')));

  it('is named io.github.<owner>/actitime-mcp, as package.json’s mcpName says', () => {
    expect(server.name).toMatch(/^io\.github\.[A-Za-z0-9-]+\/actitime-mcp$/);
    expect(pkg.mcpName).toBe(server.name);
  });

  it('describes this version of the npm package over stdio', () => {
    expect(server.version).toBe(pkg.version);
    expect(server.packages).toHaveLength(1);
    expect(server.packages[0]).toMatchObject({
      registryType: 'npm',
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: 'stdio' },
    });
  });

  it('names the variables of the connection and tool selection; the password is a secret', () => {
    const vars = server.packages[0]?.environmentVariables ?? [];
    expect(vars.map((v) => v.name)).toEqual([
      'ACTITIME_URL',
      'ACTITIME_USERNAME',
      'ACTITIME_PASSWORD',
      'ACTITIME_READ_ONLY',
      'ACTITIME_TOOLSETS',
    ]);
    for (const v of vars) expect(v.isSecret ?? false).toBe(v.name === 'ACTITIME_PASSWORD');
    // Nothing is required: without ACTITIME_URL the server serves its demo.
    for (const v of vars) expect(v.isRequired ?? false).toBe(false);
  });
});

interface PackResult {
  files: Array<{ path: string; size: number }>;
  size: number;
  unpackedSize: number;
}

describe('the npm package (npm pack --dry-run)', () => {
  // --ignore-scripts: `prepare` would rebuild dist/ under the other test files' feet (the global setup built it).
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [result] = JSON.parse(out) as PackResult[];
  if (!result) throw new Error('npm pack printed no result');
  const paths = result.files.map((f) => f.path);

  it('holds LICENSE, README, CHANGELOG, package.json and the built CLI', () => {
    for (const p of [
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'dist/cli.js',
      'dist/server.js',
    ]) {
      expect(paths).toContain(p);
    }
  });

  it('holds no sources, tests, benchmarks, scripts or source maps', () => {
    expect(
      paths.filter(
        (p) => !/^(dist\/|LICENSE$|README\.md$|CHANGELOG\.md$|package\.json$|mcp\.json\.example$)/.test(p),
      ),
    ).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('points no shipped file at a source map or at ../src', () => {
    const dangling = paths
      .filter((p) => /\.(js|d\.ts)$/.test(p))
      .filter((p) => /sourceMappingURL|\.\.\/src\//.test(readFileSync(join(REPO_ROOT, p), 'utf8')));
    expect(dangling).toEqual([]);
  });

  it('stays small: under 1.5 MB unpacked, 400 kB packed', () => {
    expect(result.unpackedSize).toBeLessThan(1_500_000);
    expect(result.size).toBeLessThan(400_000);
  });
});
