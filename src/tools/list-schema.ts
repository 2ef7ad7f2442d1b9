/**
 * The JSON Schemas tools/list sends, without the parts that say nothing: the dialect URI (MCP assumes one; ours
 * use nothing draft-specific), and the empty `properties: {}`, `additionalProperties: {}` and `items: {}` that
 * zod writes for open objects and arrays. Every tool's schemas go to the model on every turn (the budget in
 * test/tools/budget.test.ts); the meaning is unchanged: an open object is still open.
 */
import { z } from 'zod';

type Json = Record<string, unknown>;

const isEmptyObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

export function compactSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$schema') continue;
    if ((key === 'properties' || key === 'additionalProperties' || key === 'items') && isEmptyObject(value))
      continue;
    // Property names are data, not schema keywords: only their schemas are compacted.
    out[key] =
      key === 'properties' || key === 'definitions' || key === '$defs'
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, compactSchema(v)]))
        : compactSchema(value);
  }
  return out;
}

/** A tool's input or output schema as tools/list sends it. */
export function listedSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  return compactSchema(z.toJSONSchema(schema, { io, target: 'draft-7' })) as Json;
}
