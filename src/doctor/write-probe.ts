/**
 * `doctor --write-probe TASK --date D`: what only a write can show. It changes one cell of the caller's own
 * timesheet and puts it back exactly (minutes and comment; an empty cell stays empty), and, when no existing
 * subscription showed the hook filter form, creates one disabled subscription and deletes it again.
 * Every change is undone before the report is printed; a failed restore is a `fail` that says what to set.
 */
import { resolveTask } from '../domain/resolve/task.js';
import { describeAnswer, isOk, type Answer, type Prober } from './ask.js';
import { hookFilterCheck, type Findings } from './probes.js';
import type { Check } from './report.js';

export interface WriteProbeOptions {
  /** A task id or a "Project / Task" path the caller may log time on. */
  task: string;
  /** YYYY-MM-DD, an open (unlocked, unapproved) day. */
  date: string;
}

const PROBE_COMMENT = 'actitime-mcp doctor probe (restored at once)';
/** A name under .invalid never resolves (RFC 6761), so the subscription could not deliver even if enabled. */
const PROBE_HOOK_URL = 'https://actitime-mcp-doctor.invalid/probe';

interface Cell {
  time: number;
  comment: string;
}

function cellOf(a: Answer): Cell {
  const body = (typeof a.body === 'object' && a.body !== null ? a.body : {}) as Record<string, unknown>;
  if (a.status === 404) return { time: 0, comment: '' };
  return {
    time: typeof body.time === 'number' ? body.time : 0,
    comment: typeof body.comment === 'string' ? body.comment : '',
  };
}

export async function writeProbe(p: Prober, f: Findings, opts: WriteProbeOptions): Promise<Check[]> {
  const checks: Check[] = [];
  let taskId: number;
  try {
    taskId = (
      await resolveTask({ client: p.client }, /^\d+$/.test(opts.task) ? Number(opts.task) : opts.task, {
        field: 'write-probe',
      })
    ).id;
  } catch (err) {
    return [
      {
        id: 'write-probe',
        status: 'fail',
        summary: `the task ${JSON.stringify(opts.task)} could not be used: ${(err as Error).message}`,
        fix: 'pass a task id or "Project / Task" you may log time on (search_tasks lists them)',
      },
    ];
  }
  const cellPath = ['timetrack', 'me', opts.date, taskId];
  const before = await p.ask(cellPath);
  if (!isOk(before) && before.status !== 404) {
    return [refused('reading the cell', before, true)];
  }
  const original = cellOf(before);
  // Move away from the day limit: down when there is room, else up.
  const step = original.time >= 2 ? -1 : 1;
  let wrote = false;
  try {
    const first = await p.ask(cellPath, {
      method: 'PATCH',
      body: { time: original.time + step, comment: PROBE_COMMENT },
    });
    if (!isOk(first)) return [refused('setting the cell', first, true)];
    wrote = true;
    const second = await p.ask(cellPath, { method: 'PATCH', body: { time: original.time + 2 * step } });
    if (isOk(second)) {
      const after = cellOf(await p.ask(cellPath));
      checks.push(
        after.comment === PROBE_COMMENT
          ? { id: 'comment-on-omit', status: 'ok', summary: 'a set without comment keeps the comment' }
          : {
              id: 'comment-on-omit',
              status: 'degraded',
              summary: 'a set without comment clears it: the client always sends the comment',
              variant: 'comment-cleared',
            },
      );
      checks.push(await writeAnswers(p, f, cellPath));
    } else checks.push(refused('setting the cell without a comment', second));
  } finally {
    // Runs after a thrown StopProbing too: the cell is never left changed while the server still answers.
    if (wrote) checks.push(await restore(p, cellPath, original, opts));
  }
  if (f.hookFilterForm === undefined) checks.push(await hookProbe(p, f));
  return checks;
}

/** Whether a delta answers with the cell (the model) or with nothing; the delta is undone by the restore. */
async function writeAnswers(p: Prober, f: Findings, cellPath: Array<string | number>): Promise<Check> {
  if (f.deltaRoute === false) {
    return {
      id: 'write-answers',
      status: 'skipped',
      summary: 'no delta endpoint to learn the answer shape from',
    };
  }
  const delta = await p.ask([...cellPath, 'time'], { method: 'PATCH', body: { delta: 1 } });
  if (!isOk(delta))
    return { id: 'write-answers', status: 'skipped', summary: `a delta got ${describeAnswer(delta)}` };
  if (typeof delta.body === 'object' && delta.body !== null) {
    return { id: 'write-answers', status: 'ok', summary: 'writes answer with the cell they wrote' };
  }
  return {
    id: 'write-answers',
    status: 'degraded',
    summary: `a delta answered HTTP ${delta.status} without a body: an empty success counts as applied and the total is read back`,
    variant: 'empty-write-responses',
  };
}

async function restore(
  p: Prober,
  cellPath: Array<string | number>,
  original: Cell,
  opts: WriteProbeOptions,
): Promise<Check> {
  const put = await p.ask(cellPath, {
    method: 'PATCH',
    body: { time: original.time, comment: original.comment },
  });
  const now = isOk(put) ? cellOf(await p.ask(cellPath)) : undefined;
  if (now && now.time === original.time && now.comment === original.comment) {
    return {
      id: 'write-probe',
      status: 'ok',
      summary: `${opts.date} on task ${String(cellPath[3])} set and put back to ${original.time} min${original.comment ? ' with its comment' : ''}`,
    };
  }
  return {
    id: 'write-probe',
    status: 'fail',
    summary: `could not put ${opts.date} on task ${String(cellPath[3])} back (${describeAnswer(put)})`,
    fix: `set it to ${original.time} minutes with comment ${JSON.stringify(original.comment)} in actiTIME`,
  };
}

/** One disabled subscription, created with a number-array filter (then strings if refused) and deleted. */
async function hookProbe(p: Prober, f: Findings): Promise<Check> {
  const body = (filter: unknown) => ({ target_url: PROBE_HOOK_URL, event: 'update', enabled: false, filter });
  let form: 'numbers' | 'strings' = 'numbers';
  let created = await p.ask(['hooks'], { method: 'POST', body: body({ userIds: [f.me.id] }) });
  if (created.status === 400) {
    form = 'strings';
    created = await p.ask(['hooks'], { method: 'POST', body: body({ userIds: String(f.me.id) }) });
  }
  if (!isOk(created)) {
    return {
      id: 'hook-filters',
      status: 'skipped',
      summary: `a disabled subscription got ${describeAnswer(created)}`,
    };
  }
  const id = (created.body as { id?: unknown } | undefined)?.id;
  const removed =
    typeof id === 'number'
      ? await p.ask(['hooks', id], { method: 'DELETE' })
      : await p.ask(['hooks', 'unsubscribe'], { method: 'POST', body: { target_url: PROBE_HOOK_URL } });
  if (!isOk(removed)) {
    return {
      id: 'hook-filters',
      status: 'fail',
      summary: `the probe subscription could not be removed (${describeAnswer(removed)})`,
      fix: `delete the disabled hook to ${PROBE_HOOK_URL} (delete_hook, or POST /hooks/unsubscribe)`,
    };
  }
  f.hookFilterForm = form;
  return hookFilterCheck(form, 'a disabled probe subscription, removed');
}

function refused(what: string, a: Answer, unchanged = false): Check {
  return {
    id: 'write-probe',
    status: 'fail',
    summary: `${what} answered ${describeAnswer(a)}${unchanged ? '; nothing was changed' : ''}`,
    fix: 'choose a task you may log time on and an open (unlocked, unapproved) date',
  };
}
