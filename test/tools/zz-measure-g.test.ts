import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { connectClient } from '../helpers/mcp.js';
it('measure', async () => {
  for (const ts of [undefined, 'all']) {
    const c = await connectClient({ env: ts ? { ACTITIME_TOOLSETS: ts } : {} });
    const res = await c.client.listTools();
    const whole = JSON.stringify(res);
    console.error(ts ?? 'default', 'whole', whole.length, 'count', res.tools.length);
    if (!ts) writeFileSync('/tmp/g/default.json', res.tools.map((t) => JSON.stringify(t)).join('\n'));
    if (ts) writeFileSync('/tmp/g/all.json', res.tools.map((t) => JSON.stringify(t)).join('\n'));
    await c.close();
  }
});
