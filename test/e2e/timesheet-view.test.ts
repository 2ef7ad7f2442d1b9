/**
 * The MCP Apps timesheet view in a real browser: headless Chromium (Debian's package, which `.ci/run` installs)
 * driven by playwright-core loads a minimal host page (ext-apps' AppBridge, test/views/host/host.ts, opened by
 * test/helpers/view-host.ts) that renders the view the real server serves, and forwards the view's tool calls to the SDK client talking to that server
 * against the simulator. Assertions are on the view's DOM and on what the simulator received.
 */

import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { INJECTION_TASK_ID } from '../../src/simulator/seed.js';
import { TIMESHEET_VIEW_URI } from '../../src/resources/views.js';
import type { Connected } from '../helpers/mcp.js';
import {
  HAS_CHROMIUM,
  horizontalOverflow,
  openViewHost,
  showView,
  switchTheme,
  waitIdle,
  type PageGlobals,
  readListedView,
  screenshotPath,
} from '../helpers/view-host.js';

const SCREENSHOT = screenshotPath('timesheet-view');

interface TimesheetResult {
  user: { id: number; name: string };
  period: { from: string; to: string };
  days: Array<{ date: string; logged: number; loggedHm: string; missing: number; approved: boolean }>;
  tasks: Array<{ id: number; path: string; minutes: number[] }>;
}

describe.skipIf(!HAS_CHROMIUM)('timesheet view in headless Chromium', () => {
  let c: Connected;
  let browser: Browser;
  let page: Page;
  let view: Frame;
  let html: string;
  let shown: TimesheetResult;

  beforeAll(async () => {
    ({ c, browser, page } = await openViewHost());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await c?.close();
  });

  it('tools/list names the view, and the view is one self-contained file with no data and no domains', async () => {
    html = await readListedView(c, 'get_timesheet', TIMESHEET_VIEW_URI);
    // No data in the page: it arrives in tool results only.
    expect(html).not.toContain('Spaceship building');
  });

  it('renders the week: gaps marked, day totals right, the injected task name inert; one edit writes once', async () => {
    // The injection task gets time this week, so its row is shown.
    const args = { period: 'last week' };
    const first = (await c.client.callTool({ name: 'get_timesheet', arguments: args })) as CallToolResult;
    const week = first.structuredContent as unknown as TimesheetResult;
    const openDay = week.days.find((d) => !d.approved)!;
    // A gap to show: the first scheduled day loses its time (fixture set-up in the simulator's store).
    const gapDay = week.days.find((d) => d.date !== openDay.date && d.logged > 0)!;
    for (const taskId of c.sim.store.getDay(week.user.id, gapDay.date)?.keys() ?? []) {
      c.sim.store.setTime(week.user.id, gapDay.date, taskId, 0);
    }
    const logged = await c.client.callTool({
      name: 'log_time',
      arguments: { entries: [{ task: String(INJECTION_TASK_ID), date: openDay.date, duration: 20 }] },
    });
    expect(logged.isError).toBeFalsy();
    const result = (await c.client.callTool({ name: 'get_timesheet', arguments: args })) as CallToolResult;
    shown = result.structuredContent as unknown as TimesheetResult;

    view = await showView(page, html, args, result, 'dark');
    await view.waitForSelector('table#grid');
    await waitIdle(view);

    expect(await view.textContent('#user')).toBe(shown.user.name);
    expect(await view.getAttribute('html', 'data-theme')).toBe('dark');
    for (const day of shown.days) {
      const total = view.locator(`td.day-total[data-date="${day.date}"]`);
      expect((await total.textContent())?.trim(), `${day.date} total`).toMatch(
        new RegExp(`^${day.loggedHm}\\b`),
      );
      const classes = (await total.getAttribute('class')) ?? '';
      expect(classes.split(/\s+/).includes('gap'), `${day.date} gap (${classes})`).toBe(day.missing > 0);
    }
    expect(shown.days.some((d) => d.missing > 0)).toBe(true);

    // The injected name: exactly the text the server sent, as text — no element, no script came of it.
    const injected = shown.tasks.find((t) => t.id === INJECTION_TASK_ID)!;
    const row = view.locator(`tr[data-task-id="${INJECTION_TASK_ID}"]`);
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(injected.path);
    const scripts = await view.evaluate(
      () => (globalThis as unknown as PageGlobals).document.querySelectorAll('script').length,
    );
    expect(scripts).toBeLessThanOrEqual(1);
    expect(await row.locator('a, img, iframe, script, object, embed').count()).toBe(0);

    // An edit through the host: exactly one write, the cell shows the new value.
    const task = shown.tasks.find((t) => t.id !== INJECTION_TASK_ID)!;
    const date = openDay.date;
    const before = c.sim.requests.length;
    const userId = shown.user.id;
    await view.click(`td.cell[data-task-id="${task.id}"][data-date="${date}"]`);
    const input = view.locator('input.cell-input');
    const old = task.minutes[shown.days.findIndex((d) => d.date === date)]!;
    await input.fill('9:15'); // more than before: no confirmation needed
    await input.press('Enter');
    await view.waitForFunction(
      ([id, d]) => {
        const doc = (globalThis as unknown as PageGlobals).document;
        const cell = doc.querySelector(`td.cell[data-task-id="${id}"][data-date="${d}"]`);
        return (
          cell?.textContent?.trim() === '9:15' && doc.documentElement.getAttribute('data-busy') !== 'true'
        );
      },
      [task.id, date] as const,
    );
    const writes = c.sim.requests
      .slice(before)
      .filter((r) => r.method !== 'GET' && !/^\/?batch$/.test(r.path));
    expect(writes).toHaveLength(1);
    expect(c.sim.store.getTime(userId, date, task.id)?.time).toBe(555);
    expect(old).not.toBe(555);

    await page.locator('#view').screenshot({ path: SCREENSHOT });
  }, 60_000);

  it('previous / next week call get_timesheet through the host; light theme from the host', async () => {
    await view.click('button#prev');
    await view.waitForFunction(
      (from) =>
        !(globalThis as unknown as PageGlobals).document
          .querySelector('#period')
          ?.textContent?.includes(from),
      shown.period.from,
    );
    await waitIdle(view);
    const previous = (await view.textContent('#period')) ?? '';
    expect(previous).not.toContain(shown.period.from);
    await view.click('button#next');
    await view.waitForFunction(
      (from) =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('#period')
          ?.textContent?.includes(from) === true,
      shown.period.from,
    );
    await switchTheme(page, view, 'light');
  }, 60_000);

  it('at 360 px the grid stays readable: the page does not overflow, the grid scrolls inside', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    const overflow = await horizontalOverflow(view);
    expect(overflow).toBeLessThanOrEqual(1);
  });
});
