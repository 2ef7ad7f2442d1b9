/**
 * What the assistant reads of an error: the formatter's whole `{message, hint, …}`. Tests compare these whole
 * (issue "errors are data"): the client's errors carry fields, src/tools/error-text.ts writes every sentence.
 */
import { isActitimeError } from '../../src/actitime/errors.js';
import { actitimeErrorFields, type ErrorFields } from '../../src/tools/error-text.js';

export function shown(err: unknown): ErrorFields {
  if (!isActitimeError(err)) throw new Error(`expected an actiTIME client error, got ${String(err)}`);
  return actitimeErrorFields(err);
}

/** The sentence the assistant reads for `err`. */
export function said(err: unknown): string {
  return shown(err).message;
}
