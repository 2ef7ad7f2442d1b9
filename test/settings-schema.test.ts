/**
 * Issue 13: every setting is declared once in src/settings-schema.ts; --help and the README are generated from
 * it, and no module outside it looks an environment variable up by name.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError } from '../src/actitime/errors.js';
import { helpText } from '../src/help.js';
import { ALL_SETTINGS, HTTP_DEFAULTS, readEnv, SETTINGS } from '../src/settings-schema.js';
import {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_MCP_PATH,
  HTTP_ENV,
} from '../src/transports/http/options.js';
import { generateSection } from '../scripts/gen-config.js';
import { REPO_ROOT } from './helpers/mcp.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('settings schema', () => {
  it('--help names every variable and flag', () => {
    const help = helpText('0.0.0');
    for (const [, spec] of ALL_SETTINGS) {
      if (spec.env) expect(help).toContain(spec.env);
      if (spec.flag) expect(help).toContain(spec.flag);
    }
    const printed = execFileSync('node', ['dist/cli.js', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(printed).toContain('ACTITIME_MAX_RESPONSE_BYTES');
    expect(printed).toContain('ACTITIME_MCP_HTTP_ALLOWED_HOSTS');
  });

  it('the README holds the generated configuration section, with every variable', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = generateSection();
    for (const [, spec] of ALL_SETTINGS) if (spec.env) expect(section).toContain(`\`${spec.env}\``);
    expect(readme).toContain('<!-- config:start -->');
    expect(readme).toContain('ACTITIME_MCP_HTTP_ALLOWED_ORIGINS');
  });

  it('every ACTITIME_* variable named in src/ is declared, and the HTTP defaults match the transport', () => {
    const declared = new Set(ALL_SETTINGS.map(([, s]) => s.env).filter(Boolean));
    for (const file of sources(join(REPO_ROOT, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bACTITIME_[A-Z_]+[A-Z]\b/g)) {
        expect(declared, `${m[0]} in ${file}`).toContain(m[0]);
      }
    }
    for (const name of Object.values(HTTP_ENV)) expect(declared).toContain(name);
    expect(HTTP_DEFAULTS).toEqual({
      host: DEFAULT_HTTP_HOST,
      port: DEFAULT_HTTP_PORT,
      path: DEFAULT_MCP_PATH,
    });
  });

  it('only the schema module and the entry points touch process.env', () => {
    const allowed = new Set(['src/cli.ts', 'src/journal/store.ts', 'src/settings-schema.ts']);
    for (const file of sources(join(REPO_ROOT, 'src'))) {
      const rel = file.slice(REPO_ROOT.length).replace(/\\/g, '/');
      if (allowed.has(rel) || rel.startsWith('src/transports/') || rel.startsWith('src/simulator/')) continue;
      expect(readFileSync(file, 'utf8'), rel).not.toMatch(/process\.env/);
    }
  });

  it('readEnv names the variable in its error and parses to typed values', () => {
    expect(readEnv({ ACTITIME_TIMEOUT_MS: '2500' }, ['attemptTimeoutMs'])).toEqual({
      attemptTimeoutMs: 2500,
    });
    expect(readEnv({}, ['toolsets', 'readOnly'])).toEqual({
      toolsets: ['time', 'leave', 'work', 'users', 'reference'],
      readOnly: false,
    });
    expect(
      readEnv({ ACTITIME_MCP_HTTP_ALLOWED_HOSTS: ' a.example, b.example:8443 ,' }, ['httpAllowedHosts']),
    ).toEqual({ httpAllowedHosts: ['a.example', 'b.example:8443'] });
    let err: unknown;
    try {
      readEnv({ ACTITIME_MAX_RESPONSE_BYTES: 'lots' }, ['maxResponseBytes']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('ACTITIME_MAX_RESPONSE_BYTES must be a whole number');
    expect(SETTINGS.maxResponseBytes.env).toBe('ACTITIME_MAX_RESPONSE_BYTES');
  });
});
