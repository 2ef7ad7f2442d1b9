/**
 * Resource templates for single objects: `actitime://customers/{id}`, `projects/{id}`, `tasks/{id}` and
 * `users/{id}`. `{id}` is an id (a name is resolved too, never used as a path segment). Completion looks the
 * typed text up with actiTIME's own filters (`words` for customers, projects and tasks, `name` for users), at
 * most 20 ids, best matches first; a completion never fails (on any error it offers nothing).
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

import { listCustomers } from '../actitime/resources/customers.js';
import { listProjects } from '../actitime/resources/projects.js';
import { listTasks } from '../actitime/resources/tasks.js';
import { listUsers } from '../actitime/resources/users.js';
import { resolveUser } from '../domain/resolve/user.js';
import { sanitizeDeep } from '../domain/sanitize.js';
import type { ServerContext } from '../tools/context.js';
import { referenceNames, userOut } from '../tools/users.js';
import { loadWorkItem } from '../tools/work-items.js';
import { protocolError, readOrThrow } from './read.js';

export const MAX_RESOURCE_COMPLETIONS = 20;
/** Longest text a completion passes on to actiTIME. */
const MAX_PREFIX = 100;

type Lookup = (
  ctx: ServerContext,
  q: { ids?: number[]; words?: string; name?: string; limit: number },
) => Promise<number[]>;

const LOOKUPS: Record<'customers' | 'projects' | 'tasks' | 'users', Lookup> = {
  customers: async (ctx, q) =>
    (await listCustomers(ctx.client, { ids: q.ids, words: q.words, limit: q.limit, sort: 'name' })).items.map(
      (i) => i.id,
    ),
  projects: async (ctx, q) =>
    (await listProjects(ctx.client, { ids: q.ids, words: q.words, limit: q.limit, sort: 'name' })).items.map(
      (i) => i.id,
    ),
  tasks: async (ctx, q) =>
    (await listTasks(ctx.client, { ids: q.ids, words: q.words, limit: q.limit, sort: 'name' })).items.map(
      (i) => i.id,
    ),
  users: async (ctx, q) =>
    (await listUsers(ctx.client, { ids: q.ids, name: q.words, limit: q.limit, sort: 'lastName' })).items.map(
      (i) => i.id,
    ),
};

/**
 * Ids for the typed text: digits are checked as an id; other text is searched by words. Never throws.
 */
export async function completeIds(
  ctx: ServerContext,
  kind: keyof typeof LOOKUPS,
  value: string,
): Promise<string[]> {
  const text = value.trim().slice(0, MAX_PREFIX);
  try {
    if (/^\d{1,10}$/.test(text)) {
      const found = await LOOKUPS[kind](ctx, { ids: [Number(text)], limit: 1 });
      return found.map(String);
    }
    if (text === '') return [];
    const ids = await LOOKUPS[kind](ctx, { words: text, limit: MAX_RESOURCE_COMPLETIONS });
    return ids.slice(0, MAX_RESOURCE_COMPLETIONS).map(String);
  } catch (err) {
    ctx.logger.debug('resource completion failed', { kind, error: String(err) });
    return [];
  }
}

function variable(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    text = raw;
  }
  if (text.trim() === '') throw protocolError(ErrorCode.InvalidParams, 'missing id in the resource URI');
  return text;
}

/** A numeric id stays a number; anything else is a name for the resolver (a query parameter, SEC-IN-02). */
function refOf(text: string): string | number {
  return /^\d{1,10}$/.test(text.trim()) ? Number(text.trim()) : text;
}

export function registerWorkResources(server: McpServer, ctx: ServerContext): void {
  const kinds = [
    ['customers', 'customer', 'Customer'],
    ['projects', 'project', 'Project'],
    ['tasks', 'task', 'Task'],
  ] as const;
  for (const [plural, kind, title] of kinds) {
    const template = `actitime://${plural}/{id}`;
    server.registerResource(
      plural,
      new ResourceTemplate(template, {
        list: undefined,
        complete: { id: (value) => completeIds(ctx, plural, value) },
      }),
      {
        title,
        description: `One ${kind} with all its properties (the JSON get_work_item returns as item).`,
        mimeType: 'application/json',
      },
      async (uri, vars, extra) => {
        const ref = refOf(variable(vars.id));
        const item = await readOrThrow(ctx, template, extra.signal, (signal) =>
          loadWorkItem({ client: ctx.client, signal }, kind, ref, true),
        );
        return {
          contents: [
            { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(item)) },
          ],
        };
      },
    );
  }

  server.registerResource(
    'users',
    new ResourceTemplate('actitime://users/{id}', {
      list: undefined,
      complete: { id: (value) => completeIds(ctx, 'users', value) },
    }),
    {
      title: 'User',
      description: 'One user: name, username, department, time-zone group and zone, hire dates, state.',
      mimeType: 'application/json',
    },
    async (uri, vars, extra) => {
      const ref = refOf(variable(vars.id));
      const user = await readOrThrow(ctx, 'actitime://users/{id}', extra.signal, async (signal) => {
        const r = { client: ctx.client, signal };
        return userOut(await resolveUser(r, ref), await referenceNames(r));
      });
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(user)) }],
      };
    },
  );
}
