/**
 * Writes that succeed without a body. Whether actiTIME echoes the changed object after a write is not
 * confirmed (docs/actitime-model.md §4, "write answers"): some servers answer 200 with an empty body, or 204.
 * Such an answer is a success like any other 2xx; only a body that is there and unusable makes a write "maybe
 * applied" (client.ts).
 */
import { z } from 'zod';

import type { ActitimeClient, RequestOptions } from '../client.js';

/** A 2xx answer, or a batch sub-result, that carries nothing: absent, null or the empty string. */
export function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

/**
 * request() for a write whose success may come without a body: `undefined` then. A body that is there is
 * validated by `schema` inside the client as usual (a bad one is UnexpectedResponseError, maybe applied).
 */
export function requestMaybeEmpty<T>(
  c: ActitimeClient,
  opts: Omit<RequestOptions<T>, 'schema'> & { schema: z.ZodType<T> },
): Promise<T | undefined> {
  // The transport reads an empty 2xx (Content-Length 0, or 204) as `undefined`.
  return c.request({ ...opts, schema: z.optional(opts.schema) });
}
