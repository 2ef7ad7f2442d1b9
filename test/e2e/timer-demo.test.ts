/**
 * Issue 16 acceptance, as a user runs the product: the built CLI with no configuration (the embedded demo) over
 * stdio. A timer is started, the server process is stopped and started again (a new demo on a new port, from
 * its seed), and "stop" adds the elapsed minutes to that cell once; undo_change takes them back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, spawnStdio, textOf, type Spawned } from '../helpers/mcp.js';

type Json = Record<string, unknown>;

async function call(cli: Spawned, name: string, args: Json = {}): Promise<Json> {
  const result = await cli.client.callTool({ name, arguments: args });
  expect(result.isError, `${name}: ${textOf(result).slice(0, 400)}`).toBeFalsy();
  return result.structuredContent as Json;
}

beforeAll(() => ensureBuilt(), 120_000);

describe('issue 16 acceptance: a timer survives a restart of the demo server', () => {
  const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'actitime-timer-e2e-')) };
  const open: Spawned[] = [];
  const spawn = async () => {
    const cli = await spawnStdio([], env);
    open.push(cli);
    return cli;
  };
  afterAll(async () => {
    for (const cli of open) await cli.close();
  });

  it('REL-TM-01 start a timer on Spaceship building / Testing, restart, stop: the minutes are added once and can be undone', async () => {
    const first = await spawn();
    const started = await call(first, 'start_timer', {
      task: 'Spaceship building / Testing',
      at: '5 min ago',
    });
    expect(started.timer).toMatchObject({
      task: 'Big Bang Company / Spaceship building / Testing',
      minutes: 5,
    });
    await first.close();

    const second = await spawn();
    const sheet = await call(second, 'get_timesheet');
    expect(sheet.timer).toMatchObject({ task: 'Big Bang Company / Spaceship building / Testing' });
    const stopped = await call(second, 'stop_timer');
    expect(stopped.status).toBe('stopped');
    const entries = stopped.entries as Array<{
      minutes: number;
      before: number;
      after: number;
      status: string;
    }>;
    // Five minutes, on one day (or two, when the test runs at midnight in the demo's New York).
    expect(entries.reduce((n, e) => n + e.minutes, 0)).toBe(5);
    for (const e of entries) expect(e).toMatchObject({ status: 'applied', after: e.before + e.minutes });
    const again = await second.client.callTool({ name: 'stop_timer', arguments: {} });
    expect(again.isError).toBe(true);
    const undo = await call(second, 'undo_change', { change: stopped.change as string });
    expect(undo.status).toBe('undone');
    expect(
      (undo.cells as Array<{ minutes?: number; after?: number }>).length,
      JSON.stringify(undo.cells),
    ).toBe(entries.length);
  });
});
