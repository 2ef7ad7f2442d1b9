import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActitimeClient } from '../../src/actitime/client.js';
import { InvalidRequestError } from '../../src/actitime/errors.js';
import { buildPath, buildQuery, encodeSegment } from '../../src/actitime/path.js';
import { getUser } from '../../src/actitime/resources/users.js';
import { getTimeCell } from '../../src/actitime/resources/timetrack.js';
import { runBatch } from '../../src/actitime/resources/batch.js';
import { startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';

const HOSTILE = [
  '..',
  '.',
  '1/../2',
  '%2e%2e',
  'a?b=c',
  'a#b',
  '',
  ' ',
  'a\\b',
  'a\u0000b',
  'a\nb',
  'x'.repeat(256),
];

describe('path building', () => {
  it.each(HOSTILE)('SEC-IN-02 refuses the segment %j', (segment) => {
    expect(() => encodeSegment(segment)).toThrow(InvalidRequestError);
  });

  it('SEC-IN-02 refuses non-integer numeric ids', () => {
    for (const n of [1.5, NaN, Infinity, 2 ** 60])
      expect(() => encodeSegment(n)).toThrow(InvalidRequestError);
    expect(encodeSegment(-1)).toBe('-1');
    expect(encodeSegment(143)).toBe('143');
  });

  it('SEC-IN-02 percent-encodes legal values as one segment', () => {
    expect(encodeSegment('john doe')).toBe('john%20doe');
    expect(encodeSegment('j.smith@acme.com')).toBe('j.smith%40acme.com');
    expect(encodeSegment('ünï')).toBe('%C3%BCn%C3%AF');
    expect(buildPath(['users', 'a b', 'schedule'])).toBe('/users/a%20b/schedule');
  });

  it('builds queries: lists comma-joined once, + as %2B, spaces as %20, undefined left out', () => {
    expect(buildQuery({ ids: [1, 2], sort: '+name', words: 'big bang', archived: false, x: undefined })).toBe(
      '?ids=1%2C2&sort=%2Bname&words=big%20bang&archived=false',
    );
    expect(buildQuery({})).toBe('');
    expect(() => buildQuery({ ids: [] })).toThrow(InvalidRequestError);
    expect(() => buildQuery({ limit: NaN })).toThrow(InvalidRequestError);
  });
});

describe('path building on the wire', () => {
  let sim: SimulatorHandle;
  let client: ActitimeClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ today: '2026-10-07' });
    client = new ActitimeClient({ baseUrl: sim.baseUrl, username: 'admin', password: 'manager' });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('SEC-IN-02 rejects hostile ids before any HTTP call', async () => {
    for (const id of HOSTILE) {
      await expect(getUser(client, id)).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(getTimeCell(client, 'trainee', id, 143)).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(runBatch(client, [{ method: 'GET', path: ['users', id] }])).rejects.toBeInstanceOf(
        InvalidRequestError,
      );
    }
    expect(sim.requests).toHaveLength(0);
  });

  it('SEC-IN-02 sends legal ids percent-encoded as a single segment of the raw path', async () => {
    await expect(getUser(client, 'nobody here@x.com')).rejects.toMatchObject({ status: 404 });
    const user = await getUser(client, 'trainee');
    expect(user.id).toBe(3);
    const raw = sim.requests.map((r) => r.rawPath);
    expect(raw).toContain('/api/v1/users/nobody%20here%40x.com');
    expect(raw).toContain('/api/v1/users/trainee');
  });
});
