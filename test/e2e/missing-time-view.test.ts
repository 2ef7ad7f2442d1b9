/**
 * The MCP Apps missing-time view (a team view of find_missing_time) in a real browser, hosted as the timesheet
 * view is (test/helpers/view-host.ts: headless Chromium, ext-apps' AppBridge, the real server against the
 * simulator). The `team:12` seed gives a department of a dozen people with gaps; one of them is renamed to the
 * demo's prompt-injection name (SEC-OUT-06) and loses a day of time. Assertions are on the view's DOM against
 * the structured result the server sent.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { MISSING_TIME_VIEW_URI } from '../../src/resources/views.js';
import { INJECTION_TASK_NAME } from '../../src/simulator/seed.js';
import { TEAM_FIRST_USER_ID } from '../../src/simulator/seed-team.js';
import { addDays, rangeLength } from '../../src/views/timesheet/dates.js';
import { formatHm } from '../../src/views/timesheet/model.js';
import type { Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import {
  HAS_CHROMIUM,
  horizontalOverflow,
  openViewHost,
  showView,
  switchTheme,
  waitIdle,
  readListedView,
  screenshotPath,
} from '../helpers/view-host.js';

const SCREENSHOT = screenshotPath('missing-time-view');

/** Markup in a name must stay text too. */
const INJECTED_NAME = `${INJECTION_TASK_NAME} <img src=x onerror="document.title='pwned'">`;
/** The team member renamed to it (the second of the team, who has no gap of their own in the seed). */
const RENAMED_ID = TEAM_FIRST_USER_ID + 1;

/** The page's globals the callbacks below read (this file is type-checked without the DOM's types). */
interface ViewGlobals {
  document: { body: unknown };
  getComputedStyle(element: unknown): { backgroundColor: string };
  innerWidth: number;
}

interface Report {
  period: { from: string; to: string };
  checkedTo?: string;
  users: Array<{ id: number; name: string; missing: number; days: Array<{ date: string; missing: number }> }>;
  people: Array<{ id: number; name: string; missing: number }>;
  totals: { usersChecked: number; usersWithGaps: number; missing: number };
}

function datesOf(from: string, to: string): string[] {
  return Array.from({ length: rangeLength({ from, to }) }, (_, i) => addDays(from, i));
}

describe.skipIf(!HAS_CHROMIUM)('missing-time view in headless Chromium', () => {
  let sim: SimulatorHandle;
  let c: Connected;
  let browser: Browser;
  let page: Page;
  let view: Frame;
  let html: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'team:12' });
    ({ c, browser, page } = await openViewHost(sim));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await sim?.close();
  });

  it('tools/list names the view, and the view is one self-contained file with no data and no domains', async () => {
    html = await readListedView(c, 'find_missing_time', MISSING_TIME_VIEW_URI);
    // No data in the page: it arrives in tool results only.
    expect(html).not.toMatch(/Alex|Terry Lead|Delivery/);
  });

  it('one row per person, gaps marked exactly where the result has them, totals as the result says', async () => {
    // Fixture: the renamed person loses the Wednesday of last week, so their row has a gap of its own.
    const person = sim.store.users.get(RENAMED_ID)!;
    person.firstName = '';
    person.middleName = '';
    person.lastName = INJECTED_NAME;
    const week = (
      (await c.client.callTool({
        name: 'get_timesheet',
        arguments: { period: 'last week' },
      })) as CallToolResult
    ).structuredContent as { period: { from: string } };
    const wednesday = addDays(week.period.from, 2);
    for (const taskId of sim.store.getDay(RENAMED_ID, wednesday)?.keys() ?? [])
      sim.store.setTime(RENAMED_ID, wednesday, taskId, 0);

    const args = { department: 'Delivery', period: 'last week' };
    const result = (await c.client.callTool({
      name: 'find_missing_time',
      arguments: args,
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const report = result.structuredContent as unknown as Report;
    expect(report.users.map((u) => u.id)).toContain(RENAMED_ID);
    expect(report.users.length).toBeGreaterThan(1);
    expect(report.people.length).toBeGreaterThan(report.users.length);

    view = await showView(page, html, args, result, 'dark');
    await view.waitForSelector('table#grid');
    await waitIdle(view);
    expect(await view.getAttribute('html', 'data-theme')).toBe('dark');

    // One row per person, no more.
    const rows = view.locator('tbody tr.person');
    expect(await rows.count()).toBe(report.people.length);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-user-id'))));
    expect([...ids].sort((a, b) => a - b)).toEqual(report.people.map((p) => p.id).sort((a, b) => a - b));
    // People with gaps first, most missing first (the result's order of `users`).
    expect(ids.slice(0, report.users.length)).toEqual(report.users.map((u) => u.id));

    // One column per day; a gap cell exactly where the result lists a gap, with its minutes.
    const dates = datesOf(report.period.from, report.period.to);
    expect(await view.locator('thead th.day').count()).toBe(dates.length);
    const expected = new Map(
      report.users.flatMap((u) => u.days.map((d) => [`${u.id}|${d.date}`, d.missing])),
    );
    const cells = await view.locator('tbody tr.person td.mark').evaluateAll((tds) =>
      tds.map((td) => ({
        key: `${td.closest('tr')!.getAttribute('data-user-id')}|${td.getAttribute('data-date')}`,
        state: td.getAttribute('data-state'),
        missing: Number(td.getAttribute('data-missing')),
        text: td.textContent?.trim() ?? '',
      })),
    );
    expect(cells).toHaveLength(report.people.length * dates.length);
    const gaps = cells.filter((cell) => cell.state === 'gap');
    expect(new Map(gaps.map((g) => [g.key, g.missing]))).toEqual(expected);
    for (const g of gaps) expect(g.text, g.key).toBe(formatHm(g.missing));
    expect(cells.filter((cell) => cell.state !== 'gap').every((cell) => cell.state === 'ok')).toBe(true);
    expect(expected.get(`${RENAMED_ID}|${wednesday}`)).toBeGreaterThan(0);

    // Each person's total is the result's.
    for (const p of report.people) {
      const total = view.locator(`tr[data-user-id="${p.id}"] td.row-total`);
      expect(await total.getAttribute('data-missing'), `${p.id}`).toBe(String(p.missing));
      expect(await total.locator('.missing').textContent(), `${p.id}`).toBe(formatHm(p.missing));
    }
    expect(await view.textContent('td.grand-total')).toBe(formatHm(report.totals.missing));

    // The injected name: exactly the text the server sent, in a <bdi>, with no element made of it.
    const injected = report.people.find((p) => p.id === RENAMED_ID)!;
    // The server drops the invisible and bidi characters (SEC-OUT-06); the instruction and the markup remain.
    expect(injected.name).toContain('Ignore previous instructions');
    expect(injected.name).toContain('<img src=x onerror=');
    const row = view.locator(`tr[data-user-id="${RENAMED_ID}"]`);
    expect(await row.locator('th bdi').textContent()).toBe(injected.name);
    expect(await row.locator('th bdi *').count()).toBe(0);
    expect(await view.locator('img, a, iframe, object, embed').count()).toBe(0);
    expect(await view.locator('script').count()).toBeLessThanOrEqual(1);
    expect(await view.title()).toBe('Missing time');

    await page.locator('#view').screenshot({ path: SCREENSHOT });
  }, 60_000);

  it('follows the host theme to light', async () => {
    const dark = await view.evaluate(() => {
      const w = globalThis as unknown as ViewGlobals;
      return w.getComputedStyle(w.document.body).backgroundColor;
    });
    expect(dark).toBe('rgb(28, 29, 33)');
    await switchTheme(page, view, 'light');
    const background = await view.evaluate(() => {
      const w = globalThis as unknown as ViewGlobals;
      return w.getComputedStyle(w.document.body).backgroundColor;
    });
    // The light fallback background (#ffffff), whatever the system prefers.
    expect(background).toBe('rgb(255, 255, 255)');
  });

  it('at 360 px the page does not overflow sideways; the grid scrolls inside its box', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    await view.waitForFunction(() => (globalThis as unknown as ViewGlobals).innerWidth <= 360);
    expect(await horizontalOverflow(view)).toBeLessThanOrEqual(1);
    const name = await view.locator(`tr[data-user-id="${RENAMED_ID}"] th.task`).boundingBox();
    expect(name!.width).toBeGreaterThan(80);
    await page
      .locator('#view')
      .screenshot({ path: join(tmpdir(), 'actitime-mcp-missing-time-view-360.png') });
  });
});
