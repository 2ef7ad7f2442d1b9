/**
 * Shared shapes of the endpoint functions: every function takes the client first and `{signal?}` last.
 */
import type { ActitimeClient } from '../client.js';
import { ActitimeApiError } from '../errors.js';
import type { PathSegment, Query } from '../path.js';

export interface CallOptions {
  signal?: AbortSignal;
}

/** `user` path parameter: numeric id, username, or `me`. */
export type UserRef = number | string;

/** Sort field; a bare field is sent as `+field` (some servers reject a bare one, docs/actitime-model.md §4). */
export type Sort = string;

export interface DeleteResult {
  deleted: true;
  /**
   * The first attempt failed ambiguously (5xx, timeout, reset) and the retry found the object gone: it was most
   * probably deleted by that first attempt (REL-RT-08). Report it as such.
   */
  goneOnRetry: boolean;
}

export function normaliseSort(sort: string | undefined): string | undefined {
  if (sort === undefined || sort === '') return undefined;
  return /^[+-]/.test(sort) ? sort : `+${sort}`;
}

/** The query with `sort` normalised; typed query interfaces pass through as a plain Query. */
export function toQuery(q: object | undefined): Query {
  const out: Query = { ...(q as Query) };
  if (typeof out.sort === 'string') out.sort = normaliseSort(out.sort);
  return out;
}

export function isNotFound(err: unknown): err is ActitimeApiError {
  return err instanceof ActitimeApiError && err.status === 404 && err.shortKey !== 'unknown_resource';
}

export function isUnknownResource(err: unknown): err is ActitimeApiError {
  return err instanceof ActitimeApiError && err.status === 404 && err.shortKey === 'unknown_resource';
}

/**
 * The server has no such route (an older version, docs/actitime-model.md §4 "Endpoint set"): 404
 * unknown_resource, a 404 without an actiTIME key (a web server's page), or 405. Nothing was applied.
 */
export function isMissingRoute(err: unknown): err is ActitimeApiError {
  if (!(err instanceof ActitimeApiError)) return false;
  return err.status === 405 || (err.status === 404 && (err.key === undefined || isUnknownResource(err)));
}

/**
 * DELETE by id. Flagged idempotent: ids are never reused, so repeating it cannot remove anything else; it gets
 * one retry after an ambiguous failure, and a 404 on that retry means the first attempt deleted it.
 */
export async function deleteById(
  c: ActitimeClient,
  path: readonly PathSegment[],
  query: Query | undefined,
  opts: CallOptions,
): Promise<DeleteResult> {
  const res = await c.send({ method: 'DELETE', path, query, idempotent: true, signal: opts.signal });
  return { deleted: true, goneOnRetry: res.goneOnRetry };
}
