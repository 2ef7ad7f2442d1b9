/**
 * Every setting of the server, declared once: the environment variable and/or command-line flag it comes from,
 * its type, default and description, and the zod schema that parses the variable's raw text. Nothing else in
 * src/ looks an environment variable up by name: callers pass the environment (process.env at the entry
 * points) to readEnv(), which validates the settings they ask for and names the setting in any ConfigError.
 *
 * The README's configuration section (scripts/gen-config.ts, drift-checked by `npm run check`) and
 * `actitime-mcp --help` (helpText) are generated from this list; the CLI's parseArgs options come from it too.
 */
import { z } from 'zod';

import { DEFAULT_LIMITS, DEFAULTS } from './actitime/config.js';
import { ConfigError } from './actitime/errors.js';
import { DEFAULT_TOOLSETS, TOOL_NAME, TOOLSETS, type Toolset } from './tools/toolsets.js';

export type Env = Record<string, string | undefined>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Which changes ask the user first (issue 10). */
export const CONFIRM_POLICIES = ['destructive', 'writes', 'never'] as const;
export type ConfirmPolicy = (typeof CONFIRM_POLICIES)[number];

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

/**
 * Where --http listens unless told otherwise (equal to src/transports/http/options.ts; a test keeps them so).
 */
export const HTTP_DEFAULTS = { host: '127.0.0.1', port: 8765, path: '/mcp' } as const;

export type SettingGroup = 'actiTIME' | 'tools' | 'demo' | 'limits' | 'logging' | 'http' | 'team' | 'command';

export const GROUP_TITLES: Record<SettingGroup, string> = {
  actiTIME: 'Your actiTIME',
  tools: 'Tools and changes',
  demo: 'Demo',
  limits: 'Limits and timeouts',
  logging: 'Logging',
  http: 'Streamable HTTP (`--http`)',
  team: 'Team server (`--http`, docs/team-server.md)',
  command: 'Commands',
};

export interface SettingSpec<S extends z.ZodType = z.ZodType> {
  /** The environment variable, e.g. `ACTITIME_URL`. */
  env?: string;
  /** The command-line flag, e.g. `--read-only`; it wins over the variable. */
  flag?: `--${string}`;
  /** The flag's value in usage text (`LIST`); absent for a boolean flag. */
  flagValue?: string;
  /** Short flag, e.g. `h`. */
  short?: string;
  /** What the value is, in words. */
  type: string;
  /** The default, in words (Markdown allowed: backticks only). */
  default: string;
  /** One or two sentences (Markdown allowed: backticks only). */
  description: string;
  group: SettingGroup;
  /** Never printed. */
  secret?: boolean;
  /** Parses the environment variable's raw text (undefined when unset). */
  schema?: S;
}

// ---- parsers of raw variable text ---------------------------------------------------------------------------

const optionalText = () => z.string().optional();

const trimmedText = () =>
  z
    .string()
    .optional()
    .transform((raw) => (raw?.trim() ? raw.trim() : undefined));

/** Lenient on/off: `1`, `true`, `yes` are on; anything else off. */
const onIfSet = () =>
  z
    .string()
    .optional()
    .transform((raw) => ['1', 'true', 'yes'].includes(raw?.trim().toLowerCase() ?? ''));

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

const wholeNumber = (setting: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = raw?.trim();
      if (v === undefined || v === '') return undefined;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `${setting} must be a whole number` });
        return z.NEVER;
      }
      return Number(v);
    });

const commaList = () =>
  z
    .string()
    .optional()
    .transform((raw) => {
      const items = (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return items.length > 0 ? items : undefined;
    });

const toolNames = (setting: string) =>
  commaList().refine((names) => names === undefined || names.every((n) => TOOL_NAME.test(n)), {
    message: `${setting} must be a comma-separated list of tool names`,
  });

const toolsets = (setting: string) =>
  z
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
          message: `${setting} names unknown toolset(s) ${unknown.slice(0, 5).join(', ')}; choose from ${TOOLSETS.join(', ')} or all`,
        });
        return z.NEVER;
      }
      return TOOLSETS.filter((t) => names.includes(t));
    });

const logLevel = (setting: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): LogLevelName | undefined => {
      const v = raw?.trim().toLowerCase();
      if (v === undefined || v === '') return undefined;
      if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevelName;
      ctx.addIssue({ code: 'custom', message: `${setting} must be debug, info, warn, error or silent` });
      return z.NEVER;
    });

const confirmPolicy = (setting: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): ConfirmPolicy => {
      const v = raw?.trim().toLowerCase() || 'destructive';
      if ((CONFIRM_POLICIES as readonly string[]).includes(v)) return v as ConfirmPolicy;
      ctx.addIssue({ code: 'custom', message: `${setting} must be destructive, writes or never` });
      return z.NEVER;
    });

/** A setting read from a variable: its schema is built with the variable's name (for messages). */
function fromEnv<S extends z.ZodType, const T extends Omit<SettingSpec<S>, 'env' | 'schema'>>(
  env: string,
  parse: (setting: string) => S,
  spec: T,
): T & { env: string; schema: S } {
  return { env, schema: parse(env), ...spec };
}

const seconds = (ms: number) => `${ms / 1000} s`;

// ---- the settings --------------------------------------------------------------------------------------------

export const SETTINGS = {
  actitimeUrl: fromEnv('ACTITIME_URL', optionalText, {
    group: 'actiTIME',
    type: 'URL',
    default: 'unset: the embedded demo',
    description:
      'installation URL (`https://online.actitime.com/acme`, `https://host/context`); `/api/v1` is appended unless present',
  }),
  username: fromEnv('ACTITIME_USERNAME', optionalText, {
    group: 'actiTIME',
    type: 'text',
    default: 'required with a URL',
    description: 'the account the server acts as (HTTP Basic over HTTPS)',
  }),
  password: fromEnv('ACTITIME_PASSWORD', optionalText, {
    group: 'actiTIME',
    type: 'text',
    default: 'required with a URL',
    description: "that account's password; never logged or echoed",
    secret: true,
  }),
  allowInsecure: fromEnv('ACTITIME_ALLOW_INSECURE', onIfSet, {
    group: 'actiTIME',
    type: 'on/off',
    default: 'off',
    description: '`1` permits `http://` to a non-loopback host (the password would travel in clear text)',
  }),
  toolsets: fromEnv('ACTITIME_TOOLSETS', toolsets, {
    group: 'tools',
    flag: '--toolsets',
    flagValue: 'LIST',
    type: 'comma list',
    default: DEFAULT_TOOLSETS.map((t) => `\`${t}\``).join(', '),
    description: `toolsets offered: ${TOOLSETS.map((t) => `\`${t}\``).join(', ')}, or \`all\``,
  }),
  readOnly: fromEnv('ACTITIME_READ_ONLY', booleanish, {
    group: 'tools',
    flag: '--read-only',
    type: 'true/false',
    default: '`false`',
    description: '`true` offers only tools that change nothing',
  }),
  toolAllowList: fromEnv('ACTITIME_TOOLS', toolNames, {
    group: 'tools',
    type: 'comma list',
    default: 'every tool of the toolsets',
    description: 'offer exactly these tools by name (instead of the toolsets)',
  }),
  toolDenyList: fromEnv('ACTITIME_EXCLUDE_TOOLS', toolNames, {
    group: 'tools',
    type: 'comma list',
    default: 'none',
    description: 'never offer these tools by name',
  }),
  confirmPolicy: fromEnv('ACTITIME_CONFIRM', confirmPolicy, {
    group: 'tools',
    type: CONFIRM_POLICIES.join(' | '),
    default: '`destructive`',
    description:
      'which changes ask the user first: `destructive` (deletes, lowering or clearing logged time), `writes` (every change), `never` (trusted pipelines that confirm on their own)',
  }),
  journalFile: fromEnv('ACTITIME_JOURNAL', optionalText, {
    group: 'tools',
    type: 'path or `off`',
    default: '`actitime-mcp/journal.jsonl` in the state directory',
    description:
      'the undo journal, with the running timers beside it (`timers.json`); `off` keeps none (changes cannot be undone, timers live in memory only)',
  }),
  stateHome: fromEnv('XDG_STATE_HOME', trimmedText, {
    group: 'tools',
    type: 'directory',
    default: '`~/.local/state`',
    description: 'the state directory the default undo journal and timers live under',
  }),
  demo: {
    group: 'demo',
    flag: '--demo',
    type: 'flag',
    default: 'on when `ACTITIME_URL` is unset',
    description:
      'serve the embedded demo actiTIME even when `ACTITIME_URL` is set; it starts from its seed each time',
  } satisfies SettingSpec,
  demoUser: fromEnv('ACTITIME_DEMO_USER', optionalText, {
    group: 'demo',
    flag: '--demo-user',
    flagValue: 'NAME',
    type: DEMO_USERS.join(' | '),
    default: '`admin`',
    description: 'the seeded user the demo signs in as',
  }),
  attemptTimeoutMs: fromEnv('ACTITIME_TIMEOUT_MS', wholeNumber, {
    group: 'limits',
    type: 'milliseconds',
    default: seconds(DEFAULTS.attemptTimeoutMs),
    description: 'one HTTP attempt, headers and body together',
  }),
  deadlineMs: fromEnv('ACTITIME_DEADLINE_MS', wholeNumber, {
    group: 'limits',
    type: 'milliseconds',
    default: seconds(DEFAULTS.deadlineMs),
    description: "one tool call: queueing, attempts and waits (kept below MCP clients' 60 s)",
  }),
  maxRetries: fromEnv('ACTITIME_MAX_RETRIES', wholeNumber, {
    group: 'limits',
    type: 'count',
    default: String(DEFAULTS.maxRetries),
    description: 'retries of a request that may be retried',
  }),
  callMaxRequests: fromEnv('ACTITIME_CALL_MAX_REQUESTS', wholeNumber, {
    group: 'limits',
    type: 'count',
    default: 'per-minute rate ÷ 2',
    description:
      'requests one tool call may send; a call that needs more is refused up front with a hint to narrow it',
  }),
  ratePerSecond: fromEnv('ACTITIME_RATE_PER_SECOND', wholeNumber, {
    group: 'limits',
    type: 'count',
    default: String(DEFAULT_LIMITS.perSecond),
    description: "client-side pacing below actiTIME's per-second limit",
  }),
  ratePerMinute: fromEnv('ACTITIME_RATE_PER_MINUTE', wholeNumber, {
    group: 'limits',
    type: 'count',
    default: String(DEFAULT_LIMITS.perMinute),
    description: "client-side pacing below actiTIME's per-minute limit",
  }),
  maxConcurrent: fromEnv('ACTITIME_MAX_CONCURRENT', wholeNumber, {
    group: 'limits',
    type: 'count',
    default: String(DEFAULT_LIMITS.maxConcurrent),
    description: 'requests in flight at once (also the connection pool size)',
  }),
  maxResponseBytes: fromEnv('ACTITIME_MAX_RESPONSE_BYTES', wholeNumber, {
    group: 'limits',
    type: 'bytes',
    default: `${DEFAULTS.maxResponseBytes / 1024 / 1024} MiB`,
    description: 'largest response body read from actiTIME; a larger one fails its request',
  }),
  logLevel: fromEnv('ACTITIME_LOG_LEVEL', logLevel, {
    group: 'logging',
    type: LOG_LEVELS.join(' | '),
    default: '`info`',
    description: 'diagnostics, always on stderr',
  }),
  http: {
    group: 'http',
    flag: '--http',
    type: 'flag',
    default: 'off (stdio)',
    description: `serve MCP over Streamable HTTP at \`http://${HTTP_DEFAULTS.host}:${HTTP_DEFAULTS.port}${HTTP_DEFAULTS.path}\` instead of stdio`,
  } satisfies SettingSpec,
  httpPort: {
    group: 'http',
    flag: '--port',
    flagValue: 'N',
    type: 'port',
    default: String(HTTP_DEFAULTS.port),
    description: 'with `--http`: the port; `0` picks any free one',
  } satisfies SettingSpec,
  httpHost: {
    group: 'http',
    flag: '--host',
    flagValue: 'H',
    type: 'address',
    default: `\`${HTTP_DEFAULTS.host}\``,
    description: 'with `--http`: the interface; a non-loopback one needs `--allow-remote` and a token',
  } satisfies SettingSpec,
  allowRemote: {
    group: 'http',
    flag: '--allow-remote',
    type: 'flag',
    default: 'off',
    description: 'with `--http`: permit binding a non-loopback interface',
  } satisfies SettingSpec,
  stateless: {
    group: 'http',
    flag: '--stateless',
    type: 'flag',
    default: 'off',
    description:
      'with `--http`: no sessions (a fresh server per request, no `Mcp-Session-Id`), so any replica behind a load balancer answers any request',
  } satisfies SettingSpec,
  httpMaxSessions: fromEnv('ACTITIME_MCP_HTTP_MAX_SESSIONS', wholeNumber, {
    group: 'http',
    type: 'count, 1 or more',
    default: '64',
    description:
      'with `--http`: open sessions at most; at the cap the least recently used idle one is closed',
  }),
  httpSessionIdleSeconds: fromEnv('ACTITIME_MCP_HTTP_SESSION_IDLE_SECONDS', wholeNumber, {
    group: 'http',
    type: 'seconds, 1 or more',
    default: '300',
    description: 'with `--http`: a session without a request or an open stream this long is closed',
  }),
  httpToken: fromEnv('ACTITIME_MCP_HTTP_TOKEN', trimmedText, {
    group: 'http',
    type: 'text, 16+ characters',
    default: 'generated per run, printed on stderr (loopback only)',
    description: 'with `--http`: the bearer token clients must send (`Authorization: Bearer …`)',
    secret: true,
  }),
  httpAllowedOrigins: fromEnv('ACTITIME_MCP_HTTP_ALLOWED_ORIGINS', commaList, {
    group: 'http',
    type: 'comma list',
    default: 'loopback origins only',
    description:
      'with `--http`: browser origins accepted besides loopback ones (exact `scheme://host[:port]`)',
  }),
  httpAllowedHosts: fromEnv('ACTITIME_MCP_HTTP_ALLOWED_HOSTS', commaList, {
    group: 'http',
    type: 'comma list',
    default: 'loopback names only',
    description:
      'with `--http`: `Host` header names accepted besides loopback ones (`name` any port, `name:port` that one)',
  }),
  auth: {
    group: 'team',
    flag: '--auth',
    flagValue: 'MODE',
    type: '`token` | `actitime`',
    default: '`token`',
    description:
      'with `--http`: `token` = one bearer token and the configured actiTIME account for everyone; `actitime` = each person sends their own actiTIME credentials (`Authorization: Basic …`) and acts as themselves',
  } satisfies SettingSpec,
  redisUrl: fromEnv('ACTITIME_REDIS_URL', optionalText, {
    group: 'team',
    type: 'URL',
    default: 'unset: one process limits itself',
    description:
      'with `--http`: `redis://host:port` shared by the replicas, which then stay inside each account’s rate limits together and share the login guard',
    secret: true,
  }),
  replicas: fromEnv('ACTITIME_MCP_REPLICAS', wholeNumber, {
    group: 'team',
    type: 'count, 1 or more',
    default: '1; required with a Redis URL',
    description:
      'replicas at most: while Redis is unreachable each one keeps to 1/N of every budget (and of the 2 failed sign-ins per 10 s)',
  }),
  allTools: {
    group: 'command',
    flag: '--all',
    type: 'flag',
    default: 'off',
    description: '`tools` only: list every tool, whatever the toolsets and read-only mode',
  } satisfies SettingSpec,
  help: {
    group: 'command',
    flag: '--help',
    short: 'h',
    type: 'flag',
    default: '',
    description: 'print this help',
  } satisfies SettingSpec,
  version: {
    group: 'command',
    flag: '--version',
    short: 'v',
    type: 'flag',
    default: '',
    description: 'print the version',
  } satisfies SettingSpec,
} as const;

export type SettingName = keyof typeof SETTINGS;
type Settings = typeof SETTINGS;

/** The settings that come from an environment variable. */
export type EnvSettingName = {
  [K in SettingName]: Settings[K] extends { env: string; schema: z.ZodType } ? K : never;
}[SettingName];

export type EnvValues<K extends EnvSettingName> = {
  [P in K]: Settings[P] extends { schema: infer S extends z.ZodType } ? z.output<S> : never;
};

export const ALL_SETTINGS: ReadonlyArray<[SettingName, SettingSpec]> = Object.entries(SETTINGS) as Array<
  [SettingName, SettingSpec]
>;

/**
 * Reads and validates the named settings from `env` (the one place a variable is looked up by name). The
 * first problem is a ConfigError naming the variable, its message starting with the variable's name.
 */
export function readEnv<K extends EnvSettingName>(env: Env, names: readonly K[]): EnvValues<K> {
  const shape: Record<string, z.ZodType> = {};
  const raw: Record<string, string | undefined> = {};
  for (const name of names) {
    const spec = SETTINGS[name] as SettingSpec;
    shape[spec.env!] = spec.schema!;
    raw[spec.env!] = env[spec.env!];
  }
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue?.path[0] ?? 'configuration');
    throw new ConfigError(
      issue?.message.startsWith(setting) ? issue.message : `${setting}: ${issue?.message}`,
      setting,
    );
  }
  const data = parsed.data as Record<string, unknown>;
  return Object.fromEntries(
    names.map((name) => [name, data[(SETTINGS[name] as SettingSpec).env!]]),
  ) as EnvValues<K>;
}

/** The log level the environment asks for, without failing (a bad value is reported later by parseSettings). */
export function logLevelFromEnv(env: Env): LogLevelName {
  try {
    return readEnv(env, ['logLevel']).logLevel ?? 'info';
  } catch {
    return 'info';
  }
}

type FlagOf<K extends SettingName> = Settings[K] extends { flag: `--${infer F extends string}` } ? F : never;

/** node:util parseArgs options, typed per flag: a flag with a value is a string, else a boolean. */
export type ParseArgsOptions = {
  [K in SettingName as FlagOf<K>]: Settings[K] extends { flagValue: string }
    ? { type: 'string'; short?: string }
    : { type: 'boolean'; short?: string };
};

/** parseArgs options for the flags declared here. */
export function parseArgsOptions(): ParseArgsOptions {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [, spec] of ALL_SETTINGS) {
    if (!spec.flag) continue;
    options[spec.flag.slice(2)] = {
      type: spec.flagValue ? 'string' : 'boolean',
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  return options as unknown as ParseArgsOptions;
}

// ---- generated text ----------------------------------------------------------------------------------------

/** Markdown to plain text: backticks dropped. */
export function plain(text: string): string {
  return text.replace(/`/g, '');
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

/** `ACTITIME_TOOLSETS, --toolsets LIST` — how one sets it. */
export function settingLabel(spec: SettingSpec): string {
  const flag = spec.flag
    ? `${spec.flag}${spec.flagValue ? ` ${spec.flagValue}` : ''}${spec.short ? ` (-${spec.short})` : ''}`
    : undefined;
  return [spec.env, flag].filter(Boolean).join(', ');
}

/** The environment and flag sections of `--help`, from SETTINGS. */
export function settingsHelp(width = 110): string {
  const out: string[] = [];
  const groups = [...new Set(ALL_SETTINGS.map(([, s]) => s.group))];
  const labelWidth = 36;
  for (const group of groups) {
    out.push(`${plain(GROUP_TITLES[group])}:`);
    for (const [, spec] of ALL_SETTINGS.filter(([, s]) => s.group === group)) {
      const label = `  ${settingLabel(spec)}`;
      const text = plain(spec.description) + (spec.default ? ` (default: ${plain(spec.default)})` : '');
      const indent = ' '.repeat(labelWidth + 2);
      const body = wrap(text, width - indent.length, indent);
      if (label.length + 2 <= labelWidth + 2) {
        out.push(label.padEnd(labelWidth + 2) + body.join('\n'));
      } else {
        out.push(label, indent + body.join('\n'));
      }
    }
    out.push('');
  }
  return out.join('\n');
}
