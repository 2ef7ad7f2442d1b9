import { describe, expect, it } from 'vitest';
import {
  HookListSchema,
  HookSchema,
  InfoSchema,
  LeaveCellSchema,
  LeaveTypeSchema,
  LeavetimeListSchema,
  TaskListSchema,
  TaskSchema,
  TimeCellSchema,
  TimetrackListSchema,
  UserSchema,
  firstIssuePath,
} from '../../src/actitime/schemas.js';

describe('schemas tolerate known server variants (docs/actitime-model.md §4)', () => {
  it('normalises task deadline from ms, date or null to YYYY-MM-DD | null', () => {
    const base = { id: 1, name: 't' };
    expect(TaskSchema.parse({ ...base, deadline: Date.UTC(2026, 9, 5) }).deadline).toBe('2026-10-05');
    expect(TaskSchema.parse({ ...base, deadline: '2026-10-05' }).deadline).toBe('2026-10-05');
    expect(TaskSchema.parse({ ...base, deadline: '2026-10-05T00:00:00Z' }).deadline).toBe('2026-10-05');
    expect(TaskSchema.parse({ ...base, deadline: null }).deadline).toBeNull();
    expect(TaskSchema.parse(base).deadline).toBeNull();
    expect(TaskSchema.safeParse({ ...base, deadline: 'soon' }).success).toBe(false);
  });

  it('keeps unknown keys and accepts absent or null optional fields', () => {
    const task = TaskSchema.parse({
      id: 1,
      name: 't',
      brandNew: { x: 1 },
      allowedActions: null,
      estimatedTime: null,
    });
    expect(task).toMatchObject({ brandNew: { x: 1 } });
    const user = UserSchema.parse({ id: 3, fullName: 'Tom Green', username: null, hired: null });
    expect(user.username).toBeNull();
    const info = InfoSchema.parse({});
    expect(info.limits).toEqual({ maxBatchSize: 100, maxQueryLimit: 1000 });
    expect(InfoSchema.parse({ limits: { maxBatchSize: 10, maxQueryLimit: 200 } }).limits).toMatchObject({
      maxBatchSize: 10,
      maxQueryLimit: 200,
    });
  });

  it('reads both timeZoneGroup and timeZoneGroups map keys', () => {
    const page = { dateFrom: '2026-10-05', dateTo: '2026-10-05', nextDateFrom: null, data: [] };
    const tz = { '-1': { id: -1, name: 'New York' } };
    expect(TimetrackListSchema.parse({ ...page, timeZoneGroup: tz }).timeZoneGroups).toEqual(tz);
    expect(TimetrackListSchema.parse({ ...page, timeZoneGroups: tz }).timeZoneGroups).toEqual(tz);
    expect(LeavetimeListSchema.parse({ ...page, timeZoneGroup: tz }).timeZoneGroups).toEqual(tz);
    expect('timeZoneGroup' in TimetrackListSchema.parse({ ...page, timeZoneGroup: tz })).toBe(false);
    expect(TimetrackListSchema.parse({ ...page, nextDateFrom: undefined }).nextDateFrom).toBeNull();
  });

  it('normalises empty comments to absent and approved null to false', () => {
    const parsed = TimetrackListSchema.parse({
      dateFrom: '2026-10-05',
      dateTo: '2026-10-05',
      nextDateFrom: null,
      data: [
        {
          userId: 3,
          date: '2026-10-05',
          approved: null,
          records: [
            { taskId: 1, time: 60, comment: '' },
            { taskId: 2, time: 30, comment: null },
            { taskId: 3, time: 15 },
            { taskId: 4, time: 10, comment: 'kept' },
          ],
        },
      ],
    });
    const records = parsed.data[0]!.records;
    expect(records.map((r) => 'comment' in r)).toEqual([false, false, false, true]);
    expect(parsed.data[0]!.approved).toBe(false);
    expect('comment' in TimeCellSchema.parse({ taskId: 1, time: 5, comment: '' })).toBe(false);
  });

  it('accepts leave cells with leaveTime or time, and leave balance in any case', () => {
    expect(LeaveCellSchema.parse({ leaveTypeId: 2, leaveTime: 480 })).toEqual({
      leaveTypeId: 2,
      leaveTime: 480,
    });
    expect(LeaveCellSchema.parse({ leaveTypeId: 2, time: 240 }).leaveTime).toBe(240);
    expect(LeaveCellSchema.safeParse({ leaveTypeId: 2 }).success).toBe(false);
    expect(LeaveTypeSchema.parse({ id: 1, name: 'Sick', balance: 'sick' }).balance).toBe('Sick');
    expect(LeaveTypeSchema.parse({ id: 2, name: 'V', balance: 'pto' }).balance).toBe('PTO');
    expect(LeaveTypeSchema.parse({ id: 3, name: 'T', balance: 'NONE' }).balance).toBe('None');
    expect(LeaveTypeSchema.parse({ id: 4, name: 'X', balance: 'Custom' }).balance).toBe('Custom');
  });

  it('accepts hooks with target_url or targetUrl, as an envelope or a bare array', () => {
    const a = { id: 1, target_url: 'http://127.0.0.1:1/a', event: '*' };
    const b = { id: 2, targetUrl: 'http://127.0.0.1:1/b', event: 'task.create' };
    expect(HookSchema.parse(b).target_url).toBe('http://127.0.0.1:1/b');
    expect('targetUrl' in HookSchema.parse(b)).toBe(false);
    expect(HookListSchema.parse([a, b]).map((h) => h.target_url)).toHaveLength(2);
    expect(HookListSchema.parse({ offset: 0, limit: 1000, items: [a] })).toHaveLength(1);
    expect(HookSchema.safeParse({ id: 3, event: '*' }).success).toBe(false);
  });

  it('SEC-OUT-04 reports the first failing field as a dotted path; extra fields are ignored', () => {
    const bad = TaskListSchema.safeParse({
      offset: 0,
      limit: 10,
      items: [
        { id: 1, name: 'a' },
        { id: 'x', name: 'b' },
      ],
    });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(firstIssuePath(bad.error)).toBe('items.1.id');
    const missing = TaskListSchema.safeParse({ offset: 0, limit: 10 });
    if (!missing.success) expect(firstIssuePath(missing.error)).toBe('items');
    expect(
      TaskListSchema.safeParse({ items: [{ id: 1, name: 'a', extra: true }], surprise: 1 }).success,
    ).toBe(true);
  });
});
