/**
 * copy_time: the cells of one day or period copied onto another (src/domain/copy-time.ts decides which), then
 * planned, confirmed and written exactly as log_time writes the same entries (runTimePlan in time.ts): the
 * result is log_time's, plus `copied`.
 */
import { z } from 'zod';

import { checkMapping, COPY_MODES, planCopyTime } from '../domain/copy-time.js';
import { planLogTime } from '../domain/log-time.js';
import { resolveUser } from '../domain/resolve/user.js';
import { ARG } from './arg-text.js';
import { defineTool, type AnyTool } from './define.js';
import {
  applyTimeToken,
  LOG_TIME_OUTPUT,
  logTimeContext,
  Obj,
  periodFor,
  periodInput,
  runTimePlan,
} from './time.js';
import { refInput } from './inputs.js';

/** A month onto a month at most: the plan goes through one log_time call. */
export const COPY_MAX_DAYS = 31;

export const copyTimeTool = defineTool({
  name: 'copy_time',
  title: 'Copy time',
  description:
    'Copy logged cells from one day onto each working day of `to`, or day by day between equally long ' +
    'periods; leave days skipped. Writes and returns like log_time, plus copied {filled, skipped}.',
  toolset: 'time',
  access: 'write',
  idempotent: false,
  inputSchema: z.object({
    from: periodInput({ maxDays: COPY_MAX_DAYS }).describe('source day or period, e.g. "yesterday"'),
    to: periodInput({ maxDays: COPY_MAX_DAYS }).describe('target period, e.g. "this week"'),
    user: refInput().optional().describe(ARG.user),
    mode: z
      .enum(COPY_MODES)
      .optional()
      .describe('fill-gaps (default): empty days only; add; replace: 0 where the source has none'),
    dryRun: z.boolean().optional().describe(ARG.dryRun),
    confirm: z.string().max(64).optional().describe(ARG.confirm),
  }),
  outputSchema: z.object({ ...LOG_TIME_OUTPUT, copied: Obj.optional() }),
  async handler(args, ctx) {
    const lctx = await logTimeContext(ctx);
    const tool = 'copy_time';
    if (args.confirm !== undefined) return applyTimeToken(ctx, lctx, tool, args);
    const me = args.user === undefined || (typeof args.user === 'string' && args.user.trim() === 'me');
    const [{ period: from }, { period: to }] = await Promise.all([
      periodFor(ctx, args.from, 'from', COPY_MAX_DAYS),
      periodFor(ctx, args.to, 'to', COPY_MAX_DAYS),
    ]);
    // A mapping that cannot be is refused before anything is looked up.
    checkMapping(from, to);
    const user = me ? await ctx.me() : await resolveUser(ctx, args.user, { field: 'user' });
    const { entries, copied } = await planCopyTime(lctx, {
      userId: user.id,
      user: me ? 'me' : user.id,
      from,
      to,
      mode: args.mode ?? 'fill-gaps',
    });
    if (entries.length === 0) {
      // Nothing to plan: log_time's result shape, empty.
      return {
        entries: [],
        summary: {},
        days: [],
        timeZone: lctx.calendar.timeZone,
        ...(args.dryRun ? { dryRun: true } : {}),
        copied,
      };
    }
    return runTimePlan(ctx, lctx, tool, args, await planLogTime(lctx, entries), { copied });
  },
});

export const copyTimeTools: AnyTool[] = [copyTimeTool] as AnyTool[];
