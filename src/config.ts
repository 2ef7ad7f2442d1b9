/**
 * Server settings from the environment and the command line, validated once at startup. Any problem is a
 * ConfigError naming the setting, reported in one stderr line before anything touches stdout (SEC-IO-02).
 *
 * Demo mode (`--demo`, or no ACTITIME_URL at all) serves the embedded simulator; its client configuration is
 * completed once the simulator listens (completeConfig).
 */
import { readFileSync } from 'node:fs';

import {
  describeClientConfig,
  resolveClientConfig,
  type ClientConfig,
  type ResolvedClientConfig,
} from './actitime/config.js';
import { ConfigError } from './actitime/errors.js';
import type { LogLevel } from './logger.js';
import { DEMO_USERS, readEnv, type ConfirmPolicy, type Env, type EnvValues } from './settings-schema.js';
import type { Toolset } from './tools/toolsets.js';

export { DEMO_USERS, type ConfirmPolicy, type Env } from './settings-schema.js';

/** The seed's password for a demo user: the admin's is `manager`, everyone else's is the username. */
export function demoPassword(username: string): string {
  return username === 'admin' ? 'manager' : username;
}

/** Flags from the command line; each wins over its environment variable. */
export interface CliFlags {
  demo?: boolean;
  demoUser?: string;
  readOnly?: boolean;
  toolsets?: string;
}

/** Everything but the client; known before any simulator starts. */
export interface ServerSettings {
  demo: boolean;
  /** The simulator user the demo signs in as. */
  demoUser: string;
  toolsets: Toolset[];
  readOnly: boolean;
  /** Allow list by tool name (ACTITIME_TOOLS); undefined = use toolsets. */
  tools?: string[];
  excludeTools: string[];
  logLevel: LogLevel;
  confirm: ConfirmPolicy;
  /** The undo journal's file; `off` keeps none; undefined = the default under the user's state directory. */
  journal?: string;
}

export interface ServerConfig extends ServerSettings {
  client: ResolvedClientConfig;
}

/** The server settings of src/settings-schema.ts (the client's are read by clientConfigFromEnv). */
const SERVER_SETTINGS = [
  'actitimeUrl',
  'toolsets',
  'readOnly',
  'toolAllowList',
  'toolDenyList',
  'logLevel',
  'demoUser',
  'confirmPolicy',
  'journalFile',
] as const;

/** Validates everything that does not depend on the actiTIME client; throws ConfigError. */
export function parseSettings(env: Env, flags: CliFlags = {}): ServerSettings {
  const merged: Env = { ...env };
  if (flags.toolsets !== undefined) merged.ACTITIME_TOOLSETS = flags.toolsets;
  if (flags.readOnly) merged.ACTITIME_READ_ONLY = 'true';
  const s = readEnv(merged, SERVER_SETTINGS);
  const demoUser = (flags.demoUser ?? s.demoUser ?? 'admin').trim();
  if (!(DEMO_USERS as readonly string[]).includes(demoUser)) {
    throw new ConfigError(`--demo-user must be one of ${DEMO_USERS.join(', ')}`, '--demo-user');
  }
  const demo = flags.demo === true || (s.actitimeUrl ?? '').trim() === '';
  return {
    demo,
    demoUser,
    toolsets: s.toolsets,
    readOnly: s.readOnly,
    ...(s.toolAllowList === undefined ? {} : { tools: s.toolAllowList }),
    excludeTools: s.toolDenyList ?? [],
    logLevel: s.logLevel ?? 'info',
    confirm: s.confirmPolicy,
    ...(s.journalFile?.trim() ? { journal: s.journalFile.trim() } : {}),
  };
}

/** Whether the environment names an actiTIME (else the demo is served). */
export function hasActitimeUrl(env: Env): boolean {
  return (readEnv(env, ['actitimeUrl']).actitimeUrl ?? '').trim() !== '';
}

const CLIENT_SETTINGS = [
  'actitimeUrl',
  'username',
  'password',
  'allowInsecure',
  'attemptTimeoutMs',
  'deadlineMs',
  'callMaxRequests',
  'maxRetries',
  'maxResponseBytes',
  'ratePerSecond',
  'ratePerMinute',
  'maxConcurrent',
] as const;

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The actiTIME client's configuration from the environment (ACTITIME_URL, ACTITIME_USERNAME, ACTITIME_PASSWORD,
 * ACTITIME_ALLOW_INSECURE and the tuning variables of src/settings-schema.ts), resolved and validated.
 * `overrides` win over env.
 */
export function clientConfigFromEnv(env: Env, overrides: Partial<ClientConfig> = {}): ResolvedClientConfig {
  const s: EnvValues<(typeof CLIENT_SETTINGS)[number]> = readEnv(env, CLIENT_SETTINGS);
  const fromEnv: ClientConfig = {
    baseUrl: s.actitimeUrl ?? '',
    username: s.username ?? '',
    password: s.password ?? '',
    allowInsecure: s.allowInsecure,
    attemptTimeoutMs: s.attemptTimeoutMs,
    deadlineMs: s.deadlineMs,
    callMaxRequests: s.callMaxRequests,
    maxRetries: s.maxRetries,
    maxResponseBytes: s.maxResponseBytes,
    limits: {
      perSecond: s.ratePerSecond,
      perMinute: s.ratePerMinute,
      maxConcurrent: s.maxConcurrent,
    },
  };
  const merged: ClientConfig = {
    ...stripUndefined(fromEnv),
    ...stripUndefined(overrides),
    limits: { ...stripUndefined(fromEnv.limits ?? {}), ...stripUndefined(overrides.limits ?? {}) },
  } as ClientConfig;
  return resolveClientConfig(merged);
}

/** The HTTP transport's settings from the environment; the flags (`--host`, `--port`, …) come from the CLI. */
export function httpSettingsFromEnv(env: Env): {
  token?: string;
  allowedOrigins?: string[];
  allowedHosts?: string[];
  maxSessions?: number;
  sessionIdleMs?: number;
} {
  const s = readEnv(env, [
    'httpToken',
    'httpAllowedOrigins',
    'httpAllowedHosts',
    'httpMaxSessions',
    'httpSessionIdleSeconds',
  ]);
  const atLeastOne = (n: number | undefined, name: string): number | undefined => {
    if (n !== undefined && n < 1) throw new ConfigError(`${name} must be a whole number of at least 1`, name);
    return n;
  };
  const maxSessions = atLeastOne(s.httpMaxSessions, 'ACTITIME_MCP_HTTP_MAX_SESSIONS');
  const idleSeconds = atLeastOne(s.httpSessionIdleSeconds, 'ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS');
  return {
    ...(s.httpToken ? { token: s.httpToken } : {}),
    ...(s.httpAllowedOrigins ? { allowedOrigins: s.httpAllowedOrigins } : {}),
    ...(s.httpAllowedHosts ? { allowedHosts: s.httpAllowedHosts } : {}),
    ...(maxSessions === undefined ? {} : { maxSessions }),
    ...(idleSeconds === undefined ? {} : { sessionIdleMs: idleSeconds * 1000 }),
  };
}

/** The team server's settings (docs/team-server.md): the Redis the replicas share, and how many there are. */
export function teamSettingsFromEnv(env: Env): { redisUrl?: string; replicas: number } {
  const s = readEnv(env, ['redisUrl', 'replicas']);
  const redisUrl = s.redisUrl?.trim() || undefined;
  if (s.replicas !== undefined && s.replicas < 1) {
    throw new ConfigError(
      'ACTITIME_MCP_REPLICAS must be a whole number of at least 1',
      'ACTITIME_MCP_REPLICAS',
    );
  }
  if (redisUrl && s.replicas === undefined) {
    throw new ConfigError(
      'ACTITIME_MCP_REPLICAS must be set with ACTITIME_REDIS_URL: the number of replicas, each of which keeps to its share of every budget while Redis is unreachable',
      'ACTITIME_MCP_REPLICAS',
    );
  }
  return { ...(redisUrl ? { redisUrl } : {}), replicas: s.replicas ?? 1 };
}

/**
 * Adds the client configuration. Live: from ACTITIME_URL/USERNAME/PASSWORD and the tuning variables. Demo: the
 * simulator's URL and the demo user's seeded credentials, whatever credentials the environment holds.
 */
export function completeConfig(settings: ServerSettings, env: Env, demoBaseUrl?: string): ServerConfig {
  if (settings.demo) {
    if (!demoBaseUrl) throw new ConfigError('demo mode needs the simulator to be started first', '--demo');
    const client = clientConfigFromEnv(
      { ...env, ACTITIME_URL: demoBaseUrl, ACTITIME_USERNAME: undefined, ACTITIME_PASSWORD: undefined },
      { baseUrl: demoBaseUrl, username: settings.demoUser, password: demoPassword(settings.demoUser) },
    );
    return { ...settings, client };
  }
  return { ...settings, client: clientConfigFromEnv(env) };
}

/** Validates the whole configuration at once (live mode, or demo with a known simulator URL). */
export function loadConfig(env: Env, flags: CliFlags = {}, demoBaseUrl?: string): ServerConfig {
  return completeConfig(parseSettings(env, flags), env, demoBaseUrl);
}

/** The startup banner: endpoint, masked user, toolsets, modes. Never a password. */
export function describe(config: ServerConfig): string {
  const parts = [
    config.demo ? `demo (embedded simulator, user ${config.demoUser})` : 'live',
    describeClientConfig(config.client),
    config.tools ? `tools: ${config.tools.join(', ')}` : `toolsets: ${config.toolsets.join(', ')}`,
  ];
  if (config.excludeTools.length > 0) parts.push(`excluded: ${config.excludeTools.join(', ')}`);
  if (config.readOnly) parts.push('read-only');
  return parts.join('; ');
}

function readVersion(): string {
  try {
    // One level above both src/ and dist/.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION = readVersion();
