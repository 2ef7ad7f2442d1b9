/**
 * The only writer of diagnostics. Everything goes to stderr: in stdio mode stdout carries MCP protocol only.
 * Every message passes through redact() so credentials never reach a log, whatever the caller passed.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Each secret with the number of holders that registered it (people may share a password). */
const secrets = new Map<string, number>();

function count(value: string, by: number): void {
  const n = (secrets.get(value) ?? 0) + by;
  if (n > 0) secrets.set(value, n);
  else secrets.delete(value);
}

/** Registers a value (password, base64 credential) that must never appear in any log line. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 3) {
    count(value, 1);
    count(Buffer.from(value).toString('base64'), 1);
  }
}

/**
 * Drops one registration of a value whose holder is gone (a team server's person signed out), so the process
 * does not keep every password it ever saw; the value stays redacted while another holder has it.
 */
export function forgetSecret(value: string | undefined): void {
  if (value && value.length >= 3) {
    count(value, -1);
    count(Buffer.from(value).toString('base64'), -1);
  }
}

// Bounded quantifiers keep these linear on hostile input (SEC-CR-05). Only what is a credential by its form
// is replaced: a header value, URL userinfo, a secret-named parameter or field. A word after "Basic" or
// "Bearer" in ordinary text ("Basic training review") is left alone; see the two checks below.
const PATTERNS: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*)(basic|bearer)?\s*[^\s,;"'}]{1,4096}/gi, '$1[redacted]'],
  [/(\/\/)[^/\s:@]{1,256}:[^/\s@]{1,256}@/g, '$1[redacted]@'],
  [/([?&](?:password|passwd|pwd|token|secret|api[_-]?key)=)[^&\s#"']{1,4096}/gi, '$1[redacted]'],
  [/("(?:password|authorization)"\s*:\s*")[^"]{0,4096}"/gi, '$1[redacted]"'],
];

const BASIC = /\b(Basic)\s+([A-Za-z0-9+/]{4,4096}={0,2})(?![A-Za-z0-9+/=])/gi;
const BEARER = /\b(Bearer)\s+([A-Za-z0-9._~+/-]{20,4096}={0,2})(?![A-Za-z0-9._~+/=-])/gi;

/** A Basic credential is base64 of `user:password`: printable text with a colon once decoded. */
function isBasicCredential(token: string): boolean {
  if (token.length % 4 === 1) return false;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  // eslint-disable-next-line no-control-regex -- a decoded credential has no control characters
  return decoded.includes(':') && !/[\u0000-\u001f\u007f\ufffd]/.test(decoded);
}

/** An opaque bearer token mixes letters and digits; no word of a sentence is 20 characters of that. */
function isBearerToken(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Za-z]/.test(token);
}

export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  out = out.replace(BASIC, (all, scheme: string, token: string) =>
    isBasicCredential(token) ? `${scheme} [redacted]` : all,
  );
  out = out.replace(BEARER, (all, scheme: string, token: string) =>
    isBearerToken(token) ? `${scheme} [redacted]` : all,
  );
  for (const s of secrets.keys()) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(line + '\n');
};

export function createLogger(level: LogLevel = 'info', sink: LogSink = stderrSink): Logger {
  const logger: Logger = {
    level,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
  function emit(at: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[at] < ORDER[logger.level]) return;
    let line = `[actitime-mcp] ${at}: ${msg}`;
    if (fields && Object.keys(fields).length > 0) {
      try {
        line += ' ' + JSON.stringify(fields);
      } catch {
        line += ' [unserialisable fields]';
      }
    }
    sink(redact(line));
  }
  return logger;
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const v = value?.toLowerCase();
  return v && v in ORDER ? (v as LogLevel) : fallback;
}

/**
 * Process-wide default at `info`; the CLI sets its level from ACTITIME_LOG_LEVEL (src/settings-schema.ts) before
 * anything logs, and tests may replace its level or create their own.
 */
export const logger: Logger = createLogger('info');
