/**
 * The plumbing every generated README section shares: replace what stands between its markers, format the
 * whole README as Prettier would, and a command that writes it or, with `--check`, only says whether it drifted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as prettier from 'prettier';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));

/** `readme` with the text between `start` and `end` replaced by `section`, formatted. */
export async function withSection(
  readme: string,
  start: string,
  end: string,
  section: string,
): Promise<string> {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs ${start} … ${end} markers`);
  const next = readme.slice(0, from) + section + readme.slice(to + end.length);
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(next, { ...options, parser: 'markdown', filepath: README });
}

export interface SectionCommand {
  /** The script's name in messages, e.g. `gen-readme`. */
  name: string;
  /** What the section holds, e.g. `tool reference`. */
  what: string;
  /** The npm script that regenerates it. */
  fix: string;
  render(current: string): Promise<string>;
  /** The line printed after writing. */
  done: string;
}

/** Runs a generator as a command when `moduleUrl` is the script node was started with. */
export function runSectionCommand(moduleUrl: string, command: SectionCommand): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  void (async () => {
    const current = readFileSync(README, 'utf8');
    const next = await command.render(current);
    if (process.argv.includes('--check')) {
      if (next !== current) {
        process.stderr.write(`README.md ${command.what} is out of date; run \`npm run ${command.fix}\`\n`);
        process.exit(1);
      }
      return;
    }
    if (next !== current) writeFileSync(README, next);
    process.stderr.write(`${command.done}\n`);
  })().catch((err: unknown) => {
    process.stderr.write(`${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
