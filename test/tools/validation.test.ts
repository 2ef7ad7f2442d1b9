import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { strictInput } from '../../src/tools/define.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { connectClient, errorOf, type Connected } from '../helpers/mcp.js';

/** Every registered tool, whatever the groups contain by now. */
describe('input validation at the boundary, for every tool (SEC-IN-06)', () => {
  let c: Connected;
  beforeAll(async () => {
    c = await connectClient({ env: { ACTITIME_TOOLSETS: 'all' } });
  });
  afterAll(() => c.close());

  const cases = ALL_TOOLS.map((tool) => {
    const json = z.toJSONSchema(strictInput(tool), { io: 'input', target: 'draft-7' }) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    return { tool, properties: Object.keys(json.properties ?? {}), required: json.required ?? [] };
  });

  it.each(cases.map((k) => [k.tool.name, k] as const))(
    'SEC-IN-01 %s: missing, mistyped and unknown arguments are refused naming the field, 0 requests',
    async (name, { properties, required }) => {
      const before = c.sim.requests.length;

      if (required.length > 0) {
        const error = errorOf(await c.client.callTool({ name, arguments: {} }));
        expect(error.kind).toBe('validation');
        expect(required).toContain(error.field);
      }

      const unknown = errorOf(await c.client.callTool({ name, arguments: { zz_unknown_arg: 1 } }));
      expect(unknown.kind).toBe('validation');
      if (required.length < 5) expect(String(unknown.message)).toContain('zz_unknown_arg');
      if (required.length === 0) expect(unknown.field).toBe('zz_unknown_arg');

      for (const prop of properties) {
        const wrong = errorOf(await c.client.callTool({ name, arguments: { [prop]: { nested: [true] } } }));
        expect(wrong.kind, prop).toBe('validation');
        if (required.length < 5) expect(String(wrong.message), prop).toContain(prop);
      }

      expect(c.sim.requests.length, 'requests sent to actiTIME').toBe(before);
    },
  );

  it('SEC-IN-06 every object in every tool’s input schema, nested ones too, refuses unknown properties', async () => {
    const { tools } = await c.client.listTools();
    const open = tools.flatMap((t) =>
      objectsIn(t.inputSchema)
        .filter(({ node }) => node.properties !== undefined && node.additionalProperties !== false)
        .map(({ path }) => `${t.name} ${path}`),
    );
    expect(open).toEqual([]);
  });

  it.each([
    ['dryRun', true, 'a misplaced dryRun would write for real'],
    ['username', 'trainee', 'a misplaced username would write to the caller’s own timesheet'],
  ])(
    'SEC-IN-06 log_time entries[0].%s is refused with its path, 0 requests (%s, %s)',
    async (key, value, _why) => {
      const before = c.sim.requests.length;
      const error = errorOf(
        await c.client.callTool({
          name: 'log_time',
          arguments: { entries: [{ task: 143, duration: 30, [key]: value }] },
        }),
      );
      expect(error).toEqual({
        kind: 'validation',
        message: `invalid arguments: entries[0].${key}: unknown argument`,
        field: `entries[0].${key}`,
        hint: 'fix the named argument and call again; see the tool’s input schema',
      });
      expect(c.sim.requests.length).toBe(before);
    },
  );

  it('SEC-IN-03 a refused period or date keeps its specific hint (what would be accepted), 0 requests', async () => {
    const before = c.sim.requests.length;
    const period = errorOf(
      await c.client.callTool({ name: 'get_timesheet', arguments: { period: 'the week after next' } }),
    );
    expect(period).toMatchObject({ kind: 'validation', field: 'period' });
    expect(period.hint).toMatch(/^use one of: today, yesterday, .*2026-Q3.*A\.\.B/);
    const date = errorOf(
      await c.client.callTool({
        name: 'log_time',
        arguments: { entries: [{ task: 143, date: 'someday', duration: 30 }] },
      }),
    );
    expect(date).toMatchObject({ kind: 'validation', field: 'entries[0].date' });
    expect(date.message).toContain('"someday" is not a date I understand');
    expect(date.hint).toMatch(/^use a date \(YYYY-MM-DD\), today, yesterday or a weekday/);
    const long = errorOf(
      await c.client.callTool({ name: 'get_time_entries', arguments: { period: '2025-01-01..2026-06-30' } }),
    );
    expect(long.hint).toBe('split the request into shorter periods');
    const zero = errorOf(
      await c.client.callTool({
        name: 'log_time',
        arguments: { entries: [{ task: 143, duration: 0, comment: 'reviewed' }] },
      }),
    );
    expect(zero).toMatchObject({ kind: 'validation', field: 'entries[0].duration' });
    expect(zero.hint).toMatch(/only the comment.*mode "set"/);
    expect(c.sim.requests.length, 'requests sent to actiTIME').toBe(before);
  });

  it('SEC-IN-06 ids are accepted as numbers or digit strings wherever an id is accepted (log_time task 143)', async () => {
    for (const task of [143, '143']) {
      const result = await c.client.callTool({
        name: 'log_time',
        arguments: { entries: [{ task, date: '2026-10-20', duration: 30 }], dryRun: true },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ entries: [{ taskId: 143, status: 'planned' }] });
    }
    const timesheet = await c.client.callTool({ name: 'get_timesheet', arguments: { user: 3 } });
    expect(timesheet.structuredContent).toMatchObject({ user: { id: 3 } });
  });
});

/** Every object in a JSON schema, however deeply nested. */
function objectsIn(schema: unknown, path = '$'): Array<{ path: string; node: Record<string, unknown> }> {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const here = node.type === 'object' ? [{ path, node }] : [];
  return [
    ...here,
    ...Object.entries(node).flatMap(([k, v]) =>
      Array.isArray(v)
        ? v.flatMap((x, i) => objectsIn(x, `${path}.${k}[${i}]`))
        : objectsIn(v, `${path}.${k}`),
    ),
  ];
}
