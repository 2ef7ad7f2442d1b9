/**
 * The shape of every tool. A tool says what it does to actiTIME (`access`); every MCP hint is derived from that
 * one word, so hints cannot contradict each other (SEC-TS-01).
 */
import { z } from 'zod';

import type { ToolContext } from './context.js';
import type { Toolset } from './toolsets.js';

// Still exported here, beside the tool shape, for the registry, the README generator and their tests.
export { DEFAULT_TOOLSETS, TOOL_NAME, TOOLSETS, type Toolset } from './toolsets.js';

/** read: no change in actiTIME. write: creates or changes data. destructive: deletes or overwrites irrecoverably. */
export type Access = 'read' | 'write' | 'destructive';

export const MAX_DESCRIPTION_BYTES = 2048;

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** snake_case, `^[a-z][a-z0-9_]{0,63}$`. */
  name: string;
  title: string;
  /** At most 2 KB: when to use the tool, and what it returns. No template placeholders. */
  description: string;
  toolset: Toolset;
  access: Access;
  /**
   * For write/destructive tools: true when repeating the call with the same arguments leaves the same state
   * (set-style: "set Monday to 2h"), false when it adds again (add-style: "add 30 minutes", "create a task").
   * Ignored for reads (always idempotent).
   */
  idempotent?: boolean;
  /**
   * An MCP Apps view (`ui://…`, src/resources/views.ts) that hosts supporting the extension render for this tool's
   * results; others ignore it and read the result as always.
   */
  view?: string;
  /** Arguments. Unknown properties are refused at the boundary (the server makes the schema strict). */
  inputSchema: I;
  /** Every tool returns structured content that passes this schema (SEC-OUT-05). */
  outputSchema: O;
  /**
   * Receives validated, transformed arguments. Returns the structured result; throws ToolError or any
   * ActitimeError on failure (src/tools/format.ts turns both into isError results).
   */
  handler(args: z.output<I>, ctx: ToolContext): Promise<z.input<O>>;
}

/** A tool of any schema; what the registry and the server hold. */
export type AnyTool = ToolDefinition;

/** Identity helper: infers the argument and result types of `handler` from the schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool;
}

/** MCP tool annotations; an absent hint means the spec's default (below). */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** The defaults the MCP specification gives hints that are absent. */
export const HINT_DEFAULTS: Required<ToolAnnotations> = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

/**
 * The MCP annotations of a tool, derived from `access` (and `idempotent` for changes). Only hints that differ
 * from the spec's defaults are sent, because every tool's listing costs the model tokens on every turn; the
 * title is the tool's top-level `title`. Every tool is open-world (an actiTIME whose data other people change:
 * the default), destructiveHint is always explicit for changes since it is the hint hosts act on, and
 * destructive/idempotent hints mean nothing for a read-only tool.
 */
export function annotationsOf(tool: Pick<AnyTool, 'access' | 'idempotent'>): ToolAnnotations {
  if (tool.access === 'read') return { readOnlyHint: true };
  return {
    destructiveHint: tool.access === 'destructive',
    ...(tool.idempotent === true ? { idempotentHint: true } : {}),
  };
}

/** The hints a client reads from `annotationsOf`, defaults filled in. */
export function effectiveHints(annotations: ToolAnnotations): Required<ToolAnnotations> {
  return { ...HINT_DEFAULTS, ...annotations };
}

/**
 * The argument schema as enforced: unknown properties are refused at every depth (SEC-IN-01), whatever the
 * tool declared, so a misplaced `entries[0].dryRun` or `entries[0].username` is an error naming its path
 * instead of being dropped silently (a dropped `dryRun` would write for real).
 */
export function strictInput(tool: Pick<AnyTool, 'inputSchema'>): z.ZodObject {
  return deepStrict(tool.inputSchema) as z.ZodObject;
}

/** What deepStrict reads of a zod 4 schema's definition. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
}

type Cloneable = z.ZodType & { clone(def: object): z.ZodType };

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/**
 * A copy of `schema` whose objects, however deeply nested, all refuse unknown keys; refinements are kept, and so
 * are descriptions (zod keeps them in a registry by schema instance, so each copy is registered again).
 */
export function deepStrict(schema: z.ZodType): z.ZodType {
  const copy = strictCopy(schema);
  const meta = z.globalRegistry.get(schema);
  if (copy !== schema && meta !== undefined) z.globalRegistry.add(copy, meta);
  return copy;
}

function strictCopy(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as unknown as Def;
  const s = schema as Cloneable;
  if (def.type === 'object' && def.shape) {
    const shape = Object.fromEntries(Object.entries(def.shape).map(([k, v]) => [k, deepStrict(v)]));
    return s.clone({ ...def, shape, catchall: z.never() });
  }
  if (def.type === 'array' && def.element) return s.clone({ ...def, element: deepStrict(def.element) });
  if (WRAPPERS.has(def.type) && def.innerType)
    return s.clone({ ...def, innerType: deepStrict(def.innerType) });
  if (def.type === 'union' && def.options) return s.clone({ ...def, options: def.options.map(deepStrict) });
  if (def.type === 'pipe' && def.in && def.out) {
    return s.clone({ ...def, in: deepStrict(def.in), out: deepStrict(def.out) });
  }
  return schema;
}
