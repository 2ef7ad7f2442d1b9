/**
 * Tool names and toolsets: what the server settings (src/config.ts) validate ACTITIME_TOOLSETS and
 * ACTITIME_TOOLS against. Kept apart from define.ts, whose tool shape needs the tool context and so the server
 * config, so that config.ts depends on these constants only.
 */
export const TOOLSETS = ['time', 'leave', 'work', 'users', 'reference', 'workflow', 'admin'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** On unless ACTITIME_TOOLSETS says otherwise; workflow and admin are opt-in. */
export const DEFAULT_TOOLSETS: readonly Toolset[] = ['time', 'leave', 'work', 'users', 'reference'];

/** snake_case, at most 64 characters. */
export const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
