import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { strictInput } from '../../src/tools/define.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { connectClient, errorOf, type Connected } from '../helpers/mcp.js';

/** Every registered tool, whatever the groups contain by now. */
describe('input validation at the boundary, for every tool', () => {
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
});
