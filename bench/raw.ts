/**
 * Raw HTTP to the simulator with undici, no client machinery: the hand-written baselines ("the minimum") send
 * exactly the requests a job needs, independent ones at once.
 */
import { Pool } from 'undici';

import type { SimulatorHandle } from '../src/simulator/server.js';
import { demoPassword } from '../src/config.js';

export interface Raw {
  get(path: string): Promise<unknown>;
  send(method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  /** POST /batch with these operations (relativeUrl without /api/v1). */
  batch(ops: Array<{ method: string; relativeUrl: string; body?: unknown }>): Promise<unknown>;
  close(): Promise<void>;
}

export function rawClient(sim: SimulatorHandle, user = 'admin', connections = 16): Raw {
  const url = new URL(sim.baseUrl);
  const pool = new Pool(url.origin, { connections });
  const prefix = url.pathname;
  const auth = 'Basic ' + Buffer.from(`${user}:${demoPassword(user)}`).toString('base64');
  const send: Raw['send'] = async (method, path, body) => {
    const res = await pool.request({
      path: prefix + path,
      method,
      headers: {
        authorization: auth,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400)
      throw new Error(`raw ${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  return {
    send,
    get: (path) => send('GET', path),
    batch: (ops) => send('POST', '/batch', ops),
    close: () => pool.close(),
  };
}
