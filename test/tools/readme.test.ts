import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { END, firstSentence, generateSection, render, START } from '../../scripts/gen-readme.js';
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

  it('takes the first sentence of a description', () => {
    expect(firstSentence('Read things. Then more.')).toBe('Read things.');
    expect(firstSentence('No full stop')).toBe('No full stop');
    expect(firstSentence('Use 1.5 hours. Next.')).toBe('Use 1.5 hours.');
  });
});
