/**
 * The missing-time view (MCP Apps): find_missing_time's result as a team grid, one row per person and one
 * column per day, gaps marked with the time missing. Read-only: it makes no tool calls. The protocol and the
 * look are the timesheet view's (bridge.ts, host-style.ts, autosize.ts); this file wires them to the model
 * (model.ts) and the DOM (render.ts).
 *
 * The page starts busy (<html data-busy="true">) and stops being busy once the first tool result (or its
 * cancellation) has been handled.
 */
import type { McpUiHostContext } from '@modelcontextprotocol/ext-apps';

import { reportSize } from '../timesheet/autosize.js';
import { HostBridge } from '../timesheet/bridge.js';
import { applyHostContext } from '../timesheet/host-style.js';
import { buildTeamGrid, readReportResult, type MissingTimeReport } from './model.js';
import { findElements, showGrid, showMessage, showStatus } from './render.js';

/** package.json's version, set by scripts/build-views.ts. */
declare const __VIEW_VERSION__: string;

const els = findElements();
const bridge = new HostBridge();

let report: MissingTimeReport | undefined;
let locale: string | undefined;
let stopSizeReports: (() => void) | undefined;

function settled(): void {
  document.documentElement.removeAttribute('data-busy');
}

function show(next: MissingTimeReport): void {
  report = next;
  showGrid(els, buildTeamGrid(next, locale));
}

bridge.on('ui/notifications/tool-input', (params) => {
  const period = params.arguments?.period;
  if (report || typeof period !== 'string') return;
  showMessage(els, `Waiting for the missing-time report (${period.slice(0, 64)})…`);
});

bridge.on('ui/notifications/tool-result', (result) => {
  const outcome = readReportResult(result);
  if (outcome.kind === 'report') show(outcome.report);
  else if (report) showStatus(els, outcome.text);
  else showMessage(els, outcome.text);
  settled();
});

bridge.on('ui/notifications/tool-cancelled', (params) => {
  if (!report) showMessage(els, `The report was cancelled${params.reason ? `: ${params.reason}` : ''}.`);
  settled();
});

function useHostContext(context: McpUiHostContext): void {
  applyHostContext(context);
  if (typeof context.locale === 'string' && context.locale !== locale) {
    locale = context.locale;
    if (report) show(report);
  }
}

bridge.on('ui/notifications/host-context-changed', useHostContext);

bridge.onTeardown(() => stopSizeReports?.());

bridge
  .connect({ name: 'actitime-missing-time', version: __VIEW_VERSION__ })
  .then((init) => {
    useHostContext(init.hostContext ?? {});
    stopSizeReports = reportSize(bridge);
  })
  .catch((err: unknown) => {
    if (!report) showMessage(els, `No host to talk to: ${err instanceof Error ? err.message : String(err)}`);
    settled();
  });
