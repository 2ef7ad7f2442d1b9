import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

const admin = { user: 'admin' } as const;

interface Slot {
  id?: string;
  status: number;
  body?: Record<string, unknown>;
}

async function batch(ops: unknown, query = ''): Promise<{ status: number; slots: Slot[]; body: unknown }> {
  const res = await api(sim, 'POST', `/batch${query}`, { ...admin, body: ops });
  return { status: res.status, slots: res.body as Slot[], body: res.body };
}

describe('model §2.14 batch', () => {
  it('runs operations in order through the real routes, echoing ids', async () => {
    const { status, slots } = await batch([
      { id: 'create', method: 'POST', relativeUrl: '/customers', body: { name: 'Batch Co' } },
      { id: 'find', method: 'GET', relativeUrl: 'customers?name=Batch%20Co' },
      { method: 'GET', relativeUrl: '/customers/6' },
      { id: 'missing', method: 'GET', relativeUrl: '/customers/999999' },
      { id: 'nowhere', method: 'GET', relativeUrl: '/nope' },
      { id: 'verb', method: 'PUT', relativeUrl: '/customers/6', body: {} },
    ]);
    expect(status).toBe(200);
    expect(slots.map((s) => [s.id, s.status])).toEqual([
      ['create', 200],
      ['find', 200],
      [undefined, 200],
      ['missing', 404],
      ['nowhere', 404],
      ['verb', 405],
    ]);
    expect(Object.keys(slots[2]!)).toEqual(['status', 'body']);
    const id = slots[0]!.body!.id as number;
    // The GET saw the POST before it: operations run one after another.
    expect(slots[1]!.body).toMatchObject({ items: [{ id, name: 'Batch Co' }] });
    expect(slots[2]!.body).toMatchObject({ id: 6, name: 'Big Bang Company' });
    expect(slots[3]!.body).toMatchObject({ key: 'api.error.object_not_found' });
    expect(slots[4]!.body).toMatchObject({ key: 'api.error.unknown_resource' });
    // Same as a single call would answer.
    const single = await api(sim, 'GET', '/customers/6', admin);
    expect(slots[2]!.body).toEqual(single.body);
  });

  it('logs each operation with batchOf, after the batch request itself', async () => {
    await batch([
      { method: 'GET', relativeUrl: '/customers/6?x=1' },
      { method: 'PATCH', relativeUrl: 'customers/7', body: { description: 'via batch' } },
    ]);
    const [parent, first, second] = sim.requests;
    expect(parent).toMatchObject({ method: 'POST', path: '/batch', status: 200, username: 'admin' });
    expect(first).toMatchObject({
      batchOf: parent!.seq,
      method: 'GET',
      rawPath: '/api/v1/customers/6',
      path: '/customers/6',
      query: { x: '1' },
      status: 200,
      username: 'admin',
    });
    expect(second).toMatchObject({
      batchOf: parent!.seq,
      method: 'PATCH',
      body: { description: 'via batch' },
    });
    expect(first!.seq).toBeLessThan(second!.seq);
    expect(second!.arrivedAt).toBeGreaterThanOrEqual(first!.finishedAt!);
  });

  it('includeResponseBody=never drops every body, =get keeps GET bodies only, default always', async () => {
    const ops = [
      { id: 'g', method: 'GET', relativeUrl: '/customers/6' },
      { id: 'p', method: 'PATCH', relativeUrl: '/customers/6', body: { description: 'x' } },
      { id: 'e', method: 'GET', relativeUrl: '/customers/999999' },
    ];
    const never = await batch(ops, '?includeResponseBody=never');
    expect(never.slots).toEqual([
      { id: 'g', status: 200 },
      { id: 'p', status: 200 },
      { id: 'e', status: 404 },
    ]);
    const get = await batch(ops, '?includeResponseBody=get');
    expect(get.slots.map((s) => s.body !== undefined)).toEqual([true, false, true]);
    const always = await batch(ops, '?includeResponseBody=always');
    expect(always.slots.map((s) => s.body !== undefined)).toEqual([true, true, true]);
    const byDefault = await batch(ops);
    expect(byDefault.slots.map((s) => s.body !== undefined)).toEqual([true, true, true]);
  });

  it('gives a 204 operation no body', async () => {
    const created = await api(sim, 'POST', '/customers', { ...admin, body: { name: 'Doomed Co' } });
    const id = (created.body as { id: number }).id;
    const { slots } = await batch([{ method: 'DELETE', relativeUrl: `/customers/${id}` }]);
    expect(slots).toEqual([{ status: 204 }]);
  });

  it.each([
    ['an unknown includeResponseBody', [], '?includeResponseBody=sometimes'],
    ['a body that is an object', { method: 'GET', relativeUrl: '/info' }, ''],
    ['a lower-case method', [{ method: 'get', relativeUrl: '/info' }], ''],
    ['an empty relativeUrl', [{ method: 'GET', relativeUrl: '' }], ''],
  ])('answers %s with 400 invalid_argument', async (_case, ops, query) => {
    const res = await batch(ops, query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ key: 'api.error.invalid_argument' });
  });

  it.each([
    ['an operation without method', [{ relativeUrl: '/info' }], '[0].method'],
    ['an operation without relativeUrl', [{ method: 'GET' }], '[0].relativeUrl'],
    [
      'a second operation with method null',
      [
        { method: 'GET', relativeUrl: '/info' },
        { method: null, relativeUrl: '/info' },
      ],
      '[1].method',
    ],
  ])(
    'model §1.11, §2.14 answers %s with 400 mandatory_field naming it, and runs nothing',
    async (_case, ops, fields) => {
      sim.clearRequests();
      const res = await batch(ops);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ key: 'api.error.mandatory_field', fields });
      expect(sim.requests.filter((r) => r.batchOf !== undefined)).toEqual([]);
    },
  );

  it('model §1.11, §2.14 answers a batch with an empty body with 400 mandatory_field', async () => {
    const res = await api(sim, 'POST', '/batch', {
      ...admin,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      key: 'api.error.mandatory_field',
      message: 'Mandatory field is not specified',
      fields: 'body',
    });
  });

  it('refuses a batch over maxBatchSize with 400 batch_too_large and runs nothing', async () => {
    const ops = Array.from({ length: 101 }, (_, i) => ({
      method: 'POST',
      relativeUrl: '/customers',
      body: { name: `Too Many ${i}` },
    }));
    const res = await batch(ops);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ key: 'api.error.batch_too_large' });
    expect(sim.requests.filter((r) => r.batchOf !== undefined)).toHaveLength(0);
    const list = await api(sim, 'GET', '/customers?words=Too%20Many', admin);
    expect(list.body).toMatchObject({ items: [] });
  });

  it('accepts exactly maxBatchSize operations on a fresh budget', async () => {
    const ops = Array.from({ length: 100 }, () => ({ method: 'GET', relativeUrl: '/users/me' }));
    const res = await api(sim, 'POST', '/batch?includeResponseBody=never', { ...admin, body: ops });
    expect(res.status).toBe(200);
    expect((res.body as Slot[]).every((s) => s.status === 200)).toBe(true);
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('answers an empty batch with an empty array', async () => {
    expect(await batch([])).toMatchObject({ status: 200, body: [] });
  });

  it('refuses a nested batch in its slot', async () => {
    const { slots } = await batch([{ method: 'POST', relativeUrl: '/batch', body: [] }]);
    expect(slots[0]).toMatchObject({ status: 400, body: { key: 'api.error.invalid_argument' } });
  });

  it('answers GET /batch with 405', async () => {
    expect((await api(sim, 'GET', '/batch', admin)).status).toBe(405);
  });
});

describe('model §1.12 batch and the rate limit', () => {
  it('counts each operation as one request; operations over the limit get 429 in their slot', async () => {
    const small = await startTestSimulator({ limits: { perSecond: 5, secondWindowMs: 30_000 } });
    try {
      const ops = Array.from({ length: 7 }, (_, i) => ({
        id: String(i),
        method: 'GET',
        relativeUrl: '/users/me',
      }));
      const res = await api(small, 'POST', '/batch', { ...admin, body: ops });
      expect(res.status).toBe(200);
      const slots = res.body as Slot[];
      expect(slots.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(slots[5]!.body).toMatchObject({ key: 'api.error.too_many_requests' });
      // The batch's own answer shows the spent budget, and the next request is refused.
      expect(res.headers['x-ratelimit-remaining']).toBe('0');
      const next = await api(small, 'GET', '/users/me', admin);
      expect(next.status).toBe(429);
      // A batch on a spent budget is itself refused.
      const again = await api(small, 'POST', '/batch', { ...admin, body: ops.slice(0, 1) });
      expect(again.status).toBe(429);
      expect(again.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await small.close();
    }
  });
});
