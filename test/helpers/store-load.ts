/**
 * The large data set the store is loaded with, once in a test (what it holds) and once in `npm run bench` (how
 * fast): a year of 30-minute cells on every 20th of 200 tasks, for user 1.
 */
import { dateRange } from '../../src/simulator/dates.js';
import type { Store, Task } from '../../src/simulator/store.js';

export const YEAR_DAYS = dateRange('2025-01-01', '2025-12-31');
export const YEAR_TASKS = Array.from({ length: 10 }, (_, i) => 1 + 20 * i);

/** A plain open task (status 1, type of work 1, no deadline or estimate) for bulk data. */
export function plainTask(id: number, projectId: number, name: string): Task {
  return {
    id,
    projectId,
    name,
    description: null,
    created: 0,
    workflowStatusId: 1,
    typeOfWorkId: 1,
    deadline: null,
    estimatedTime: null,
  };
}

export function loadYearOfTime(s: Store): void {
  s.addCustomer({ id: 1, name: 'Bench', description: null, archived: false, created: 0 });
  s.addProject({ id: 1, customerId: 1, name: 'Bench', description: null, archived: false, created: 0 });
  for (let t = 1; t <= 200; t++) s.addTask(plainTask(t, 1, `T${t}`));
  for (const d of YEAR_DAYS) for (const t of YEAR_TASKS) s.setTime(1, d, t, 30);
}
