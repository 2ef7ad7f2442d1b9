/**
 * The read-only probes of `actitime-mcp doctor`, in the order they run. Each one checks an assumption the
 * client makes (docs/actitime-model.md §4) with one or two requests; together about 18. The one request that
 * is not a GET (the time-delta probe) sends a body every server must refuse, so nothing changes.
 */
import { DateTime } from 'luxon';

import { addDays, todayDate } from '../domain/period.js';
import { TOOLSETS, type Toolset } from '../tools/toolsets.js';
import { describeAnswer, isMissingRoute, isOk, itemsOf, type Answer, type Prober } from './ask.js';
import type { Check } from './report.js';

type Obj = Record<string, unknown>;

/** What the first probes learn and the later ones use. */
export interface Findings {
  me: Obj;
  info: Obj;
  companyZone?: string;
  userZone: string;
  today: string;
  tasks: Obj[];
  tasksReadable: boolean;
  /** A task the caller can see, for the probes that need one. */
  taskId?: number;
  deltaRoute?: boolean;
  hookFilterForm?: 'numbers' | 'strings';
}

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
/** A number or string as text, `?` when absent or anything else. */
const text = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : '?');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Sign-in and `/info`: without them nothing else can run. Undefined findings = stop here. */
export async function signIn(p: Prober, now: number): Promise<{ checks: Check[]; found?: Findings }> {
  const me = await p.ask(['users', 'me']);
  if (!isOk(me)) {
    return {
      checks: [
        {
          id: 'sign-in',
          status: 'fail',
          summary: `GET /users/me answered ${describeAnswer(me)}`,
          fix:
            me.status === 0
              ? 'check ACTITIME_URL (https://<host>/api/v1 or the site root) and that this machine reaches it'
              : 'check ACTITIME_URL; the account needs API access (actiTIME 2018 or newer)',
        },
      ],
    };
  }
  const user = obj(me.body);
  const checks: Check[] = [
    {
      id: 'sign-in',
      status: 'ok',
      summary: `signed in as ${str(user.fullName) ?? str(user.username) ?? 'the user'} (id ${String(user.id)})`,
    },
  ];
  const infoAnswer = await p.ask(['info']);
  const info = obj(infoAnswer.body);
  if (!isOk(infoAnswer)) {
    checks.push({
      id: 'info',
      status: 'fail',
      summary: `GET /info answered ${describeAnswer(infoAnswer)}; settings, limits and the week start are unknown`,
      fix: 'the account must be able to read system settings (GET /info); ask the actiTIME administrator',
    });
    return { checks };
  }
  const limits = obj(info.limits);
  const company = str(obj(info.company).name) ?? 'the company';
  checks.push({
    id: 'info',
    status: 'ok',
    summary:
      `${company}; pages up to ${text(limits.maxQueryLimit)}, batches up to ` +
      `${text(limits.maxBatchSize)} operations; week starts on day ${text(obj(info.format).dayOfWeekStart)}`,
  });

  const groups = await p.ask(['timeZoneGroups'], { query: { limit: 1000 } });
  const list = itemsOf(groups.body);
  const companyZone = str(list.find((g) => g.default === true)?.timeZoneId);
  const userGroup = list.find((g) => g.id === user.timeZoneGroupId);
  const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const userZone = str(userGroup?.timeZoneId) ?? companyZone ?? machineZone;
  if (companyZone !== undefined && DateTime.local().setZone(companyZone).isValid) {
    checks.push({
      id: 'time-zone',
      status: 'ok',
      summary: `company zone ${companyZone}; yours ${userZone}`,
    });
  } else {
    checks.push({
      id: 'time-zone',
      status: 'degraded',
      summary:
        `${isOk(groups) ? 'no default time-zone group with a zone' : `GET /timeZoneGroups answered ${describeAnswer(groups)}`}: ` +
        `"today" is taken in ${userZone} and epoch-ms dates at the nearest UTC midnight`,
    });
  }
  return {
    checks,
    found: {
      me: user,
      info,
      ...(companyZone === undefined ? {} : { companyZone }),
      userZone,
      today: todayDate(userZone, now),
      tasks: [],
      tasksReadable: false,
    },
  };
}

export function rateHeaders(p: Prober): Check {
  const present = p.seenHeaders.find((h) => h['x-ratelimit-remaining'] !== undefined);
  if (present) {
    return {
      id: 'rate-headers',
      status: 'ok',
      summary: `X-Ratelimit-Remaining sent (${present['x-ratelimit-remaining']} left in the window); the client paces on them`,
    };
  }
  return {
    id: 'rate-headers',
    status: 'degraded',
    summary:
      'no X-Ratelimit-Remaining/Reset headers: the client paces on its own budget (100/s, 1000/min) and backs off on 429',
    variant: 'no-rate-headers',
  };
}

/** Date-only fields (task deadlines) are epoch ms: midnight UTC (the model) or midnight in the company zone. */
export async function timestamps(p: Prober, f: Findings): Promise<Check> {
  const answer = await p.ask(['tasks'], { query: { limit: 200 } });
  f.tasksReadable = isOk(answer);
  f.tasks = itemsOf(answer.body);
  const first = f.tasks.find((t) => typeof t.id === 'number');
  if (first) f.taskId = first.id as number;
  if (!f.tasksReadable) {
    return { id: 'timestamps', status: 'skipped', summary: `GET /tasks answered ${describeAnswer(answer)}` };
  }
  const stamps = f.tasks.map((t) => t.deadline).filter((d): d is number => typeof d === 'number');
  if (stamps.length === 0) {
    return {
      id: 'timestamps',
      status: 'ok',
      summary: 'no task deadline in epoch ms to check; such dates are read at the nearest midnight',
    };
  }
  const utcMidnight = (ms: number): boolean => ms % 86_400_000 === 0;
  const zoneMidnight = (ms: number): boolean => {
    if (f.companyZone === undefined) return false;
    const t = DateTime.fromMillis(ms, { zone: f.companyZone });
    return t.hour === 0 && t.minute === 0 && t.second === 0;
  };
  if (stamps.every(utcMidnight)) {
    return {
      id: 'timestamps',
      status: 'ok',
      summary: `${stamps.length} task deadlines stamped at 00:00 UTC`,
    };
  }
  if (stamps.every(zoneMidnight)) {
    return {
      id: 'timestamps',
      status: 'degraded',
      summary: `task deadlines stamped at 00:00 ${f.companyZone!}, not UTC: the client reads such dates in the company zone`,
      variant: 'zoned-timestamps',
    };
  }
  return {
    id: 'timestamps',
    status: 'degraded',
    summary: 'task deadlines at no common midnight: each is read as the date in the company zone',
  };
}

/** An endpoint only a swagger-derived listing names (docs/actitime-model.md §2.17): present, refused or absent. */
async function sideEndpoint(
  p: Prober,
  id: string,
  path: Array<string | number>,
  degrade: string,
): Promise<Check> {
  const answer = await p.ask(path, { query: { limit: 1 } });
  const route = `GET /${path.join('/')}`;
  if (isOk(answer)) return { id, status: 'ok', summary: `${route} answers` };
  const variant =
    answer.status === 403
      ? 'side-403'
      : answer.status === 404
        ? answer.key === ''
          ? 'side-html'
          : 'side-404'
        : undefined;
  const why = answer.status === 403 ? 'refused' : 'absent';
  return {
    id,
    status: 'degraded',
    summary: `${route} ${why} (${describeAnswer(answer)}): ${degrade}`,
    ...(variant === undefined || answer.key === 'unknown_resource' ? {} : { variant }),
  };
}

export function workAssignments(p: Prober): Promise<Check> {
  return sideEndpoint(
    p,
    'work-assignments',
    ['users', 'me', 'workAssignments'],
    'get_user shows assignments: null with the reason',
  );
}

export async function assignedUsers(p: Prober, f: Findings): Promise<Check> {
  if (f.taskId === undefined) {
    return { id: 'assigned-users', status: 'skipped', summary: 'no visible task to ask about' };
  }
  return sideEndpoint(
    p,
    'assigned-users',
    ['tasks', f.taskId, 'assignedUsers'],
    'get_work_item shows assignedUsers: null with the reason',
  );
}

/** The delta endpoint, probed with an empty body: a server that has the route refuses it, so nothing changes. */
export async function timeDelta(p: Prober, f: Findings): Promise<Check> {
  const answer = await p.ask(['timetrack', 'me', f.today, f.taskId ?? 0, 'time'], {
    method: 'PATCH',
    body: {},
  });
  f.deltaRoute = !isMissingRoute(answer);
  if (f.deltaRoute) {
    return {
      id: 'time-delta',
      status: 'ok',
      summary: `PATCH …/time exists (an empty delta got ${describeAnswer(answer)}); log_time adds atomically`,
    };
  }
  return {
    id: 'time-delta',
    status: 'degraded',
    summary:
      `PATCH …/time absent (${describeAnswer(answer)}): log_time adds by reading the cell and writing the total, ` +
      'marked emulated per entry (not atomic)',
    variant: 'no-delta',
  };
}

export async function batch(p: Prober, f: Findings): Promise<Check> {
  const answer = await p.ask(['batch'], {
    method: 'POST',
    body: [{ method: 'GET', relativeUrl: '/users/me' }],
  });
  const size = text(obj(f.info.limits).maxBatchSize);
  if (isMissingRoute(answer)) {
    return {
      id: 'batch',
      status: 'degraded',
      summary: `POST /batch absent (${describeAnswer(answer)}): multi-entry writes go one request each`,
    };
  }
  if (!isOk(answer)) {
    return {
      id: 'batch',
      status: 'fail',
      summary: `POST /batch answered ${describeAnswer(answer)}`,
      fix: 'report this server version to the project',
    };
  }
  const slot = obj(itemsOf(answer.body)[0]);
  if ('body' in slot) {
    return {
      id: 'batch',
      status: 'ok',
      summary: `POST /batch answers with bodies; up to ${size} operations`,
    };
  }
  return {
    id: 'batch',
    status: 'degraded',
    summary: `POST /batch answers bodies only when asked (up to ${size} operations): the client always sends includeResponseBody=always`,
    variant: 'batch-no-bodies',
  };
}

/** `GET /users?name=`: a word search (the model) or an exact full-name match. */
export async function nameSearch(p: Prober, f: Findings): Promise<Check> {
  const fullName = str(f.me.fullName);
  const words = fullName?.split(/\s+/) ?? [];
  if (fullName === undefined || words.length < 2) {
    return {
      id: 'user-name-search',
      status: 'skipped',
      summary:
        'a one-word name cannot tell a word search from an exact match; the client falls back to local matching',
    };
  }
  const hasMe = (a: Answer): boolean => itemsOf(a.body).some((u) => u.id === f.me.id);
  const byWord = await p.ask(['users'], { query: { name: words[0], limit: 100 } });
  if (hasMe(byWord)) return { id: 'user-name-search', status: 'ok', summary: 'name= is a word search' };
  const byFull = await p.ask(['users'], { query: { name: fullName, limit: 100 } });
  if (hasMe(byFull)) {
    return {
      id: 'user-name-search',
      status: 'degraded',
      summary:
        'name= matches whole full names only: user names are resolved by listing users and matching locally',
      variant: 'exact-user-name',
    };
  }
  return {
    id: 'user-name-search',
    status: 'degraded',
    summary: `name= found nobody (${describeAnswer(byFull)}): user names are resolved by listing users and matching locally`,
  };
}

/** Leave rows carry `leaveTime` (the model) or `time` (an older documentation page). */
export async function leaveRows(p: Prober, f: Findings): Promise<Check> {
  if (obj(f.info.features).leavetimeRegistration === false) {
    return { id: 'leave-rows', status: 'skipped', summary: 'leave registration is switched off in actiTIME' };
  }
  const answer = await p.ask(['leavetime'], {
    query: { dateFrom: addDays(f.today, -120), dateTo: addDays(f.today, 60) },
  });
  const rows = (Array.isArray(obj(answer.body).data) ? (obj(answer.body).data as unknown[]) : []).map(obj);
  if (!isOk(answer))
    return {
      id: 'leave-rows',
      status: 'skipped',
      summary: `GET /leavetime answered ${describeAnswer(answer)}`,
    };
  if (rows.some((r) => 'leaveTime' in r))
    return { id: 'leave-rows', status: 'ok', summary: 'leave rows carry leaveTime' };
  if (rows.some((r) => 'time' in r)) {
    return {
      id: 'leave-rows',
      status: 'degraded',
      summary: 'leave rows carry time, not leaveTime: the client reads both names',
      variant: 'leave-time-field',
    };
  }
  return {
    id: 'leave-rows',
    status: 'ok',
    summary: 'no leave rows in the last 120 days to check; both field names are read',
  };
}

/** A cell nobody has filled (a date long past): 404 (the model) or 200 with 0 minutes. */
export async function emptyCell(p: Prober, f: Findings): Promise<Check> {
  if (f.taskId === undefined)
    return { id: 'empty-cell', status: 'skipped', summary: 'no visible task to ask about' };
  const answer = await p.ask(['timetrack', 'me', '2000-01-03', f.taskId]);
  if (answer.status === 404)
    return { id: 'empty-cell', status: 'ok', summary: 'an empty time cell answers 404' };
  if (isOk(answer) && obj(answer.body).time === 0) {
    return {
      id: 'empty-cell',
      status: 'degraded',
      summary: 'an empty time cell answers 200 with 0 minutes: the client treats 0 and 404 alike',
      variant: 'missing-cell-zero',
    };
  }
  return { id: 'empty-cell', status: 'ok', summary: `an empty time cell answers ${describeAnswer(answer)}` };
}

/** A parameter no server can parse: the key says whether hints can rely on keys or must read the message. */
export async function errorKeys(p: Prober): Promise<Check> {
  const answer = await p.ask(['timetrack'], { query: { dateFrom: 'not-a-date' } });
  if (answer.status !== 400) {
    return {
      id: 'error-keys',
      status: 'skipped',
      summary: `an unparseable date got ${describeAnswer(answer)}, not 400`,
    };
  }
  if (answer.key === 'invalid_argument' || answer.key === 'mandatory_field') {
    return {
      id: 'error-keys',
      status: 'ok',
      summary: `validation errors carry specific keys (${answer.key})`,
    };
  }
  return {
    id: 'error-keys',
    status: 'degraded',
    summary:
      `validation errors carry the generic key ${answer.key === '' ? '(none)' : answer.key}: hints come from status and ` +
      'message; duplicate names are told by message, whatever the status',
    variant: 'generic-errors',
  };
}

export async function strictParams(p: Prober): Promise<Check> {
  const answer = await p.ask(['customers'], { query: { limit: 0 } });
  if (answer.status === 400)
    return { id: 'strict-params', status: 'ok', summary: 'limit=0 is refused with 400' };
  if (isOk(answer)) {
    return {
      id: 'strict-params',
      status: 'degraded',
      summary:
        'limit=0 is accepted: bad parameters may pass silently; the client validates its own and never sends them',
      variant: 'lenient-params',
    };
  }
  return { id: 'strict-params', status: 'skipped', summary: `limit=0 got ${describeAnswer(answer)}` };
}

/** Hook filter ids: number arrays (the model) or comma-separated strings, as existing subscriptions show. */
export async function hookFilters(p: Prober, f: Findings): Promise<Check> {
  const answer = await p.ask(['hooks'], { query: { limit: 100 } });
  if (!isOk(answer))
    return {
      id: 'hook-filters',
      status: 'skipped',
      summary: `GET /hooks answered ${describeAnswer(answer)}`,
    };
  for (const hook of itemsOf(answer.body)) {
    for (const [key, value] of Object.entries(obj(hook.filter))) {
      if (!key.endsWith('Ids')) continue;
      if (Array.isArray(value)) f.hookFilterForm = 'numbers';
      else if (typeof value === 'string') f.hookFilterForm = 'strings';
      if (f.hookFilterForm) return hookFilterCheck(f.hookFilterForm, 'existing subscriptions');
    }
  }
  return {
    id: 'hook-filters',
    status: 'skipped',
    summary:
      'no subscription shows its filter form (--write-probe learns it); create_hook tries numbers, then strings',
  };
}

export function hookFilterCheck(form: 'numbers' | 'strings', source: string): Check {
  if (form === 'numbers')
    return { id: 'hook-filters', status: 'ok', summary: `hook filter ids are number arrays (${source})` };
  return {
    id: 'hook-filters',
    status: 'degraded',
    summary: `hook filter ids are comma-separated strings (${source}): create_hook sends that form after one refusal`,
    variant: 'hook-filter-strings',
  };
}

/** Which toolsets this account can use: from allowedActions and restricted fields, without trying a write. */
export async function toolsets(p: Prober, f: Findings, enabled: readonly Toolset[]): Promise<Check[]> {
  const customers = await p.ask(['customers'], { query: { limit: 20 } });
  const statuses = await p.ask(['workflowStatuses'], { query: { limit: 20 } });
  const canModify = (items: Obj[]): boolean => items.some((i) => obj(i.allowedActions).canModify === true);
  const scope = canModify(itemsOf(customers.body)) || canModify(f.tasks);
  const verdicts: Record<Toolset, { works: boolean; what: string }> = {
    time: {
      works: obj(f.me.allowedActions).canSubmitTimetrack !== false,
      what:
        obj(f.me.allowedActions).canSubmitTimetrack === false
          ? 'this account may not enter time: log_time will be refused'
          : 'reading and logging your own time',
    },
    leave: {
      works: obj(f.info.features).leavetimeRegistration !== false,
      what:
        obj(f.info.features).leavetimeRegistration === false
          ? 'leave registration is off in actiTIME'
          : 'reading and logging leave',
    },
    work: {
      works: f.tasksReadable && scope,
      what: !f.tasksReadable
        ? 'tasks cannot be read'
        : scope
          ? 'searching work and changing customers, projects and tasks'
          : 'searching works; create/update/delete need Manage Scope of Work and will be refused',
    },
    users: { works: true, what: 'reading users you may see' },
    reference: { works: true, what: 'settings and reference lists' },
    workflow: {
      works: canModify(itemsOf(statuses.body)),
      what: canModify(itemsOf(statuses.body))
        ? 'changing workflow statuses'
        : 'workflow changes need Manage Scope of Work and will be refused',
    },
    admin: {
      works: 'username' in f.me,
      what:
        'username' in f.me
          ? 'hooks, user accounts; locking needs Lock Time-Track (not checked)'
          : 'hooks work; manage_user and set_timetrack_lock need admin permissions and will be refused',
    },
  };
  return TOOLSETS.map((set) => {
    const v = verdicts[set];
    const on = enabled.includes(set);
    const check: Check = {
      id: `toolset-${set}`,
      status: on && !v.works ? 'degraded' : 'ok',
      summary: `${on ? '' : '(not enabled) '}${v.what}`,
    };
    return check;
  });
}
