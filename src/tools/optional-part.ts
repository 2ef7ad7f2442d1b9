/**
 * Parts of a result read from endpoints a real server may not offer or may refuse (assigned users, work
 * assignments: docs/actitime-model.md §2.17, §4 "Side endpoints"). Their failure degrades the result, never
 * fails it: the part comes back as `null`, and `unavailable` says why in one line. A server that lacks the
 * endpoint is remembered per client, so later calls do not ask again; a refusal (403) is not remembered,
 * because it may depend on the object.
 */
import { ActitimeApiError, UnexpectedResponseError } from '../actitime/errors.js';
import type { ToolContext } from './context.js';
import { unavailableReason } from './error-text.js';

export type Part<T> = { value: T } | { value: null; reason: string };

/** Statuses that mean "this server does not offer the endpoint". */
const ABSENT = new Set([404, 405, 501]);

export async function optionalPart<T>(
  ctx: Pick<ToolContext, 'client'>,
  feature: string,
  read: () => Promise<T>,
): Promise<Part<T>> {
  if (ctx.client.unsupported.has(feature)) return { value: null, reason: unavailableReason('absent') };
  try {
    return { value: await read() };
  } catch (err) {
    if (err instanceof ActitimeApiError && err.status === 403 && err.shortKey !== 'ip_banned') {
      return { value: null, reason: unavailableReason('refused', err) };
    }
    if (err instanceof ActitimeApiError && ABSENT.has(err.status)) {
      ctx.client.unsupported.add(feature);
      return { value: null, reason: unavailableReason('absent', err) };
    }
    if (err instanceof UnexpectedResponseError) {
      // An HTML page or unreadable JSON where an optional endpoint should be: the server has no such API.
      ctx.client.unsupported.add(feature);
      return { value: null, reason: unavailableReason(err.reason === 'html' ? 'page' : 'unreadable') };
    }
    throw err;
  }
}
