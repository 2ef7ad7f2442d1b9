/**
 * `summarize_time`: totals of logged time for a period grouped by up to three keys, in one call and one
 * time-track walk, with subtotals, a grand total and the billable split (src/domain/summary.ts).
 */
import { z } from 'zod';

import { listAllTimetrack } from '../actitime/resources/timetrack.js';
import type { User } from '../actitime/schemas.js';
import { GROUP_KEYS, summarizeTime, type GroupKey, type SummaryTask } from '../domain/summary.js';
import { nameOf } from '../domain/timesheet.js';
import { defineTool, type AnyTool } from './define.js';
import { echo, Obj, periodFor, periodInput, Rows, timeFilters } from './time.js';
import { ARG } from './arg-text.js';
import { refInput } from './inputs.js';

const Refs = z.array(refInput()).max(50);

export const summarizeTimeTool = defineTool({
  name: 'summarize_time',
  title: 'Summarize time',
  description:
    'Totals of logged time, e.g. hours per project per person. Returns rows {keys…, minutes, hm, ' +
    'billable, nonBillable}, subtotals per first key, total.',
  toolset: 'time',
  access: 'read',
  inputSchema: z.object({
    period: periodInput().optional().describe(ARG.period('this month')),
    groupBy: z
      .array(z.enum(GROUP_KEYS))
      .min(1)
      .max(3)
      .optional()
      .describe('row keys in order, e.g. ["project", "user"]; default ["project"]'),
    users: Refs.optional().describe(ARG.users),
    customers: Refs.optional().describe(ARG.customers),
    projects: Refs.optional().describe(ARG.projects),
    tasks: Refs.optional().describe(ARG.tasks),
  }),
  outputSchema: z.object({
    period: Obj,
    groupBy: z.array(z.string()),
    rows: Rows,
    subtotals: Rows.optional(),
    total: Obj,
    truncated: z.boolean().optional(),
  }),
  async handler(args, ctx) {
    const { period } = await periodFor(ctx, args.period ?? 'this month', 'period');
    const groupBy: GroupKey[] = [...new Set(args.groupBy ?? ['project' as const])];
    const { users, query } = await timeFilters(ctx, args);
    const list = await listAllTimetrack(
      ctx.client,
      {
        dateFrom: period.from,
        dateTo: period.to,
        ...query,
        includeReferenced: ['users', 'tasks', 'typesOfWork'],
      },
      { signal: ctx.signal },
    );
    const userMap = (list.users ?? {}) as Record<string, User>;
    const taskMap = (list.tasks ?? {}) as unknown as Record<string, SummaryTask>;
    const typeMap = (list.typesOfWork ?? {}) as unknown as Record<
      string,
      { name: string; billable?: boolean }
    >;
    const records = list.data
      .filter((d) => d.date >= period.from && d.date <= period.to)
      .flatMap((d) =>
        d.records.map((r) => ({ date: d.date, userId: d.userId, taskId: r.taskId, minutes: r.time })),
      );
    const summary = summarizeTime(
      records,
      {
        userName: (id) => {
          const u = userMap[String(id)] ?? users?.find((x) => x.id === id);
          return u ? nameOf(u) : `user ${id}`;
        },
        task: (id) => taskMap[String(id)],
        typeOfWork: (id) => typeMap[String(id)],
        weekStart: period.weekStart,
      },
      groupBy,
    );
    return { period: echo(period), groupBy, ...summary };
  },
});

export const summaryTools: AnyTool[] = [summarizeTimeTool] as AnyTool[];
