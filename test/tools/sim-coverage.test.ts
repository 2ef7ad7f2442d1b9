/**
 * Every tool, run against the seeded simulator: each route a tool uses must exist there (no 404 from an
 * unregistered route, no 405), and every result must pass its tool's output schema. The table below has one
 * entry per registered tool; adding a tool without adding its case fails the coverage check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AnyTool } from '../../src/tools/define.js';
import { QUIRKS, type Quirk } from '../../src/simulator/quirks.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { textOf, type Connected } from '../helpers/mcp.js';
import { api } from '../helpers/simulator.js';
import { TODAY, week } from '../simulator/demo-calendar.js';
import { world, type World } from './time-support.js';

type Json = Record<string, unknown>;
/** Results so far, by tool name (the latest one), for arguments that depend on an earlier call. */
type Seen = Map<string, Json>;

interface Case {
  args: Json | ((seen: Seen) => Json);
  /**
   * A deliberate refusal: the error must carry this actiTIME key (and nothing else counts as success); under
   * `generic-errors` the key is generic, and the case must still be told from the message.
   */
  errorKey?: string;
  /** What the error says first for that refusal, whatever key the server used. */
  says?: string;
}

const SPACESHIP = 'Big Bang Company / Spaceship building';
/** Tools that answer from this server's own state, sending nothing to actiTIME. */
const LOCAL_ONLY = new Set(['list_recent_changes']);
const CUSTOMER = 'SIM-01 Coverage Ltd';
const PROJECT = `${CUSTOMER} / Coverage project`;
const HOOK_URL = 'http://127.0.0.1:9/sim-01';

/**
 * Run in this order (creates before the updates and deletes that use them). Writes touch only objects the
 * table creates, the admin's own cells, a future week's lock, or a user nobody else uses (nnew).
 */
const CASES: Record<string, Case[]> = {
  get_reference_data: [
    { args: { kind: 'settings' } },
    { args: { kind: 'leave_types', includeArchived: true } },
    { args: { kind: 'types_of_work' } },
    { args: { kind: 'departments' } },
    { args: { kind: 'time_zone_groups' } },
    { args: { kind: 'workflow_statuses' } },
  ],
  log_time: [
    {
      args: {
        entries: [
          { task: `${SPACESHIP} / Engine integration testing`, date: 'today', duration: '30m' },
          { task: '103', date: 'yesterday', duration: 60, mode: 'set', comment: 'SIM-01' },
        ],
      },
    },
    { args: { entries: [{ task: '143', duration: '1h' }], dryRun: true } },
  ],
  // The admin's own cells: yesterday onto next week's empty days, and a dry run of last week onto week +3.
  copy_time: [
    { args: { from: 'yesterday', to: `${week(1)}..${week(1, 6)}` } },
    { args: { from: 'last week', to: `${week(3)}..${week(3, 6)}`, mode: 'replace', dryRun: true } },
  ],
  get_timesheet: [{ args: {} }, { args: { user: 'trainee', period: 'last week' } }],
  // A timer started an hour ago (so that the stop logs a whole hour on the admin's own cell), then stopped.
  start_timer: [{ args: { task: `${SPACESHIP} / Testing`, at: '1h ago', comment: 'SIM-01' } }],
  stop_timer: [{ args: {} }],
  get_time_entries: [
    { args: { period: 'last week', users: ['trainee'], projects: ['Spaceship building'] } },
    {
      args: { customers: ['Big Bang Company'], tasks: [`${SPACESHIP} / Test 10`], approved: false, limit: 5 },
    },
  ],
  find_missing_time: [{ args: {} }, { args: { department: 'QA', period: 'last week' } }],
  summarize_time: [
    { args: { period: 'last week', groupBy: ['project', 'user'] } },
    { args: { groupBy: ['typeOfWork', 'week'], users: ['trainee'], customers: ['Big Bang Company'] } },
  ],
  list_recent_changes: [{ args: { limit: 5 } }],
  // The newest change of this run (or a conflict/refusal if the object moved on): a result either way.
  undo_change: [{ args: { change: 'last' } }],
  get_leave_time: [
    { args: { period: `${week(-6)}..${TODAY}`, leaveTypes: ['Vacation'], users: ['jsmith'] } },
  ],
  log_leave_time: [
    { args: { leaveType: 'Time Off', date: 'today', duration: 60 } },
    {
      args: { leaveType: 'Vacation', date: `${week(1)}..${week(1, 4)}`, duration: 'full day', dryRun: true },
    },
  ],
  search_tasks: [
    { args: { words: 'testing', customer: 'Big Bang Company', status: 'open', sort: '-created' } },
    { args: { project: 13, workflowStatus: 'New', typeOfWork: 'engineering', limit: 5 } },
  ],
  search_projects: [
    { args: { customer: 'Big Bang Company' } },
    { args: { kind: 'customer', includeArchived: true, sort: 'created' } },
  ],
  get_work_item: [
    { args: { kind: 'customer', ref: 6, includeComments: true } },
    { args: { kind: 'project', ref: SPACESHIP, includeComments: true } },
    { args: { kind: 'task', ref: 143, includeComments: true } },
  ],
  create_customer: [{ args: { name: CUSTOMER, description: 'made by the SIM-01 test' } }],
  create_project: [
    { args: { name: 'Coverage project', customer: CUSTOMER } },
    // Deliberately refused by actiTIME: the name is taken.
    {
      args: { name: 'Spaceship building', customer: 'Big Bang Company' },
      errorKey: 'api.error.project_exists',
      says: 'a project with this name already exists for this customer',
    },
  ],
  create_task: [
    {
      args: {
        name: 'Coverage task',
        project: PROJECT,
        deadline: week(2),
        estimate: '2h',
        typeOfWork: 'engineering',
      },
    },
  ],
  update_work_item: [
    {
      args: {
        kind: 'task',
        ref: `${PROJECT} / Coverage task`,
        changes: { name: 'Coverage task 2', status: 'completed', deadline: null, estimate: 90 },
      },
    },
    { args: { kind: 'project', ref: PROJECT, changes: { description: 'updated by SIM-01' } } },
    { args: { kind: 'customer', ref: CUSTOMER, changes: { archived: true } } },
  ],
  delete_work_item: [
    { args: { kind: 'task', ref: `${PROJECT} / Coverage task 2`, includeArchived: true } },
    { args: { kind: 'customer', ref: CUSTOMER, includeArchived: true } },
  ],
  get_user: [{ args: {} }, { args: { user: 'akowalski', schedule: 'last week', assignments: true } }],
  list_users: [{ args: { department: 'QA', timeZoneGroup: 'London', active: true } }],
  manage_workflow_status: [
    { args: { action: 'create', name: 'SIM-01 status', type: 'open' } },
    { args: { action: 'update', status: 'SIM-01 status', name: 'SIM-01 status 2', type: 'completed' } },
  ],
  delete_workflow_status: [
    { args: { status: 'SIM-01 status 2' } },
    // Deliberately refused: tasks use it.
    {
      args: { status: 'New' },
      errorKey: 'api.error.workflow_status_in_use',
      says: 'the workflow status is used by tasks',
    },
  ],
  set_timetrack_lock: [
    { args: { action: 'lock', period: `${week(3)}..${week(3, 6)}`, users: ['nnew'] } },
    { args: { action: 'unlock', period: `${week(3)}..${week(3, 6)}` } },
  ],
  create_hook: [
    { args: { url: HOOK_URL, event: 'task.create', projects: ['Spaceship building'], enabled: false } },
    { args: { url: HOOK_URL, event: '*', enabled: false } },
  ],
  list_hooks: [{ args: {} }],
  delete_hook: [
    { args: (seen) => ({ id: (seen.get('create_hook') as { id: number }).id }) },
    { args: { url: HOOK_URL } },
  ],
  manage_user: [
    {
      args: {
        action: 'invite',
        email: 'sim-01@demo-company.example',
        firstName: 'Sim',
        lastName: 'Coverage',
        department: 'QA',
      },
    },
    { args: { action: 'update', user: 'nnew', middleName: 'S.', timeZoneGroup: 'London' } },
  ],
};

/**
 * The default model, each quirk switch alone, and all of them (docs/actitime-model.md §6): every tool must work
 * under each, because a real server may behave like any of them.
 */
const PROFILES: Array<{ name: string; quirks: readonly Quirk[] | 'all' }> = [
  { name: 'default', quirks: [] },
  ...QUIRKS.map((q) => ({ name: q, quirks: [q] })),
  { name: 'all', quirks: 'all' },
];

describe.each(PROFILES)(
  'SIM-01 REL-QK-01 every tool against the seeded simulator ($name)',
  ({ name: profile, quirks }) => {
    let w: World;
    let admin: Connected;
    const seen: Seen = new Map();
    const genericKeys = quirks === 'all' || quirks.includes('generic-errors');
    beforeAll(async () => {
      w = await world(TODAY, undefined, { quirks });
      admin = await w.connect('admin', { env: { ACTITIME_TOOLSETS: 'all' } });
      // Lets the SDK client validate structured content against the advertised JSON output schemas as well.
      await admin.client.listTools();
    });
    afterAll(() => w.close());

    it('SIM-01 the case table covers every registered tool', () => {
      expect(Object.keys(CASES).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
      for (const [name, cases] of Object.entries(CASES)) {
        expect(cases.filter((c) => c.errorKey === undefined).length, name).toBeGreaterThan(0);
      }
    });

    const byName = new Map<string, AnyTool>(ALL_TOOLS.map((t) => [t.name, t]));
    for (const [name, cases] of Object.entries(CASES)) {
      it(`SIM-01 SEC-OUT-05 REL-QK-01 ${name}: every case answers, with structured content that passes its schema`, async () => {
        const tool = byName.get(name);
        expect(tool, `${name} is not in the registry`).toBeDefined();
        const from = w.sim.requests.length;
        for (const [i, c] of cases.entries()) {
          const args = typeof c.args === 'function' ? c.args(seen) : c.args;
          const label = `${profile}: ${name} case ${i}: ${JSON.stringify(args)}`;
          const result = await admin.client.callTool({ name, arguments: args });
          const text = textOf(result);
          if (c.errorKey !== undefined) {
            expect(result.isError, label).toBe(true);
            const error = (JSON.parse(text) as { error: { key?: string; message: string } }).error;
            if (!genericKeys) expect(error.key, label).toBe(c.errorKey);
            expect(error.message.startsWith(c.says ?? ''), `${label}: ${error.message}`).toBe(true);
            continue;
          }
          expect(result.isError, `${label} → ${text.slice(0, 400)}`).toBeFalsy();
          const parsed = tool!.outputSchema.safeParse(result.structuredContent);
          expect(parsed.success, `${label}: ${parsed.error?.message ?? ''}`).toBe(true);
          expect(text, label).toBe(JSON.stringify(result.structuredContent));
          seen.set(name, result.structuredContent as Json);
        }
        const sent = w.sim.requests.slice(from);
        // list_recent_changes reads this server's own journal only.
        if (!LOCAL_ONLY.has(name)) expect(sent.length, `${name} reached the simulator`).toBeGreaterThan(0);
      });
    }

    // Quirk profiles answer 404s of their own on purpose (side endpoints, the delta route); the route check is the
    // default model's.
    if (profile === 'default')
      it('SIM-01 no request hit an unregistered route (404 unknown_resource) or a wrong method (405)', async () => {
        const requests = w.sim.requests;
        const total = requests.length;
        expect(requests.length).toBeGreaterThan(50);
        expect(requests.filter((r) => r.status === 405).map((r) => `${r.method} ${r.rawPath}`)).toEqual([]);
        // A 404 may be a missing object (object_not_found) or a missing route (unknown_resource); replaying a GET
        // tells them apart: a registered route answers object_not_found, whatever happened to the object since.
        const missing = requests.filter((r) => r.status === 404);
        const unregistered: string[] = [];
        for (const r of missing) {
          if (r.method !== 'GET') {
            unregistered.push(`${r.method} ${r.rawPath} (not a GET: replay refused)`);
            continue;
          }
          const replay = await api(w.sim, 'GET', r.rawPath.replace(/^\/api\/v1/, ''), { user: 'admin' });
          const key = (replay.body as { key?: string } | undefined)?.key ?? '';
          if (!key.endsWith('object_not_found')) unregistered.push(`GET ${r.rawPath} → ${key}`);
        }
        expect(unregistered).toEqual([]);
        console.error(`SIM-01: ${total} requests, ${missing.length} answered 404 (missing objects)`);
        // The replay does tell a missing route from a missing object.
        const probe = await api(w.sim, 'GET', '/noSuchResource/1', { user: 'admin' });
        expect(probe.status).toBe(404);
        expect((probe.body as { key?: string }).key).toMatch(/unknown_resource$/);
      });
  },
);
