/**
 * What a caller may see and do (docs/actitime-model.md §1.13), for the seeded roles:
 * - admin: every permission;
 * - manager: Modify & Approve Users' Time-Track for `team` + Manage Scope of Work over `scopeCustomerIds`;
 * - regular: Enter Time-Track on the user's own work assignments.
 * Reads: an existing object the caller cannot see is a 403, a missing one a 404 (routes decide which).
 */
import type { Customer, Project, Store, StoreUser, Task } from './store.js';
import { SimError } from './types.js';

export function accessDenied(): SimError {
  return new SimError(403, 'access_denied');
}

export function notFound(field?: string): SimError {
  return new SimError(404, 'object_not_found', undefined, field);
}

export function isAdmin(u: StoreUser): boolean {
  return u.role === 'admin';
}

/** Manage Scope of Work (or admin): may create customers and change workflow statuses. */
export function canManageScope(u: StoreUser): boolean {
  return u.role === 'admin' || u.role === 'manager';
}

/** Manage Accounts & Permissions: usernames, e-mails, hire and release dates, user writes. */
export function canManageAccounts(u: StoreUser): boolean {
  return u.role === 'admin';
}

/** Manage Cost & Billing Data / System Settings: type-of-work rates, user rates. */
export function canSeeRates(u: StoreUser): boolean {
  return u.role === 'admin';
}

/** Lock Time-Track For Any User. */
export function canLock(u: StoreUser): boolean {
  return u.role === 'admin';
}

/** Whether the customer is administered by the caller (admin, or a manager whose scope holds it). */
export function managesCustomer(u: StoreUser, customerId: number): boolean {
  return u.role === 'admin' || (u.role === 'manager' && u.scopeCustomerIds.has(customerId));
}

/** The task is in the user's work assignments (what Enter Time-Track covers). */
export function isAssigned(store: Store, u: StoreUser, task: Task): boolean {
  const a = u.assignment;
  if (a.allScope || a.taskIds.has(task.id) || a.projectIds.has(task.projectId)) return true;
  return a.customerIds.has(store.taskCustomerId(task));
}

export function canReadTask(store: Store, u: StoreUser, task: Task): boolean {
  return isAdmin(u) || managesCustomer(u, store.taskCustomerId(task)) || isAssigned(store, u, task);
}

export function canReadProject(store: Store, u: StoreUser, p: Project): boolean {
  if (isAdmin(u) || managesCustomer(u, p.customerId)) return true;
  const a = u.assignment;
  if (a.allScope || a.projectIds.has(p.id) || a.customerIds.has(p.customerId)) return true;
  for (const taskId of a.taskIds) if (store.tasks.get(taskId)?.projectId === p.id) return true;
  return false;
}

export function canReadCustomer(store: Store, u: StoreUser, c: Customer): boolean {
  if (isAdmin(u) || managesCustomer(u, c.id)) return true;
  const a = u.assignment;
  if (a.allScope || a.customerIds.has(c.id)) return true;
  for (const projectId of a.projectIds) if (store.projects.get(projectId)?.customerId === c.id) return true;
  for (const taskId of a.taskIds) {
    const t = store.tasks.get(taskId);
    if (t && store.taskCustomerId(t) === c.id) return true;
  }
  return false;
}

/** Users the caller may see: admin all, a manager self + team, others only themselves. */
export function canReadUser(caller: StoreUser, target: StoreUser): boolean {
  return (
    isAdmin(caller) || caller.id === target.id || (caller.role === 'manager' && caller.team.has(target.id))
  );
}

/** Reading time-track and leave time of `target`. */
export function canReadTimeOf(caller: StoreUser, target: StoreUser): boolean {
  return canReadUser(caller, target);
}

/** Writing some time or leave of `target` at all (task scope is checked separately). */
export function canWriteTimeOf(caller: StoreUser, target: StoreUser): boolean {
  return canReadUser(caller, target);
}

/**
 * Writing `target`'s time on `task`: admin anything; one's own time on one's own assignments (a manager also on
 * the scope they administer); a manager's team member's time on tasks in the manager's scope.
 */
export function canWriteTimeOnTask(store: Store, caller: StoreUser, target: StoreUser, task: Task): boolean {
  if (isAdmin(caller)) return true;
  const inScope = managesCustomer(caller, store.taskCustomerId(task));
  if (caller.id === target.id) return isAssigned(store, caller, task) || inScope;
  return caller.role === 'manager' && caller.team.has(target.id) && inScope;
}

/** `allowedActions` of a user object: whether the caller may submit that user's time-track. */
export function canSubmitTimetrackFor(caller: StoreUser, target: StoreUser): boolean {
  return target.active && canWriteTimeOf(caller, target);
}
