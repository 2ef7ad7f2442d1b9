/**
 * Quirk switches: each one makes the simulator model the alternative reading of a behaviour that the public
 * material leaves open, so the client can be tested against both (docs/actitime-model.md, "Quirk switches").
 * Without any, the simulator answers with the model's own choices.
 */

export const QUIRKS = [
  'side-403',
  'side-404',
  'side-html',
  'zoned-timestamps',
  'comment-cleared',
  'batch-no-bodies',
  'hook-filter-strings',
  'exact-user-name',
  'empty-write-responses',
  'leave-time-field',
  'generic-errors',
  'no-rate-headers',
  'lenient-params',
  'no-delta',
  'missing-cell-zero',
] as const;

export type Quirk = (typeof QUIRKS)[number];

export const QUIRK_SUMMARY: Record<Quirk, string> = {
  'side-403': 'workAssignments and assignedUsers answer 403 access_denied',
  'side-404': 'workAssignments and assignedUsers answer 404 object_not_found',
  'side-html': 'workAssignments and assignedUsers answer 404 with an HTML error page',
  'zoned-timestamps': 'company zone Europe/Moscow; deadlines and seeded created stamps at its midnight',
  'comment-cleared': 'PATCH of a time cell without a comment key clears the comment',
  'batch-no-bodies': 'POST /batch without includeResponseBody answers statuses only',
  'hook-filter-strings': 'hook filter ids are comma-separated strings; number arrays are refused',
  'exact-user-name': 'GET /users?name= matches the whole full name (any case), not words',
  'empty-write-responses': 'leave cell PATCH answers an empty 200; time and leave deltas answer 204',
  'leave-time-field': 'leave rows and leave cells carry time instead of leaveTime',
  'generic-errors': 'every 400 key is api.error.bad_request; duplicate names answer 403',
  'no-rate-headers': 'no X-Ratelimit-Remaining / X-Ratelimit-Reset headers (Retry-After stays on 429)',
  'lenient-params': 'limit=0 or over the maximum, unknown includeReferenced, archived=all accepted',
  'no-delta': 'PATCH …/time delta endpoints do not exist (404 unknown_resource)',
  'missing-cell-zero': 'GET of an empty time or leave cell answers 200 with 0 minutes',
};

/**
 * `'a,b'`, `'all'` or `''` (none), or a list of such names. The result is in QUIRKS order without repeats.
 * An unknown name is an Error that names it and the valid ones.
 */
export function parseQuirks(spec: string | readonly string[]): Quirk[] {
  const names = (typeof spec === 'string' ? [spec] : spec)
    .flatMap((part) => part.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.includes('all')) return [...QUIRKS];
  for (const name of names) {
    if (!(QUIRKS as readonly string[]).includes(name))
      throw new Error(`unknown quirk "${name}"; valid: ${QUIRKS.join(', ')}, or all`);
  }
  return QUIRKS.filter((q) => names.includes(q));
}

/** The option of startSimulator as the set the simulator consults; names are checked like parseQuirks. */
export function quirkSet(option: readonly Quirk[] | 'all' | undefined): ReadonlySet<Quirk> {
  return new Set(option === undefined ? [] : parseQuirks(option));
}

export type SideRefusal = 'side-html' | 'side-404' | 'side-403';

/** The three side-* switches exclude each other; with several on, the strongest refusal wins. */
export function sideRefusal(quirks: ReadonlySet<Quirk>): SideRefusal | undefined {
  return (['side-html', 'side-404', 'side-403'] as const).find((q) => quirks.has(q));
}
