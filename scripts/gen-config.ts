/**
 * Writes the README's configuration reference from src/settings-schema.ts (every environment variable and flag,
 * with its default) and the command grammar from src/help.ts, between `<!-- config:start -->` and
 * `<!-- config:end -->`. `--check` changes nothing and exits 1 when the README differs from what would be
 * generated. `actitime-mcp --help` is generated from the same declarations at run time.
 */

import { USAGE_LINES } from '../src/help.js';
import { ALL_SETTINGS, GROUP_TITLES, settingLabel, type SettingSpec } from '../src/settings-schema.js';
import { runSectionCommand, withSection } from './readme-section.js';

export const START = '<!-- config:start -->';
export const END = '<!-- config:end -->';

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

export function render(readme: string): Promise<string> {
  return withSection(readme, START, END, generateSection());
}

runSectionCommand(import.meta.url, {
  name: 'gen-config',
  what: 'configuration reference',
  fix: 'gen:config',
  render,
  done: `README.md: ${ALL_SETTINGS.length} settings documented`,
});
