/**
 * Names that stand for several people where a list of users is taken: `"my team"` and department names.
 *
 * actiTIME has no "team" object. What it exposes is visibility: `GET /users` shows an administrator everyone,
 * a manager (Modify & Approve Users' Time-Track) themselves and their team, anyone else only themselves
 * (docs/actitime-model.md §2.2). So "my team" is the other active users this account can see: the people whose
 * time it may read and, with Modify & Approve, change. For a regular user it is empty, which is refused rather
 * than read as "no filter".
 */
import { listAllUsersCached } from '../../actitime/resources/users.js';
import type { User } from '../../actitime/schemas.js';
import { ToolError } from '../errors.js';
import { resolveDepartment } from './reference-lists.js';
import { requestOptions, type Ref, type Resolver } from './types.js';
import { isTeamRef, resolveUser, type ResolveUserOptions } from './user.js';

/** The active users this account sees, the caller excepted. */
export async function myTeam(r: Resolver, field: string): Promise<User[]> {
  const me = await resolveUser(r, 'me');
  const all = await listAllUsersCached(r.client, { active: true }, requestOptions(r));
  const team = all.items.filter((u) => u.id !== me.id);
  if (team.length === 0) {
    throw new ToolError(
      'not_found',
      `${field}: "my team" is empty: this account sees no other active users`,
      {
        field,
        hint: 'actiTIME shows a manager their team and an administrator everyone; name the people instead',
      },
    );
  }
  return team;
}

/**
 * One entry of a users list: a person (resolveUser), "my team", or, when no user has that name, a department's
 * active users. A department is tried only after the user lookup failed, so naming people costs no extra request.
 */
export async function resolveUserEntry(
  r: Resolver,
  ref: Ref,
  options: ResolveUserOptions & { field: string },
): Promise<User[]> {
  if (isTeamRef(ref)) return myTeam(r, options.field);
  try {
    return [await resolveUser(r, ref, options)];
  } catch (err) {
    if (!(err instanceof ToolError) || err.kind !== 'not_found' || typeof ref !== 'string') throw err;
    const department = await resolveDepartment(r, ref, { field: options.field }).catch(() => undefined);
    if (department === undefined) throw err;
    const members = await listAllUsersCached(
      r.client,
      { department: department.id, active: true },
      requestOptions(r),
    );
    if (members.items.length === 0) {
      throw new ToolError(
        'not_found',
        `${options.field}: department "${department.name}" has no active users`,
        {
          field: options.field,
          hint: 'name the people, or another department',
        },
      );
    }
    return members.items;
  }
}

/**
 * A users list with groups expanded, each person once, in the order first named. The entries are looked up
 * together (one round trip for a list of names, not one per name); when several fail, the first in the list is
 * the error shown.
 */
export async function resolveUserList(r: Resolver, refs: readonly Ref[], field = 'users'): Promise<User[]> {
  const settled = await Promise.allSettled(
    refs.map((ref, i) => resolveUserEntry(r, ref, { field: `${field}[${i}]` })),
  );
  const out = new Map<number, User>();
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    for (const u of s.value) out.set(u.id, u);
  }
  return [...out.values()];
}
