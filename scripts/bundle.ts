/**
 * `npm run bundle`: the MCP bundle (`actitime-mcp.mcpb`) a Claude Desktop user installs by opening it.
 *
 * Stages a fresh directory with dist/ (compiled there by tsc, so stale files or source maps of the working
 * dist/ never ship), manifest.json, a trimmed package.json, LICENSE, README.md, CHANGELOG.md and the production
 * dependencies only — copied from node_modules as `npm ls --omit=dev --all` lists them, which needs no network —
 * then packs it with @anthropic-ai/mcpb (what `mcpb pack` runs).
 *
 *   tsx scripts/bundle.ts [--out FILE] [--keep-stage DIR]   build the bundle (default ./actitime-mcp.mcpb)
 *   tsx scripts/bundle.ts --manifest                         rewrite manifest.json's version and tools list
 *   tsx scripts/bundle.ts --manifest --check                 exit 1 when manifest.json has drifted
 */
import { VIEWS, buildView } from './build-views.js';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { packExtension } from '@anthropic-ai/mcpb';
import * as prettier from 'prettier';

import { ALL_TOOLS } from '../src/tools/registry.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const MANIFEST = join(ROOT, 'manifest.json');
export const DEFAULT_BUNDLE = join(ROOT, 'actitime-mcp.mcpb');

/** Files of the repository root copied into the bundle as they are. */
const ROOT_FILES = ['manifest.json', 'LICENSE', 'README.md', 'CHANGELOG.md'];

/** Nothing a running server needs: source maps, TypeScript sources and declarations. */
const DROPPED = /\.(map|ts|mts|cts)$/;

export interface ManifestTool {
  name: string;
  description: string;
}

interface PackageJson {
  name: string;
  version: string;
  description: string;
  type: string;
  license: string;
  bin: Record<string, string>;
  main: string;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  mcpName?: string;
}

export function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/** The manifest's tools: every tool of the registry (any toolset may be switched on), as tools/list names it. */
export function manifestTools(): ManifestTool[] {
  return ALL_TOOLS.map((t) => ({ name: t.name, description: t.description }));
}

/** manifest.json as it should be: the committed file with the registry's tools and package.json's version. */
export async function expectedManifest(): Promise<string> {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, unknown>;
  manifest.version = readPackageJson().version;
  manifest.tools = manifestTools();
  return prettier.format(JSON.stringify(manifest), {
    ...((await prettier.resolveConfig(MANIFEST)) ?? {}),
    filepath: MANIFEST,
  });
}

/**
 * Folders of the production dependencies, relative to the repository root (`node_modules/a`,
 * `node_modules/b/node_modules/c`), from npm's own tree of the lock file; nothing is downloaded.
 */
export function productionPackages(): string[] {
  let out: string;
  try {
    out = execFileSync(
      'npm',
      ['ls', '--omit=dev', '--all', '--parseable', '--json=false', '--loglevel=error'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    // npm ls exits 1 over extraneous packages too; the listing on stdout is still whole.
    const stdout = (error as { stdout?: unknown }).stdout;
    out = typeof stdout === 'string' ? stdout : '';
    if (out.trim() === '') throw error;
  }
  const folders = new Set<string>();
  for (const line of out.split('\n')) {
    const path = line.trim().split(sep).join('/');
    const at = path.indexOf('/node_modules/');
    if (at >= 0) folders.add(path.slice(at + 1));
  }
  return [...folders].sort();
}

/** The package.json the bundle ships: what Node needs to run dist/ (ESM, version), nothing for development. */
function bundlePackageJson(pkg: PackageJson): string {
  const { name, version, description, type, license, bin, main, engines, dependencies, mcpName } = pkg;
  const trimmed = { name, version, description, type, license, bin, main, engines, dependencies, mcpName };
  return JSON.stringify(trimmed, null, 2) + '\n';
}

export interface BundleResult {
  file: string;
  bytes: number;
  /** The staged directory, when kept. */
  stage?: string;
}

/** Stages and packs the bundle into `out`. `keepStage` keeps the staged tree at that path (tests, inspection). */
export async function buildBundle(options: { out?: string; keepStage?: string } = {}): Promise<BundleResult> {
  const out = resolve(options.out ?? DEFAULT_BUNDLE);
  const current = readFileSync(MANIFEST, 'utf8');
  if (current !== (await expectedManifest())) {
    throw new Error(
      'manifest.json is out of date with the tool registry or package.json: run npm run gen:manifest',
    );
  }
  const stage = options.keepStage
    ? resolve(options.keepStage)
    : mkdtempSync(join(tmpdir(), 'actitime-mcp-bundle-'));
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        join(stage, 'dist'),
        '--sourceMap',
        'false',
        '--declaration',
        'false',
      ],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    // The MCP Apps views are built beside the compiled code, as `npm run build` does.
    for (const view of VIEWS) await buildView(view, join(stage, 'dist', 'views'));
    for (const file of ROOT_FILES) cpSync(join(ROOT, file), join(stage, file));
    const pkg = readPackageJson();
    writeFileSync(join(stage, 'package.json'), bundlePackageJson(pkg));
    for (const folder of productionPackages()) {
      const from = join(ROOT, folder);
      cpSync(from, join(stage, folder), {
        recursive: true,
        dereference: true,
        // Nested node_modules are listed (and copied) on their own when production needs them.
        filter: (src) => {
          const inside = src.slice(from.length).split(sep).join('/');
          return !inside.includes('/node_modules') && !DROPPED.test(src);
        },
      });
    }
    mkdirSync(dirname(out), { recursive: true });
    rmSync(out, { force: true });
    const ok = await packExtension({ extensionPath: stage, outputPath: out, silent: true });
    if (!ok) throw new Error(`mcpb pack failed for ${stage}`);
    return { file: out, bytes: statSync(out).size, ...(options.keepStage ? { stage } : {}) };
  } finally {
    if (!options.keepStage) rmSync(stage, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      manifest: { type: 'boolean' },
      check: { type: 'boolean' },
      out: { type: 'string' },
      'keep-stage': { type: 'string' },
    },
  });
  if (values.manifest) {
    const expected = await expectedManifest();
    if (readFileSync(MANIFEST, 'utf8') === expected) return;
    if (values.check) {
      process.stderr.write('manifest.json is out of date: run npm run gen:manifest\n');
      process.exitCode = 1;
      return;
    }
    writeFileSync(MANIFEST, expected);
    process.stderr.write('manifest.json updated\n');
    return;
  }
  const result = await buildBundle({
    ...(values.out ? { out: values.out } : {}),
    ...(values['keep-stage'] ? { keepStage: values['keep-stage'] } : {}),
  });
  process.stderr.write(`${basename(result.file)}: ${(result.bytes / 1024).toFixed(0)} kB\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bundle: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
