import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { parseSettings } from '../../src/config.js';
import {
  annotationsOf,
  effectiveHints,
  HINT_DEFAULTS,
  defineTool,
  MAX_DESCRIPTION_BYTES,
  strictInput,
  TOOL_NAME,
  TOOLSETS,
  type AnyTool,
} from '../../src/tools/define.js';
import { ALL_TOOLS, DEFAULT_TOOLSETS, selectTools } from '../../src/tools/registry.js';
import { connectClient, type Connected } from '../helpers/mcp.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

/** Stand-ins for the access levels the registry may not contain yet; never sent anything. */
const fakeWrite = defineTool({
  name: 'zz_test_write',
  title: 'Test write',
  description: 'Test-only write tool.',
  toolset: 'time',
  access: 'write',
  idempotent: true,
  inputSchema: z.object({ minutes: z.int() }),
  outputSchema: z.object({ ok: z.boolean() }),
  handler: async () => ({ ok: true }),
});
const fakeDestructive = defineTool({
  name: 'zz_test_delete',
  title: 'Test delete',
  description: 'Test-only destructive tool.',
  toolset: 'admin',
  access: 'destructive',
  inputSchema: z.object({ id: z.int() }),
  outputSchema: z.object({ ok: z.boolean() }),
  handler: async () => ({ ok: true }),
});
const WITH_FAKES: AnyTool[] = [...ALL_TOOLS, fakeWrite, fakeDestructive];

function jsonInput(tool: AnyTool) {
  return z.toJSONSchema(strictInput(tool), { io: 'input', target: 'draft-7' }) as {
    type?: string;
    properties?: Record<string, unknown>;
  };
}

describe('registry invariants over ALL_TOOLS', () => {
  it('has tools', () => {
    expect(ALL_TOOLS.length).toBeGreaterThan(0);
  });

  it('SEC-TS-01 names are unique and snake_case', () => {
    const names = ALL_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name, name).toMatch(TOOL_NAME);
  });

  it('SEC-TS-01 descriptions are under 2 KB, without template placeholders, and say what is returned', () => {
    for (const t of ALL_TOOLS) {
      expect(Buffer.byteLength(t.description, 'utf8'), t.name).toBeLessThanOrEqual(MAX_DESCRIPTION_BYTES);
      expect(t.description.length, t.name).toBeGreaterThan(40);
      expect(t.description, t.name).not.toMatch(/\$\{|\{\{|TODO|FIXME|<[a-z_]+>/i);
      expect(t.description, t.name).toMatch(/return/i);
      expect(t.title.trim().length, t.name).toBeGreaterThan(0);
    }
  });

  it('SEC-TS-01 every tool has access, a known toolset and an object output schema', () => {
    for (const t of ALL_TOOLS) {
      expect(['read', 'write', 'destructive'], t.name).toContain(t.access);
      expect(TOOLSETS, t.name).toContain(t.toolset);
      expect(t.outputSchema, t.name).toBeInstanceOf(z.ZodObject);
      const out = z.toJSONSchema(t.outputSchema, { io: 'output', target: 'draft-7' }) as { type?: string };
      expect(out.type, t.name).toBe('object');
    }
  });

  it('SEC-TS-01 hints derived from access are consistent (read-only never destructive), defaults left out', () => {
    for (const t of [...ALL_TOOLS, fakeWrite, fakeDestructive]) {
      const sent = annotationsOf(t);
      const a = effectiveHints(sent);
      expect(a.openWorldHint, t.name).toBe(true);
      // Nothing that equals the spec's default is sent (the listing is paid for on every turn) …
      for (const [hint, value] of Object.entries(sent))
        if (hint !== 'destructiveHint')
          expect(value, `${t.name}.${hint}`).not.toBe(HINT_DEFAULTS[hint as keyof typeof HINT_DEFAULTS]);
      if (t.access === 'read') {
        expect(sent, t.name).toEqual({ readOnlyHint: true });
      } else {
        expect(a.readOnlyHint, t.name).toBe(false);
        // … except destructiveHint on changes, which hosts act on and is said either way.
        expect(sent.destructiveHint, t.name).toBe(t.access === 'destructive');
        expect(a.idempotentHint, t.name).toBe(t.idempotent === true);
      }
    }
  });

  it('SEC-TS-01 every write or destructive tool says whether it is idempotent', () => {
    for (const t of ALL_TOOLS.filter((tool) => tool.access !== 'read')) {
      expect(typeof t.idempotent, `${t.name} must set idempotent`).toBe('boolean');
    }
  });

  it('SEC-CR-06 no tool input property looks like a credential', () => {
    const credential = /pass(word)?|secret|token|auth/i;
    for (const t of ALL_TOOLS) {
      const seen: string[] = [];
      const walk = (schema: unknown) => {
        if (!schema || typeof schema !== 'object') return;
        const s = schema as Record<string, unknown>;
        if (s.properties && typeof s.properties === 'object') {
          for (const key of Object.keys(s.properties)) seen.push(key);
        }
        for (const v of Object.values(s)) walk(v);
      };
      walk(jsonInput(t));
      for (const key of seen) expect(key, `${t.name}.${key}`).not.toMatch(credential);
    }
  });

  it('input schemas are objects that refuse unknown properties', () => {
    for (const t of ALL_TOOLS) {
      const json = jsonInput(t) as { type?: string; additionalProperties?: unknown };
      expect(json.type, t.name).toBe('object');
      expect(json.additionalProperties, t.name).toBe(false);
    }
  });
});

describe('selectTools', () => {
  it('offers the default toolsets unless told otherwise', () => {
    const settings = parseSettings({ ACTITIME_URL: 'https://x.example' });
    expect(settings.toolsets).toEqual([...DEFAULT_TOOLSETS]);
    const names = selectTools(settings, WITH_FAKES).map((t) => t.name);
    expect(names).toContain('zz_test_write'); // time is on by default
    expect(names).not.toContain('zz_test_delete'); // admin is opt-in
  });

  it('honours ACTITIME_TOOLSETS, including all', () => {
    const only = selectTools(parseSettings({ ACTITIME_URL: 'u', ACTITIME_TOOLSETS: 'admin' }), WITH_FAKES);
    expect(only.map((t) => t.name)).toEqual(
      WITH_FAKES.filter((t) => t.toolset === 'admin').map((t) => t.name),
    );
    const all = selectTools(parseSettings({ ACTITIME_URL: 'u', ACTITIME_TOOLSETS: 'all' }), WITH_FAKES);
    expect(all).toHaveLength(WITH_FAKES.length);
  });

  it('SEC-TS-03 read-only keeps only read tools, whatever the toolsets or allow list', () => {
    const s = parseSettings({ ACTITIME_URL: 'u', ACTITIME_TOOLSETS: 'all', ACTITIME_READ_ONLY: 'true' });
    const picked = selectTools(s, WITH_FAKES);
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.every((t) => t.access === 'read')).toBe(true);
    const allowed = selectTools({ ...s, tools: ['zz_test_write', 'zz_test_delete'] }, WITH_FAKES);
    expect(allowed).toEqual([]);
  });

  it('allow and deny lists pick by name; unknown names are configuration errors', () => {
    const s = parseSettings({ ACTITIME_URL: 'u', ACTITIME_TOOLS: 'zz_test_delete, zz_test_write' });
    expect(selectTools(s, WITH_FAKES).map((t) => t.name)).toEqual(['zz_test_write', 'zz_test_delete']);
    const denied = parseSettings({ ACTITIME_URL: 'u', ACTITIME_EXCLUDE_TOOLS: 'zz_test_write' });
    expect(selectTools(denied, WITH_FAKES).map((t) => t.name)).not.toContain('zz_test_write');
    expect(() => selectTools({ ...s, tools: ['no_such_tool'] }, WITH_FAKES)).toThrow(
      /ACTITIME_TOOLS.*no_such_tool/,
    );
    expect(() => parseSettings({ ACTITIME_URL: 'u', ACTITIME_TOOLSETS: 'time,bogus' })).toThrow(/bogus/);
    expect(() => parseSettings({ ACTITIME_URL: 'u', ACTITIME_READ_ONLY: 'maybe' })).toThrow(
      /ACTITIME_READ_ONLY/,
    );
  });
});

describe('over MCP', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('advertises every inputSchema and outputSchema as an object with properties', async () => {
    const c = await connectClient({ simulator: sim, env: { ACTITIME_TOOLSETS: 'all' } });
    try {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
      for (const listed of tools) {
        const tool = ALL_TOOLS.find((t) => t.name === listed.name)!;
        expect(listed.inputSchema.type, listed.name).toBe('object');
        const declared = Object.keys(tool.inputSchema.shape);
        expect(Object.keys(listed.inputSchema.properties ?? {}).sort(), listed.name).toEqual(declared.sort());
        expect(listed.outputSchema?.type, listed.name).toBe('object');
        expect(Object.keys(listed.outputSchema?.properties ?? {}).length, listed.name).toBeGreaterThan(0);
        expect(listed.annotations, listed.name).toEqual(annotationsOf(tool));
        expect(listed.description, listed.name).toBe(tool.description);
      }
    } finally {
      await c.close();
    }
  });

  describe('read-only mode', () => {
    let c: Connected;
    beforeAll(async () => {
      const settings = parseSettings({
        ACTITIME_URL: sim.baseUrl,
        ACTITIME_READ_ONLY: 'true',
        ACTITIME_TOOLSETS: 'all',
      });
      c = await connectClient({
        simulator: sim,
        env: { ACTITIME_READ_ONLY: 'true', ACTITIME_TOOLSETS: 'all' },
        tools: selectTools(settings, WITH_FAKES),
      });
    });
    afterAll(() => c.close());

    it('SEC-TS-03 lists only read tools', async () => {
      const { tools } = await c.client.listTools();
      expect(tools.length).toBeGreaterThan(0);
      for (const t of tools) expect(t.annotations?.readOnlyHint, t.name).toBe(true);
      expect(tools.map((t) => t.name)).not.toContain('zz_test_write');
    });

    it('SEC-TS-03 calling a write tool by name is an unknown tool, with 0 requests', async () => {
      const before = sim.requests.length;
      for (const name of [
        'zz_test_write',
        'zz_test_delete',
        ...ALL_TOOLS.filter((t) => t.access !== 'read').map((t) => t.name),
      ]) {
        await expect(c.client.callTool({ name, arguments: { minutes: 30, id: 1 } })).rejects.toThrow(
          /Unknown tool/,
        );
      }
      expect(sim.requests.length).toBe(before);
    });
  });
});
