import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActitimeClient } from '../../src/actitime/client.js';
import {
  ActitimeApiError,
  ActitimeError,
  BusyError,
  CancelledError,
  ConfigError,
  InvalidRequestError,
  NetworkError,
  RateLimitedError,
  ResponseTooLargeError,
  TimeoutError,
  UnexpectedResponseError,
  isActitimeError,
} from '../../src/actitime/errors.js';
import { apiErrorFrom, cleanApiText } from '../../src/actitime/http.js';
import { getCustomer, listCustomers } from '../../src/actitime/resources/customers.js';
import { getMe } from '../../src/actitime/resources/users.js';
import { createLogger, redact, registerSecret } from '../../src/logger.js';
import { connectClient, errorOf } from '../helpers/mcp.js';
import { cpuTimeMs } from '../helpers/cpu.js';
import {
  ADMIN_BASIC,
  ADMIN_PASSWORD,
  closedPort,
  expectNoSecrets,
  harness,
  SCALED_LIMITS,
  type Harness,
} from './support.js';
import { shown } from '../helpers/errors.js';

const WRONG = 'Wr0ng-Pa55word-42';
const WRONG_BASIC = Buffer.from(`admin:${WRONG}`).toString('base64');

/** Every way an error can be turned into text, including its cause chain. */
function renderings(err: unknown): string[] {
  const out = [String(err), JSON.stringify(err), inspect(err, { depth: Infinity, showHidden: true })];
  // What the assistant would read of it, too.
  if (isActitimeError(err)) out.push(JSON.stringify(shown(err)));
  let cur: unknown = err;
  for (let i = 0; cur instanceof Error && i < 10; i++) {
    out.push(cur.stack ?? '', cur.message);
    cur = cur.cause;
  }
  return out;
}

function expectClean(err: unknown, secrets: string[]): void {
  for (const text of renderings(err)) {
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/authorization\s*[:=]\s*basic\s+[A-Za-z0-9+/=]{6,}/i);
  }
}

describe('credentials and redaction (SEC-CR)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({ limits: SCALED_LIMITS });
  });
  afterEach(async () => {
    expectNoSecrets(h.logs); // SEC-CR-03
    expectNoSecrets(h.logs, WRONG, WRONG_BASIC);
    await h.close();
  });

  it('SEC-CR-01 a 401 says "authentication failed, check ACTITIME_USERNAME/ACTITIME_PASSWORD" and nothing secret', async () => {
    const c = h.client({ password: WRONG });
    const err = await getMe(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActitimeApiError);
    expect((err as ActitimeApiError).status).toBe(401);
    expect(shown(err)).toEqual({
      status: 401,
      key: 'api.error.authentication_failed',
      message:
        'authentication failed, check ACTITIME_USERNAME/ACTITIME_PASSWORD. actiTIME said: "Authentication failed"',
      hint: 'fix the credentials in the server configuration and restart it; nothing more is sent with these',
    });
    for (const text of renderings(err)) {
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(WRONG_BASIC);
      expect(text.toLowerCase()).not.toContain('authorization');
      expect(text.toLowerCase()).not.toContain('headers');
    }
  });

  it('SEC-CR-02 no error class serialises a secret, even when actiTIME echoes one back', async () => {
    const errors: unknown[] = [];
    const grab = async (p: Promise<unknown>) =>
      errors.push(
        await p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
    const admin = h.client({ maxRetries: 0, attemptTimeoutMs: 150 });
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 500,
      body: {
        key: 'api.error.internal',
        message: `boom Authorization: Basic ${ADMIN_BASIC} password=${ADMIN_PASSWORD}`,
        fields: `Authorization: Basic ${ADMIN_BASIC}`,
      },
    });
    await grab(getCustomer(admin, 6));
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', html: true });
    await grab(getCustomer(admin, 6));
    h.sim.faults.inject({ method: 'GET', path: '/customers/6', delayMs: 2000 });
    await grab(getCustomer(admin, 6));
    h.sim.faults.inject({
      method: 'GET',
      path: '/customers/6',
      status: 429,
      headers: { 'Retry-After': '999' },
    });
    await grab(getCustomer(admin, 6));
    await grab(getCustomer(admin, '..' as unknown as number));
    const small = h.client({ maxResponseBytes: 4096 });
    h.sim.faults.inject({ method: 'GET', path: '/customers', oversizeBytes: 100_000 });
    await grab(listCustomers(small));
    const busy = h.client({ limits: { highWater: 1, maxConcurrent: 1 } });
    await getMe(busy);
    await grab(Promise.all([getCustomer(busy, 6), getCustomer(busy, 7), getCustomer(busy, 9)]));
    const ac = new AbortController();
    ac.abort();
    await grab(getCustomer(admin, 6, { signal: ac.signal }));
    await grab(getMe(h.client({ password: WRONG })));

    const secret = 'S3cret-For-Network-Tests';
    const refused = new ActitimeClient(
      {
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
        username: 'admin',
        password: secret,
        maxRetries: 0,
      },
      { logger: createLogger('silent') },
    );
    await grab(getMe(refused));
    const dns = new ActitimeClient(
      { baseUrl: 'https://actitime.invalid', username: 'admin', password: secret, maxRetries: 0 },
      { logger: createLogger('silent') },
    );
    await grab(getMe(dns));
    await Promise.all([refused.close(), dns.close()]);

    const classes = [
      ActitimeApiError,
      UnexpectedResponseError,
      TimeoutError,
      RateLimitedError,
      InvalidRequestError,
      ResponseTooLargeError,
      BusyError,
      CancelledError,
      NetworkError,
      ConfigError,
    ];
    for (const cls of classes)
      expect(
        errors.some((e) => e instanceof cls),
        cls.name,
      ).toBe(true);
    const basics = [ADMIN_BASIC, WRONG_BASIC, Buffer.from(`admin:${secret}`).toString('base64')];
    for (const err of errors) {
      expect(err).toBeInstanceOf(ActitimeError);
      expectClean(err, [ADMIN_PASSWORD, WRONG, secret, ...basics]);
      expect((err as Error).cause).toBeUndefined();
    }
  });

  it('SEC-CR-03 at debug level, stderr carries no credential', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const c = new ActitimeClient(
        {
          baseUrl: h.sim.baseUrl,
          username: 'admin',
          password: ADMIN_PASSWORD,
          timeUnitMs: 50,
          backoffBaseMs: 20,
        },
        { logger: createLogger('debug') },
      );
      h.sim.faults.inject({
        method: 'GET',
        path: '/customers/6',
        status: 429,
        headers: { 'Retry-After': '1' },
      });
      h.sim.faults.inject({ method: 'GET', path: '/customers/7', status: 503 });
      await getCustomer(c, 6);
      await getCustomer(c, 7);
      await c.close();
      const bad = new ActitimeClient(
        { baseUrl: h.sim.baseUrl, username: 'admin', password: WRONG },
        { logger: createLogger('debug') },
      );
      await getMe(bad).catch(() => undefined);
      await bad.close();
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('retrying');
    expect(written.join('')).toContain('no further requests will be sent with these credentials');
    expectNoSecrets(written);
    expectNoSecrets(written, WRONG, WRONG_BASIC);
  });

  it('SEC-CR-04 userinfo and ?password= are redacted from log lines and refused in the URL', () => {
    const line = redact('GET https://jane:Hunter2-pw@at.example.com/api/v1/users?password=Hunter2-qs&x=1');
    expect(line).not.toContain('Hunter2-pw');
    expect(line).not.toContain('Hunter2-qs');
    const err = (() => {
      try {
        return new ActitimeClient({
          baseUrl: 'https://jane:Hunter2-pw@at.example.com',
          username: 'jane',
          password: 'Hunter2-x',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expectClean(err, ['Hunter2-pw', 'Hunter2-x']);
  });

  it('SEC-CR-08 redaction replaces credentials, not the words that follow "Basic" or "Bearer"', () => {
    registerSecret('Tok3n-For-Redaction-Test-0123456789');
    const basic = Buffer.from('jane:Hunter2-basic').toString('base64');
    const cases: Array<[string, string]> = [
      ['no task named "Basic training review"', 'no task named "Basic training review"'],
      ['Bearer bonds and basic instincts', 'Bearer bonds and basic instincts'],
      ['Basic dGVzdA== is just "test"', 'Basic dGVzdA== is just "test"'],
      [`echo Basic ${basic} back`, 'echo Basic [redacted] back'],
      ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmVk9 here', 'Bearer [redacted] here'],
      [`Authorization: Basic ${basic}`, 'Authorization: [redacted]'],
      ['token Tok3n-For-Redaction-Test-0123456789 leaked', 'token [redacted] leaked'],
      [`the password ${ADMIN_PASSWORD}!`, 'the password [redacted]!'],
    ];
    // The admin password is registered by every client the harness made.
    h.client();
    for (const [input, expected] of cases) expect(redact(input), input).toBe(expected);
  });

  it('SEC-CR-08 an ordinary name after "Basic" reaches the assistant whole', async () => {
    const c = await connectClient({ simulator: h.sim });
    try {
      const error = errorOf(
        await c.client.callTool({
          name: 'log_time',
          arguments: { entries: [{ task: 'Basic training review', duration: 30 }] },
        }),
      );
      expect(error.message).toBe('entries[0].task: no task named "Basic training review"');
    } finally {
      await c.close();
    }
  });

  it('SEC-CR-05 redaction and error-text cleaning stay fast on 100 kB pathological input', () => {
    const inputs = [
      'Authorization: ' + 'Basic '.repeat(20_000),
      'authorization:' + 'a'.repeat(100_000),
      'Basic ' + 'A'.repeat(100_000),
      '//' + 'a'.repeat(50_000) + ':' + 'b'.repeat(50_000),
      '?password=' + '='.repeat(100_000),
      '"password":"' + '\\'.repeat(100_000),
    ];
    // CPU time, not elapsed time: the same 50 ms budget, which load on other cores cannot use up. Linear work
    // takes about 1–10 ms here; a backtracking regex on 100 kB would take seconds.
    for (const input of inputs) {
      const cpuMs = cpuTimeMs(() => {
        redact(input);
        cleanApiText(input);
        apiErrorFrom(500, JSON.stringify({ key: 'api.error.internal', message: input }));
      });
      expect(cpuMs).toBeLessThan(50);
    }
  });
});
