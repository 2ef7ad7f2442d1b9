/**
 * Users by id, username, full name or all words of it; `'me'` is the caller. The user list is searched with the
 * API's `username` and `name` filters, except on a server whose `name` filter matches whole names only (see
 * nameSearch below). Lookups by id, username and name come from the client's cache when it holds them
 * (src/actitime/cache.ts: WORK_TTL_MS, dropped by any write of this server to users).
 */
import type { ActitimeClient } from '../../actitime/client.js';
import { pageSizeFor } from '../../actitime/resources/paging.js';
import { getUser, getUserCached, listUsers, listUsersCached } from '../../actitime/resources/users.js';
import type { User } from '../../actitime/schemas.js';
import { ToolError } from '../errors.js';
import { allWords, normaliseName } from '../names.js';
import { LOOKUP_LIMIT, probesOf, suggest, SUGGEST_LIMIT } from './match.js';
import { loadById, parseRef } from './ref.js';
import { ambiguous, notFound } from './refusals.js';
import { requestOptions, type Ref, type ResolveOptions, type Resolver } from './types.js';

function displayName(u: User): string {
  const full =
    u.fullName ?? [u.firstName, u.middleName, u.lastName].filter((p) => p != null && p !== '').join(' ');
  return full !== '' ? full : (u.username ?? `user ${u.id}`);
}

/** `Full Name (username)` when the username is visible. */
export function userLabel(u: User): string {
  const name = displayName(u);
  return u.username && u.username !== name ? `${name} (${u.username})` : name;
}

const TEAM_NAMES = new Set(['my team', 'team', 'my reports']);

/** Whether `ref` is one of the words for "my team" (src/domain/resolve/user-groups.ts expands it in lists). */
export function isTeamRef(ref: Ref | undefined): boolean {
  return typeof ref === 'string' && TEAM_NAMES.has(normaliseName(ref));
}

export interface ResolveUserOptions extends ResolveOptions {
  /** Only active (enabled) users match a name; by default disabled users match too (their past is real). */
  activeOnly?: boolean;
}

/**
 * A user by id, username, full name or all words of it; `undefined` or `'me'` is the caller. Disabled users match
 * unless `activeOnly` (a disabled user's past time is still worth reading); among several matches, active
 * users are preferred when that settles it.
 */
export async function resolveUser(
  r: Resolver,
  ref: Ref | undefined,
  options: ResolveUserOptions = {},
): Promise<User> {
  const field = options.field ?? 'user';
  const opts = requestOptions(r);
  if (ref === undefined || (typeof ref === 'string' && normaliseName(ref) === 'me')) {
    return r.me ? r.me() : getUser(r.client, 'me', opts);
  }
  if (isTeamRef(ref)) {
    throw new ToolError('validation', `${field}: "my team" is several people; ${field} takes one`, {
      field,
      hint: 'name one person; "my team" and department names work where a list of users is taken',
    });
  }
  const parsed = parseRef(ref, field);
  const byId = await loadById(ref, parsed, 'user', field, (id) => getUserCached(r.client, id, opts));
  if (byId) return byId;
  const query = parsed.text;
  const active = options.activeOnly ? true : undefined;
  const byUsername = await listUsersCached(r.client, { username: query, active, limit: 2 }, opts);
  // Callers without Manage Accounts & Permissions do not see usernames: trust the server's exact match then.
  const exactLogin = byUsername.items.filter(
    (u) => u.username == null || normaliseName(u.username) === normaliseName(query),
  );
  if (exactLogin.length === 1 && byUsername.items.length === 1) return exactLogin[0]!;

  const page = await listUsersCached(
    r.client,
    { name: query, active, limit: LOOKUP_LIMIT, sort: 'lastName' },
    opts,
  );
  learnNameSearch(r.client, page.items, query);
  let found = page.items;
  let more = found.length >= LOOKUP_LIMIT;
  // Suggestion probes asked of the server, each once: they also tell how it matches `name`.
  const probed = new Map<string, User[]>();
  const probe = async (words: string): Promise<User[]> => {
    let items = probed.get(words);
    if (!items) {
      items = (await listUsers(r.client, { name: words, active, limit: SUGGEST_LIMIT }, opts)).items;
      learnNameSearch(r.client, items, words);
      probed.set(words, items);
    }
    return items;
  };
  let listing: UserListing | undefined;
  if (found.length === 0 && nameSearch.get(r.client) !== 'words') {
    // Unknown: a server that searches words answers some probe, and the probes give the suggestions then.
    if (!nameSearch.has(r.client)) for (const p of probesOf(query)) await probe(p);
    if (nameSearch.get(r.client) !== 'words') {
      listing = await listUsersForNames(r, active);
      found = listing.users.filter((u) => userMatchesWords(u, query));
      more = found.length >= LOOKUP_LIMIT || (found.length > 0 && !listing.complete);
      found = found.slice(0, LOOKUP_LIMIT);
      if (found.length > 0) nameSearch.set(r.client, 'exact');
    }
  }
  const named = found.map((u) => ({ ...u, name: displayName(u) }));
  const q = normaliseName(query);
  const exact = named.filter((u) => normaliseName(u.name) === q);
  // The API's `name` filter may look at more than the full name (e.g. the username); only keep real matches.
  const words = exact.length > 0 ? exact : named.filter((u) => userMatchesWords(u, query));
  const preferActive = words.filter((u) => u.active !== false);
  const pool = words.length > 1 && preferActive.length === 1 ? preferActive : words;
  if (pool.length === 1 && (exact.length > 0 || !more)) return strip(pool[0]!);
  if (pool.length > 0) {
    throw ambiguous(
      'user',
      query,
      field,
      pool.map((u) => ({ id: u.id, path: userLabel(u) })),
      more,
    );
  }
  const candidates = await suggest(
    query,
    async (words) =>
      (listing ? listedMatches(listing, words) : await probe(words)).map((u) => ({
        ...u,
        name: displayName(u),
      })),
    (u) => userLabel(u),
  );
  throw notFound('user', query, field, candidates);
}

/**
 * How a server's `GET /users?name=` matches, learnt per client from its answers: every word a substring of the
 * name (the project's model), or the whole full name only, as `name` does elsewhere in the API
 * (docs/actitime-model.md §2.2). On the second kind a name search that finds nobody is answered by listing
 * the users and matching here, with the same word rule.
 */
const nameSearch = new WeakMap<ActitimeClient, 'words' | 'exact'>();

/** A row that is not the whole full name asked for shows a word search. */
function learnNameSearch(c: ActitimeClient, items: readonly User[], query: string): void {
  const q = normaliseName(query);
  const whole = (u: User) =>
    [u.fullName, [u.firstName, u.lastName], [u.firstName, u.middleName, u.lastName]]
      .map((n) => (Array.isArray(n) ? n.filter((p) => p != null && p !== '').join(' ') : (n ?? '')))
      .some((n) => normaliseName(n) === q);
  if (items.some((u) => !whole(u))) nameSearch.set(c, 'words');
}

/** The word rule of the model's `name` filter: every word in the full name or the username. */
function userMatchesWords(u: User, query: string): boolean {
  return allWords(`${displayName(u)} ${u.username ?? ''}`, query);
}

/** Pages of the user list read for local matching: enough for most companies, bounded for the rest. */
const LISTING_PAGES = 3;

interface UserListing {
  /** In last-name order, as the name search sorts. */
  users: User[];
  /** False when the bound cut the list short. */
  complete: boolean;
}

async function listUsersForNames(r: Resolver, active: boolean | undefined): Promise<UserListing> {
  const opts = requestOptions(r);
  const limit = await pageSizeFor(r.client, undefined, opts);
  const users: User[] = [];
  for (let page = 0; page < LISTING_PAGES; page++) {
    const got = await listUsers(r.client, { active, offset: users.length, limit, sort: 'lastName' }, opts);
    users.push(...got.items);
    if (got.items.length === 0 || got.items.length < (got.limit ?? limit)) return { users, complete: true };
  }
  return { users, complete: false };
}

/** A suggestion probe answered from the listing, as the model's `name` filter would (first rows by id). */
function listedMatches(listing: UserListing, words: string): User[] {
  return listing.users
    .filter((u) => userMatchesWords(u, words))
    .sort((a, b) => a.id - b.id)
    .slice(0, SUGGEST_LIMIT);
}

function strip(u: User & { name: string }): User {
  const { name: _name, ...rest } = u;
  return rest;
}
