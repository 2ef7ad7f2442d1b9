/**
 * The `admin` toolset (opt-in): locking time-track, REST hook subscriptions, and user accounts. actiTIME
 * enforces the permissions (Lock Time-Track, Manage Accounts & Permissions); these tools never take a password:
 * new users are invited and set their own (SEC-CR-06).
 */
import { ARG } from './arg-text.js';
import { z } from 'zod';

import {
  createHook,
  deleteHook,
  listHooks,
  unsubscribeHooks,
  type HookCreate,
} from '../actitime/resources/hooks.js';
import { lockTimetrack, unlockTimetrack } from '../actitime/resources/timetrack.js';
import { inviteUser, updateUser, type UserPatch } from '../actitime/resources/users.js';
import type { Hook, User } from '../actitime/schemas.js';
import { invalid } from '../domain/errors.js';
import { isCalendarDate, parsePeriod } from '../domain/period.js';
import { resolveCustomer } from '../domain/resolve/customer.js';
import { resolveProject } from '../domain/resolve/project.js';
import { resolveDepartment, resolveTimeZoneGroup } from '../domain/resolve/reference-lists.js';
import { resolveTask } from '../domain/resolve/task.js';
import type { Ref } from '../domain/resolve/types.js';
import { resolveUserList } from '../domain/resolve/user-groups.js';
import { resolveUser } from '../domain/resolve/user.js';
import { textInput } from '../domain/sanitize.js';
import {
  confirmInput,
  confirmOutput,
  confirmStep,
  confirmWrite,
  fingerprintOf,
  heldOutput,
} from './confirm.js';
import { defineTool, type AnyTool } from './define.js';
import { referenceNames, UserCore, userOut, type UserOut } from './users.js';
import { idInput, refInput } from './inputs.js';
import { compact, num } from './outputs.js';

const MAX_REFS = 100;
const refList = z.array(refInput()).min(1).max(MAX_REFS);

// ---- set_timetrack_lock --------------------------------------------------------------------------------------

export const setTimetrackLock = defineTool({
  name: 'set_timetrack_lock',
  title: 'Lock or unlock time-track',
  description:
    'Lock or unlock time-track and leave for a period (e.g. "last month", "2026-01-01..2026-03-31") for some ' +
    'users (ids or names) or, without users, everyone. Locked days cannot be changed. Returns the dates.',
  toolset: 'admin',
  access: 'write',
  idempotent: true,
  inputSchema: z.object({
    action: z.enum(['lock', 'unlock']).describe('lock or unlock'),
    period: z.string().min(1).max(64).describe('e.g. "last month", "2026-11-01..2026-11-15"'),
    users: refList.optional().describe('ids or names; default everyone'),
    confirm: confirmInput,
  }),
  outputSchema: z.looseObject({
    action: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    ...heldOutput,
  }),
  async handler(args, ctx) {
    const held = await confirmWrite(
      ctx,
      'set_timetrack_lock',
      args,
      `${args.action} time-track`,
      args.period,
    );
    if (held) return held;
    const calendar = await ctx.calendar();
    const period = parsePeriod(args.period, { ...calendar, field: 'period' });
    const users = args.users === undefined ? undefined : await resolveUserList(ctx, args.users);
    const range = {
      dateFrom: period.from,
      dateTo: period.to,
      ...(users ? { userIds: [...new Set(users.map((u) => u.id))] } : {}),
    };
    const opts = { signal: ctx.signal };
    if (args.action === 'lock') await lockTimetrack(ctx.client, range, opts);
    else await unlockTimetrack(ctx.client, range, opts);
    return {
      action: args.action === 'lock' ? 'locked' : 'unlocked',
      from: period.from,
      to: period.to,
      timeZone: period.timeZone,
      weekStart: period.weekStart,
      users: users ? users.map((u) => ({ id: u.id, name: userOut(u).name })) : 'all',
    };
  },
});

// ---- hooks ---------------------------------------------------------------------------------------------------

/** docs/actitime-model.md §2.15 event names (case-sensitive). */
export const HOOK_EVENTS = [
  '*',
  'create',
  'update',
  'move',
  'delete',
  'task',
  'project',
  'customer',
  'department',
  'user',
  'timeZoneGroup',
  'leaveTime',
  'timetrack',
  'timetrackApprovalStatus',
  'task.create',
  'task.update',
  'task.move',
  'task.delete',
  'project.create',
  'project.update',
  'project.move',
  'project.delete',
  'customer.create',
  'customer.update',
  'customer.delete',
  'department.create',
  'department.update',
  'department.delete',
  'user.create',
  'user.update',
  'user.delete',
  'timeZoneGroup.create',
  'timeZoneGroup.update',
  'timeZoneGroup.delete',
  'timetrack.update',
  'leaveTime.update',
  'timetrackApprovalStatus.update',
] as const;

/** An http(s) URL without credentials in it (they would be stored in actiTIME and shown to every admin). */
const targetUrl = z
  .string()
  .max(2000)
  .refine((text) => {
    try {
      const u = new URL(text);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without user name or password');

function hookOut(h: Hook) {
  return compact({
    id: h.id,
    url: h.target_url,
    event: h.event,
    enabled: h.enabled,
    filter: h.filter,
    userId: h.userId,
    lastHttpStatus: h.lastHttpStatus,
    lastHttpError: h.lastHttpError,
    lastHttpCall: h.lastHttpCall == null ? undefined : new Date(h.lastHttpCall).toISOString(),
  }) as { id: number; url: string; event: string };
}

const HookOut = z.looseObject({ id: num, url: z.string(), event: z.string() });

export const listHooksTool = defineTool({
  name: 'list_hooks',
  title: 'List REST hooks',
  description:
    'Returns the REST hook subscriptions: id, target url, event, filter, enabled, and the last delivery ' +
    '(status, error, time).',
  toolset: 'admin',
  access: 'read',
  inputSchema: z.object({}),
  outputSchema: z.object({ items: z.array(HookOut) }),
  async handler(_args, ctx) {
    const hooks = await listHooks(ctx.client, { signal: ctx.signal });
    return { items: hooks.map(hookOut) };
  },
});

export const createHookTool = defineTool({
  name: 'create_hook',
  title: 'Subscribe a REST hook',
  description:
    'Subscribe a URL to actiTIME events (e.g. task.create, timetrack.update, * for all). actiTIME will POST ' +
    'JSON arrays of changed objects to it. Optional filter by customers, projects, tasks or users (ids or ' +
    'names). Returns the subscription.',
  toolset: 'admin',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    url: targetUrl.describe('https address that receives the POSTs'),
    event: z
      .enum(HOOK_EVENTS, { error: 'unknown event name (case-sensitive), e.g. task.create or *' })
      .describe('e.g. "timetrack.update"; * for all'),
    customers: refList.optional().describe('only these customers (ids or names)'),
    projects: refList.optional().describe('only these projects'),
    tasks: refList.optional().describe('only these tasks'),
    users: refList.optional().describe('only these users'),
    enabled: z.boolean().optional().describe('default true'),
    confirm: confirmInput,
  }),
  outputSchema: z.looseObject({
    id: num.optional(),
    url: z.string().optional(),
    event: z.string().optional(),
    ...heldOutput,
  }),
  async handler(args, ctx) {
    const held = await confirmWrite(ctx, 'create_hook', args, `Subscribe to ${args.event}`, args.url);
    if (held) return held;
    const ids = async (
      refs: Ref[] | undefined,
      resolve: (r: Ref, field: string) => Promise<number>,
      field: string,
    ) => (refs === undefined ? undefined : Promise.all(refs.map((r, i) => resolve(r, `${field}[${i}]`))));
    const [customerIds, projectIds, taskIds, userIds] = await Promise.all([
      ids(args.customers, async (r, field) => (await resolveCustomer(ctx, r, { field })).id, 'customers'),
      ids(args.projects, async (r, field) => (await resolveProject(ctx, r, { field })).id, 'projects'),
      ids(args.tasks, async (r, field) => (await resolveTask(ctx, r, { field })).id, 'tasks'),
      ids(args.users, async (r, field) => (await resolveUser(ctx, r, { field })).id, 'users'),
    ]);
    const filter = compact({ customerIds, projectIds, taskIds, userIds });
    const body: HookCreate = { target_url: args.url, event: args.event };
    if (Object.keys(filter).length > 0) body.filter = filter;
    if (args.enabled !== undefined) body.enabled = args.enabled;
    return hookOut(await createHook(ctx.client, body, { signal: ctx.signal }));
  },
});

export const deleteHookTool = defineTool({
  name: 'delete_hook',
  title: 'Remove REST hooks',
  description:
    'Remove one hook subscription by id, or every one to a url, after the user confirms. Returns what went.',
  toolset: 'admin',
  access: 'destructive',
  idempotent: true,
  inputSchema: z.object({
    id: idInput().optional().describe('subscription id'),
    url: targetUrl.optional().describe('or: every subscription to this address'),
    confirm: confirmInput,
  }),
  outputSchema: z.looseObject({ removed: z.array(HookOut).optional(), ...confirmOutput }),
  async handler(args, ctx) {
    if ((args.id === undefined) === (args.url === undefined)) {
      throw invalid('id', 'give either id or url');
    }
    const opts = { signal: ctx.signal };
    let hooks = await listHooks(ctx.client, opts);
    let reads = 0;
    const assess = async () => {
      // The list read above serves the first assessment; a later one (token, accepted question) reads again.
      if (reads++ > 0) hooks = await listHooks(ctx.client, opts);
      const gone = hooks.filter((h) =>
        args.id === undefined ? h.target_url === args.url : h.id === args.id,
      );
      return {
        impact: { action: 'Remove REST hooks', path: args.url ?? `hook ${args.id}`, hooks: gone.length },
        fingerprint: fingerprintOf(gone.map(hookOut)),
      };
    };
    const step = await confirmStep(ctx, 'delete_hook', args, 'destructive', assess);
    if (!step.proceed) return step.result;
    if (args.id !== undefined) {
      const hook = hooks.find((h) => h.id === args.id);
      const result = await deleteHook(ctx.client, args.id, opts);
      return {
        removed: hook ? [hookOut(hook)] : [{ id: args.id, url: '', event: '' }],
        ...(result.goneOnRetry ? { firstAttemptProbablyDeleted: true } : {}),
      };
    }
    const url = args.url!;
    const matching = hooks.filter((h) => h.target_url === url);
    await unsubscribeHooks(ctx.client, url, opts);
    return { removed: matching.map(hookOut) };
  },
});

// ---- manage_user ---------------------------------------------------------------------------------------------

const person = textInput({ max: 255 });
const dateOrNull = z.string().max(40).nullable();

function dateField(value: string | null | undefined, field: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (!isCalendarDate(value.trim())) throw invalid(field, `${field}: expected YYYY-MM-DD`);
  return value.trim();
}

/** The fields of a user that before/after report. */
function viewOf(u: UserOut): Record<string, unknown> {
  return {
    username: u.username ?? null,
    email: u.email ?? null,
    firstName: u.firstName ?? null,
    middleName: u.middleName ?? null,
    lastName: u.lastName ?? null,
    department: u.department ?? u.departmentId ?? null,
    timeZoneGroup: u.timeZoneGroup ?? u.timeZoneGroupId ?? null,
    hired: u.hired ?? null,
    releaseDate: u.releaseDate ?? null,
    active: u.active ?? null,
  };
}

export const manageUser = defineTool({
  name: 'manage_user',
  title: 'Invite or update a user',
  description:
    'invite: create a user (email, firstName, lastName required) whom actiTIME e-mails an invitation to set a ' +
    'password. update: change a user (id, username or name): names, email, username, department, time-zone ' +
    'group, hired/releaseDate (YYYY-MM-DD or null), active (false disables). Never takes a password. Returns ' +
    'the user (and before/after on update).',
  toolset: 'admin',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    action: z.enum(['invite', 'update']).describe('invite a new user or update one'),
    user: refInput('update: the user').optional(),
    email: z.email().max(255).optional().describe('invite: required'),
    username: person.optional().describe('login name'),
    firstName: person.optional().describe('given name'),
    middleName: person.optional().describe('middle name'),
    lastName: person.optional().describe('family name'),
    department: refInput().optional().describe(ARG.department),
    timeZoneGroup: refInput().optional().describe('id or name'),
    hired: dateOrNull.optional().describe('YYYY-MM-DD; null clears'),
    releaseDate: dateOrNull.optional().describe('YYYY-MM-DD; null clears'),
    active: z.boolean().optional().describe('false deactivates'),
    confirm: confirmInput,
  }),
  outputSchema: z.looseObject({ action: z.string().optional(), user: UserCore.optional(), ...heldOutput }),
  async handler(args, ctx) {
    const who = args.user === undefined ? args.email : String(args.user);
    const held = await confirmWrite(ctx, 'manage_user', args, `${args.action} user`, who);
    if (held) return held;
    const [department, group] = await Promise.all([
      args.department === undefined ? undefined : resolveDepartment(ctx, args.department),
      args.timeZoneGroup === undefined ? undefined : resolveTimeZoneGroup(ctx, args.timeZoneGroup),
    ]);
    const fields: UserPatch = compact({
      email: args.email,
      username: args.username?.trim(),
      firstName: args.firstName?.trim(),
      middleName: args.middleName?.trim(),
      lastName: args.lastName?.trim(),
      departmentId: department?.id,
      timeZoneGroupId: group?.id,
      active: args.active,
    });
    const hired = dateField(args.hired, 'hired');
    const releaseDate = dateField(args.releaseDate, 'releaseDate');
    if (hired !== undefined) fields.hired = hired;
    if (releaseDate !== undefined) fields.releaseDate = releaseDate;
    const opts = { signal: ctx.signal };

    if (args.action === 'invite') {
      if (args.user !== undefined) throw invalid('user', 'user: only for action=update');
      for (const f of ['email', 'firstName', 'lastName'] as const) {
        if (args[f] === undefined) throw invalid(f, `${f}: required to invite a user`);
      }
      const created = await inviteUser(ctx.client, fields, opts);
      return {
        action: 'invited',
        user: userOut(created, await referenceNames(ctx)),
        note: 'actiTIME sends an e-mail invitation; the user sets their own password',
      };
    }

    if (args.user === undefined) throw invalid('user', 'user: which user to update (id, username or name)');
    const target = await resolveUser(ctx, args.user);
    if (Object.keys(fields).length === 0) throw invalid('user', 'update: nothing to change');
    const names = await referenceNames(ctx);
    const before = userOut(target, names);
    const patch = changedOnly(fields, target);
    const updated =
      Object.keys(patch).length > 0 ? await updateUser(ctx.client, target.id, patch, opts) : target;
    const after = userOut(updated, names);
    const b = viewOf(before);
    const a = viewOf(after);
    const changed = Object.keys(a).filter((k) => a[k] !== b[k]);
    return {
      action: changed.length > 0 ? 'updated' : 'unchanged',
      user: after,
      changed,
      before: Object.fromEntries(changed.map((k) => [k, b[k]])),
      after: Object.fromEntries(changed.map((k) => [k, a[k]])),
    };
  },
});

/** Only the fields whose value differs from the user's current one. */
function changedOnly(fields: UserPatch, current: User): UserPatch {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const now = (current as Record<string, unknown>)[key];
    if (value !== now && !(value === null && now === undefined)) out[key] = value;
  }
  return out;
}

export const adminTools: AnyTool[] = [
  setTimetrackLock,
  listHooksTool,
  createHookTool,
  deleteHookTool,
  manageUser,
] as AnyTool[];
