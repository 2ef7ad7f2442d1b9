/**
 * `actitime-mcp --help`: the usage lines and, generated from src/settings-schema.ts, every environment variable
 * and flag with its default. The README's configuration section is generated from the same declarations
 * (scripts/gen-config.ts).
 */
import { DOCTOR_USAGE } from './doctor/usage.js';
import { settingsHelp } from './settings-schema.js';

/** The command grammar, one command a line (also printed in the README). */
export const USAGE_LINES = [
  'actitime-mcp [serve] [--demo] [--demo-user NAME] [--read-only] [--toolsets LIST]',
  'actitime-mcp [serve] --http [--port N] [--host H] [--allow-remote] [--stateless] [...]   MCP over Streamable HTTP',
  '                     [--auth token|actitime]   actitime: each person signs in as themselves (team server)',
  'actitime-mcp tools [--all] [--read-only] [--toolsets LIST]   print the tools as JSON',
  'actitime-mcp simulator [--port N] [--today YYYY-MM-DD] [--seed demo|empty|team:N] [--quirks a,b|all]',
  '                       [--latency MS] [--jitter MS]   (simulator --help lists the quirks)',
  DOCTOR_USAGE,
  'actitime-mcp --help | --version',
] as const;

export function helpText(version: string): string {
  return `actitime-mcp ${version}: MCP server for actiTIME (REST API v1)

Usage:
${USAGE_LINES.map((l) => `  ${l}`).join('\n')}

Without ACTITIME_URL the embedded demo actiTIME is served; it starts from its seed at every start.
Flags win over their environment variables.

${settingsHelp()}
doctor checks, in about 18 paced read-only requests, every assumption the client makes about your actiTIME
(sign-in, zone, rate headers, optional endpoints, name search, permissions per toolset): each line ok,
degraded (what the server will do instead) or fail (the fix); exit 0 when nothing fails. --write-probe also
sets one cell of your own timesheet (TASK on --date) and puts it back exactly.
`;
}
