import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IN_SCOPE, REQUIREMENTS } from './requirements.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') && name !== 'coverage.test.ts' ? [path] : [];
  });
}

describe('requirement coverage', () => {
  const sources = testFiles(new URL('.', import.meta.url).pathname).map((f) => readFileSync(f, 'utf8'));

  it('cites every in-scope checklist ID in at least one test', () => {
    const uncited = IN_SCOPE.filter((id) => !sources.some((s) => s.includes(id)));
    expect(uncited).toEqual([]);
  });

  it('cites no ID that the checklist does not define', () => {
    const cited = new Set(
      sources.flatMap((s) => s.match(/\b(?:REL|SEC)-[A-Z]{2,3}-\d{2}\b|\bSIM-\d{2}\b/g) ?? []),
    );
    expect([...cited].filter((id) => !(id in REQUIREMENTS))).toEqual([]);
  });
});
