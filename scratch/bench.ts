import { startSimulator } from '../src/simulator/server.js';
import { ActitimeClient } from '../src/actitime/client.js';
import { addTimeDelta } from '../src/actitime/resources/timetrack.js';
import { getMe } from '../src/actitime/resources/users.js';
import { createLogger } from '../src/logger.js';

const sim = await startSimulator({ host: '127.0.0.1', port: 0, today: '2026-10-07', limits: { perSecond: 100000, perMinute: 1000000 } });
const c = new ActitimeClient({ baseUrl: sim.baseUrl, username: 'admin', password: 'manager', limits: { perSecond: 100000, perMinute: 1000000 } }, { logger: createLogger('silent') });
await getMe(c);
for (const n of [1, 50, 300]) {
  const t = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => addTimeDelta(c, 'pwhite', '2026-10-1' + (i % 10), 143, 1)));
  console.log(n, ((performance.now() - t) / n).toFixed(2), 'ms/write');
}
const t = performance.now();
for (let i = 0; i < 100; i++) await addTimeDelta(c, 'pwhite', '2026-10-20', 143, 1);
console.log('sequential', ((performance.now() - t) / 100).toFixed(2), 'ms/write');
await c.close(); await sim.close();
