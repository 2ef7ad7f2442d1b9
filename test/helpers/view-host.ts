/**
 * The browser tests' MCP Apps host: headless Chromium (Debian's package, which `.ci/run` installs) driven by
 * playwright-core, with a page running the minimal host of test/views/host/host.ts (ext-apps' AppBridge). The
 * view's tool calls go to `c.client`, the SDK client talking to the real server. Any view is shown the same
 * way: `showView(html, args, result, theme)` with the HTML the server served.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { build } from 'esbuild';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { expect } from 'vitest';

import { connectClient, REPO_ROOT, type Connected } from './mcp.js';
import type { SimulatorHandle } from './simulator.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run here (in CI they must). */
export const HAS_CHROMIUM = existsSync(CHROMIUM) || Boolean(process.env.CI);

/**
 * What the callbacks run in the page see. The tests are type-checked for Node, without the DOM's types, and a
 * callback is sent to the browser as its source, so each one reads the page through this cast.
 */
export interface PageGlobals {
  document: {
    documentElement: { getAttribute(name: string): string | null; scrollWidth: number };
    querySelector(selector: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): { length: number };
  };
  innerWidth: number;
  showView(html: string, args: unknown, result: unknown, theme: string): Promise<void>;
  setTheme(theme: string): Promise<void>;
}

async function hostScript(): Promise<string> {
  const out = await build({
    entryPoints: [join(REPO_ROOT, 'test/views/host/host.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Chromium with the host page loaded, forwarding the view's tools/call to `c`. */
export async function openHost(c: Connected): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container cannot use Chromium's user-namespace sandbox; the page is ours.
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 960, height: 1200 }, deviceScaleFactor: 1 });
  await page.exposeFunction('callTool', async (name: string, args: Record<string, unknown>) =>
    c.client.callTool({ name, arguments: args }),
  );
  await page.setContent('<!doctype html><html><body style="margin:0;background:#1e1e1e"></body></html>');
  await page.addScriptTag({ content: await hostScript() });
  return { browser, page };
}

/** An SDK client that declares MCP Apps (to `simulator`, else a fresh one), and the host page around it. */
export async function openViewHost(
  simulator?: SimulatorHandle,
): Promise<{ c: Connected; browser: Browser; page: Page }> {
  const c = await connectClient({
    ...(simulator ? { simulator } : {}),
    capabilities: { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } },
  });
  return { c, ...(await openHost(c)) };
}

/** Shows a view with its tool's arguments and result in `theme`; resolves with the view's frame. */
export async function showView(
  page: Page,
  html: string,
  args: unknown,
  result: unknown,
  theme: 'light' | 'dark',
): Promise<Frame> {
  await page.evaluate(async ([h, a, r, t]) => (globalThis as unknown as PageGlobals).showView(h, a, r, t), [
    html,
    args,
    result,
    theme,
  ] as const);
  return page.frame({ url: 'about:srcdoc' }) ?? page.frames()[1]!;
}

/** Until the view has handled what it was waiting for (<html data-busy> gone). */
export async function waitIdle(view: Frame): Promise<void> {
  await view.waitForFunction(
    () =>
      (globalThis as unknown as PageGlobals).document.documentElement.getAttribute('data-busy') !== 'true',
  );
}

/** Tells the view the host's theme changed, and waits until it shows it. */
export async function switchTheme(page: Page, view: Frame, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => (globalThis as unknown as PageGlobals).setTheme(t), theme);
  await view.waitForFunction(
    (t) => (globalThis as unknown as PageGlobals).document.documentElement.getAttribute('data-theme') === t,
    theme,
  );
}

/** How far the view's page is wider than its frame (0 when nothing overflows sideways). */
export async function horizontalOverflow(view: Frame): Promise<number> {
  return view.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    return w.document.documentElement.scrollWidth - w.innerWidth;
  });
}

/**
 * Asserts that tools/list names the view on `tool` and that the view is one self-contained file within the size
 * limit, loading nothing (a CSP of no domains); returns its HTML.
 */
export async function readListedView(c: Connected, tool: string, uri: string): Promise<string> {
  const { tools } = await c.client.listTools();
  expect(tools.find((t) => t.name === tool)?._meta).toMatchObject({ ui: { resourceUri: uri } });
  const read = await c.client.readResource({ uri });
  const content = read.contents[0] as { mimeType: string; text: string; _meta?: Record<string, unknown> };
  expect(content.mimeType).toBe(RESOURCE_MIME_TYPE);
  expect(content._meta).toMatchObject({ ui: { csp: { connectDomains: [], resourceDomains: [] } } });
  expect(Buffer.byteLength(content.text)).toBeLessThanOrEqual(150 * 1024);
  expect(content.text).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  expect(content.text).not.toMatch(
    /<script[^>]+src=|<link\b|url\(\s*['"]?(https?:)?\/\/|@import\s+(url|['"])/i,
  );
  return content.text;
}

/** Where a view's screenshot goes: the README's copy in docs/ when ACTITIME_MCP_SCREENSHOT=docs, else a temporary file. */
export function screenshotPath(name: string): string {
  return process.env.ACTITIME_MCP_SCREENSHOT === 'docs'
    ? join(REPO_ROOT, 'docs', `${name}.png`)
    : join(tmpdir(), `actitime-mcp-${name}.png`);
}
