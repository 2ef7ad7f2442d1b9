/**
 * Wire shapes of every entity. `allowedActions` is added only where the model says so (docs/actitime-model.md §1.10) (single GETs, list
 * items, write responses); reference maps and hook payloads use the plain shapes.
 */
import {
  canManageAccounts,
  canManageScope,
  canSeeRates,
  canSubmitTimetrackFor,
  managesCustomer,
} from '../permissions.js';
import type {
  Comment,
  Customer,
  Department,
  LeaveType,
  Project,
  Store,
  StoreUser,
  Task,
  TimeZoneGroup,
  TypeOfWork,
  WorkflowStatus,
} from '../store.js';

/** `<actiTIME URL>`: the API base without `/api/v1`. */
export function actiTimeUrl(apiBaseUrl: string): string {
  return apiBaseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

export function customerView(store: Store, c: Customer, apiBaseUrl = store.apiBaseUrl) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    archived: c.archived,
    created: c.created,
    url: `${actiTimeUrl(apiBaseUrl)}/tasks/tasklist.do?customerId=${c.id}`,
  };
}

export function projectView(store: Store, p: Project, apiBaseUrl = store.apiBaseUrl) {
  return {
    id: p.id,
    name: p.name,
    customerId: p.customerId,
    customerName: store.customers.get(p.customerId)?.name ?? '',
    description: p.description,
    archived: p.archived,
    created: p.created,
    url: `${actiTimeUrl(apiBaseUrl)}/tasks/tasklist.do?projectId=${p.id}`,
  };
}

export function taskView(store: Store, t: Task, apiBaseUrl = store.apiBaseUrl) {
  const project = store.projects.get(t.projectId);
  const customer = project ? store.customers.get(project.customerId) : undefined;
  const status = store.workflowStatuses.get(t.workflowStatusId);
  const type = store.typesOfWork.get(t.typeOfWorkId);
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    created: t.created,
    status: status?.type ?? 'open',
    workflowStatusId: t.workflowStatusId,
    workflowStatusName: status?.name ?? '',
    typeOfWorkId: t.typeOfWorkId,
    typeOfWorkName: type?.name ?? '',
    deadline: t.deadline === null ? null : store.dateMs(t.deadline),
    estimatedTime: t.estimatedTime,
    url: `${actiTimeUrl(apiBaseUrl)}/tasks/tasklist.do?taskId=${t.id}`,
    projectId: t.projectId,
    projectName: project?.name ?? '',
    customerId: project?.customerId ?? 0,
    customerName: customer?.name ?? '',
  };
}

function scopeActions(caller: StoreUser, customerId: number) {
  const can = managesCustomer(caller, customerId);
  return { canModify: can, canDelete: can };
}

export function customerOut(store: Store, caller: StoreUser, c: Customer, apiBaseUrl: string) {
  return { ...customerView(store, c, apiBaseUrl), allowedActions: scopeActions(caller, c.id) };
}

export function projectOut(store: Store, caller: StoreUser, p: Project, apiBaseUrl: string) {
  return { ...projectView(store, p, apiBaseUrl), allowedActions: scopeActions(caller, p.customerId) };
}

export function taskOut(store: Store, caller: StoreUser, t: Task, apiBaseUrl: string) {
  return { ...taskView(store, t, apiBaseUrl), allowedActions: scopeActions(caller, store.taskCustomerId(t)) };
}

export function statusView(s: WorkflowStatus) {
  return { id: s.id, name: s.name, type: s.type };
}

export function lastOfType(store: Store, s: WorkflowStatus): boolean {
  for (const other of store.workflowStatuses.values())
    if (other.id !== s.id && other.type === s.type) return false;
  return true;
}

export function statusOut(store: Store, caller: StoreUser, s: WorkflowStatus) {
  const canModify = canManageScope(caller);
  return {
    ...statusView(s),
    allowedActions: {
      canModify,
      canDelete: canModify && !store.statusInUse(s.id) && !lastOfType(store, s),
    },
  };
}

/** The user without allowedActions; restricted fields only for Manage Accounts & Permissions. */
export function userView(store: Store, viewer: StoreUser, u: StoreUser) {
  const restricted = canManageAccounts(viewer);
  return {
    id: u.id,
    ...(restricted ? { username: u.username, email: u.email } : {}),
    firstName: u.firstName,
    middleName: u.middleName,
    lastName: u.lastName,
    fullName: store.fullName(u),
    departmentId: u.departmentId,
    timeZoneGroupId: u.timeZoneGroupId,
    ...(restricted ? { hired: u.hired, releaseDate: u.releaseDate } : {}),
    active: u.active,
  };
}

export function userOut(store: Store, caller: StoreUser, u: StoreUser) {
  return {
    ...userView(store, caller, u),
    allowedActions: { canSubmitTimetrack: canSubmitTimetrackFor(caller, u) },
  };
}

export function departmentView(d: Department) {
  return { id: d.id, name: d.name, default: d.default };
}

export function timeZoneGroupView(g: TimeZoneGroup) {
  return { id: g.id, name: g.name, timeZoneId: g.timeZoneId, default: g.default };
}

export function leaveTypeView(l: LeaveType) {
  return { id: l.id, name: l.name, balance: l.balance, rateFactor: l.rateFactor, archived: l.archived };
}

export function typeOfWorkView(viewer: StoreUser, t: TypeOfWork) {
  return {
    id: t.id,
    name: t.name,
    rate: canSeeRates(viewer) ? t.rate : null,
    archived: t.archived,
    billable: t.billable,
    default: t.default,
  };
}

export function commentView(c: Comment) {
  return {
    id: c.id,
    userId: c.userId,
    created: c.created,
    updated: c.updated,
    updatingUserId: c.updatingUserId,
    text: c.text,
  };
}
