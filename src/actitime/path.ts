/**
 * URL building. Every caller-supplied value becomes exactly one percent-encoded path segment or one query
 * parameter; anything that could change the route (dot segments, separators, pre-encoded text) is refused
 * before a request exists (SEC-IN-02).
 */
import { InvalidRequestError } from './errors.js';

export type PathSegment = string | number;
export type QueryValue = string | number | boolean | ReadonlyArray<string | number> | undefined | null;
export type Query = Record<string, QueryValue>;

const MAX_SEGMENT_LENGTH = 255;
// `%` is refused too: a pre-encoded value such as `%2e%2e` would be a different value once the server decodes it.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[/\\?#%\u0000-\u001f\u007f]/;

/** One path segment, percent-encoded; throws InvalidRequestError for anything that is not a plain value. */
export function encodeSegment(value: PathSegment): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidRequestError('not_integer', 'id');
    return String(value);
  }
  if (typeof value !== 'string') throw new InvalidRequestError('not_a_segment', 'id');
  if (value === '' || value.trim() === '') throw new InvalidRequestError('empty', 'id');
  if (value === '.' || value === '..') throw new InvalidRequestError('dot_segment', 'id');
  if (value.length > MAX_SEGMENT_LENGTH) throw new InvalidRequestError('too_long', 'id');
  if (FORBIDDEN.test(value)) {
    throw new InvalidRequestError('forbidden_character', 'id');
  }
  return encodeURIComponent(value);
}

/** `/a/b/c` from segments, each encoded by encodeSegment. */
export function buildPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) throw new InvalidRequestError('empty_path');
  return '/' + segments.map(encodeSegment).join('/');
}

function queryValue(key: string, value: Exclude<QueryValue, undefined | null>): string {
  if (Array.isArray(value)) return value.map((v) => queryValue(key, v)).join(',');
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidRequestError('not_finite', key);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * `?a=1&ids=1%2C2` or `` when nothing is set. Arrays become one comma-joined parameter (never repeated), `+`
 * is sent as `%2B` (a raw `+` would decode to a space) and spaces as `%20`.
 */
export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    // An empty id list is ambiguous ("none" or "all"); refusing it surfaces the caller's bug instead of guessing.
    if (Array.isArray(value) && value.length === 0) throw new InvalidRequestError('empty_list', key);
    params.append(key, queryValue(key, value as Exclude<QueryValue, undefined | null>));
  }
  const text = params.toString().replace(/\+/g, '%20');
  return text ? '?' + text : '';
}
