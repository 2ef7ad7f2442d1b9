/**
 * `actitime-mcp doctor` against the simulator over loopback HTTP: read-only and bounded, stops at the first 401,
 * names each quirk switch of each profile, reports the default simulator as ok, and puts back what its write
 * probe changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ActitimeClient } from '../../src/actitime/client.js';
import { clientConfigFromEnv } from '../../src/config.js';
import { runDoctor } from '../../src/doctor/run.js';
import type { Report } from '../../src/doctor/report.js';
import { createLogger } from '../../src/logger.js';
import { QUIRKS, type Quirk } from '../../src/simulator/quirks.js';
import { DEFAULT_TOOLSETS } from '../../src/tools/toolsets.js';
import { api, demoPassword, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const TODAY = '2026-06-17';
/** Tuesday of the current seed week: open, and holding time for the admin on some tasks. */
const PROBE_DATE = '2026-06-16';
const READ_ONLY_BUDGET = 20;

async function doctor(
  sim: SimulatorHandle,
  opts: { user?: string; password?: string; writeProbe?: { task: string; date: string } } = {},
): Promise<Report> {
  const user = opts.user ?? 'admin';
  const config = clientConfigFromEnv({
    ACTITIME_URL: sim.baseUrl,
    ACTITIME_USERNAME: user,
    ACTITIME_PASSWORD: opts.password ?? demoPassword(user),
  });
  const client = new ActitimeClient(config, { logger: createLogger('silent', () => {}) });
  try {
    return await runDoctor(client, {
      toolsets: DEFAULT_TOOLSETS,
      paceMs: 0,
      now: () => Date.parse(`${TODAY}T12:00:00Z`),
      ...(opts.writeProbe ? { writeProbe: opts.writeProbe } : {}),
    });
  } finally {
    await client.close();
  }
}

const byStatus = (r: Report, status: string) => r.checks.filter((c) => c.status === status).map((c) => c.id);
const variants = (r: Report) => [...new Set(r.checks.flatMap((c) => (c.variant ? [c.variant] : [])))].sort();

/** What a cell holds as the admin reads it: minutes and comment, or absent. */
async function cell(sim: SimulatorHandle, date: string, task: number): Promise<unknown> {
  const res = await api(sim, 'GET', `/timetrack/1/${date}/${task}`, { user: 'admin' });
  return res.status === 404 ? 'absent' : res.body;
}

describe('doctor on the default simulator', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: TODAY });
  });
  afterAll(() => sim.close());

  it('REL-DR-01 reads only, one request at a time, within its budget, and finds nothing to degrade', async () => {
    sim.clearRequests();
    const report = await doctor(sim);
    expect(report.exitCode).toBe(0);
    expect(byStatus(report, 'fail')).toEqual([]);
    expect(byStatus(report, 'degraded')).toEqual([]);
    // Only what a read cannot learn is left open.
    expect(byStatus(report, 'skipped').sort()).toEqual(['comment-on-omit', 'hook-filters', 'write-answers']);
    const top = sim.requests.filter((r) => r.batchOf === undefined);
    expect(top.length).toBe(report.requests);
    expect(top.length).toBeLessThanOrEqual(READ_ONLY_BUDGET);
    expect(sim.maxInFlight()).toBe(1);
    // The two requests that are not GETs change nothing: an empty delta refused, a batch of one GET.
    const others = top.filter((r) => r.method !== 'GET');
    expect(others.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 400', 'POST 200']);
    expect(sim.requests.filter((r) => r.batchOf !== undefined).map((r) => r.method)).toEqual(['GET']);
  });

  it('REL-DR-02 --write-probe learns the write behaviour and puts an empty cell back to empty', async () => {
    const before = await cell(sim, PROBE_DATE, 109);
    expect(before).toBe('absent');
    const report = await doctor(sim, {
      writeProbe: { task: 'Spaceship building / Testing', date: PROBE_DATE },
    });
    expect(report.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['comment-on-omit', 'write-answers', 'write-probe', 'hook-filters']),
    );
    expect(report.requests).toBeLessThanOrEqual(32);
    expect(await cell(sim, PROBE_DATE, 109)).toBe('absent');
    const hooks = await api(sim, 'GET', '/hooks', { user: 'admin' });
    expect((hooks.body as { items: unknown[] }).items).toEqual([]);
  });

  it('REL-DR-02 --write-probe restores a filled cell exactly: minutes and comment', async () => {
    await api(sim, 'PATCH', `/timetrack/1/${PROBE_DATE}/143`, {
      user: 'admin',
      body: { time: 95, comment: 'kept by the probe' },
    });
    const before = await cell(sim, PROBE_DATE, 143);
    const report = await doctor(sim, { writeProbe: { task: '143', date: PROBE_DATE } });
    expect(byStatus(report, 'fail')).toEqual([]);
    expect(await cell(sim, PROBE_DATE, 143)).toEqual(before);
  });

  it('REL-DR-02 --write-probe on a locked day fails, says why, and changes nothing', async () => {
    const locked = '2026-04-21'; // W−8 … W−6 are locked for everyone in the seed
    const before = await cell(sim, locked, 143);
    const report = await doctor(sim, { writeProbe: { task: '143', date: locked } });
    expect(report.exitCode).toBe(1);
    const probe = report.checks.find((c) => c.id === 'write-probe');
    expect(probe).toMatchObject({ status: 'fail', summary: expect.stringMatching(/nothing was changed/) });
    expect(probe?.fix).toMatch(/open/);
    expect(await cell(sim, locked, 143)).toEqual(before);
  });

  it('REL-DR-01 stops at the first 401: one request, a fail that names the credentials, exit 1', async () => {
    sim.clearRequests();
    const report = await doctor(sim, { password: 'wrong-password' });
    expect(sim.requests.length).toBe(1);
    expect(report.requests).toBe(1);
    expect(report.exitCode).toBe(1);
    expect(report.checks).toEqual([
      expect.objectContaining({
        id: 'sign-in',
        status: 'fail',
        fix: expect.stringMatching(/ACTITIME_PASSWORD/),
      }),
    ]);
    expect(JSON.stringify(report)).not.toContain('wrong-password');
  });

  it('tells a regular user which enabled toolsets actiTIME will refuse in part', async () => {
    const report = await doctor(sim, { user: 'trainee' });
    expect(report.checks.find((c) => c.id === 'toolset-work')).toMatchObject({ status: 'degraded' });
    expect(report.checks.find((c) => c.id === 'toolset-time')).toMatchObject({ status: 'ok' });
    // Not enabled by default: reported, never degraded.
    expect(report.checks.find((c) => c.id === 'toolset-admin')).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/^\(not enabled\).*refused/),
    });
    // The verdict is the simulator's: a regular user's create is refused.
    const create = await api(sim, 'POST', '/customers', { user: 'trainee', body: { name: 'Doctor Test' } });
    expect(create.status).toBe(403);
  });
});

/** With every switch on, side-html hides side-403/404, and no-delta hides how deltas answer. */
const SHADOWED_IN_ALL: readonly Quirk[] = ['side-403', 'side-404', 'empty-write-responses'];

describe.each([...QUIRKS.map((q) => [q] as Quirk[]), [...QUIRKS]])(
  'REL-DR-03 doctor under quirks %s',
  (...quirks) => {
    let sim: SimulatorHandle;
    beforeAll(async () => {
      sim = await startTestSimulator({ today: TODAY, quirks });
      // A subscription whose filter shows the form the server speaks, for the read-only hook probe.
      const strings = sim.quirks.has('hook-filter-strings');
      await api(sim, 'POST', '/hooks', {
        user: 'admin',
        body: {
          target_url: 'https://hooks.example.invalid/t',
          event: 'update',
          enabled: false,
          filter: { userIds: strings ? '1' : [1] },
        },
      });
    });
    afterAll(() => sim.close());

    const expected = quirks.length > 1 ? quirks.filter((q) => !SHADOWED_IN_ALL.includes(q)) : quirks;

    it('names exactly the injected quirks, as degraded, and exits 0', async () => {
      const before = await cell(sim, PROBE_DATE, 143);
      const report = await doctor(sim, { writeProbe: { task: '143', date: PROBE_DATE } });
      expect(variants(report)).toEqual([...expected].sort());
      for (const check of report.checks.filter((c) => c.variant !== undefined))
        expect(check.status).toBe('degraded');
      expect(byStatus(report, 'fail')).toEqual([]);
      expect(report.exitCode).toBe(0);
      expect(await cell(sim, PROBE_DATE, 143)).toEqual(before);
    });

    it('names the read-only ones without a write probe', async () => {
      const report = await doctor(sim);
      const writeOnly: readonly Quirk[] = ['comment-cleared', 'empty-write-responses'];
      expect(variants(report)).toEqual(expected.filter((q) => !writeOnly.includes(q)).sort());
      expect(report.requests).toBeLessThanOrEqual(READ_ONLY_BUDGET);
    });
  },
);
