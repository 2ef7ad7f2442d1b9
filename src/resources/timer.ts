/**
 * `actitime://timer`: the server's user's running timer (start_timer), for hosts that attach resources. Read from
 * the timer store alone, without asking actiTIME: times are shown in the zone the timer was started in.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

import { sanitizeDeep } from '../domain/sanitize.js';
import type { ServerContext } from '../tools/context.js';
import { serverTimers, timerKey, timerView } from '../tools/timer-state.js';

export const TIMER_URI = 'actitime://timer';

export function registerTimerResource(server: McpServer, ctx: ServerContext): void {
  server.registerResource(
    'timer',
    TIMER_URI,
    {
      title: 'Running timer',
      description:
        'The timer start_timer started and stop_timer will log: task, startedAt, minutes so far; {"running": false} when none runs.',
      mimeType: 'application/json',
    },
    (uri) => {
      const timer = serverTimers(ctx).get(timerKey(ctx.config));
      const now = (ctx.now ?? Date.now)();
      const body = timer === undefined ? { running: false } : { running: true, ...timerView(timer, now) };
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(sanitizeDeep(body)) }],
      };
    },
  );
}
