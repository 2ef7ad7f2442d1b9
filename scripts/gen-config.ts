/**
 * Writes the README's configuration reference from src/settings-schema.ts (every environment variable and flag,
 * with its default) and the command grammar from src/help.ts, between `<!-- config:start -->` and
 * `<!-- config:end -->`. `--check` changes nothing and exits 1 when the README differs from what would be
 * generated. `actitime-mcp --help` is generated from the same declarations at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as prettier from 'prettier';

import { USAGE_LINES } from '../src/help.js';
import { ALL_SETTINGS, GROUP_TITLES, settingLabel, type SettingSpec } from '../src/settings-schema.js';

export const START = '<!-- config:start -->';
export const END = '<!-- config:end -->';
const README = fileURLToPath(new URL('../README.md', import.meta.url));

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function label(spec: SettingSpec): string {
  return settingLabel(spec)
    .split(', ')
    .map((part) => `\`${part}\``)
    .join(', ');
}

export function generateSection(): string {
  const out = [
    START,
    '',
    '<!-- Generated from src/settings-schema.ts by `npm run gen:config`; do not edit by hand. -->',
    '',
    'Flags win over their environment variables. `actitime-mcp --help` prints the same list.',
    '',
  ];
  const groups = [...new Set(ALL_SETTINGS.map(([, s]) => s.group))];
  for (const group of groups) {
    out.push(
      `#### ${GROUP_TITLES[group]}`,
      '',
      '| Variable / flag | Meaning | Default |',
      '| --- | --- | --- |',
    );
    for (const [, spec] of ALL_SETTINGS.filter(([, s]) => s.group === group)) {
      out.push(`| ${label(spec)} | ${cell(spec.description)} | ${cell(spec.default || '—')} |`);
    }
    out.push('');
  }
  out.push('Command line:', '', '```text', ...USAGE_LINES, '```', '', END);
  return out.join('\n');
}

export async function render(readme: string): Promise<string> {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${START} … ${END} markers`);
  const next = readme.slice(0, start) + generateSection() + readme.slice(end + END.length);
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(next, { ...options, parser: 'markdown', filepath: README });
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const current = readFileSync(README, 'utf8');
  const next = await render(current);
  if (check) {
    if (next !== current) {
      process.stderr.write('README.md configuration reference is out of date; run `npm run gen:config`\n');
      process.exit(1);
    }
    return;
  }
  if (next !== current) writeFileSync(README, next);
  process.stderr.write(`README.md: ${ALL_SETTINGS.length} settings documented\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`gen-config: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
