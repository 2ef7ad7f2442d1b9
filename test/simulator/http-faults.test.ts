import { request } from 'undici';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { settles, waitFor } from '../helpers/wait.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const admin = { user: 'admin' } as const;

describe('fault injection: statuses', () => {
  it('answers the next N matching requests with the injected status, then the real route', async () => {
    sim.faults.inject({ method: 'GET', path: '/customers/6', status: 503, times: 2 });
    expect(sim.faults.pending()).toBe(2);
    // Another path and another method are not affected.
    expect((await api(sim, 'GET', '/customers/7', admin)).status).toBe(200);
    expect((await api(sim, 'PATCH', '/customers/6', { ...admin, body: {} })).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(sim, 'GET', '/customers/6', admin)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.faults.pending()).toBe(0);
  });

  it('sends the injected headers and a standard error body when none is given', async () => {
    sim.faults.inject({ path: 'users/me', status: 429, headers: { 'Retry-After': '2' } });
    const res = await api(sim, 'GET', '/users/me', admin);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
    expect(res.body).toMatchObject({ key: 'api.error.too_many_requests' });
  });

  it('sends an object body as JSON and a string body as it is', async () => {
    sim.faults.inject({
      path: '/info',
      status: 400,
      body: { key: 'api.error.something_new', message: 'New' },
    });
    sim.faults.inject({ path: '/info', status: 502, body: 'Bad Gateway' });
    const json = await api(sim, 'GET', '/info', admin);
    expect(json.status).toBe(400);
    expect(json.body).toEqual({ key: 'api.error.something_new', message: 'New' });
    const text = await api(sim, 'GET', '/info', admin);
    expect(text.status).toBe(502);
    expect(text.body).toBe('Bad Gateway');
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('applies before authentication, so it works without credentials, and costs no rate budget', async () => {
    sim.faults.inject({ path: /^\/customers(\/\d+)?$/, status: 500, times: 2 });
    const anonymous = await api(sim, 'GET', '/customers');
    expect(anonymous.status).toBe(500);
    expect(anonymous.body).toMatchObject({ key: 'api.error.internal', message: 'Internal SQL Error' });
    expect((await api(sim, 'GET', '/customers/6', admin)).status).toBe(500);
    const real = await api(sim, 'GET', '/customers/6', admin);
    expect(real.status).toBe(200);
    expect(real.headers['x-ratelimit-remaining']).toBe('99');
  });

  it('consumes armed faults first in, first out and forgets them on clear()', async () => {
    sim.faults.inject({ path: '/info', status: 503 });
    sim.faults.inject({ path: '/info', status: 502 });
    expect((await api(sim, 'GET', '/info', admin)).status).toBe(503);
    sim.faults.clear();
    expect(sim.faults.pending()).toBe(0);
    expect((await api(sim, 'GET', '/info', admin)).status).toBe(200);
  });
});

describe('fault injection: timing and connections', () => {
  it('delayMs holds the headers, then runs the real route', async () => {
    sim.faults.inject({ path: '/customers/6', delayMs: 250 });
    const t0 = performance.now();
    const res = await api(sim, 'GET', '/customers/6', admin);
    const took = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 6 });
    // Held at least the delay, on both sides. No ceiling: load only lengthens a hold, and a hold that never
    // ended would time the test out; the body shows the real route answered after it.
    expect(took).toBeGreaterThanOrEqual(240);
    const [hit] = sim.requests;
    expect(hit!.finishedAt! - hit!.arrivedAt).toBeGreaterThanOrEqual(249);
  });

  it('delayMs followed by a status', async () => {
    sim.faults.inject({ path: '/info', delayMs: 150, status: 504 });
    const t0 = performance.now();
    expect((await api(sim, 'GET', '/info', admin)).status).toBe(504);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('stallBody sends 200 headers, then stalls until the client gives up; the log shows the abort', async () => {
    sim.faults.inject({ path: '/customers', stallBody: true });
    const controller = new AbortController();
    const res = await request(`${sim.baseUrl}/customers`, {
      headers: { authorization: basic('admin') },
      signal: controller.signal,
    });
    expect(res.statusCode).toBe(200);
    const text = res.body.text();
    // A stall has no end to wait for, so this one waits a while: a fault that did not stall would have ended
    // the body in the same write as the headers, many event-loop turns before 100 ms. Load only lengthens
    // the wait, which can only catch more.
    const outcome = await Promise.race([text.then(() => 'ended'), sleep(100).then(() => 'stalled')]);
    expect(outcome).toBe('stalled');
    expect(sim.requests[0]?.finishedAt).toBeUndefined(); // the simulator has not ended it either
    controller.abort();
    await expect(text).rejects.toThrow();
    await waitFor(() => sim.requests[0]?.abortedAt !== undefined, { message: 'the abort' });
    expect(sim.requests[0]).toMatchObject({ status: 200 });
  });

  it('resetAfterRequest reads the body, then resets the connection without running the route', async () => {
    sim.faults.inject({ method: 'POST', path: '/customers', resetAfterRequest: true });
    const err = await api(sim, 'POST', '/customers', { ...admin, body: { name: 'Reset Corp' } }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; cause?: { code?: string } },
    );
    expect(err).toBeDefined();
    expect([err?.code, err?.cause?.code]).toContain('ECONNRESET');
    expect(sim.requests[0]?.body).toEqual({ name: 'Reset Corp' });
    await waitFor(() => sim.requests[0]?.abortedAt !== undefined, { message: 'the abort' });
    expect(sim.requests[0]?.status).toBeUndefined();
    const list = await api(sim, 'GET', '/customers?name=Reset%20Corp', admin);
    expect(list.body).toMatchObject({ items: [] });
  });

  it('oversizeBytes streams about that many bytes of valid JSON (20 MB)', async () => {
    sim.faults.inject({ path: '/tasks', oversizeBytes: 20_000_000 });
    const res = await request(`${sim.baseUrl}/tasks`, { headers: { authorization: basic('admin') } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(res.headers['content-length']).toBeUndefined();
    const text = await res.body.text();
    expect(text.length).toBeGreaterThanOrEqual(20_000_000);
    expect(text.length).toBeLessThan(20_100_000);
    const parsed = JSON.parse(text) as { items: unknown[] };
    expect(parsed.items.length).toBeGreaterThan(1_000);
  });

  it('oversizeBytes stops streaming when the client goes away', async () => {
    sim.faults.inject({ path: '/tasks', oversizeBytes: 500_000_000 });
    const controller = new AbortController();
    const res = await request(`${sim.baseUrl}/tasks`, {
      headers: { authorization: basic('admin') },
      signal: controller.signal,
    });
    let received = 0;
    await expect(
      (async () => {
        for await (const chunk of res.body) {
          received += (chunk as Buffer).length;
          if (received > 1_000_000) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    await waitFor(() => sim.requests[0]?.abortedAt !== undefined, { message: 'the abort' });
  });

  it('html answers 200 with an HTML page', async () => {
    sim.faults.inject({ path: '/users/me', html: true });
    const res = await api(sim, 'GET', '/users/me', admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(String(res.body)).toMatch(/^<!DOCTYPE html>/);
  });

  it('malformedJson answers 200 with a JSON content type and a body that does not parse', async () => {
    sim.faults.inject({ path: '/users/me', malformedJson: true });
    const res = await api(sim, 'GET', '/users/me', admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(() => JSON.parse(res.body as string)).toThrow();
  });

  it('passThroughHeaders runs the real route and overrides its headers', async () => {
    sim.faults.inject({
      path: '/customers/6',
      passThroughHeaders: { 'X-Ratelimit-Remaining': '0', 'X-Ratelimit-Reset': '2' },
    });
    const res = await api(sim, 'GET', '/customers/6', admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 6, name: 'Big Bang Company' });
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect(res.headers['x-ratelimit-reset']).toBe('2');
    // Only once: the next answer carries the real budget.
    expect((await api(sim, 'GET', '/customers/6', admin)).headers['x-ratelimit-remaining']).toBe('98');
  });

  it('close() ends a stalled response and resolves quickly', async () => {
    const own = await startTestSimulator();
    own.faults.inject({ stallBody: true });
    const res = await request(`${own.baseUrl}/info`, { headers: { authorization: basic('admin') } });
    const body = res.body.text();
    body.catch(() => undefined);
    // The stall never ends by itself: a close() that waited for it would never resolve.
    await settles(own.close(), 'close()');
    await expect(body).rejects.toThrow();
  });

  it('close() ends a request held by delayMs', async () => {
    const own = await startTestSimulator();
    own.faults.inject({ delayMs: 60_000 });
    const pending = api(own, 'GET', '/info', admin).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => own.requests.length === 1, { message: 'the held request' });
    // The hold is a minute: a close() that waited for it would not resolve in time.
    await settles(own.close(), 'close()');
    expect(await pending).toBe('failed');
  });
});
