import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { noonClock, TODAY } from './demo-calendar.js';

let sim: SimulatorHandle;
let receiver: Server;
let target: string;
/** What the receiver got: path and parsed body per delivery, in arrival order. */
let received: Array<{ path: string; contentType: string | undefined; body: unknown }> = [];
let answerStatus = 200;

beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
  receiver = createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(data) as unknown,
      });
      res.statusCode = answerStatus;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
beforeEach(() => {
  received = [];
  answerStatus = 200;
});
afterEach(() => sim.reset());
afterAll(async () => {
  await sim.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

type Obj = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, user = 'admin') {
  return api(sim, method, path, { user, body });
}

async function subscribe(event: string, path = '/hook', user = 'admin', extra: Obj = {}): Promise<Obj> {
  const res = await call('POST', '/hooks', { target_url: `${target}${path}`, event, ...extra }, user);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Obj;
}

/** Every delivery queued so far has been answered. */
const delivered = () => sim.store.hooks.idle();

describe('model §2.15 REST hooks: subscriptions', () => {
  it('POST returns the subscription; GET lists an envelope; DELETE answers 204', async () => {
    const sub = await subscribe('task.create', '/a', 'admin', { filter: { projectIds: [13] } });
    expect(sub).toEqual({
      id: 1,
      target_url: `${target}/a`,
      event: 'task.create',
      filter: { projectIds: [13] },
      enabled: true,
      userId: 1,
      lastHttpStatus: null,
      lastHttpError: null,
      lastHttpCall: null,
    });
    expect((await call('GET', '/hooks')).body).toEqual({ offset: 0, limit: 1000, items: [sub] });
    const del = await call('DELETE', '/hooks/1');
    expect(del.status).toBe(204);
    expect((await call('DELETE', '/hooks/1')).status).toBe(404);
    expect((await call('GET', '/hooks')).body).toMatchObject({ items: [] });
  });

  it('validates target_url and event (case-sensitive)', async () => {
    const missing = await call('POST', '/hooks', { event: 'task' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ key: 'api.error.mandatory_field', fields: 'target_url' });
    expect((await call('POST', '/hooks', { target_url: target })).body).toMatchObject({
      key: 'api.error.mandatory_field',
    });
    for (const event of ['Task.create', 'task.explode', 'timetrack.delete', 'customer.move'])
      expect((await call('POST', '/hooks', { target_url: target, event })).body).toMatchObject({
        key: 'api.error.invalid_argument',
      });
    expect((await call('POST', '/hooks', { target_url: 'not a url', event: '*' })).status).toBe(400);
    expect((await call('POST', '/hooks', { target_url: target, event: '*', filter: 'all' })).status).toBe(
      400,
    );
  });

  it('users see and remove only their own subscriptions; unsubscribe removes every one to a URL', async () => {
    await subscribe('task', '/mine', 'trainee');
    await subscribe('project', '/mine', 'trainee');
    const other = await subscribe('customer', '/other', 'admin');
    expect(((await call('GET', '/hooks', undefined, 'trainee')).body as { items: Obj[] }).items).toHaveLength(
      2,
    );
    expect((await call('DELETE', `/hooks/${other.id as number}`, undefined, 'trainee')).status).toBe(403);
    const un = await call('POST', '/hooks/unsubscribe', { target_url: `${target}/mine` }, 'trainee');
    expect(un.status).toBe(204);
    expect(((await call('GET', '/hooks')).body as { items: Obj[] }).items.map((s) => s.id)).toEqual([
      other.id,
    ]);
  });
});

describe('model §2.15 REST hooks: deliveries', () => {
  it('task.create delivers a JSON array with the full task and "event.name", and records the call', async () => {
    await subscribe('task.create');
    const created = await call('POST', '/tasks', {
      projectId: 13,
      name: 'Docking testing',
      deadline: '2026-12-01',
    });
    await delivered();
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/hook');
    expect(received[0]?.contentType).toMatch(/^application\/json/);
    const { allowedActions: _omit, ...plain } = created.body as Obj;
    expect(received[0]?.body).toEqual([{ 'event.name': 'task.create', ...plain }]);
    const [sub] = ((await call('GET', '/hooks')).body as { items: Obj[] }).items;
    expect(sub).toMatchObject({ lastHttpStatus: 200, lastHttpError: null, lastHttpCall: expect.any(Number) });
  });

  it('customer.create carries {id, name, archived, created, url, description}; deletes carry {id}', async () => {
    await subscribe('customer');
    const c = (await call('POST', '/customers', { name: 'Hook Corp' })).body as Obj;
    await call('PATCH', `/customers/${c.id as number}`, { description: 'updated' });
    await call('DELETE', `/customers/${c.id as number}`);
    await delivered();
    expect(received.map((r) => r.body)).toEqual([
      [
        {
          'event.name': 'customer.create',
          id: c.id,
          name: 'Hook Corp',
          archived: false,
          created: c.created,
          url: c.url,
          description: null,
        },
      ],
      [
        {
          'event.name': 'customer.update',
          id: c.id,
          name: 'Hook Corp',
          archived: false,
          created: c.created,
          url: c.url,
          description: 'updated',
        },
      ],
      [{ 'event.name': 'customer.delete', id: c.id }],
    ]);
  });

  it('timetrack.update and leaveTime.update payloads', async () => {
    await subscribe('timetrack.update', '/time');
    await subscribe('leaveTime', '/leave');
    await call('PATCH', `/timetrack/3/${TODAY}/136`, { time: 60 });
    await call('PATCH', `/timetrack/3/${TODAY}/136`, { time: 90, comment: 'sprint review' });
    await call('PATCH', `/leavetime/3/${TODAY}/3`, { leaveTime: 30 });
    await delivered();
    const time = received.filter((r) => r.path === '/time').map((r) => r.body);
    expect(time).toEqual([
      [
        {
          'event.name': 'timetrack.update',
          userId: 3,
          taskId: 136,
          taskName: 'Meetings',
          time: 60,
          comment: '',
          date: TODAY,
          projectId: 23,
          customerId: 9,
        },
      ],
      [
        {
          'event.name': 'timetrack.update',
          userId: 3,
          taskId: 136,
          taskName: 'Meetings',
          time: 90,
          comment: 'sprint review',
          date: TODAY,
          projectId: 23,
          customerId: 9,
        },
      ],
    ]);
    expect(received.filter((r) => r.path === '/leave').map((r) => r.body)).toEqual([
      [{ 'event.name': 'leaveTime.update', userId: 3, date: TODAY, leaveTypeId: 3, leaveTime: 30 }],
    ]);
  });

  it('matches *, actions and objects; move events; disabled subscriptions get nothing', async () => {
    await subscribe('*', '/all');
    await subscribe('update', '/update');
    await subscribe('move', '/move');
    await subscribe('project', '/project', 'admin', { enabled: false });
    await call('PATCH', '/projects/14', { customerId: 9 });
    await call('PATCH', '/tasks/143', { name: 'Test 10b' });
    await delivered();
    const events = (path: string) =>
      received.filter((r) => r.path === path).map((r) => (r.body as Obj[])[0]?.['event.name']);
    expect(events('/all')).toEqual(['project.move', 'task.update']);
    expect(events('/update')).toEqual(['task.update']);
    expect(events('/move')).toEqual(['project.move']);
    expect(events('/project')).toEqual([]);
  });

  it('subscribers receive only objects they can see', async () => {
    await subscribe('task.create', '/trainee', 'trainee');
    await call('POST', '/tasks', { projectId: 10, name: 'Hidden from the trainee' });
    await call('POST', '/tasks', { projectId: 13, name: 'Visible to the trainee' });
    await delivered();
    expect(received.map((r) => (r.body as Obj[])[0]?.name)).toEqual(['Visible to the trainee']);
  });

  it('records a failing receiver; never calls a non-loopback target', async () => {
    answerStatus = 500;
    await subscribe('customer.create', '/fail');
    const remote = await call('POST', '/hooks', {
      target_url: 'http://hooks.example.com/x',
      event: 'customer.create',
    });
    expect(remote.status).toBe(200);
    await call('POST', '/customers', { name: 'Failing Receiver Inc' });
    await delivered();
    expect(received).toHaveLength(1);
    const items = ((await call('GET', '/hooks')).body as { items: Obj[] }).items;
    expect(items[0]).toMatchObject({
      lastHttpStatus: 500,
      lastHttpError: 'HTTP 500',
      lastHttpCall: expect.any(Number),
    });
    expect(items[1]).toMatchObject({ lastHttpStatus: null, lastHttpError: null, lastHttpCall: null });
  });

  it('records a refused connection as an error without a status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await call('POST', '/hooks', { target_url: `http://127.0.0.1:${port}/gone`, event: 'customer.create' });
    await call('POST', '/customers', { name: 'Nobody Listens Inc' });
    await delivered();
    const [sub] = ((await call('GET', '/hooks')).body as { items: Obj[] }).items;
    expect(sub).toMatchObject({
      lastHttpStatus: null,
      lastHttpError: expect.stringMatching(/ECONNREFUSED/),
      lastHttpCall: expect.any(Number),
    });
  });
});
