/**
 * The JSON Schemas tools/list sends, without the parts that say nothing: the dialect URI (MCP assumes one; ours
 * use nothing draft-specific), and the empty `properties: {}`, `additionalProperties: {}` and `items: {}` that
 * zod writes for open objects and arrays, `propertyNames: {type: string}` (every JSON key is one), text length
 * limits and a boolean's `default: false` (checked or implied on arrival), and
 * `additionalProperties: false` and `required` on results. Every tool's schemas go to the model on every turn (the budget in
 * test/tools/budget.test.ts); the meaning is unchanged: an open object is still open.
 *
 * A result's schema is listed to its top-level fields: what rows and nested objects hold is named in the tool's
 * description (and the write statuses in the server instructions), so below the top only each field's type, and
 * a scalar's const or enum, are listed. The full schema still checks every result (SEC-OUT-05).
 */
import { z } from 'zod';

type Json = Record<string, unknown>;

const isEmptyObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

const isStringType = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.keys(v).length === 1 && (v as Json).type === 'string';

export function compactSchema(node: unknown, io: 'input' | 'output' = 'input'): unknown {
  if (Array.isArray(node)) return node.map((n) => compactSchema(n, io));
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  const described = typeof (node as Json).description === 'string';
  for (const [key, value] of Object.entries(node as Json)) {
    // An alternative's own description repeats, at length, what its described parent says.
    if ((key === 'anyOf' || key === 'oneOf') && described && Array.isArray(value)) {
      out[key] = value.map((alt) => compactSchema(withoutDescription(alt), io));
      continue;
    }
    if (key === '$schema') continue;
    if ((key === 'properties' || key === 'additionalProperties' || key === 'items') && isEmptyObject(value))
      continue;
    // Text length limits are enforced on arrival with an error naming the field; listed, they only cost tokens.
    if (
      (key === 'minLength' && (value === 0 || value === 1)) ||
      (key === 'maxLength' && (node as Json).type === 'string')
    )
      continue;
    // A bound no caller comes near (an offset of ten million) only costs tokens; it is still enforced.
    if (key === 'maximum' && typeof value === 'number' && value >= 1_000_000) continue;
    // An optional flag that is absent is off: `default: false` says nothing more.
    if (key === 'default' && value === false && (node as Json).type === 'boolean') continue;
    // zod writes a regular expression beside `format: email`; the format says it.
    if (key === 'pattern' && (node as Json).format !== undefined) continue;
    // JSON object keys are always strings.
    if (key === 'propertyNames' && isStringType(value)) continue;
    // A result's closed objects and always-present keys tell the model nothing it acts on; the description says
    // what is returned. Arguments keep both (SEC-IN-01).
    if (io === 'output' && ((key === 'additionalProperties' && value === false) || key === 'required'))
      continue;
    // Property names are data, not schema keywords: only their schemas are compacted.
    out[key] =
      key === 'properties' || key === 'definitions' || key === '$defs'
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, compactSchema(v, io)]))
        : compactSchema(value, io);
  }
  return out;
}

function withoutDescription(node: unknown): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const { description: _d, ...rest } = node as Json;
  return rest;
}

/** Keys a nested result field keeps in the listing. */
const SHALLOW_KEYS = new Set(['type', 'const', 'enum', 'anyOf', 'description']);

/** A result field as listed: its type (alternatives' types), nothing of what it nests. */
function shallow(node: unknown): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  return Object.fromEntries(
    Object.entries(node as Json)
      .filter(([k]) => SHALLOW_KEYS.has(k))
      .map(([k, v]) => [k, k === 'anyOf' && Array.isArray(v) ? v.map(shallow) : v]),
  );
}

/** A tool's input or output schema as tools/list sends it. */
export function listedSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = compactSchema(z.toJSONSchema(schema, { io, target: 'draft-7' }), io) as Json;
  if (io === 'input' || typeof json.properties !== 'object' || json.properties === null) return json;
  const fields = Object.entries(json.properties as Json).map(([k, v]) => [k, shallow(v)]);
  return { ...json, properties: Object.fromEntries(fields) };
}
