/**
 * User rates (docs/actitime-model.md §2.16, optional): `GET|PUT /userRates/{user}` with a bare array of rate periods.
 * Only callers with Manage Cost & Billing Data (admin in the seed) may read or replace them. The all-users
 * collection is not served: its shape is unknown.
 */
import { parseDate } from '../dates.js';
import { invalid } from '../list.js';
import { accessDenied, canSeeRates } from '../permissions.js';
import type { UserRate } from '../store.js';
import type { RouteRegistrar } from '../types.js';
import { mandatory, ok, pathUser } from './common.js';

const isRate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function parseRates(body: unknown, leaveTypeExists: (id: number) => boolean): UserRate[] {
  if (body === undefined || body === null) throw mandatory('body');
  if (!Array.isArray(body)) throw invalid('body');
  const seen = new Set<string>();
  return body.map((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) throw invalid('body');
    const r = raw as Record<string, unknown>;
    const dateFrom = parseDate(r.dateFrom);
    if (!dateFrom || seen.has(dateFrom)) throw invalid('dateFrom');
    seen.add(dateFrom);
    if (!isRate(r.regularRate)) throw invalid('regularRate');
    if (!isRate(r.overtimeRate)) throw invalid('overtimeRate');
    const leaveRates = r.leaveRates ?? [];
    if (!Array.isArray(leaveRates)) throw invalid('leaveRates');
    return {
      dateFrom,
      regularRate: r.regularRate,
      overtimeRate: r.overtimeRate,
      leaveRates: leaveRates.map((lr: unknown) => {
        const l = lr as Record<string, unknown> | null;
        if (!l || typeof l.leaveTypeId !== 'number' || !leaveTypeExists(l.leaveTypeId) || !isRate(l.rate))
          throw invalid('leaveRates');
        return { leaveTypeId: l.leaveTypeId, rate: l.rate };
      }),
    };
  });
}

export function registerUserRates(r: RouteRegistrar): void {
  r.add('GET', '/userRates/:user', (ctx) => {
    const target = pathUser(ctx);
    if (!canSeeRates(ctx.user)) throw accessDenied();
    return ok(
      (ctx.store.userRates.get(target.id) ?? []).map((x) => ({ ...x, leaveRates: [...x.leaveRates] })),
    );
  });

  r.add('PUT', '/userRates/:user', (ctx) => {
    const target = pathUser(ctx);
    if (!canSeeRates(ctx.user)) throw accessDenied();
    const rates = parseRates(ctx.body, (id) => ctx.store.leaveTypes.has(id));
    rates.sort((a, b) => (a.dateFrom < b.dateFrom ? -1 : 1));
    ctx.store.userRates.set(target.id, rates);
    return ok(rates);
  });
}
