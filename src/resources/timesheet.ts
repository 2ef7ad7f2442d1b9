/**
 * `actitime://timesheet/{user}/{week}`: one user's timesheet for one ISO week (`2026-W47`, Monday–Sunday), the
 * same JSON get_timesheet returns. `user` is `me`, a username, an id or a name. Completions: usernames by
 * prefix, and the recent weeks (this one and the eight before it) in the caller's time zone.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { DateTime } from 'luxon';

import type { ActitimeClient } from '../actitime/client.js';
import { getInfo } from '../actitime/resources/info.js';
import { getTimeZoneGroup } from '../actitime/resources/reference.js';
import { getMe, listAllUsers } from '../actitime/resources/users.js';
import { parsePeriod, todayDate } from '../domain/period.js';
import { resolveUser } from '../domain/resolve/user.js';
import { sanitizeDeep } from '../domain/sanitize.js';
import { buildTimesheet } from '../domain/timesheet.js';
import type { ServerContext } from '../tools/context.js';
import { readOrThrow } from './read.js';

export const TIMESHEET_TEMPLATE = 'actitime://timesheet/{user}/{week}';
const ISO_WEEK = /^\d{4}-W\d{2}$/;
const MAX_COMPLETIONS = 20;
/** Recent weeks offered by completion. */
const RECENT_WEEKS = 9;

function nowOf(ctx: ServerContext): number {
  return (ctx.now ?? Date.now)();
}

/** The caller's zone and the company's week start, read like ToolContext.calendar() does. */
async function calendarOf(
  client: ActitimeClient,
  signal?: AbortSignal,
): Promise<{ timeZone: string; weekStart: number }> {
  const call = signal ? { signal } : {};
  const [me, info] = await Promise.all([getMe(client, call), getInfo(client, call)]);
  const group = await getTimeZoneGroup(client, me.timeZoneGroupId ?? 'default', call);
  return {
    timeZone: group.timeZoneId || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    weekStart: info.format?.dayOfWeekStart ?? 1,
  };
}

/** `2026-W47` for the week holding `date`. */
export function isoWeekOf(date: string): string {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

function decode(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function registerTimesheetResource(server: McpServer, ctx: ServerContext): void {
  const template = new ResourceTemplate(TIMESHEET_TEMPLATE, {
    list: undefined,
    complete: {
      user: async (value) => {
        const prefix = value.trim().toLowerCase();
        try {
          const users = await listAllUsers(ctx.client, { active: true });
          const names = users.items
            .map((u) => u.username)
            .filter((n): n is string => typeof n === 'string' && n.toLowerCase().startsWith(prefix));
          return ['me', ...names].filter((n) => n.startsWith(prefix)).slice(0, MAX_COMPLETIONS);
        } catch (err) {
          ctx.logger.debug('timesheet user completion failed', { error: String(err) });
          return 'me'.startsWith(prefix) ? ['me'] : [];
        }
      },
      week: async (value) => {
        const prefix = value.trim().toUpperCase();
        let today: string;
        try {
          today = todayDate((await calendarOf(ctx.client)).timeZone, nowOf(ctx));
        } catch {
          today = todayDate('UTC', nowOf(ctx));
        }
        const start = DateTime.fromISO(today, { zone: 'utc' });
        const weeks = Array.from({ length: RECENT_WEEKS }, (_, k) =>
          isoWeekOf(start.minus({ weeks: k }).toISODate() ?? today),
        );
        return weeks.filter((w) => w.startsWith(prefix));
      },
    },
  });

  server.registerResource(
    'timesheet',
    template,
    {
      title: 'Weekly timesheet',
      description:
        'One user’s timesheet for an ISO week (e.g. actitime://timesheet/me/2026-W47): per day scheduled, logged, ' +
        'leave, missing, overtime and approval; the task × day grid in minutes; totals per task and project.',
      mimeType: 'application/json',
    },
    async (uri, variables, extra) => {
      const userRef = decode(variables.user);
      const week = decode(variables.week).toUpperCase();
      if (userRef === '' || userRef.length > 800) {
        throw new McpError(ErrorCode.InvalidParams, 'user: give me, a username, an id or a name');
      }
      if (!ISO_WEEK.test(week)) {
        throw new McpError(ErrorCode.InvalidParams, 'week: expected an ISO week such as 2026-W47');
      }
      const sheet = await readOrThrow(ctx, uri.href, extra.signal, async (signal) => {
        const cal = await calendarOf(ctx.client, signal);
        const period = parsePeriod(week, { ...cal, now: nowOf(ctx), field: 'week' });
        const user = await resolveUser({ client: ctx.client, signal }, userRef, {
          field: 'user',
        });
        return buildTimesheet(ctx.client, {
          user,
          period: { from: period.from, to: period.to, timeZone: cal.timeZone, weekStart: cal.weekStart },
          today: todayDate(cal.timeZone, nowOf(ctx)),
          signal,
        });
      });
      return {
        contents: [
          { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(sheet)) },
        ],
      };
    },
  );
}
