/**
 * The descriptions of arguments that several tools share, written once. Each says what the argument takes with
 * one example; the model reads them on every turn (test/tools/budget.test.ts), so they are terse. The whole
 * period grammar is in the server instructions and in the hint of a refused period, not repeated per tool.
 */
export const ARG = {
  user: 'id, username, name or "me"; default you',
  users: 'ids or names, e.g. ["me", "my team"]; default all you can see',
  task: 'id, name or "Customer / Project / Task"',
  tasks: 'ids, names or "Customer / Project / Task" paths',
  project: 'id, name or "Customer / Project"',
  projects: 'ids, names or "Customer / Project" paths',
  customer: 'id or name',
  customers: 'ids or names',
  department: 'id or name',
  date: 'YYYY-MM-DD, today, yesterday, friday; default today',
  at: 'default now; "9:15", "yesterday 17:30", "15 min ago"',
  period: (fallback: string) => `e.g. "last week", "2026-Q3", "A..B"; default ${fallback}`,
  dryRun: 'true: plan only, returns a planToken',
  confirm: 'a planToken: applies exactly its plan',
  includeArchived: 'also match archived items',
  limit: 'page size',
  offset: 'items to skip (nextOffset)',
  mode: 'add (default) or set: replace, 0 clears',
  kind: 'customer, project or task',
  ref: 'id, name or path of that kind',
  typeOfWork: 'id or name',
  workflowStatus: 'id or name; not with status',
  taskStatus: 'default open',
  description: 'free text',
} as const;
