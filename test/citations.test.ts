/**
 * A reader of the project has only the repository: comments and titles cite the project's own model
 * (docs/actitime-model.md) and reliability notes, never a document that lives elsewhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const DIRS = ['src', 'test', 'bench', 'scripts', 'docs'];
const TOP = ['README.md', 'eslint.config.js', 'vitest.config.ts', 'mcp.json.example'];
const SELF = relative(ROOT, new URL(import.meta.url).pathname);
/** Sections are the model document's: the file itself, or a citation naming it ("model §2.7"), or an RFC. */
const OWN_SECTION = /(actitime-model\.md|model|RFC \d{3,5}) §$/;
const OUTSIDE = /\.\.\/shared|actitime-api\.md|engineering\.md|engineering notes/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|js|md|json)$/.test(name) ? [path] : [];
  });
}

function offences(): string[] {
  const paths = [...DIRS.flatMap((d) => files(join(ROOT, d))), ...TOP.map((t) => join(ROOT, t))];
  const found: string[] = [];
  for (const path of paths) {
    const name = relative(ROOT, path);
    if (name === SELF) continue;
    const inModel = name === 'docs/actitime-model.md';
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
        if (inModel) return;
        for (let at = line.indexOf('§'); at >= 0; at = line.indexOf('§', at + 1)) {
          const before = line.slice(0, at + 1);
          // A list of sections after one named citation: "docs/actitime-model.md §2.7, §2.8".
          const listed = /(actitime-model\.md|model) §[\d.]+((, | and |–)§?[\d.]+)*(, | and |–)§$/.test(
            before,
          );
          if (!OWN_SECTION.test(before) && !listed) found.push(`${name}:${i + 1}: ${line.trim()}`);
        }
      });
  }
  return found;
}

describe('citations', () => {
  it('cite only documents inside the repository', () => {
    expect(offences()).toEqual([]);
  });
});
