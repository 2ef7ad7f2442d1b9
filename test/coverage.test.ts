import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTitles } from './helpers/test-titles.js';
import { IN_SCOPE, REQUIREMENTS } from './requirements.js';

const TEST_DIR = new URL('.', import.meta.url).pathname;
const ID = /\b(?:REL|SEC)-[A-Z]{2,3}-\d{2}\b|\bSIM-\d{2}\b/g;

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') && name !== 'coverage.test.ts' ? [path] : [];
  });
}

/** The checklist IDs that the test and suite titles of `source` cite. */
function citedIn(source: string, fileName?: string): Set<string> {
  return new Set(testTitles(source, fileName).flatMap((title) => title.match(ID) ?? []));
}

/** Every cited ID, with the files whose titles cite it. */
function citedIds(files: readonly string[]): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const file of files)
    for (const id of citedIn(readFileSync(file, 'utf8'), file))
      cited.set(id, [...(cited.get(id) ?? []), relative(TEST_DIR, file)]);
  return cited;
}

describe('requirement coverage', () => {
  const cited = citedIds(testFiles(TEST_DIR));

  it('cites every in-scope checklist ID in the title of at least one test', () => {
    expect(IN_SCOPE.filter((id) => !cited.has(id))).toEqual([]);
  });

  it('cites no ID that the checklist does not define', () => {
    const unknown = [...cited].filter(([id]) => !(id in REQUIREMENTS));
    expect(Object.fromEntries(unknown)).toEqual({});
  });
});

describe('test title extraction', () => {
  const source = `
    // REL-RL-01 in a comment
    /** REL-RL-02 in a doc comment */
    const name = 'REL-RL-03 in a variable';
    describe('suite SEC-CR-01', () => {
      it('plain SEC-CR-02', () => expect(1, 'REL-RL-04 in an assertion message').toBe(1));
      it.skip("skipped SEC-CR-03", () => {});
      test.only(\`template SEC-CR-04\`, () => {});
      it.concurrent('concurrent SEC-CR-05', async () => {});
      it.each([1, 2])('each %i SEC-CR-06', (n) => {});
      describe.each([{ a: 1 }])('suite each $a SIM-01', () => {});
      it.concurrent.each([['REL-RL-05 in a table']])('chained each SIM-02', () => {});
      it.skipIf(false)('skipIf SIM-03', () => {});
      it.each\`n\n\${1}\`('tagged each SEC-OUT-01', ({ n }) => {});
      test(\`substituted \${name} SEC-IN-01 \${1}REL-RL-0\${2}6\`, () => {});
      it(name, () => {});
    });
  `;

  it('reads the titles of describe, it and test with their modifiers, it.each and describe.each', () => {
    expect(testTitles(source)).toEqual([
      'suite SEC-CR-01',
      'plain SEC-CR-02',
      'skipped SEC-CR-03',
      'template SEC-CR-04',
      'concurrent SEC-CR-05',
      'each %i SEC-CR-06',
      'suite each $a SIM-01',
      'chained each SIM-02',
      'skipIf SIM-03',
      'tagged each SEC-OUT-01',
      'substituted   SEC-IN-01  REL-RL-0 6',
    ]);
  });

  it('counts no ID from comments, variables, assertion messages, tables or across a substitution', () => {
    expect([...citedIn(source)].sort()).toEqual([
      'SEC-CR-01',
      'SEC-CR-02',
      'SEC-CR-03',
      'SEC-CR-04',
      'SEC-CR-05',
      'SEC-CR-06',
      'SEC-IN-01',
      'SEC-OUT-01',
      'SIM-01',
      'SIM-02',
      'SIM-03',
    ]);
  });
});
