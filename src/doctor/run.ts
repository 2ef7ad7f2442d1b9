/**
 * `actitime-mcp doctor`: the probes in order against one client, into one report. Read-only unless a write
 * probe is asked for; about 18 requests, one at a time and paced; the first 401 or IP ban ends the run with
 * a `fail`, and nothing more is sent (three failed sign-ins within 10 s ban the IP).
 */
import type { ActitimeClient } from '../actitime/client.js';
import type { Toolset } from '../tools/toolsets.js';
import { describeAnswer, Prober, StopProbing } from './ask.js';
import * as probe from './probes.js';
import { finishReport, type Check, type Report } from './report.js';
import { writeProbe, type WriteProbeOptions } from './write-probe.js';

export interface DoctorOptions {
  /** The toolsets the server would enable; verdicts for the others say "(not enabled)". */
  toolsets: readonly Toolset[];
  writeProbe?: WriteProbeOptions;
  /** Gap between two requests (default 100 ms). */
  paceMs?: number;
  demo?: boolean;
  /** Wall clock (epoch ms) for "today"; tests pin it to the simulator's. */
  now?: () => number;
}

export async function runDoctor(client: ActitimeClient, opts: DoctorOptions): Promise<Report> {
  const p = new Prober(client, opts.paceMs ?? 100);
  const checks: Check[] = [];
  const head = { url: client.config.url.href, username: client.config.username, demo: opts.demo === true };
  try {
    const start = await probe.signIn(p, (opts.now ?? Date.now)());
    checks.push(...start.checks);
    const f = start.found;
    if (f) {
      checks.push(probe.rateHeaders(p));
      checks.push(await probe.timestamps(p, f));
      checks.push(await probe.workAssignments(p));
      checks.push(await probe.assignedUsers(p, f));
      checks.push(await probe.timeDelta(p, f));
      checks.push(await probe.batch(p, f));
      checks.push(await probe.nameSearch(p, f));
      checks.push(await probe.leaveRows(p, f));
      checks.push(await probe.emptyCell(p, f));
      checks.push(await probe.errorKeys(p));
      checks.push(await probe.strictParams(p));
      checks.push(await probe.hookFilters(p, f));
      checks.push(...(await probe.toolsets(p, f, opts.toolsets)));
      if (opts.writeProbe) {
        const written = await writeProbe(p, f, opts.writeProbe);
        // The write probe's hook check replaces the read-only one that could not tell.
        for (const c of written) {
          const at = checks.findIndex((k) => k.id === c.id && k.status === 'skipped');
          if (at >= 0) checks[at] = c;
          else checks.push(c);
        }
      } else {
        checks.push(
          { id: 'comment-on-omit', status: 'skipped', summary: 'needs --write-probe TASK --date YYYY-MM-DD' },
          { id: 'write-answers', status: 'skipped', summary: 'needs --write-probe TASK --date YYYY-MM-DD' },
        );
      }
    }
  } catch (err) {
    if (!(err instanceof StopProbing)) throw err;
    checks.push(stopped(err, checks.length === 0));
  }
  return finishReport(head, checks, p.requests);
}

function stopped(err: StopProbing, first: boolean): Check {
  const banned = err.answer.key === 'ip_banned';
  return {
    id: first ? 'sign-in' : 'stopped',
    status: 'fail',
    summary: `${describeAnswer(err.answer)}; doctor sent nothing more${banned ? '' : ' (3 failed sign-ins in 10 s ban the IP)'}`,
    fix: banned
      ? 'wait a minute for the ban to end, then check the credentials before trying again'
      : 'check ACTITIME_USERNAME and ACTITIME_PASSWORD (a disabled or not yet hired user is refused too)',
  };
}
