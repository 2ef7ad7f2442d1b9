/**
 * The `users` toolset: look people up (by id, username or name), read one user's properties, schedule and
 * work assignments, and list users by department, time-zone group, name or state.
 */
import { z } from 'zod';

import { listProjects } from '../actitime/resources/projects.js';
import { getTimeZoneGroup, listDepartments, listTimeZoneGroups } from '../actitime/resources/reference.js';
import { getSchedule, getWorkAssignments, listUsers } from '../actitime/resources/users.js';
import type { User } from '../actitime/schemas.js';
import { parsePeriod } from '../domain/period.js';
import { projectPath } from '../domain/resolve/path.js';
import { resolveDepartment, resolveTimeZoneGroup } from '../domain/resolve/reference-lists.js';
import { resolveUser } from '../domain/resolve/user.js';
import type { ToolContext } from './context.js';
import { optionalPart } from './optional-part.js';
import { defineTool, type AnyTool } from './define.js';
import { ARG } from './arg-text.js';
import { limitInput, offsetInput, refInput } from './inputs.js';
import { compact, num } from './outputs.js';

/** Output: the stable core of a user; the other properties pass as extra keys. */
export const UserCore = z.looseObject({ id: num, name: z.string() });

export interface UserOut {
  [key: string]: unknown;
  id: number;
  name: string;
  username?: string;
  email?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  departmentId?: number;
  department?: string;
  timeZoneGroupId?: number;
  timeZoneGroup?: string;
  timeZone?: string;
  hired?: string;
  releaseDate?: string;
  active?: boolean;
}

export function fullNameOf(u: User): string {
  const full =
    u.fullName ?? [u.firstName, u.middleName, u.lastName].filter((p) => p != null && p !== '').join(' ');
  return full !== '' ? full : (u.username ?? `user ${u.id}`);
}

/** Names of departments and time-zone groups, from the reference cache. */
export async function referenceNames(ctx: Pick<ToolContext, 'client' | 'signal'>) {
  const opts = { signal: ctx.signal };
  const [departments, groups] = await Promise.all([
    listDepartments(ctx.client, {}, opts),
    listTimeZoneGroups(ctx.client, {}, opts),
  ]);
  return {
    department: new Map(departments.map((d) => [d.id, d.name])),
    group: new Map(groups.map((g) => [g.id, g])),
  };
}

export function userOut(u: User, names?: Awaited<ReturnType<typeof referenceNames>>): UserOut {
  const group = u.timeZoneGroupId == null ? undefined : names?.group.get(u.timeZoneGroupId);
  return compact({
    id: u.id,
    name: fullNameOf(u),
    username: u.username,
    email: u.email === '' ? undefined : u.email,
    firstName: u.firstName,
    middleName: u.middleName === '' ? undefined : u.middleName,
    lastName: u.lastName,
    departmentId: u.departmentId,
    department: u.departmentId == null ? undefined : names?.department.get(u.departmentId),
    timeZoneGroupId: u.timeZoneGroupId,
    timeZoneGroup: group?.name,
    timeZone: group?.timeZoneId,
    hired: u.hired,
    releaseDate: u.releaseDate,
    active: u.active,
  }) as UserOut;
}

// ---- get_user ------------------------------------------------------------------------------------------------

const MAX_ASSIGNED_PROJECTS = 100;
const ASSIGNMENTS_FEATURE = 'workAssignments';

async function scheduleOf(ctx: ToolContext, u: User, spec: string) {
  const [group, settings] = await Promise.all([
    getTimeZoneGroup(ctx.client, u.timeZoneGroupId ?? 'default', { signal: ctx.signal }),
    ctx.settings(),
  ]);
  // "This week" means the user's week, in the user's zone.
  const timeZone = group.timeZoneId || (await ctx.calendar()).timeZone;
  const period = parsePeriod(spec, {
    timeZone,
    weekStart: settings.format?.dayOfWeekStart ?? 1,
    now: ctx.now(),
    field: 'schedule',
  });
  const s = await getSchedule(ctx.client, u.id, period.from, period.to, { signal: ctx.signal });
  const days: Record<string, number> = {};
  let date = new Date(`${s.dateFrom}T00:00:00Z`);
  for (const minutes of s.schedule) {
    days[date.toISOString().slice(0, 10)] = minutes;
    date = new Date(date.getTime() + 86_400_000);
  }
  return {
    from: s.dateFrom,
    to: s.dateTo,
    timeZone,
    weekStart: period.weekStart,
    totalMinutes: s.schedule.reduce((a, b) => a + b, 0),
    days,
  };
}

async function assignmentsOf(ctx: ToolContext, u: User) {
  const part = await optionalPart(ctx, ASSIGNMENTS_FEATURE, () =>
    getWorkAssignments(ctx.client, u.id, { signal: ctx.signal }),
  );
  if (part.value === null) return part;
  const a = part.value;
  if (a.allScope) return { value: { allScope: true } };
  const ids = a.projectIds.slice(0, MAX_ASSIGNED_PROJECTS);
  const page =
    ids.length === 0
      ? { items: [] }
      : await listProjects(ctx.client, { ids, limit: ids.length }, { signal: ctx.signal });
  return {
    value: {
      allScope: false,
      customerIds: a.customerIds,
      projects: page.items.map((p) => ({ id: p.id, path: projectPath(p) })),
      projectCount: a.projectIds.length,
      taskCount: a.taskIds.length,
    },
  };
}

export const getUserTool = defineTool({
  name: 'get_user',
  title: 'Get user',
  description: 'Returns a user’s profile, optionally with scheduled minutes per day and assigned projects.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({
    user: refInput().optional().describe(ARG.user),
    schedule: z.string().min(1).max(64).optional().describe('a period, e.g. "this week"'),
    assignments: z.boolean().default(false).describe('also the projects they are assigned to'),
  }),
  outputSchema: z.looseObject({ user: UserCore }),
  async handler(args, ctx) {
    const u = await resolveUser(ctx, args.user);
    const [names, schedule, assignments] = await Promise.all([
      referenceNames(ctx),
      args.schedule === undefined ? undefined : scheduleOf(ctx, u, args.schedule),
      args.assignments ? assignmentsOf(ctx, u) : undefined,
    ]);
    return {
      user: userOut(u, names),
      ...(schedule ? { schedule } : {}),
      ...(assignments ? { assignments: assignments.value } : {}),
      ...(assignments && 'reason' in assignments ? { unavailable: { assignments: assignments.reason } } : {}),
    };
  },
});

// ---- list_users ----------------------------------------------------------------------------------------------

export const listUsersTool = defineTool({
  name: 'list_users',
  title: 'List users',
  description: 'Returns users matching all filters, paged: hasMore and nextOffset.',
  toolset: 'users',
  access: 'read',
  inputSchema: z.object({
    name: z.string().min(1).max(200).optional().describe('words in the name, e.g. "jane"'),
    department: refInput().optional().describe(ARG.department),
    timeZoneGroup: refInput().optional().describe('id or name'),
    active: z.boolean().optional().describe('only active (true) or deactivated (false) users'),
    limit: limitInput.describe(ARG.limit),
    offset: offsetInput.describe(ARG.offset),
  }),
  outputSchema: z.object({ items: z.array(UserCore), hasMore: z.boolean(), nextOffset: num.optional() }),
  async handler(args, ctx) {
    const [department, group, names] = await Promise.all([
      args.department === undefined ? undefined : resolveDepartment(ctx, args.department),
      args.timeZoneGroup === undefined ? undefined : resolveTimeZoneGroup(ctx, args.timeZoneGroup),
      referenceNames(ctx),
    ]);
    const page = await listUsers(
      ctx.client,
      {
        name: args.name,
        department: department?.id,
        timeZoneGroup: group?.id,
        active: args.active,
        sort: 'lastName',
        offset: args.offset,
        limit: args.limit + 1,
      },
      { signal: ctx.signal },
    );
    const hasMore = page.items.length > args.limit;
    const items = page.items.slice(0, args.limit).map((u) => {
      const full = userOut(u, names);
      return compact({
        id: full.id,
        name: full.name,
        username: full.username,
        department: full.department,
        timeZoneGroup: full.timeZoneGroup,
        active: full.active,
      }) as { id: number; name: string };
    });
    return { items, hasMore, ...(hasMore ? { nextOffset: args.offset + args.limit } : {}) };
  },
});

export const userTools: AnyTool[] = [getUserTool, listUsersTool] as AnyTool[];
