// Removes compiled files in dist/ whose source in src/ is gone (a renamed or split module), and the source maps
// and declarations older builds wrote (tsconfig.build.json emits neither: the package is a program, and names no
// `types`), so a local build never ships or runs a stale file.
// Plain JavaScript: it runs right after tsc, with nothing else needed.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const OUTPUTS = /(\.d\.ts\.map|\.js\.map|\.d\.ts|\.js)$/;

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const source = join('src', relative('dist', path)).replace(OUTPUTS, '.ts');
    if (/\.map$|\.d\.ts$/.test(entry.name) || (OUTPUTS.test(entry.name) && !existsSync(source))) rmSync(path);
  }
}

prune('dist');
