/**
 * Server settings from the environment and the command line, validated once at startup. Any problem is a
 * ConfigError naming the setting, reported in one stderr line before anything touches stdout (SEC-IO-02).
 *
 * Demo mode (`--demo`, or no ACTITIME_URL at all) serves the embedded simulator; its client configuration is
 * completed once the simulator listens (completeConfig).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

import { clientConfigFromEnv, describeClientConfig, type ResolvedClientConfig } from './actitime/config.js';
import { ConfigError } from './actitime/errors.js';
import { parseLogLevel, type LogLevel } from './logger.js';
import { DEFAULT_TOOLSETS, TOOL_NAME, TOOLSETS, type Toolset } from './tools/toolsets.js';

export type Env = Record<string, string | undefined>;

/** Seeded simulator users (src/simulator/seed.ts). rgray is disabled and nnew not yet hired: both get 401. */
export const DEMO_USERS = [
  'admin',
  'manager',
  'trainee',
  'jsmith',
  'akowalski',
  'pwhite',
  'rgray',
  'nnew',
] as const;

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

const nameList = (setting: string) =>
  z
    .string()
    .optional()
    .transform((raw) =>
      raw === undefined || raw.trim() === ''
        ? undefined
        : raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .refine((names) => names === undefined || names.every((n) => TOOL_NAME.test(n)), {
      message: `${setting} must be a comma-separated list of tool names`,
    });

const booleanish = (setting: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = raw?.trim().toLowerCase();
      if (v === undefined || v === '' || v === '0' || v === 'false' || v === 'no') return false;
      if (v === '1' || v === 'true' || v === 'yes') return true;
      ctx.addIssue({ code: 'custom', message: `${setting} must be true or false` });
      return z.NEVER;
    });

const SettingsSchema = z.object({
  ACTITIME_TOOLSETS: z
    .string()
    .optional()
    .transform((raw, ctx): Toolset[] => {
      if (raw === undefined || raw.trim() === '') return [...DEFAULT_TOOLSETS];
      const names = raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      if (names.includes('all')) return [...TOOLSETS];
      const unknown = names.filter((n) => !(TOOLSETS as readonly string[]).includes(n));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `ACTITIME_TOOLSETS names unknown toolset(s) ${unknown.slice(0, 5).join(', ')}; choose from ${TOOLSETS.join(', ')} or all`,
        });
        return z.NEVER;
      }
      return TOOLSETS.filter((t) => names.includes(t));
    }),
  ACTITIME_READ_ONLY: booleanish('ACTITIME_READ_ONLY'),
  ACTITIME_TOOLS: nameList('ACTITIME_TOOLS'),
  ACTITIME_EXCLUDE_TOOLS: nameList('ACTITIME_EXCLUDE_TOOLS'),
  ACTITIME_LOG_LEVEL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v.trim() === '' || parseLogLevel(v, 'silent') === v.trim().toLowerCase(),
      {
        message: 'ACTITIME_LOG_LEVEL must be debug, info, warn, error or silent',
      },
    ),
  ACTITIME_DEMO_USER: z.string().optional(),
  ACTITIME_CONFIRM: z
    .string()
    .optional()
    .transform((raw, ctx): ConfirmPolicy => {
      const v = raw?.trim().toLowerCase() || 'destructive';
      if (v === 'destructive' || v === 'writes' || v === 'never') return v;
      ctx.addIssue({ code: 'custom', message: 'ACTITIME_CONFIRM must be destructive, writes or never' });
      return z.NEVER;
    }),
  ACTITIME_JOURNAL: z.string().optional(),
});

/**
 * Which changes ask the user first (issue 10): `destructive` (default) deletes and lowering or clearing logged
 * time; `writes` every change; `never` nothing, for trusted pipelines that confirm on their own.
 */
export type ConfirmPolicy = 'destructive' | 'writes' | 'never';

/** Validates everything that does not depend on the actiTIME client; throws ConfigError. */
export function parseSettings(env: Env, flags: CliFlags = {}): ServerSettings {
  const merged: Env = { ...env };
  if (flags.toolsets !== undefined) merged.ACTITIME_TOOLSETS = flags.toolsets;
  if (flags.readOnly) merged.ACTITIME_READ_ONLY = 'true';
  const parsed = SettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue?.path[0] ?? 'configuration');
    throw new ConfigError(
      issue?.message.startsWith(setting) ? issue.message : `${setting}: ${issue?.message}`,
      setting,
    );
  }
  const s = parsed.data;
  const demoUser = (flags.demoUser ?? s.ACTITIME_DEMO_USER ?? 'admin').trim();
  if (!(DEMO_USERS as readonly string[]).includes(demoUser)) {
    throw new ConfigError(`--demo-user must be one of ${DEMO_USERS.join(', ')}`, '--demo-user');
  }
  const demo = flags.demo === true || (env.ACTITIME_URL ?? '').trim() === '';
  return {
    demo,
    demoUser,
    toolsets: s.ACTITIME_TOOLSETS,
    readOnly: s.ACTITIME_READ_ONLY,
    ...(s.ACTITIME_TOOLS === undefined ? {} : { tools: s.ACTITIME_TOOLS }),
    excludeTools: s.ACTITIME_EXCLUDE_TOOLS ?? [],
    logLevel: parseLogLevel(s.ACTITIME_LOG_LEVEL, 'info'),
    confirm: s.ACTITIME_CONFIRM,
    ...(s.ACTITIME_JOURNAL?.trim() ? { journal: s.ACTITIME_JOURNAL.trim() } : {}),
  };
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
