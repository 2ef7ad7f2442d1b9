/**
 * Zod schemas of actiTIME entities, lenient by design (real servers differ from the simulator): unknown keys pass through, fields
 * that servers omit or null are optional, and known variants are normalised here once so no caller sees them
 * (task deadline ms/date/null → date|null, `timeZoneGroup` vs `timeZoneGroups`, empty comments, leave balance
 * case, hook `target_url` vs `targetUrl`, hooks as envelope or bare array). Required are only the fields
 * without which the object is useless (ids, names, values); a violation becomes UnexpectedResponseError
 * naming the field (SEC-OUT-04).
 */
import { z } from 'zod';

const id = z.int();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected YYYY-MM-DD');
const ms = z.number();
const text = z.string().nullish();
const flag = z.boolean().nullish();

const DAY_MS = 86_400_000;

/**
 * `date` (first 10 chars of an ISO value), epoch ms, or null/absent → `YYYY-MM-DD | null`. Epoch ms stand for
 * midnight in UTC or in the company's zone (docs/actitime-model.md §1.5, quirk `zoned-timestamps`); without the
 * zone, the nearest UTC midnight is the date, which is right for every zone within ±12 h. Callers that know the
 * company zone read `deadlineMs` exactly (src/domain/period.ts dateOfEpoch).
 */
export function normaliseDate(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') {
    const d = new Date(Math.round(value / DAY_MS) * DAY_MS);
    return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
  }
  return value.slice(0, 10);
}

/** Epoch ms that are not a UTC midnight: only those need the company zone to be read as a date. */
export function isZonedMidnight(ms: number | undefined): ms is number {
  return ms !== undefined && Number.isFinite(ms) && ms % DAY_MS !== 0;
}
const looseDate = z
  .union([z.number(), date, z.literal(''), z.null()])
  .optional()
  .transform((v) => normaliseDate(v));

/** Removes `comment` when it is absent, null or "" (all mean "no comment"). */
function withoutEmptyComment<T extends { comment?: string | null | undefined }>(value: T): T {
  if (value.comment === undefined || value.comment === null || value.comment === '') {
    const copy = { ...value };
    delete copy.comment;
    return copy;
  }
  return value;
}

export const AllowedActionsSchema = z.looseObject({
  canModify: flag,
  canDelete: flag,
  canSubmitTimetrack: flag,
});

/** Reference map `{ "6": {...} }` as returned by includeReferenced. */
const refMap = <T extends z.ZodType>(item: T) => z.record(z.string(), item).optional();

// ---- info --------------------------------------------------------------------------------------------------

const label = z.looseObject({ singular: text, plural: text });

export const InfoSchema = z.looseObject({
  company: z.looseObject({ name: text, logoUri: text }).nullish(),
  customNames: z
    .looseObject({
      firstLevel: label.nullish(),
      secondLevel: label.nullish(),
      thirdLevel: label.nullish(),
      department: label.nullish(),
    })
    .nullish(),
  format: z
    .looseObject({
      currency: text,
      decimalSeparator: text,
      timeFormat: text,
      clockFormat: text,
      dayOfWeekStart: z.int().min(0).max(6).nullish(),
    })
    .nullish(),
  features: z.record(z.string(), z.unknown()).nullish(),
  urls: z.record(z.string(), z.unknown()).nullish(),
  limits: z
    .looseObject({ maxBatchSize: z.int().positive().nullish(), maxQueryLimit: z.int().positive().nullish() })
    .nullish()
    .transform((l) => ({
      ...l,
      maxBatchSize: l?.maxBatchSize ?? 100,
      maxQueryLimit: l?.maxQueryLimit ?? 1000,
    })),
  serverUUID: text,
});
export type Info = z.output<typeof InfoSchema>;

// ---- reference data ----------------------------------------------------------------------------------------

const BALANCES: Record<string, string> = { pto: 'PTO', sick: 'Sick', none: 'None' };

export const LeaveTypeSchema = z.looseObject({
  id,
  name: z.string(),
  balance: z
    .string()
    .nullish()
    .transform((b) => (b == null ? undefined : (BALANCES[b.toLowerCase()] ?? b))),
  rateFactor: z.number().nullish(),
  archived: flag,
});
export type LeaveType = z.output<typeof LeaveTypeSchema>;

export const TypeOfWorkSchema = z.looseObject({
  id,
  name: z.string(),
  rate: z.number().nullish(),
  archived: flag,
  billable: flag,
  default: flag,
});
export type TypeOfWork = z.output<typeof TypeOfWorkSchema>;

export const DepartmentSchema = z.looseObject({ id, name: z.string(), default: flag });
export type Department = z.output<typeof DepartmentSchema>;

export const TimeZoneGroupSchema = z.looseObject({ id, name: z.string(), timeZoneId: text, default: flag });
export type TimeZoneGroup = z.output<typeof TimeZoneGroupSchema>;

export const WorkflowStatusSchema = z.looseObject({
  id,
  name: z.string(),
  type: z.string(),
  allowedActions: AllowedActionsSchema.nullish(),
});
export type WorkflowStatus = z.output<typeof WorkflowStatusSchema>;

// ---- users -------------------------------------------------------------------------------------------------

export const UserSchema = z.looseObject({
  id,
  username: text,
  email: text,
  firstName: text,
  middleName: text,
  lastName: text,
  fullName: text,
  departmentId: z.int().nullish(),
  timeZoneGroupId: z.int().nullish(),
  hired: date.nullish(),
  releaseDate: date.nullish(),
  active: flag,
  allowedActions: AllowedActionsSchema.nullish(),
});
export type User = z.output<typeof UserSchema>;

export const ScheduleSchema = z.looseObject({ dateFrom: date, dateTo: date, schedule: z.array(z.int()) });
export type Schedule = z.output<typeof ScheduleSchema>;

const idList = z
  .array(id)
  .nullish()
  .transform((v) => v ?? []);
export const WorkAssignmentsSchema = z.looseObject({
  allScope: z
    .boolean()
    .nullish()
    .transform((v) => v === true),
  customerIds: idList,
  projectIds: idList,
  taskIds: idList,
});
export type WorkAssignments = z.output<typeof WorkAssignmentsSchema>;

export const AssignedUsersSchema = z.looseObject({ userIds: idList });
export type AssignedUsers = z.output<typeof AssignedUsersSchema>;

// ---- scope of work -----------------------------------------------------------------------------------------

export const CustomerSchema = z.looseObject({
  id,
  name: z.string(),
  description: text,
  archived: flag,
  created: ms.nullish(),
  url: text,
  allowedActions: AllowedActionsSchema.nullish(),
});
export type Customer = z.output<typeof CustomerSchema>;

export const ProjectSchema = z.looseObject({
  id,
  name: z.string(),
  customerId: z.int().nullish(),
  customerName: text,
  description: text,
  archived: flag,
  created: ms.nullish(),
  url: text,
  allowedActions: AllowedActionsSchema.nullish(),
});
export type Project = z.output<typeof ProjectSchema>;

/** Keeps a deadline sent as epoch ms as `deadlineMs` too, for callers that read it in the company zone. */
function keepDeadlineMs(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const deadline = (value as { deadline?: unknown }).deadline;
  return typeof deadline === 'number' ? { ...value, deadlineMs: deadline } : value;
}

const TaskObject = z.looseObject({
  id,
  name: z.string(),
  description: text,
  created: ms.nullish(),
  status: text,
  workflowStatusId: z.int().nullish(),
  workflowStatusName: text,
  typeOfWorkId: z.int().nullish(),
  typeOfWorkName: text,
  deadline: looseDate,
  deadlineMs: z.number().optional(),
  estimatedTime: z.int().nullish(),
  url: text,
  projectId: z.int().nullish(),
  projectName: text,
  customerId: z.int().nullish(),
  customerName: text,
  allowedActions: AllowedActionsSchema.nullish(),
});
export const TaskSchema = z.preprocess(keepDeadlineMs, TaskObject);
export type Task = z.output<typeof TaskSchema>;

export const CommentSchema = z.looseObject({
  id,
  userId: z.int().nullish(),
  created: ms.nullish(),
  updated: ms.nullish(),
  updatingUserId: z.int().nullish(),
  text: text,
});
export type Comment = z.output<typeof CommentSchema>;

// ---- lists -------------------------------------------------------------------------------------------------

/** `{offset, limit, items}`; offset and limit are echoed by actiTIME but tolerated when absent. */
export function listEnvelope<T extends z.ZodType, M extends z.ZodRawShape = Record<never, never>>(
  item: T,
  maps?: M,
) {
  return z.looseObject({
    offset: z.int().nullish(),
    limit: z.int().nullish(),
    items: z.array(item),
    ...(maps ?? ({} as M)),
  });
}

const plain = z.looseObject({ id });

export const CustomerListSchema = listEnvelope(CustomerSchema);
export const ProjectListSchema = listEnvelope(ProjectSchema, { customers: refMap(plain) });
export const TaskListSchema = listEnvelope(TaskSchema, {
  customers: refMap(plain),
  projects: refMap(plain),
  typesOfWork: refMap(plain),
  workflowStatuses: refMap(plain),
});
export const UserListSchema = listEnvelope(UserSchema, {
  departments: refMap(plain),
  timeZoneGroups: refMap(plain),
});
export const CommentListSchema = listEnvelope(CommentSchema, { users: refMap(plain) });
export const LeaveTypeListSchema = listEnvelope(LeaveTypeSchema);
export const TypeOfWorkListSchema = listEnvelope(TypeOfWorkSchema);
export const DepartmentListSchema = listEnvelope(DepartmentSchema);
export const TimeZoneGroupListSchema = listEnvelope(TimeZoneGroupSchema);
export const WorkflowStatusListSchema = listEnvelope(WorkflowStatusSchema);

// ---- time-track and leave time -----------------------------------------------------------------------------

const comment = z.string().nullish();

export const TimetrackRecordSchema = z
  .looseObject({ taskId: id, time: z.int(), comment })
  .transform((r) => withoutEmptyComment(r));
export type TimetrackRecord = z.output<typeof TimetrackRecordSchema>;

export const TimetrackDaySchema = z.looseObject({
  userId: id,
  date,
  dayOffset: z.int().nullish(),
  approved: z
    .boolean()
    .nullish()
    .transform((v) => v === true),
  records: z.array(TimetrackRecordSchema),
});
export type TimetrackDay = z.output<typeof TimetrackDaySchema>;

/** Both spellings of the time-zone-group map are read; the output always uses `timeZoneGroups`. */
function unifyTimeZoneKey<T extends { timeZoneGroup?: unknown; timeZoneGroups?: unknown }>(r: T): T {
  const { timeZoneGroup, ...rest } = r;
  if (rest.timeZoneGroups === undefined && timeZoneGroup !== undefined) {
    return { ...rest, timeZoneGroups: timeZoneGroup } as T;
  }
  return rest as T;
}

const timeListFields = {
  dateFrom: date,
  dateTo: date,
  nextDateFrom: date.nullish().transform((v) => v ?? null),
  users: refMap(plain),
  departments: refMap(plain),
  timeZoneGroup: refMap(plain),
  timeZoneGroups: refMap(plain),
};

export const TimetrackListSchema = z
  .looseObject({
    ...timeListFields,
    data: z.array(TimetrackDaySchema),
    customers: refMap(plain),
    projects: refMap(plain),
    tasks: refMap(plain),
    typesOfWork: refMap(plain),
    workflowStatuses: refMap(plain),
  })
  .transform(unifyTimeZoneKey);
export type TimetrackList = z.output<typeof TimetrackListSchema>;

/**
 * Leave minutes come as `leaveTime`, or as `time` where an older documentation page names them so
 * (docs/actitime-model.md §2.8); both are read, and the output always says `leaveTime`.
 */
const leaveMinutes = { leaveTime: z.int().optional(), time: z.int().optional() };
const hasLeaveMinutes = (c: { leaveTime?: number; time?: number }): boolean =>
  c.leaveTime !== undefined || c.time !== undefined;
const missingLeaveTime = { message: 'missing leaveTime', path: ['leaveTime'] };

export const LeaveRecordSchema = z
  .looseObject({ userId: id, date, dayOffset: z.int().nullish(), leaveTypeId: id, ...leaveMinutes })
  .refine(hasLeaveMinutes, missingLeaveTime)
  .transform(({ time, ...c }) => ({ ...c, leaveTime: (c.leaveTime ?? time)! }));
export type LeaveRecord = z.output<typeof LeaveRecordSchema>;

export const LeavetimeListSchema = z
  .looseObject({ ...timeListFields, data: z.array(LeaveRecordSchema), leaveTypes: refMap(plain) })
  .transform(unifyTimeZoneKey);
export type LeavetimeList = z.output<typeof LeavetimeListSchema>;

/** A time cell; `time: 0` (or a 404) means the cell is empty. */
export const TimeCellSchema = z
  .looseObject({ taskId: id.nullish(), time: z.int(), comment })
  .transform((c) => withoutEmptyComment(c));
export type TimeCellBody = z.output<typeof TimeCellSchema>;

/** Leave cell: shape is an open point (docs/actitime-model.md §3), so `time` is accepted for `leaveTime` (as in list rows). */
export const LeaveCellSchema = z
  .looseObject({ leaveTypeId: id.nullish(), ...leaveMinutes })
  .refine(hasLeaveMinutes, missingLeaveTime)
  .transform(({ time, ...c }) => ({ ...c, leaveTime: (c.leaveTime ?? time)! }));
export type LeaveCellBody = z.output<typeof LeaveCellSchema>;

// ---- hooks -------------------------------------------------------------------------------------------------

/** `"3,4"` or `["3", 4]` → `[3, 4]`; anything else is left as the server sent it. */
function filterIds(value: unknown): unknown {
  let parts: unknown[];
  if (Array.isArray(value)) parts = value;
  else if (typeof value === 'string') parts = value.trim() === '' ? [] : value.split(',');
  else return value;
  const ids = parts.map((p) => (typeof p === 'string' && /^\s*-?\d{1,15}\s*$/.test(p) ? Number(p) : p));
  return ids.every((n) => Number.isSafeInteger(n)) ? ids : value;
}

/**
 * Filter ids come as number arrays or as comma-separated strings, as a swagger-derived model types them
 * (docs/actitime-model.md §2.15); both are read as number arrays.
 */
const hookFilter = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((f) =>
    f == null ? f : Object.fromEntries(Object.entries(f).map(([k, v]) => [k, filterIds(v)])),
  );

export const HookSchema = z
  .looseObject({
    id,
    target_url: z.string().optional(),
    targetUrl: z.string().optional(),
    event: z.string(),
    filter: hookFilter,
    enabled: flag,
    userId: z.int().nullish(),
    lastHttpStatus: z.int().nullish(),
    lastHttpError: text,
    lastHttpCall: ms.nullish(),
  })
  .refine((h) => h.target_url !== undefined || h.targetUrl !== undefined, {
    message: 'missing target_url',
    path: ['target_url'],
  })
  .transform(({ targetUrl, ...h }) => ({ ...h, target_url: (h.target_url ?? targetUrl)! }));
export type Hook = z.output<typeof HookSchema>;

/** GET /hooks: an envelope (project convention) or a bare array (some servers); always an array out. */
export const HookListSchema = z
  .union([z.array(HookSchema), z.looseObject({ items: z.array(HookSchema) })])
  .transform((v) => (Array.isArray(v) ? v : v.items));

// ---- batch -------------------------------------------------------------------------------------------------

export const BatchResponseSchema = z.array(
  z.looseObject({ id: z.string().nullish(), status: z.int(), body: z.unknown().optional() }),
);
export type BatchResponseItem = z.output<typeof BatchResponseSchema>[number];

/** First failing field of a zod error as a dotted path, e.g. `items.0.id`. */
export function firstIssuePath(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '(root)';
  return issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
}

export type CustomerList = z.output<typeof CustomerListSchema>;
export type ProjectList = z.output<typeof ProjectListSchema>;
export type TaskList = z.output<typeof TaskListSchema>;
export type UserList = z.output<typeof UserListSchema>;
export type CommentList = z.output<typeof CommentListSchema>;
