/** GET /info (docs/actitime-model.md §2.1): system settings. There is no /settings endpoint. */
import type { RouteRegistrar } from '../types.js';
import { ok } from './common.js';
import { actiTimeUrl } from './views.js';

const names = (singular: string, plural: string) => ({ singular, plural });

export function registerInfo(r: RouteRegistrar): void {
  r.add('GET', '/info', (ctx) => {
    const { store } = ctx;
    const base = actiTimeUrl(ctx.apiBaseUrl);
    return ok({
      company: { ...store.info.company },
      customNames: {
        firstLevel: names('Customer', 'Customers'),
        secondLevel: names('Project', 'Projects'),
        thirdLevel: names('Task', 'Tasks'),
        department: names('Department', 'Departments'),
      },
      format: {
        currency: '$',
        decimalSeparator: '.',
        timeFormat: 'minutes',
        clockFormat: 'clock_format_24',
        dayOfWeekStart: 1,
      },
      features: {
        overtimeRegistration: true,
        departments: true,
        timeZoneGroups: true,
        taskEstimates: true,
        taskWorkflow: true,
        workAssignments: true,
        typesOfWork: true,
        leavetimeRegistration: true,
      },
      urls: {
        actiTime: base,
        actiPlans: null,
        api: ctx.apiBaseUrl,
        apiDocumentation: `${ctx.apiBaseUrl.replace(/\/+$/, '')}/swagger`,
      },
      limits: { maxBatchSize: store.limits.maxBatchSize, maxQueryLimit: store.limits.maxQueryLimit },
      serverUUID: store.info.serverUUID,
    });
  });
}
