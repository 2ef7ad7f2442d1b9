import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import {
  describeClientConfig,
  isLoopbackHost,
  normaliseBaseUrl,
  resolveClientConfig,
} from '../../src/actitime/config.js';
import { ActitimeClient } from '../../src/actitime/client.js';
import { ConfigError } from '../../src/actitime/errors.js';
import { clientConfigFromEnv } from '../../src/config.js';

const env = (over: Record<string, string | undefined> = {}) => ({
  ACTITIME_URL: 'https://online.actitime.com/acme',
  ACTITIME_USERNAME: 'jane',
  ACTITIME_PASSWORD: 'Tr0ub4dor&3-xyz',
  ...over,
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('client configuration', () => {
  it('appends /api/v1 unless present and keeps a context path', () => {
    expect(normaliseBaseUrl('https://online.actitime.com/acme').toString()).toBe(
      'https://online.actitime.com/acme/api/v1',
    );
    expect(normaliseBaseUrl('https://online.actitime.com/acme/').toString()).toBe(
      'https://online.actitime.com/acme/api/v1',
    );
    expect(normaliseBaseUrl('https://at.example.com/api/v1/').toString()).toBe(
      'https://at.example.com/api/v1',
    );
    expect(normaliseBaseUrl('https://at.example.com').toString()).toBe('https://at.example.com/api/v1');
  });

  it('reads the environment and fills defaults', () => {
    const c = clientConfigFromEnv(env({ ACTITIME_MAX_RETRIES: '5', ACTITIME_RATE_PER_SECOND: '50' }));
    expect(c.baseUrl).toBe('https://online.actitime.com/acme/api/v1');
    expect(c.maxRetries).toBe(5);
    expect(c.limits.perSecond).toBe(50);
    expect(c.limits.perMinute).toBe(1000);
    expect(c.deadlineMs).toBeLessThan(60_000);
    expect(c.timeUnitMs).toBe(1000);
    expect(c.maxResponseBytes).toBe(10 * 1024 * 1024);
    expect(clientConfigFromEnv(env(), { maxRetries: 1, limits: { maxConcurrent: 2 } })).toMatchObject({
      maxRetries: 1,
      limits: { maxConcurrent: 2, perSecond: 100 },
    });
  });

  it('names the setting to fix in one line', () => {
    expect(configError(() => clientConfigFromEnv(env({ ACTITIME_URL: undefined }))).setting).toBe(
      'ACTITIME_URL',
    );
    expect(configError(() => clientConfigFromEnv(env({ ACTITIME_URL: 'not a url' }))).setting).toBe(
      'ACTITIME_URL',
    );
    expect(configError(() => clientConfigFromEnv(env({ ACTITIME_URL: 'ftp://x.example' }))).setting).toBe(
      'ACTITIME_URL',
    );
    expect(configError(() => clientConfigFromEnv(env({ ACTITIME_USERNAME: '' }))).setting).toBe(
      'ACTITIME_USERNAME',
    );
    expect(configError(() => clientConfigFromEnv(env({ ACTITIME_PASSWORD: undefined }))).setting).toBe(
      'ACTITIME_PASSWORD',
    );
    const e = configError(() => clientConfigFromEnv(env({ ACTITIME_MAX_RETRIES: 'many' })));
    expect(e.setting).toBe('ACTITIME_MAX_RETRIES');
    expect(e.message).not.toContain('\n');
  });

  it('SEC-CR-07 refuses http:// to a non-loopback host unless ACTITIME_ALLOW_INSECURE=1', () => {
    const e = configError(() =>
      clientConfigFromEnv(env({ ACTITIME_URL: 'http://actitime.example.com/acme' })),
    );
    expect(e.setting).toBe('ACTITIME_URL');
    expect(e.message).toMatch(/https:\/\/ or set ACTITIME_ALLOW_INSECURE=1/);
    expect(
      configError(() => clientConfigFromEnv(env({ ACTITIME_URL: 'http://10.0.0.5:8080' }))).setting,
    ).toBe('ACTITIME_URL');
    const allowed = clientConfigFromEnv(
      env({ ACTITIME_URL: 'http://actitime.example.com/acme', ACTITIME_ALLOW_INSECURE: '1' }),
    );
    expect(allowed.baseUrl).toBe('http://actitime.example.com/acme/api/v1');
    for (const local of [
      'http://127.0.0.1:8080',
      'http://localhost:8080/at',
      'http://[::1]:9000',
      'http://127.1.2.3',
    ]) {
      expect(clientConfigFromEnv(env({ ACTITIME_URL: local })).url.protocol).toBe('http:');
    }
    expect(isLoopbackHost('foo.localhost')).toBe(true);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('SEC-CR-07 startup banner shows the host and masks the credentials', () => {
    const line = describeClientConfig(clientConfigFromEnv(env()));
    expect(line).toContain('online.actitime.com');
    expect(line).not.toContain('Tr0ub4dor');
    expect(line).not.toContain(Buffer.from('jane:Tr0ub4dor&3-xyz').toString('base64'));
    expect(line).not.toContain('jane');
    expect(line).toContain('j***');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('SEC-CR-04 refuses userinfo and query strings in the URL without echoing them', () => {
    for (const url of [
      'https://u:s3cr3t-pw@actitime.example.com/acme',
      'https://actitime.example.com/?password=s3cr3t-pw',
    ]) {
      const e = configError(() => resolveClientConfig({ baseUrl: url, username: 'u', password: 'p4ssw0rd' }));
      for (const text of [String(e), JSON.stringify(e), inspect(e, { depth: 5 }), e.stack ?? '']) {
        expect(text).not.toContain('s3cr3t-pw');
      }
      expect(() => new ActitimeClient({ baseUrl: url, username: 'u', password: 'p4ssw0rd' })).toThrow(
        ConfigError,
      );
    }
  });
});
