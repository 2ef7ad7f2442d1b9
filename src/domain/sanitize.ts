/**
 * Text hygiene at both edges. Results: invisible, bidi and tag characters are stripped from every string, so
 * text from actiTIME cannot hide instructions from the user while the model still reads them (SEC-OUT-06).
 * Inputs: free text going to actiTIME is length-capped and may not carry control characters (SEC-IN-05).
 */
import { z } from 'zod';

/**
 * Every format character (Cf: zero-width, bidi embeddings/overrides/isolates, word joiner, BOM, tags U+E0001 and
 * U+E0020–U+E007F, soft hyphen…), plus the unassigned rest of the tag block, which \p{Cf} does not cover.
 */
const INVISIBLE = /[\p{Cf}\u{E0000}-\u{E007F}]/gu;
/** C0 and C1 controls except tab, line feed and carriage return (valid in multi-line comments). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** Any run of control characters, line breaks included: untrusted text is shown on one line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_RUN = /[\u0000-\u001F\u007F-\u009F]+/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Strips invisible characters from every string (and key) of a JSON-like value; other values are kept. */
export function sanitizeDeep<T>(value: T): T {
  return walk(value, 0) as T;
}

const MAX_DEPTH = 64;

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return stripInvisible(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[stripInvisible(k)] = walk(v, depth + 1);
  return out;
}

/** Shortens untrusted text (e.g. an upstream error message) to `max` characters, cleaned and on one line. */
export function capUntrusted(text: string, max = 300): string {
  const oneLine = stripInvisible(text).replace(CONTROL_RUN, ' ').trim();
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

export const COMMENT_MAX_LENGTH = 1000;
export const NAME_MAX_LENGTH = 255;

/**
 * A free-text input for actiTIME: invisible characters stripped, control characters refused, length capped after
 * stripping. Built on zod so a bad value fails input validation before any request is sent.
 */
export function textInput(options: { max: number; min?: number; description?: string }) {
  const { max, min = 0 } = options;
  const schema = z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !hasControlCharacters(s), { message: 'must not contain control characters' })
    .transform((s) => stripInvisible(s))
    .refine((s) => s.trim().length >= min, {
      message: min === 1 ? 'must not be blank' : `must have at least ${min} visible characters`,
    });
  return options.description ? schema.describe(options.description) : schema;
}

/** A time-track or leave comment (SEC-IN-05). `""` is allowed: it clears the comment. */
export const commentInput = (
  description = `Comment, at most ${COMMENT_MAX_LENGTH} characters; "" clears it`,
) => textInput({ max: COMMENT_MAX_LENGTH, description });

/** A name for a customer, project, task or status: 1–255 characters, no control characters. */
export const nameInput = (description = `Name, 1–${NAME_MAX_LENGTH} characters`) =>
  textInput({ max: NAME_MAX_LENGTH, min: 1, description });
