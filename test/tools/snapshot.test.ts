/**
 * The tool surface as a client sees it, kept in a reviewed file: any change to a name, title, description,
 * schema or annotation fails here until the snapshot is updated (`npx vitest run test/tools/snapshot.test.ts -u`)
 * and the diff is reviewed with the change. Pretty-printed for review; the wire form is compact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ALL_TOOLS } from '../../src/tools/registry.js';
import { connectClient, type Connected } from '../helpers/mcp.js';

describe('tools/list snapshot', () => {
  let c: Connected;
  beforeAll(async () => {
    c = await connectClient({ env: { ACTITIME_TOOLSETS: 'all' } });
  });
  afterAll(() => c.close());

  it('SEC-TS-02 tools/list for all toolsets matches the reviewed snapshot', async () => {
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    const surface = tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
      annotations: t.annotations,
    }));
    await expect(JSON.stringify(surface, null, 2) + '\n').toMatchFileSnapshot(
      './__snapshots__/tools-list.json',
    );
  });
});
