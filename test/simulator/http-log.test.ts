import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/server.js';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { isListening, waitFor } from '../helpers/wait.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const admin = { user: 'admin' } as const;

describe('request log (test hook for "what the simulator received")', () => {
  it('records method, raw and decoded path, query, body, redacted headers, user, status and times', async () => {
    await api(sim, 'PATCH', '/customers/6?x=a%2Cb&sort=%2Bname', {
      ...admin,
      body: { description: 'logged' },
      headers: { 'x-trace': 't1' },
    });
    const [entry] = sim.requests;
    expect(entry).toMatchObject({
      method: 'PATCH',
      rawPath: '/api/v1/customers/6',
      path: '/customers/6',
      query: { x: 'a,b', sort: '+name' },
      body: { description: 'logged' },
      username: 'admin',
      status: 200,
      inFlight: 1,
    });
    expect(entry!.headers.authorization).toBe('[redacted]');
    expect(entry!.headers['x-trace']).toBe('t1');
    expect(JSON.stringify(entry)).not.toContain(Buffer.from('admin:manager').toString('base64'));
    expect(entry!.finishedAt).toBeGreaterThanOrEqual(entry!.arrivedAt);
  });

  it('keeps the raw path percent-encoded as received', async () => {
    await api(sim, 'GET', '/users/j%20smith%2F..', admin);
    expect(sim.requests[0]).toMatchObject({
      rawPath: '/api/v1/users/j%20smith%2F..',
      path: '/users/j smith/..',
      status: 404,
    });
  });

  it('records requests that fail authentication, without a username', async () => {
    await api(sim, 'GET', '/users/me', { user: { username: 'admin', password: 'nope' } });
    expect(sim.requests[0]).toMatchObject({ status: 401, headers: { authorization: '[redacted]' } });
    expect(sim.requests[0]!.username).toBeUndefined();
  });

  it('numbers requests in arrival order and tracks the in-flight high-water mark', async () => {
    sim.faults.inject({ path: '/info', delayMs: 200, times: 5 });
    await Promise.all(Array.from({ length: 5 }, () => api(sim, 'GET', '/info', admin)));
    expect(sim.maxInFlight()).toBe(5);
    const seqs = sim.requests.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(Math.max(...sim.requests.map((r) => r.inFlight))).toBe(5);
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
    expect(sim.maxInFlight()).toBe(0);
    await api(sim, 'GET', '/info', admin);
    expect(sim.maxInFlight()).toBe(1);
    expect(sim.requests[0]!.seq).toBeGreaterThan(Math.max(...seqs));
  });
});

describe('reset()', () => {
  it('puts the store back to the seed and clears faults and the log', async () => {
    const created = await api(sim, 'POST', '/customers', { ...admin, body: { name: 'Transient Ltd' } });
    expect(created.status).toBe(200);
    sim.faults.inject({ path: '/info', status: 500 });
    sim.reset();
    expect(sim.requests).toHaveLength(0);
    expect(sim.faults.pending()).toBe(0);
    const list = await api(sim, 'GET', '/customers?name=Transient%20Ltd', admin);
    expect(list.body).toMatchObject({ items: [] });
    expect((await api(sim, 'GET', '/info', admin)).status).toBe(200);
  });
});

describe('startSimulator options', () => {
  it.each(['0.0.0.0', '192.168.1.10', 'example.com', '::'])(
    'refuses the non-loopback host %s',
    async (host) => {
      await expect(startSimulator({ host, port: 0 })).rejects.toThrow(/loopback|refusing/);
    },
  );

  it('binds to ::1 and localhost as loopback', async () => {
    const local = await startSimulator({ host: 'localhost', port: 0 });
    try {
      expect(local.baseUrl).toBe(`http://127.0.0.1:${local.port}/api/v1`);
      expect((await api(local, 'GET', '/users/me', admin)).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('closes itself after idleTimeoutMs without requests', async () => {
    const idle = await startSimulator({ port: 0, idleTimeoutMs: 150 });
    expect((await api(idle, 'GET', '/users/me', admin)).status).toBe(200);
    // Probed with bare connections: a request would itself restart the idle timer.
    await waitFor(async () => !(await isListening(idle.port)), {
      intervalMs: 10,
      message: 'the idle simulator to close',
    });
    await expect(api(idle, 'GET', '/users/me', admin)).rejects.toThrow();
    await idle.close();
  });

  it('rejects an impossible today', async () => {
    await expect(startSimulator({ port: 0, today: '2026-02-30' })).rejects.toThrow(/today/);
  });
});
