import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getReferenceData, REFERENCE_KINDS } from '../../src/tools/reference.js';
import { connectClient, errorOf, textOf, type Connected } from '../helpers/mcp.js';

type Out = {
  kind: string;
  settings?: Record<string, unknown>;
  items?: Array<Record<string, unknown>>;
  count?: number;
};

describe('get_reference_data against the simulator', () => {
  let admin: Connected;
  beforeAll(async () => {
    admin = await connectClient({ user: 'admin' });
  });
  afterAll(() => admin.close());

  async function call(c: Connected, args: Record<string, unknown>): Promise<Out> {
    const result = await c.client.callTool({ name: 'get_reference_data', arguments: args });
    expect(result.isError, textOf(result)).toBeFalsy();
    // SEC-OUT-05: the structured content passes the output schema, and the text is the same compact JSON.
    expect(getReferenceData.outputSchema.safeParse(result.structuredContent).success).toBe(true);
    expect(textOf(result)).toBe(JSON.stringify(result.structuredContent));
    return result.structuredContent as Out;
  }

  it('SEC-OUT-05 every kind returns structured content that passes the output schema, text identical', async () => {
    for (const kind of REFERENCE_KINDS) {
      const out = await call(admin, { kind });
      expect(out.kind).toBe(kind);
      if (kind === 'settings') expect(out.settings).toBeDefined();
      else expect(out.count).toBe(out.items?.length);
    }
  });

  it('settings: company, Monday week start, features and limits from GET /info', async () => {
    const before = admin.sim.requests.length;
    const out = await call(admin, { kind: 'settings' });
    expect(out.settings).toMatchObject({
      company: 'Demo Company',
      weekStart: 1,
      weekStartName: 'Monday',
      limits: { maxBatchSize: 100, maxQueryLimit: 1000 },
    });
    expect(Object.values(out.settings?.features as Record<string, boolean>).every((v) => v === true)).toBe(
      true,
    );
    // Served from the reference cache after the first call.
    expect(admin.sim.requests.slice(before).filter((r) => r.path === '/info')).toHaveLength(0);
  });

  it('leave types: archived ones only on request', async () => {
    const active = await call(admin, { kind: 'leave_types' });
    expect(active.items).toEqual([
      { id: 1, name: 'Sick Leave', balance: 'Sick', rateFactor: 1, archived: false },
      { id: 2, name: 'Vacation', balance: 'PTO', rateFactor: 1, archived: false },
      { id: 3, name: 'Time Off', balance: 'None', rateFactor: 0, archived: false },
    ]);
    const all = await call(admin, { kind: 'leave_types', includeArchived: true });
    expect(all.items?.map((i) => i.name)).toContain('Study Leave');
    const sent = admin.sim.requests.filter((r) => r.path === '/leaveTypes');
    expect(sent.some((r) => r.query.archived === 'false')).toBe(true);
    expect(sent.some((r) => r.query.archived === undefined)).toBe(true);
  });

  it('types of work: rates for the admin, none for a regular user', async () => {
    const out = await call(admin, { kind: 'types_of_work' });
    expect(out.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 1, name: 'engineering', billable: true, rate: 110, default: true }),
        expect.objectContaining({ id: 15, name: 'management', billable: false }),
      ]),
    );
    expect(out.items?.find((i) => i.id === 15)).not.toHaveProperty('rate');
    expect(out.items?.map((i) => i.id)).not.toContain(16); // archived

    const trainee = await connectClient({ simulator: admin.sim, user: 'trainee' });
    try {
      const seen = await call(trainee, { kind: 'types_of_work' });
      expect(seen.items?.length).toBeGreaterThan(0);
      for (const item of seen.items ?? []) expect(item).not.toHaveProperty('rate');
    } finally {
      await trainee.close();
    }
  });

  it('departments, time-zone groups and workflow statuses', async () => {
    const departments = await call(admin, { kind: 'departments' });
    expect(departments.items).toEqual(
      expect.arrayContaining([
        { id: -1, name: 'Users without department', default: true },
        { id: 5, name: 'Top Management', default: false },
      ]),
    );
    const zones = await call(admin, { kind: 'time_zone_groups' });
    expect(zones.items).toEqual(
      expect.arrayContaining([
        { id: -1, name: 'New York', timeZoneId: 'America/New_York', default: true },
        { id: 2, name: 'London', timeZoneId: 'Europe/London', default: false },
      ]),
    );
    const statuses = await call(admin, { kind: 'workflow_statuses' });
    expect(statuses.items?.slice(0, 3)).toEqual([
      { id: 1, name: 'New', type: 'open' },
      { id: 2, name: 'In Progress', type: 'open' },
      { id: 3, name: 'Completed', type: 'completed' },
    ]);
  });

  it('the actitime://settings resource serves GET /info as JSON', async () => {
    const { resources } = await admin.client.listResources();
    expect(resources.map((r) => r.uri)).toContain('actitime://settings');
    const read = await admin.client.readResource({ uri: 'actitime://settings' });
    const content = read.contents[0] as { uri: string; mimeType?: string; text?: string };
    expect(content.mimeType).toBe('application/json');
    expect(JSON.parse(content.text ?? '{}')).toMatchObject({
      company: { name: 'Demo Company' },
      format: { dayOfWeekStart: 1 },
      limits: { maxBatchSize: 100, maxQueryLimit: 1000 },
    });
  });

  it('SEC-IN-01 a bad kind, a wrong type or an unknown argument is refused naming the field, 0 requests', async () => {
    const before = admin.sim.requests.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'kind'],
      [{ kind: 'holidays' }, 'kind'],
      [{ kind: 42 }, 'kind'],
      [{ kind: 'leave_types', includeArchived: 'yes' }, 'includeArchived'],
      [{ kind: 'leave_types', archived: true }, 'archived'],
    ];
    for (const [args, field] of cases) {
      const result = await admin.client.callTool({ name: 'get_reference_data', arguments: args });
      const error = errorOf(result);
      expect(error.kind, JSON.stringify(args)).toBe('validation');
      expect(error.field, JSON.stringify(args)).toBe(field);
      expect(String(error.message)).toContain(field);
    }
    expect(admin.sim.requests.length).toBe(before);
  });
});
