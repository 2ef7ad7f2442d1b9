/**
 * The shape of every tool. A tool says what it does to actiTIME (`access`); every MCP hint is derived from that
 * one word, so hints cannot contradict each other (SEC-TS-01).
 */
import type { z } from 'zod';

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

export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** The MCP annotations of a tool, all derived from `access` (and `idempotent` for changes). */
export function annotationsOf(tool: Pick<AnyTool, 'title' | 'access' | 'idempotent'>): ToolAnnotations {
  const read = tool.access === 'read';
  return {
    title: tool.title,
    readOnlyHint: read,
    destructiveHint: tool.access === 'destructive',
    idempotentHint: read ? true : tool.idempotent === true,
    // Every tool talks to an actiTIME server whose data other people change.
    openWorldHint: true,
  };
}

/** The argument schema as enforced: unknown properties are refused (SEC-IN-01), whatever the tool declared. */
export function strictInput(tool: Pick<AnyTool, 'inputSchema'>): z.ZodObject {
  return tool.inputSchema.strict();
}
