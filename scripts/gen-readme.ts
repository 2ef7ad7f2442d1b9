/**
 * Writes the README's tool reference from the registry, between `<!-- tools:start -->` and `<!-- tools:end -->`.
 * `--check` changes nothing and exits 1 when the README differs from what would be generated (SEC-TS-04).
 * The output goes through Prettier so `npm run format` never fights it.
 */
import { z } from 'zod';

import { DEFAULT_TOOLSETS, TOOLSETS, strictInput, type AnyTool } from '../src/tools/define.js';
import { ALL_TOOLS } from '../src/tools/registry.js';
import { runSectionCommand, withSection } from './readme-section.js';

export const START = '<!-- tools:start -->';
export const END = '<!-- tools:end -->';

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** A description on one line, whole: the reference says what tools/list says. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A JSON Schema type in words: `number or string`, `array of numbers or strings`, each kind named once. */
function typeOf(s: JsonSchema): string {
  if (s.enum) return `one of ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (s.type === 'array') return `array of ${s.items ? plural(typeOf(s.items)) : 'values'}`;
  const kinds = s.anyOf ? s.anyOf.map(typeOf) : Array.isArray(s.type) ? s.type : [s.type ?? 'value'];
  return [...new Set(kinds.map((k) => (k === 'integer' ? 'number' : k)))].join(' or ');
}

function plural(kinds: string): string {
  return kinds.startsWith('one of ')
    ? kinds
    : kinds.replace(/\b(number|string|boolean|object|value)\b/g, '$1s');
}

function escape(text: string): string {
  // Intraword underscores and pipes outside tables are literal in CommonMark; these are not.
  return text.replace(/([\\`*<>[\]])/g, '\\$1');
}

function toolSection(tool: AnyTool): string {
  const schema = z.toJSONSchema(strictInput(tool), { io: 'input', target: 'draft-7' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  const lines = [
    `#### \`${tool.name}\``,
    '',
    `**${escape(tool.title)}** (${tool.access}${tool.access !== 'read' ? (tool.idempotent ? ', idempotent' : ', not idempotent') : ''}). ${escape(oneLine(tool.description))}`,
    '',
  ];
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) {
    lines.push('No parameters.', '');
  } else {
    lines.push('Parameters:', '');
    for (const [name, prop] of props) {
      const bits = [typeOf(prop), required.has(name) ? 'required' : 'optional'];
      if (prop.default !== undefined) bits.push(`default \`${JSON.stringify(prop.default)}\``);
      const desc = prop.description ? ` — ${escape(oneLine(prop.description))}` : '';
      lines.push(`- \`${name}\` (${bits.join(', ')})${desc}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function generateSection(tools: readonly AnyTool[] = ALL_TOOLS): string {
  const out = [
    START,
    '',
    '<!-- Generated from src/tools/registry.ts by `npm run gen:readme`; do not edit by hand. -->',
    '',
  ];
  for (const set of TOOLSETS) {
    const inSet = tools.filter((t) => t.toolset === set);
    if (inSet.length === 0) continue;
    const state = DEFAULT_TOOLSETS.includes(set) ? 'on by default' : 'opt-in: ACTITIME_TOOLSETS';
    out.push(`### Toolset \`${set}\` (${state})`, '');
    for (const tool of inSet) out.push(toolSection(tool));
  }
  out.push(END);
  return out.join('\n');
}

/** The README with its tool section replaced; throws when the markers are missing. */
export function render(readme: string, tools: readonly AnyTool[] = ALL_TOOLS): Promise<string> {
  return withSection(readme, START, END, generateSection(tools));
}

runSectionCommand(import.meta.url, {
  name: 'gen-readme',
  what: 'tool reference',
  fix: 'gen:readme',
  render,
  done: `README.md: ${ALL_TOOLS.length} tools documented`,
});
