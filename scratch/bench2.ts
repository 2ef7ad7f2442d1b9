import { startSimulator } from '../src/simulator/server.js';
import { Pool } from 'undici';
import { ActitimeClient } from '../src/actitime/client.js';
import { createLogger } from '../src/logger.js';
const sim = await startSimulator({ host: '127.0.0.1', port: 0, today: '2026-10-07', limits: { perSecond: 100000, perMinute: 1000000 } });
const u = new URL(sim.baseUrl);
const pool = new Pool(u.origin, { connections: 6 });
const auth = 'Basic ' + Buffer.from('admin:manager').toString('base64');
async function run(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < 100; i++) await fn();
  console.log(label, ((performance.now() - t) / 100).toFixed(2), 'ms');
}
await run('pool GET', async () => { const r = await pool.request({ path: '/api/v1/customers/6', method: 'GET', headers: { authorization: auth } }); await r.body.text(); });
await run('pool PATCH', async () => { const r = await pool.request({ path: '/api/v1/timetrack/pwhite/2026-10-20/143/time', method: 'PATCH', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ delta: 0 }) }); await r.body.text(); });
const c = new ActitimeClient({ baseUrl: sim.baseUrl, username: 'admin', password: 'manager', limits: { perSecond: 100000, perMinute: 1000000 } }, { logger: createLogger('silent') });
await run('client GET', () => c.request({ method: 'GET', path: ['customers', 6] }));
await run('client PATCH', () => c.request({ method: 'PATCH', path: ['timetrack', 'pwhite', '2026-10-20', 143, 'time'], body: { delta: 0 }, idempotent: false }));
await c.close(); await pool.close(); await sim.close();
