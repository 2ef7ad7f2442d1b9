/**
 * `tsx scripts/build-views.ts` (part of `npm run build`): the MCP Apps views, each one self-contained HTML file
 * the server serves as a `ui://` resource. esbuild bundles the view's main.ts for the browser (ES2020, minified,
 * one IIFE), and the script and the minified style.css (its `@import`s bundled) are inlined into the view's
 * index.html (after the head every view shares, with its CSP), because a view may load nothing from anywhere (its resource's CSP allows no domains).
 *
 *   src/views/timesheet/{index.html,style.css,main.ts} → dist/views/timesheet.html
 *   src/views/missing-time/{index.html,style.css,main.ts} → dist/views/missing-time.html
 *
 * A view may import another view's modules (the missing-time view uses the timesheet view's bridge and look),
 * and its style.css may `@import` another view's style.css: both are bundled in, nothing is loaded at run time.
 *
 * Fails (exit 1) when a view is over MAX_VIEW_BYTES: hosts send the whole file into the conversation's frame.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** 150 kB, counted in bytes of the UTF-8 file. */
export const MAX_VIEW_BYTES = 150_000;

/** The views: each `src/views/<name>/` becomes `dist/views/<name>.html`. */
export const VIEWS = ['timesheet', 'missing-time'] as const;

const HEAD_MARKER = '<!--HEAD-->';
const STYLE_MARKER = '<!--STYLE-->';
const SCRIPT_MARKER = '<!--SCRIPT-->';

/**
 * What every view's head starts with. The CSP allows nothing to be loaded from anywhere (no fonts, images or
 * requests), whatever the host's own policy: the inlined style and script are all a view has.
 */
const VIEW_HEAD = [
  '<meta charset="utf-8" />',
  '<meta name="viewport" content="width=device-width, initial-scale=1" />',
  '<meta http-equiv="Content-Security-Policy" content="' +
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'" +
    '" />',
].join('\n    ');

export interface BuiltView {
  name: string;
  file: string;
  bytes: number;
}

/**
 * Inline code must not close its own element early: `</script` in a string literal would end the script (the
 * HTML parser knows no JavaScript). `<\/` means the same inside JS strings, regexes and CSS.
 */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  // `<!--` inside a script can keep the parser from ending it at `</script>`; no rewrite is safe everywhere
  // (a `u` regex refuses `<\!`), so it is refused instead.
  if (code.includes('<!--')) throw new Error(`the inlined ${tag} holds "<!--"`);
  return code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

/** Puts `content` in place of the one `marker`; a function replacement, so `$&` in the code stays as written. */
function fill(template: string, marker: string, content: string): string {
  const at = template.indexOf(marker);
  if (at < 0 || template.indexOf(marker, at + 1) >= 0)
    throw new Error(`the template must hold ${marker} exactly once`);
  return template.replace(marker, () => content);
}

async function bundleScript(entry: string, version: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { __VIEW_VERSION__: JSON.stringify(version) },
  });
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return js.trimEnd();
}

/** style.css minified, with its `@import`s of other views' styles inlined (the view may load nothing). */
async function bundleStyle(file: string): Promise<string> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const css = result.outputFiles[0]?.text;
  if (css === undefined) throw new Error(`esbuild wrote nothing for ${file}`);
  return css.trimEnd();
}

export async function buildView(name: string, outDir = join(ROOT, 'dist', 'views')): Promise<BuiltView> {
  const dir = join(ROOT, 'src', 'views', name);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const [js, css] = await Promise.all([
    bundleScript(join(dir, 'main.ts'), pkg.version),
    bundleStyle(join(dir, 'style.css')),
  ]);
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const html = fill(
    fill(fill(template, HEAD_MARKER, VIEW_HEAD), STYLE_MARKER, `<style>${inlineSafe(css, 'style')}</style>`),
    SCRIPT_MARKER,
    `<script>${inlineSafe(js, 'script')}</script>`,
  );
  const bytes = Buffer.byteLength(html, 'utf8');
  const file = join(outDir, `${name}.html`);
  if (bytes > MAX_VIEW_BYTES)
    throw new Error(
      `${name}.html would be ${bytes} bytes, over the ${MAX_VIEW_BYTES}-byte limit; not written`,
    );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  return { name, file, bytes };
}

async function main(): Promise<void> {
  for (const name of VIEWS) {
    const view = await buildView(name);
    // stderr: `npm pack --json` and `npm publish` run the build and keep stdout for their own answer.
    process.stderr.write(
      `${relative(ROOT, view.file)}: ${view.bytes} bytes (${(view.bytes / 1000).toFixed(1)} kB of ${MAX_VIEW_BYTES / 1000} kB)\n`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`build-views: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
