/**
 * Completion sources for prompt arguments: periods and days from the period grammar, users by username or
 * name prefix, departments by name prefix. A completion never fails: on any error it offers nothing (or the
 * static part), since completion is a convenience.
 */
import { listDepartments } from '../actitime/resources/reference.js';
import { listAllUsers } from '../actitime/resources/users.js';
import type { ServerContext } from '../tools/context.js';

export const MAX_COMPLETIONS = 20;

export const PERIOD_VALUES = [
  'today',
  'yesterday',
  'this week',
  'last week',
  'next week',
  'this month',
  'last month',
  'last 7 days',
  'last 14 days',
  'last 30 days',
] as const;

export const DAY_VALUES = [
  'today',
  'yesterday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'last friday',
] as const;

function byPrefix(values: readonly string[], value: string): string[] {
  const prefix = value.trim().toLowerCase();
  return values.filter((v) => v.toLowerCase().startsWith(prefix)).slice(0, MAX_COMPLETIONS);
}

export const completePeriod = (value: string): string[] => byPrefix(PERIOD_VALUES, value);
export const completeDay = (value: string): string[] => byPrefix(DAY_VALUES, value);

/** Users the caller can see whose username, first or last name starts with the prefix; `me` first. */
export async function completeUser(ctx: ServerContext, value: string): Promise<string[]> {
  const prefix = value.trim().toLowerCase();
  const out = 'me'.startsWith(prefix) ? ['me'] : [];
  try {
    const users = await listAllUsers(ctx.client, { active: true });
    for (const u of users.items) {
      const names = [u.username, u.firstName, u.lastName].filter(
        (n): n is string => typeof n === 'string' && n !== '',
      );
      if (!names.some((n) => n.toLowerCase().startsWith(prefix))) continue;
      const label = u.username ?? u.fullName ?? String(u.id);
      if (!out.includes(label)) out.push(label);
    }
  } catch (err) {
    ctx.logger.debug('user completion failed', { error: String(err) });
  }
  return out.slice(0, MAX_COMPLETIONS);
}

export async function completeDepartment(ctx: ServerContext, value: string): Promise<string[]> {
  try {
    const departments = await listDepartments(ctx.client);
    return byPrefix(
      departments.map((d) => d.name),
      value,
    );
  } catch (err) {
    ctx.logger.debug('department completion failed', { error: String(err) });
    return [];
  }
}
