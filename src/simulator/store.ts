/**
 * The simulator's in-memory actiTIME: entities, time and leave cells, approvals, locks, hooks. Routes validate
 * and check permissions; the store keeps data consistent (indexes, cascades) and has no notion of HTTP.
 * The internal `add…`/`setTime…` methods skip permission checks so seeds and benchmarks can load data fast.
 */
import {
  dateInZone,
  dateToUtcMs,
  daysBetween,
  isoDayOfWeek,
  midnightInZone,
  utcDate,
  weekStart,
} from './dates.js';
import type { SimulatorLimits } from './limits.js';
import type { Quirk } from './quirks.js';
import { HookManager } from './webhooks.js';

export type Role = 'admin' | 'manager' | 'regular';

export interface Assignment {
  allScope: boolean;
  customerIds: Set<number>;
  projectIds: Set<number>;
  taskIds: Set<number>;
}

export interface StoreUser {
  id: number;
  username: string;
  /** null for invited users that never set one: they cannot log in. */
  password: string | null;
  firstName: string;
  middleName: string;
  lastName: string;
  email: string;
  departmentId: number;
  timeZoneGroupId: number;
  hired: string | null;
  releaseDate: string | null;
  /** false = disabled. */
  active: boolean;
  /** false for invited users that have not accepted: they cannot log in. */
  activated: boolean;
  role: Role;
  /** Users whose time a manager may read, modify and approve. */
  team: Set<number>;
  /** Customers a manager administers (Manage Scope of Work). */
  scopeCustomerIds: Set<number>;
  /** Work assignments: what the user may track time on (Enter Time-Track). */
  assignment: Assignment;
  /** Scheduled minutes Monday..Sunday. */
  weeklySchedule: number[];
}

export interface TimeZoneGroup {
  id: number;
  name: string;
  timeZoneId: string;
  default: boolean;
}
export interface Department {
  id: number;
  name: string;
  default: boolean;
}
export interface TypeOfWork {
  id: number;
  name: string;
  rate: number | null;
  archived: boolean;
  billable: boolean;
  default: boolean;
}
export type LeaveBalance = 'PTO' | 'Sick' | 'None';
export interface LeaveType {
  id: number;
  name: string;
  balance: LeaveBalance;
  rateFactor: number;
  archived: boolean;
}
export type StatusType = 'open' | 'completed';
export interface WorkflowStatus {
  id: number;
  name: string;
  type: StatusType;
}
export interface Customer {
  id: number;
  name: string;
  description: string | null;
  archived: boolean;
  created: number;
}
export interface Project {
  id: number;
  customerId: number;
  name: string;
  description: string | null;
  archived: boolean;
  created: number;
}
export interface Task {
  id: number;
  projectId: number;
  name: string;
  description: string | null;
  created: number;
  workflowStatusId: number;
  typeOfWorkId: number;
  /** YYYY-MM-DD or null; rendered by Store.dateMs. */
  deadline: string | null;
  estimatedTime: number | null;
}
export type CommentTarget = 'customer' | 'project' | 'task';
export interface Comment {
  id: number;
  target: CommentTarget;
  targetId: number;
  userId: number;
  created: number;
  updated: number;
  updatingUserId: number;
  text: string;
}
export interface TimeRecord {
  time: number;
  /** Absent when there is none (never ""). */
  comment?: string;
}
export interface UserRate {
  dateFrom: string;
  regularRate: number;
  overtimeRate: number;
  leaveRates: Array<{ leaveTypeId: number; rate: number }>;
}
export interface InfoSettings {
  company: { name: string; logoUri: string };
  serverUUID: string;
}

interface LockOp {
  userIds: Set<number> | null;
  from: string;
  to: string;
  locked: boolean;
}

/** `demo`, `empty`, or `team:N` (the demo seed plus a team lead with N users, seed-team.ts). */
export type SeedName = 'demo' | 'empty' | `team:${number}`;

export interface StoreOptions {
  seed: SeedName;
  /** The date the seeded history is relative to (YYYY-MM-DD). */
  today: string;
  now: () => number;
  limits: SimulatorLimits;
  apiBaseUrl: string;
  /** seed.ts's applySeed; passed in because the seed is written against this store and so imports it. */
  applySeed: Seeder;
  /** Quirk switches (quirks.ts); default none. */
  quirks?: ReadonlySet<Quirk>;
}

/** Kinds of object whose ids the API hands out; each has its own sequence. */
export type IdKind = 'customers' | 'projects' | 'tasks' | 'users' | 'workflowStatuses';

/** Loads `kind`'s data, relative to `today`, into an emptied store. */
export type Seeder = (store: Store, kind: SeedName, today: string) => void;

const DAY_MS = 86_400_000;

function cellKey(userId: number, date: string): string {
  return `${userId}|${date}`;
}

export class Store {
  readonly seed: SeedName;
  readonly today: string;
  readonly limits: SimulatorLimits;
  apiBaseUrl: string;
  readonly hooks: HookManager<StoreUser>;
  readonly quirks: ReadonlySet<Quirk>;
  private readonly applySeed: Seeder;
  /**
   * Highest id ever issued per kind. A database sequence never hands out an id again, even after a delete, so
   * an id an assistant remembers can never point at a different object (docs/actitime-model.md §1.4).
   */
  private issued = new Map<IdKind, number>();
  private readonly rawNow: () => number;
  /**
   * Whole days between the real clock's date and the seed's `today`: the simulated world runs on the real clock
   * shifted by this much, so a pinned `today` stays "today" while time still passes.
   */
  private readonly shiftMs: number;

  info!: InfoSettings;
  timeZoneGroups = new Map<number, TimeZoneGroup>();
  departments = new Map<number, Department>();
  typesOfWork = new Map<number, TypeOfWork>();
  leaveTypes = new Map<number, LeaveType>();
  workflowStatuses = new Map<number, WorkflowStatus>();
  customers = new Map<number, Customer>();
  projects = new Map<number, Project>();
  tasks = new Map<number, Task>();
  users = new Map<number, StoreUser>();
  comments = new Map<number, Comment>();
  holidays = new Set<string>();
  userRates = new Map<number, UserRate[]>();
  /** userId → date → taskId → record. */
  private time = new Map<number, Map<string, Map<number, TimeRecord>>>();
  /** taskId → `userId|date` cells holding time on it. */
  private timeByTask = new Map<number, Set<string>>();
  /** userId → date → leaveTypeId → minutes. */
  private leave = new Map<number, Map<string, Map<number, number>>>();
  /** `userId|weekStart` of approved weeks. */
  private approvals = new Set<string>();
  private lockOps: LockOp[] = [];

  constructor(options: StoreOptions) {
    this.seed = options.seed;
    this.today = options.today;
    this.limits = options.limits;
    this.apiBaseUrl = options.apiBaseUrl;
    this.rawNow = options.now;
    this.shiftMs = daysBetween(utcDate(options.now()), options.today) * DAY_MS;
    this.hooks = new HookManager<StoreUser>(this);
    this.applySeed = options.applySeed;
    this.quirks = options.quirks ?? new Set();
    this.reset();
  }

  /** The simulated world's clock (epoch ms): timestamps of created objects, hook calls. */
  clockMs(): number {
    return this.rawNow() + this.shiftMs;
  }

  /** Back to the seed: every entity, cell, approval, lock and hook. */
  reset(): void {
    this.timeZoneGroups = new Map();
    this.departments = new Map();
    this.typesOfWork = new Map();
    this.leaveTypes = new Map();
    this.workflowStatuses = new Map();
    this.customers = new Map();
    this.projects = new Map();
    this.tasks = new Map();
    this.users = new Map();
    this.comments = new Map();
    this.holidays = new Set();
    this.userRates = new Map();
    this.time = new Map();
    this.timeByTask = new Map();
    this.leave = new Map();
    this.approvals = new Set();
    this.lockOps = [];
    this.hooks.clear();
    this.issued = new Map();
    this.applySeed(this, this.seed, this.today);
  }

  async dispose(): Promise<void> {
    await this.hooks.dispose();
  }

  // ---------------------------------------------------------------- users and auth

  /** Login names are matched ignoring case. */
  findLoginUser(username: string): StoreUser | undefined {
    const wanted = username.toLowerCase();
    for (const u of this.users.values()) if (u.username.toLowerCase() === wanted) return u;
    return undefined;
  }

  /** False for disabled or never-activated users and for users hired after today in their time-zone group. */
  canAuthorize(user: StoreUser): boolean {
    if (!user.active || !user.activated || user.password === null) return false;
    if (user.hired !== null && user.hired > this.todayFor(user)) return false;
    return true;
  }

  zoneOf(user: StoreUser): string {
    return (
      this.timeZoneGroups.get(user.timeZoneGroupId)?.timeZoneId ??
      this.timeZoneGroups.get(-1)?.timeZoneId ??
      'America/New_York'
    );
  }

  /** Today's date in the user's time-zone group. */
  todayFor(user: StoreUser): string {
    return dateInZone(this.clockMs(), this.zoneOf(user));
  }

  /** `{user}` path parameter: numeric id, username (any case) or `me`. */
  resolveUser(param: string, caller: StoreUser): StoreUser | undefined {
    if (param === 'me') return this.users.get(caller.id);
    if (/^-?\d+$/.test(param)) return this.users.get(Number(param));
    return this.findLoginUser(param);
  }

  fullName(u: StoreUser): string {
    return [u.firstName, u.middleName, u.lastName].filter((s) => s !== '').join(' ');
  }

  /** Scheduled minutes: 0 at weekends, on holidays, before hire and after release. */
  scheduleFor(user: StoreUser, date: string): number {
    if (this.holidays.has(date)) return 0;
    if (user.hired !== null && date < user.hired) return 0;
    if (user.releaseDate !== null && date > user.releaseDate) return 0;
    return user.weeklySchedule[isoDayOfWeek(date) - 1] ?? 0;
  }

  // ---------------------------------------------------------------- ids

  /**
   * The next id of a kind: one above every id it has ever had, deleted ones included. Objects put into the maps
   * directly (tests, benchmarks) count as issued too.
   */
  nextId(kind: IdKind): number {
    const next = Math.max(this.issued.get(kind) ?? 0, highestKey(this[kind])) + 1;
    this.issued.set(kind, next);
    return next;
  }

  private noteId(kind: IdKind, id: number): void {
    if (id > (this.issued.get(kind) ?? 0)) this.issued.set(kind, id);
  }

  // ---------------------------------------------------------------- company time zone

  /** The default time-zone group's zone: the company's (project decision, docs/actitime-model.md §2.12). */
  companyZone(): string {
    for (const g of this.timeZoneGroups.values()) if (g.default) return g.timeZoneId;
    return 'UTC';
  }

  /**
   * Epoch ms of 00:00 on a date, as date-only fields (task deadlines) go on the wire: UTC by default, the
   * company zone under zoned-timestamps (docs/actitime-model.md §2.5).
   */
  dateMs(date: string): number {
    return this.quirks.has('zoned-timestamps') ? midnightInZone(date, this.companyZone()) : dateToUtcMs(date);
  }

  // ---------------------------------------------------------------- scope helpers

  projectCustomer(projectId: number): Customer | undefined {
    const p = this.projects.get(projectId);
    return p ? this.customers.get(p.customerId) : undefined;
  }

  taskProject(task: Task): Project | undefined {
    return this.projects.get(task.projectId);
  }

  taskCustomerId(task: Task): number {
    return this.projects.get(task.projectId)?.customerId ?? 0;
  }

  /** True when the status is used by at least one task. */
  statusInUse(statusId: number): boolean {
    for (const t of this.tasks.values()) if (t.workflowStatusId === statusId) return true;
    return false;
  }

  // ---------------------------------------------------------------- time-track cells

  getTime(userId: number, date: string, taskId: number): TimeRecord | undefined {
    return this.time.get(userId)?.get(date)?.get(taskId);
  }

  /** The user's records of one day (taskId → record), or undefined. */
  getDay(userId: number, date: string): ReadonlyMap<number, TimeRecord> | undefined {
    return this.time.get(userId)?.get(date);
  }

  /** Every day of one user that holds time. */
  userDays(userId: number): ReadonlyMap<string, ReadonlyMap<number, TimeRecord>> | undefined {
    return this.time.get(userId);
  }

  /** Sets a cell; time 0 deletes it. A comment of undefined or "" means none. */
  setTime(userId: number, date: string, taskId: number, time: number, comment?: string): void {
    let days = this.time.get(userId);
    if (time <= 0) {
      const day = days?.get(date);
      if (!day?.delete(taskId)) return;
      if (day.size === 0) days?.delete(date);
      const cells = this.timeByTask.get(taskId);
      cells?.delete(cellKey(userId, date));
      if (cells?.size === 0) this.timeByTask.delete(taskId);
      return;
    }
    if (!days) this.time.set(userId, (days = new Map()));
    let day = days.get(date);
    if (!day) days.set(date, (day = new Map()));
    day.set(taskId, comment ? { time, comment } : { time });
    let cells = this.timeByTask.get(taskId);
    if (!cells) this.timeByTask.set(taskId, (cells = new Set()));
    cells.add(cellKey(userId, date));
  }

  /** Cells (userId, date) with time on the task. */
  cellsOfTask(taskId: number): Array<{ userId: number; date: string }> {
    const out: Array<{ userId: number; date: string }> = [];
    for (const key of this.timeByTask.get(taskId) ?? []) {
      const i = key.indexOf('|');
      out.push({ userId: Number(key.slice(0, i)), date: key.slice(i + 1) });
    }
    return out;
  }

  // ---------------------------------------------------------------- leave cells

  getLeave(userId: number, date: string, leaveTypeId: number): number | undefined {
    return this.leave.get(userId)?.get(date)?.get(leaveTypeId);
  }

  userLeaveDays(userId: number): ReadonlyMap<string, ReadonlyMap<number, number>> | undefined {
    return this.leave.get(userId);
  }

  setLeave(userId: number, date: string, leaveTypeId: number, minutes: number): void {
    let days = this.leave.get(userId);
    if (minutes <= 0) {
      const day = days?.get(date);
      if (!day?.delete(leaveTypeId)) return;
      if (day.size === 0) days?.delete(date);
      return;
    }
    if (!days) this.leave.set(userId, (days = new Map()));
    let day = days.get(date);
    if (!day) days.set(date, (day = new Map()));
    day.set(leaveTypeId, minutes);
  }

  /** Tracked time + leave of one user-day. */
  dayTotal(userId: number, date: string): number {
    let sum = 0;
    for (const r of this.time.get(userId)?.get(date)?.values() ?? []) sum += r.time;
    for (const m of this.leave.get(userId)?.get(date)?.values() ?? []) sum += m;
    return sum;
  }

  // ---------------------------------------------------------------- approval and locks

  /** The company week starts on Monday (GET /info dayOfWeekStart 1). */
  weekOf(date: string): string {
    return weekStart(date, 1);
  }

  isApproved(userId: number, date: string): boolean {
    return this.approvals.has(cellKey(userId, this.weekOf(date)));
  }

  setApproved(userId: number, anyDateInWeek: string, approved: boolean): void {
    const key = cellKey(userId, this.weekOf(anyDateInWeek));
    if (approved) this.approvals.add(key);
    else this.approvals.delete(key);
  }

  /** Later lock/unlock operations override earlier ones for the days and users they cover. */
  isLocked(userId: number, date: string): boolean {
    for (let i = this.lockOps.length - 1; i >= 0; i--) {
      const op = this.lockOps[i];
      if (!op || date < op.from || date > op.to) continue;
      if (op.userIds !== null && !op.userIds.has(userId)) continue;
      return op.locked;
    }
    return false;
  }

  setLock(from: string, to: string, userIds: number[] | null, locked: boolean): void {
    this.lockOps.push({ from, to, userIds: userIds ? new Set(userIds) : null, locked });
  }

  // ---------------------------------------------------------------- deletes

  /**
   * Approved user-weeks holding time on any of these tasks (deleting them needs revokeApprovedWeeks=true).
   */
  approvedWeeksOf(taskIds: Iterable<number>): Array<{ userId: number; week: string }> {
    const seen = new Set<string>();
    const out: Array<{ userId: number; week: string }> = [];
    for (const taskId of taskIds) {
      for (const { userId, date } of this.cellsOfTask(taskId)) {
        const week = this.weekOf(date);
        const key = cellKey(userId, week);
        if (this.approvals.has(key) && !seen.has(key)) {
          seen.add(key);
          out.push({ userId, week });
        }
      }
    }
    return out;
  }

  /** Removes tasks with their time, comments and assignments; revokes the approval of the given weeks. */
  deleteTasks(taskIds: number[]): void {
    for (const taskId of taskIds) {
      for (const { userId, date } of this.cellsOfTask(taskId)) this.setTime(userId, date, taskId, 0);
      this.tasks.delete(taskId);
      this.deleteComments('task', taskId);
      for (const u of this.users.values()) u.assignment.taskIds.delete(taskId);
    }
  }

  revokeApprovals(weeks: Array<{ userId: number; week: string }>): void {
    for (const w of weeks) this.approvals.delete(cellKey(w.userId, w.week));
  }

  tasksOfProjects(projectIds: Set<number>): number[] {
    const out: number[] = [];
    for (const t of this.tasks.values()) if (projectIds.has(t.projectId)) out.push(t.id);
    return out;
  }

  projectsOfCustomer(customerId: number): number[] {
    const out: number[] = [];
    for (const p of this.projects.values()) if (p.customerId === customerId) out.push(p.id);
    return out;
  }

  deleteProjects(projectIds: number[]): void {
    this.deleteTasks(this.tasksOfProjects(new Set(projectIds)));
    for (const id of projectIds) {
      this.projects.delete(id);
      this.deleteComments('project', id);
      for (const u of this.users.values()) u.assignment.projectIds.delete(id);
    }
  }

  deleteCustomer(customerId: number): void {
    this.deleteProjects(this.projectsOfCustomer(customerId));
    this.customers.delete(customerId);
    this.deleteComments('customer', customerId);
    for (const u of this.users.values()) {
      u.assignment.customerIds.delete(customerId);
      u.scopeCustomerIds.delete(customerId);
    }
  }

  private deleteComments(target: CommentTarget, targetId: number): void {
    for (const [id, c] of this.comments)
      if (c.target === target && c.targetId === targetId) this.comments.delete(id);
  }

  // ---------------------------------------------------------------- adders for seeds and benchmarks

  addUser(
    u: Omit<StoreUser, 'team' | 'scopeCustomerIds' | 'assignment' | 'weeklySchedule' | 'activated'> &
      Partial<Pick<StoreUser, 'team' | 'scopeCustomerIds' | 'assignment' | 'weeklySchedule' | 'activated'>>,
  ): StoreUser {
    const user: StoreUser = {
      activated: true,
      team: new Set(),
      scopeCustomerIds: new Set(),
      assignment: { allScope: false, customerIds: new Set(), projectIds: new Set(), taskIds: new Set() },
      weeklySchedule: [480, 480, 480, 480, 480, 0, 0],
      ...u,
    };
    this.users.set(user.id, user);
    this.noteId('users', user.id);
    return user;
  }

  addCustomer(c: Customer): Customer {
    this.customers.set(c.id, c);
    this.noteId('customers', c.id);
    return c;
  }

  addProject(p: Project): Project {
    this.projects.set(p.id, p);
    this.noteId('projects', p.id);
    return p;
  }

  addTask(t: Task): Task {
    this.tasks.set(t.id, t);
    this.noteId('tasks', t.id);
    return t;
  }

  addWorkflowStatus(s: WorkflowStatus): WorkflowStatus {
    this.workflowStatuses.set(s.id, s);
    this.noteId('workflowStatuses', s.id);
    return s;
  }
}

function highestKey(map: ReadonlyMap<number, unknown>): number {
  let max = 0;
  for (const id of map.keys()) if (id > max) max = id;
  return max;
}
