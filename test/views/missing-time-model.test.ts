/**
 * The pure parts of the missing-time view (src/views/missing-time/model.ts): reading find_missing_time's
 * result and building the people × days grid, in Node (they need no DOM); and the real server's result read
 * as the view reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTeamGrid, readReport, readReportResult } from '../../src/views/missing-time/model.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

const gap = (date: string, missing: number) => ({
  date,
  scheduled: 480,
  logged: 480 - missing,
  leave: 0,
  missing,
});

/** find_missing_time's structured content, in the server's shape (src/domain/missing-time.ts). */
function serverReport(over: Record<string, unknown> = {}) {
  return {
    period: { from: '2026-11-23', to: '2026-11-29', timeZone: 'Europe/Berlin', weekStart: 1 },
    users: [
      {
        id: 2,
        name: 'Bea',
        missing: 540,
        missingHm: '9:00',
        days: [gap('2026-11-24', 480), gap('2026-11-25', 60)],
        dayCount: 2,
      },
      { id: 3, name: 'Carl', missing: 30, missingHm: '0:30', days: [gap('2026-11-23', 30)], dayCount: 1 },
    ],
    people: [
      { id: 1, name: 'Ada', scheduled: 2400, logged: 2400, leave: 0, missing: 0 },
      { id: 2, name: 'Bea', scheduled: 2400, logged: 1860, leave: 0, missing: 540 },
      { id: 3, name: 'Carl', scheduled: 2400, logged: 2370, leave: 0, missing: 30 },
    ],
    totals: { usersChecked: 3, usersWithGaps: 2, usersWithoutGaps: 1, missing: 570, missingHm: '9:30' },
    ...over,
  };
}

describe('missing-time view model', () => {
  it('puts people with gaps first, marks each gap with its minutes and totals each person', () => {
    const grid = buildTeamGrid(readReport(serverReport())!, 'en-US');
    expect(grid.rows.map((r) => r.id)).toEqual([2, 3, 1]);
    expect(grid.columns.map((c) => c.date)).toHaveLength(7);
    const bea = grid.rows[0]!;
    expect(bea.cells.map((c) => c.state)).toEqual(['ok', 'gap', 'gap', 'ok', 'ok', 'ok', 'ok']);
    expect(bea.cells[1]).toMatchObject({ text: '8:00', missing: 480 });
    expect(bea.cells[1]!.title).toBe('missing 8:00 (logged 0:00 of 8:00)');
    expect(bea).toMatchObject({ total: '9:00', worked: '31:00', scheduled: '40:00' });
    expect(grid.rows[2]!.cells.every((c) => c.state === 'ok' && c.text === '')).toBe(true);
    expect(grid.columns.map((c) => c.gaps)).toEqual([1, 1, 1, 0, 0, 0, 0]);
    expect(grid.summary).toBe('2 of 3 people have gaps: 9:30 missing');
    expect(grid.total).toBe('9:30');
  });

  it('days after checkedTo are not checked yet; days the server left out are unknown', () => {
    const report = serverReport({ checkedTo: '2026-11-26', truncated: true });
    delete (report.users[1] as { days?: unknown }).days;
    const grid = buildTeamGrid(readReport(report)!);
    expect(grid.checkedText).toBe('checked to 2026-11-26');
    expect(grid.columns.map((c) => c.later)).toEqual([false, false, false, false, true, true, true]);
    const carl = grid.rows.find((r) => r.id === 3)!;
    expect(carl.unlisted).toBe(true);
    expect(carl.cells.map((c) => c.state)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'later',
      'later',
      'later',
    ]);
    expect(carl.total).toBe('0:30');
    expect(grid.truncated).toBe(true);
  });

  it('a period longer than a grid can show keeps the totals only; nobody with gaps is said so', () => {
    const long = serverReport({
      period: { from: '2026-01-01', to: '2026-12-31' },
      users: [],
      totals: undefined,
    });
    const grid = buildTeamGrid(readReport(long)!);
    expect(grid.totalsOnly).toBe(true);
    expect(grid.columns).toEqual([]);
    expect(grid.rows).toHaveLength(3);
    expect(grid.summary).toBe('No gaps: 3 people checked');
  });

  it('refuses what is not a report as a whole', () => {
    expect(readReport(undefined)).toBeUndefined();
    expect(readReport(serverReport({ people: undefined }))).toBeUndefined();
    expect(readReport(serverReport({ period: { from: '2026-11-29', to: '2026-11-23' } }))).toBeUndefined();
    expect(readReport(serverReport({ checkedTo: '2026-12-01' }))).toBeUndefined();
    expect(readReport(serverReport({ users: [{ id: 2, days: [{ date: 'monday' }] }] }))).toBeUndefined();
    expect(readReport(serverReport({ people: [{ id: 1, name: 7 }] }))).toBeUndefined();
    expect(readReportResult({ isError: true, content: [{ type: 'text', text: 'boom' }] })).toEqual({
      kind: 'error',
      text: 'boom',
    });
  });
});

describe('missing-time view against the server', () => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connectClient();
  });
  afterAll(() => conn.close());

  it('reads find_missing_time as the view does: the seeded gaps of last week, everyone checked', async () => {
    const result = await conn.client.callTool({
      name: 'find_missing_time',
      arguments: { period: 'last week' },
    });
    const outcome = readReportResult(result as Parameters<typeof readReportResult>[0]);
    if (outcome.kind !== 'report') throw new Error(outcome.text);
    const grid = buildTeamGrid(outcome.report);
    const structured = result.structuredContent as { people: unknown[]; users: Array<{ id: number }> };
    expect(grid.rows).toHaveLength(structured.people.length);
    expect(grid.rows.slice(0, structured.users.length).map((r) => r.id)).toEqual(
      structured.users.map((u) => u.id),
    );
    // The seed's gaps (src/simulator/seed.ts): the trainee (3) Tuesday and Thursday, akowalski (5) Wednesday.
    const gaps = grid.rows.flatMap((r) => r.cells.filter((c) => c.state === 'gap').map(() => r.id));
    expect(gaps.sort()).toEqual([3, 3, 5]);
  });
});
