/**
 * Fixed resources: the short reference lists other tools refer to by id (workflow statuses, leave types, types
 * of work, departments, time-zone groups) and the signed-in user. Served from the client's reference cache;
 * archived entries are kept, flagged, so a reader can explain an old record.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

import {
  getTimeZoneGroup,
  listDepartments,
  listLeaveTypes,
  listTimeZoneGroups,
  listTypesOfWork,
} from '../actitime/resources/reference.js';
import { getMe } from '../actitime/resources/users.js';
import { listWorkflowStatuses } from '../actitime/resources/workflowStatuses.js';
import { sanitizeDeep } from '../domain/sanitize.js';
import type { ServerContext } from '../tools/context.js';
import { referenceNames, userOut } from '../tools/users.js';
import { compact } from '../tools/outputs.js';
import { readOrThrow } from './read.js';

interface FixedResource {
  name: string;
  uri: string;
  title: string;
  description: string;
  read(ctx: ServerContext, signal: AbortSignal): Promise<unknown>;
}

export const REFERENCE_RESOURCES: readonly FixedResource[] = [
  {
    name: 'workflow-statuses',
    uri: 'actitime://workflow-statuses',
    title: 'Workflow statuses',
    description: 'Task workflow statuses: id, name, type (open or completed).',
    read: async (ctx, signal) => ({
      items: (await listWorkflowStatuses(ctx.client, {}, { signal })).map((s) => ({
        id: s.id,
        name: s.name,
        type: s.type,
      })),
    }),
  },
  {
    name: 'leave-types',
    uri: 'actitime://leave-types',
    title: 'Leave types',
    description: 'Leave types: id, name, balance (PTO, Sick or None), rate factor, archived.',
    read: async (ctx, signal) => ({
      items: (await listLeaveTypes(ctx.client, {}, { signal })).map((t) =>
        compact({
          id: t.id,
          name: t.name,
          balance: t.balance,
          rateFactor: t.rateFactor,
          archived: t.archived,
        }),
      ),
    }),
  },
  {
    name: 'types-of-work',
    uri: 'actitime://types-of-work',
    title: 'Types of work',
    description:
      'Types of work: id, name, billable, default, archived, and the rate when the user may see it.',
    read: async (ctx, signal) => ({
      items: (await listTypesOfWork(ctx.client, {}, { signal })).map((t) =>
        compact({
          id: t.id,
          name: t.name,
          billable: t.billable,
          default: t.default,
          archived: t.archived,
          rate: t.rate,
        }),
      ),
    }),
  },
  {
    name: 'departments',
    uri: 'actitime://departments',
    title: 'Departments',
    description: 'Departments: id and name; the default one (-1) holds users without a department.',
    read: async (ctx, signal) => ({
      items: (await listDepartments(ctx.client, {}, { signal })).map((d) =>
        compact({ id: d.id, name: d.name, default: d.default }),
      ),
    }),
  },
  {
    name: 'time-zone-groups',
    uri: 'actitime://time-zone-groups',
    title: 'Time zone groups',
    description:
      'Time-zone groups: id, name and IANA time zone; dates of their members are counted in that zone.',
    read: async (ctx, signal) => ({
      items: (await listTimeZoneGroups(ctx.client, {}, { signal })).map((g) =>
        compact({ id: g.id, name: g.name, timeZoneId: g.timeZoneId, default: g.default }),
      ),
    }),
  },
  {
    name: 'me',
    uri: 'actitime://me',
    title: 'Signed-in user',
    description:
      'The actiTIME user this server acts as: name, username, department, time-zone group and zone.',
    read: async (ctx, signal) => {
      const me = await getMe(ctx.client, { signal });
      const [names, group] = await Promise.all([
        referenceNames({ client: ctx.client, signal }),
        getTimeZoneGroup(ctx.client, me.timeZoneGroupId ?? 'default', { signal }),
      ]);
      return { ...userOut(me, names), timeZone: group.timeZoneId ?? undefined };
    },
  },
];

export function registerReferenceResources(server: McpServer, ctx: ServerContext): void {
  for (const r of REFERENCE_RESOURCES) {
    server.registerResource(
      r.name,
      r.uri,
      { title: r.title, description: r.description, mimeType: 'application/json' },
      async (uri, extra) => {
        const data = await readOrThrow(ctx, r.uri, extra.signal, (signal) => r.read(ctx, signal));
        return {
          contents: [
            { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(data)) },
          ],
        };
      },
    );
  }
}
