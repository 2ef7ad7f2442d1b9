import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActitimeClient } from '../../src/actitime/client.js';
import { ResponseTooLargeError, UnexpectedResponseError } from '../../src/actitime/errors.js';
import { createCustomer, getCustomer, listCustomers } from '../../src/actitime/resources/customers.js';
import { createLogger } from '../../src/logger.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { said } from '../helpers/errors.js';
import { waitFor } from '../helpers/wait.js';

describe('one HTTP attempt on the wire', () => {
  let sim: SimulatorHandle;
  let c: ActitimeClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: '2026-10-07' });
    c = new ActitimeClient(
      {
        baseUrl: sim.baseUrl,
        username: 'admin',
        password: 'manager',
        maxResponseBytes: 1024 * 1024,
        maxRetries: 0,
      },
      { logger: createLogger('silent') },
    );
  });
  afterEach(() => sim.faults.clear());
  afterAll(async () => {
    await c.close();
    await sim.close();
  });

  it('sends Basic auth, the JSON Accept header, and a JSON Content-Type only with a body', async () => {
    await getCustomer(c, 6);
    await createCustomer(c, { name: 'Header Check Inc' });
    const [get, post] = [sim.requests.at(-2)!, sim.requests.at(-1)!];
    expect(get.headers.accept).toBe('application/json; charset=UTF-8');
    expect(get.headers.authorization).toBe('[redacted]');
    expect(get.username).toBe('admin');
    expect(get.headers['content-type']).toBeUndefined();
    expect(post.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(post.body).toEqual({ name: 'Header Check Inc' });
  });

  it('SEC-OUT-01 stops reading a 20 MB body at maxResponseBytes with bounded memory', async () => {
    sim.faults.inject({ method: 'GET', path: '/customers', oversizeBytes: 20 * 1024 * 1024 });
    const before = process.memoryUsage();
    const err = await listCustomers(c).catch((e: unknown) => e);
    const after = process.memoryUsage();
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect((err as ResponseTooLargeError).limitBytes).toBe(1024 * 1024);
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(12 * 1024 * 1024);
    // The client hung up instead of draining 20 MB (the simulator records the close a moment later).
    const hit = sim.requests.at(-1)!;
    await waitFor(() => hit.finishedAt !== undefined, { message: 'the oversized response to end' });
    expect(hit.abortedAt).toBeDefined();
  });

  it('SEC-OUT-03 a 200 with HTML or malformed JSON becomes a short fixed UnexpectedResponseError', async () => {
    sim.faults.inject({ method: 'GET', path: '/customers/6', html: true });
    const html = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(html).toBeInstanceOf(UnexpectedResponseError);
    expect(said(html)).toBe('unexpected response from actiTIME (HTML instead of JSON)');
    sim.faults.inject({ method: 'GET', path: '/customers/6', malformedJson: true });
    const broken = await getCustomer(c, 6).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(UnexpectedResponseError);
    expect(said(broken)).toBe('unexpected response from actiTIME (malformed JSON)');
    for (const e of [html, broken]) {
      expect(JSON.stringify(e)).not.toMatch(/<|html>|broken/i);
      expect((e as UnexpectedResponseError).maybeApplied).toBe(false);
    }
    // The same answer to a write: it most probably happened, so the caller is told to re-read.
    sim.faults.inject({ method: 'POST', path: '/customers', html: true });
    const write = await createCustomer(c, { name: 'Html Answer Ltd' }).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(UnexpectedResponseError);
    expect((write as UnexpectedResponseError).maybeApplied).toBe(true);
  });

  it('SEC-OUT-04 a body failing the schema names the field; extra fields are ignored', async () => {
    sim.faults.inject({
      method: 'GET',
      path: '/customers',
      status: 200,
      body: {
        offset: 0,
        limit: 1000,
        items: [
          { id: 6, name: 'ok' },
          { id: 'seven', name: 'bad' },
        ],
      },
    });
    const err = await listCustomers(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(said(err)).toBe('unexpected response from actiTIME (field items.1.id)');
    expect((err as UnexpectedResponseError).field).toBe('items.1.id');
    sim.faults.inject({ method: 'GET', path: '/customers/6', status: 200, body: { name: 'no id' } });
    await expect(getCustomer(c, 6)).rejects.toMatchObject({ field: 'id' });
    sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 200,
      body: { id: 6, name: 'Big Bang Company', shinyNewField: [1, 2, 3] },
    });
    await expect(getCustomer(c, 6)).resolves.toMatchObject({ id: 6, shinyNewField: [1, 2, 3] });
  });
});
