/**
 * The compatibility report of `actitime-mcp doctor`: one check per assumption the client makes about the
 * server. `degraded` means the server differs from the project's model and says what the client does
 * instead; `fail` says what to fix. `variant` names the model's quirk switch for the difference
 * (docs/actitime-model.md §6), so a report can be read against the simulator's profiles.
 */

export type CheckStatus = 'ok' | 'degraded' | 'fail' | 'skipped';

export interface Check {
  /** Stable, kebab-case: `sign-in`, `rate-headers`, `toolset-time`, … */
  id: string;
  status: CheckStatus;
  /** One line: what was found, and for `degraded` what the client does instead. */
  summary: string;
  /** For `fail`: what to change. */
  fix?: string;
  /** The quirk switch of docs/actitime-model.md §6 that models what was found. */
  variant?: string;
}

export interface Report {
  /** The actiTIME base URL probed (no credentials). */
  url: string;
  username: string;
  demo: boolean;
  checks: Check[];
  /** HTTP requests sent, read-only probes and write probe together. */
  requests: number;
  counts: Record<CheckStatus, number>;
  /** 0 when no check failed. */
  exitCode: 0 | 1;
}

export function finishReport(
  head: Pick<Report, 'url' | 'username' | 'demo'>,
  checks: Check[],
  requests: number,
): Report {
  const counts: Record<CheckStatus, number> = { ok: 0, degraded: 0, fail: 0, skipped: 0 };
  for (const c of checks) counts[c.status] += 1;
  return { ...head, checks, requests, counts, exitCode: counts.fail > 0 ? 1 : 0 };
}

/** The report for people: a header, one aligned line per check, a summary. */
export function formatReport(report: Report): string {
  const width = Math.max(...report.checks.map((c) => c.id.length), 8);
  const lines = [
    `actitime-mcp doctor: ${report.url} as ${report.username}${report.demo ? ' (embedded demo actiTIME)' : ''}`,
    '',
  ];
  for (const c of report.checks) {
    const variant = c.variant === undefined ? '' : ` [${c.variant}]`;
    lines.push(`${c.status.padEnd(8)} ${c.id.padEnd(width)}  ${c.summary}${variant}`);
    if (c.fix !== undefined) lines.push(`${''.padEnd(8 + width + 3)}fix: ${c.fix}`);
  }
  const { ok, degraded, fail, skipped } = report.counts;
  lines.push(
    '',
    `${ok} ok, ${degraded} degraded, ${fail} fail${skipped > 0 ? `, ${skipped} skipped` : ''}; ` +
      `${report.requests} requests. A bracketed name is the simulator quirk switch for the same behaviour.`,
  );
  return lines.join('\n') + '\n';
}
