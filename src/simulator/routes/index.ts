/**
 * Every resource route of the model (docs/actitime-model.md §2) except POST /batch (registered by the HTTP layer). Paths listed in model §2.18
 * (/settings, /holidays, /approvalStatus, /userGroups, /timetrack/totals) are deliberately absent: 404.
 */
import type { Quirk } from '../quirks.js';
import type { RouteRegistrar } from '../types.js';
import { registerCustomers } from './customers.js';
import { registerHooks } from './hooks.js';
import { registerInfo } from './info.js';
import { registerLeavetime } from './leavetime.js';
import { registerProjects } from './projects.js';
import { QuirkRoutes } from './quirk-routes.js';
import { registerReference } from './reference.js';
import { registerTasks } from './tasks.js';
import { registerTimetrack } from './timetrack.js';
import { registerUserRates } from './userRates.js';
import { registerUsers } from './users.js';
import { registerWorkflowStatuses } from './workflowStatuses.js';

export function registerRoutes(router: RouteRegistrar, quirks: ReadonlySet<Quirk>): void {
  const r = new QuirkRoutes(router, quirks);
  registerInfo(r);
  registerUsers(r);
  registerCustomers(r);
  registerProjects(r);
  registerTasks(r);
  registerTimetrack(r);
  registerLeavetime(r);
  registerReference(r);
  registerWorkflowStatuses(r);
  registerHooks(r);
  registerUserRates(r);
  r.assertComplete();
}
