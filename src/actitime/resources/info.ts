/** `GET /info`: system settings and limits (docs/actitime-model.md §2.1). Cached: it changes only in the UI. */
import type { ActitimeClient } from '../client.js';
import { InfoSchema, type Info } from '../schemas.js';
import type { CallOptions } from './common.js';

export function getInfo(c: ActitimeClient, opts: CallOptions = {}): Promise<Info> {
  return c.cache.get(
    'info',
    () => c.request({ method: 'GET', path: ['info'], schema: InfoSchema }),
    opts.signal,
  );
}
