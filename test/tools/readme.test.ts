import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { END, generateSection, render, START } from '../../scripts/gen-readme.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';

const README = new URL('../../README.md', import.meta.url);

describe('README tool reference', () => {
  it('SEC-TS-04 the README tools section equals the generated output', async () => {
    const current = readFileSync(README, 'utf8');
    expect(current).toContain(START);
    expect(current).toContain(END);
    expect(await render(current), 'run `npm run gen:readme`').toBe(current);
  });

  it('SEC-TS-04 documents every tool in the registry', () => {
    const section = generateSection();
    for (const tool of ALL_TOOLS) expect(section).toContain(`#### \`${tool.name}\``);
  });

  it('gives each description whole, as tools/list does, and names each type once', () => {
    const section = generateSection();
    const unescaped = section.replace(/\\([\\`*<>[\]])/g, '$1');
    for (const tool of ALL_TOOLS) expect(unescaped).toContain(tool.description.replace(/\s+/g, ' '));
    expect(section).not.toMatch(/e\.g\.$/m);
    expect(section).not.toMatch(/\b(\w+) or \1\b/);
  });
});
