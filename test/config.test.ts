import { describe, expect, it } from 'vitest';

import { ConfigError } from '../src/actitime/errors.js';
import {
  completeConfig,
  demoPassword,
  describe as describeConfig,
  loadConfig,
  parseSettings,
} from '../src/config.js';

describe('server configuration', () => {
  it('is demo mode without ACTITIME_URL or with --demo, signing in as the chosen seeded user', () => {
    expect(parseSettings({}).demo).toBe(true);
    expect(parseSettings({ ACTITIME_URL: 'https://acme.example' }).demo).toBe(false);
    expect(parseSettings({ ACTITIME_URL: 'https://acme.example' }, { demo: true }).demo).toBe(true);
    const settings = parseSettings(
      { ACTITIME_USERNAME: 'alice', ACTITIME_PASSWORD: 'alice-secret' },
      { demoUser: 'trainee' },
    );
    const config = completeConfig(
      settings,
      { ACTITIME_USERNAME: 'alice', ACTITIME_PASSWORD: 'alice-secret' },
      'http://127.0.0.1:4567/api/v1',
    );
    expect(config.client).toMatchObject({
      username: 'trainee',
      password: 'trainee',
      baseUrl: 'http://127.0.0.1:4567/api/v1',
    });
    expect(demoPassword('admin')).toBe('manager');
  });

  it('flags win over the environment', () => {
    const s = parseSettings(
      { ACTITIME_TOOLSETS: 'time', ACTITIME_READ_ONLY: 'false' },
      { toolsets: 'all', readOnly: true },
    );
    expect(s.toolsets).toHaveLength(7);
    expect(s.readOnly).toBe(true);
  });

  it('SEC-IO-02 refuses bad settings with a ConfigError naming the setting', () => {
    const bad: Array<[Record<string, string>, string]> = [
      [{ ACTITIME_TOOLSETS: 'time,nope' }, 'ACTITIME_TOOLSETS'],
      [{ ACTITIME_READ_ONLY: 'perhaps' }, 'ACTITIME_READ_ONLY'],
      [{ ACTITIME_TOOLS: 'Bad Name' }, 'ACTITIME_TOOLS'],
      [{ ACTITIME_LOG_LEVEL: 'loud' }, 'ACTITIME_LOG_LEVEL'],
      [{ ACTITIME_DEMO_USER: 'mallory' }, '--demo-user'],
    ];
    for (const [env, setting] of bad) {
      let caught: unknown;
      try {
        parseSettings(env);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).setting).toBe(setting);
      expect((caught as ConfigError).message).not.toContain('\n');
    }
    expect(() => loadConfig({ ACTITIME_URL: 'https://acme.example', ACTITIME_USERNAME: 'u' })).toThrow(
      /ACTITIME_PASSWORD/,
    );
  });

  it('SEC-CR-07 refuses http to a non-loopback host and the banner masks the credentials', () => {
    expect(() =>
      loadConfig({
        ACTITIME_URL: 'http://acme.example',
        ACTITIME_USERNAME: 'alice',
        ACTITIME_PASSWORD: 'pa55-word',
      }),
    ).toThrow(ConfigError);
    const config = loadConfig({
      ACTITIME_URL: 'https://acme.example/at',
      ACTITIME_USERNAME: 'alice',
      ACTITIME_PASSWORD: 'pa55-word',
      ACTITIME_READ_ONLY: '1',
    });
    const banner = describeConfig(config);
    expect(banner).toContain('acme.example');
    expect(banner).toContain('read-only');
    expect(banner).not.toContain('pa55-word');
    expect(banner).not.toContain('alice');
  });
});
