import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestSimulator, type SimulatorHandle } from '../helpers/simulator.js';
import { HOLIDAYS, TODAY, week, noonClock } from './demo-calendar.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator({ today: TODAY, now: noonClock() });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

type Obj = Record<string, unknown>;

async function call(
  method: string,
  path: string,
  body?: unknown,
  user: string | { username: string; password: string } = 'admin',
) {
  return api(sim, method, path, { user, body });
}

function expectKey(res: { status: number; body: unknown }, status: number, key: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ key: `api.error.${key}` });
}

describe('model §2.2 users', () => {
  it('GET /users/{user} by id, username or me; restricted fields only for the admin', async () => {
    const byAdmin = await call('GET', '/users/4');
    expect(byAdmin.body).toEqual({
      id: 4,
      username: 'jsmith',
      email: 'jsmith@demo-company.example',
      firstName: 'John',
      middleName: 'A.',
      lastName: 'Smith',
      fullName: 'John A. Smith',
      departmentId: 6,
      timeZoneGroupId: -1,
      hired: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      releaseDate: null,
      active: true,
      allowedActions: { canSubmitTimetrack: true },
    });
    expect((await call('GET', '/users/JSMITH')).body).toEqual(byAdmin.body);
    const self = await call('GET', '/users/me', undefined, 'jsmith');
    expect(self.body).toEqual({
      id: 4,
      firstName: 'John',
      middleName: 'A.',
      lastName: 'Smith',
      fullName: 'John A. Smith',
      departmentId: 6,
      timeZoneGroupId: -1,
      active: true,
      allowedActions: { canSubmitTimetrack: true },
    });
    expect((await call('GET', '/users/7')).body).toMatchObject({
      active: false,
      allowedActions: { canSubmitTimetrack: false },
    });
    expectKey(await call('GET', '/users/nobody'), 404, 'object_not_found');
    expectKey(await call('GET', '/users/999'), 404, 'object_not_found');
  });

  it('GET /users filters by active, username, email, name, department and timeZoneGroup', async () => {
    const ids = async (q: string) =>
      ((await call('GET', `/users?${q}`)).body as { items: Obj[] }).items.map((u) => u.id);
    expect(await ids('')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await ids('active=false')).toEqual([7]);
    expect(await ids('username=TRAINEE')).toEqual([3]);
    expect(await ids('email=manager%40demo-company.example')).toEqual([2]);
    expect(await ids('name=smith')).toEqual([4]);
    expect(await ids('name=ANNA%20kow')).toEqual([5]);
    expect(await ids('department=7')).toEqual([5, 8]);
    expect(await ids('timeZoneGroup=2')).toEqual([2, 5, 8]);
    expect(await ids('sort=-hired&active=true')).toEqual([8, 3, 5, 4, 6, 2, 1]);
    expectKey(await call('GET', '/users?active=maybe'), 400, 'invalid_argument');
    expectKey(await call('GET', '/users?department=QA'), 400, 'invalid_argument');
  });

  it('POST /users (admin only) requires username, password, firstName, lastName and answers 200', async () => {
    expectKey(
      await call(
        'POST',
        '/users',
        { username: 'x', password: 'x', firstName: 'X', lastName: 'Y' },
        'manager',
      ),
      403,
      'access_denied',
    );
    const missing = await call('POST', '/users', { username: 'zoe', firstName: 'Zoe' });
    expectKey(missing, 400, 'mandatory_field');
    expect(missing.body).toMatchObject({ fields: 'password' });
    const res = await call('POST', '/users', {
      username: 'zoe',
      password: 'secret-zoe',
      firstName: 'Zoe',
      lastName: 'Quinn',
      departmentId: 7,
      timeZoneGroupId: 2,
      hired: '2026-01-05',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 9,
      username: 'zoe',
      fullName: 'Zoe Quinn',
      middleName: '',
      departmentId: 7,
      timeZoneGroupId: 2,
      hired: '2026-01-05',
      releaseDate: null,
      active: true,
    });
    expect(res.body).not.toHaveProperty('password');
    expect(
      (await call('GET', '/users/me', undefined, { username: 'zoe', password: 'secret-zoe' })).status,
    ).toBe(200);
    expectKey(
      await call('POST', '/users', { username: 'ZOE', password: 'p', firstName: 'A', lastName: 'B' }),
      400,
      'user_exists',
    );
    expectKey(
      await call('POST', '/users', {
        username: 'y',
        password: 'p',
        firstName: 'A',
        lastName: 'B',
        departmentId: 99,
      }),
      404,
      'object_not_found',
    );
    expectKey(
      await call('POST', '/users', {
        username: 'y',
        password: 'p',
        firstName: 'A',
        lastName: 'B',
        hired: '3001-01-01',
      }),
      400,
      'invalid_argument',
    );
  });

  it('POST /users/invitation creates a user who cannot log in until activated', async () => {
    const res = await call('POST', '/users/invitation', {
      email: 'new.hire@demo-company.example',
      firstName: 'New',
      lastName: 'Hire',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 9,
      username: 'new.hire@demo-company.example',
      email: 'new.hire@demo-company.example',
    });
    const login = await call('GET', '/users/me', undefined, {
      username: 'new.hire@demo-company.example',
      password: '',
    });
    expect(login.status).toBe(401);
    expectKey(
      await call('POST', '/users/invitation', { firstName: 'New', lastName: 'Hire' }),
      400,
      'mandatory_field',
    );
  });

  it('PATCH /users/{user} (admin only) changes the given fields and returns the user', async () => {
    const res = await call('PATCH', '/users/trainee', {
      lastName: 'Greene',
      departmentId: 7,
      releaseDate: '2027-01-31',
    });
    expect(res.body).toMatchObject({
      id: 3,
      lastName: 'Greene',
      fullName: 'Tom Greene',
      departmentId: 7,
      releaseDate: '2027-01-31',
    });
    expectKey(await call('PATCH', '/users/me', { firstName: 'Thomas' }, 'trainee'), 403, 'access_denied');
    expectKey(await call('PATCH', '/users/3', { username: 'jsmith' }), 400, 'user_exists');
    expectKey(await call('PATCH', '/users/3', { active: 'no' }), 400, 'invalid_argument');
    // Disabling a user stops their logins.
    expect((await call('PATCH', '/users/3', { active: false })).status).toBe(200);
    expectKey(await call('GET', '/users/me', undefined, 'trainee'), 401, 'user_cannot_be_authorized');
  });

  it("GET /users/{user}/schedule defaults to today … +6 in the user's group; holidays and weekends are 0", async () => {
    expect((await call('GET', '/users/trainee/schedule')).body).toEqual({
      dateFrom: TODAY,
      dateTo: week(1, 1),
      schedule: [480, 480, 480, 0, 0, 480, 480],
    });
    const res = await call('GET', `/users/5/schedule?dateFrom=${week(2)}&dateTo=${week(2, 6)}`);
    expect(res.body).toEqual({
      dateFrom: week(2),
      dateTo: week(2, 6),
      schedule: [240, 240, 0, 240, 240, 0, 0],
    });
    expect(HOLIDAYS).toContain(week(2, 2));
    const nina = await call('GET', `/users/nnew/schedule?dateFrom=${week(2, 1)}&dateTo=${week(2, 3)}`);
    expect(nina.body).toMatchObject({ schedule: [0, 0, 480] }); // hired on Wednesday of W+2, a holiday
    expectKey(
      await call('GET', `/users/3/schedule?dateFrom=${TODAY}&dateTo=${week(-1)}`),
      400,
      'invalid_argument',
    );
  });

  it('GET /users/{user}/workAssignments lists the effective scope (docs/actitime-model.md §2.17)', async () => {
    expect((await call('GET', '/users/5/workAssignments')).body).toEqual({
      allScope: false,
      customerIds: [7, 9],
      projectIds: [10, 17, 23],
      taskIds: [80, 81, 82, 83, 84, 85, 91, 92, 93, 94, 95, 96, 97, 136, 137, 138, 139],
    });
    expect((await call('GET', '/users/pwhite/workAssignments')).body).toEqual({
      allScope: true,
      customerIds: [],
      projectIds: [],
      taskIds: [],
    });
    expectKey(await call('GET', '/users/5/workAssignments', undefined, 'trainee'), 403, 'access_denied');
  });
});

describe('model §2.1 info', () => {
  it('returns company, customNames, format (Monday start), features, urls, limits and serverUUID', async () => {
    const res = await call('GET', '/info', undefined, 'trainee');
    const origin = sim.baseUrl.replace(/\/api\/v1$/, '');
    expect(res.body).toEqual({
      company: { name: 'Demo Company', logoUri: expect.any(String) },
      customNames: {
        firstLevel: { singular: 'Customer', plural: 'Customers' },
        secondLevel: { singular: 'Project', plural: 'Projects' },
        thirdLevel: { singular: 'Task', plural: 'Tasks' },
        department: { singular: 'Department', plural: 'Departments' },
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
        actiTime: origin,
        actiPlans: null,
        api: sim.baseUrl,
        apiDocumentation: `${sim.baseUrl}/swagger`,
      },
      limits: { maxBatchSize: 100, maxQueryLimit: 1000 },
      serverUUID: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});

describe('model §2.9–2.12 reference data (read-only)', () => {
  it('leave types filter by balance and archived', async () => {
    const body = (await call('GET', '/leaveTypes?archived=false&sort=%2Bname')).body as { items: Obj[] };
    expect(body.items.map((l) => l.name)).toEqual(['Sick Leave', 'Time Off', 'Vacation']);
    expect(
      ((await call('GET', '/leaveTypes?balance=PTO')).body as { items: Obj[] }).items.map((l) => l.id),
    ).toEqual([2]);
    expectKey(await call('GET', '/leaveTypes?balance=pto'), 400, 'invalid_argument');
  });

  it('types of work: default alias, billable filter, rate hidden from non-admins', async () => {
    expect((await call('GET', '/typesOfWork/default')).body).toEqual({
      id: 1,
      name: 'engineering',
      rate: 110,
      archived: false,
      billable: true,
      default: true,
    });
    expect((await call('GET', '/typesOfWork/2', undefined, 'manager')).body).toMatchObject({ rate: null });
    const nonBillable = (await call('GET', '/typesOfWork?billable=false')).body as { items: Obj[] };
    expect(nonBillable.items.map((t) => t.id)).toEqual([15]);
    expect(
      ((await call('GET', '/typesOfWork?archived=true')).body as { items: Obj[] }).items.map((t) => t.id),
    ).toEqual([16]);
  });

  it('departments and time zone groups, with -1 defaults and the default alias', async () => {
    expect((await call('GET', '/departments/-1')).body).toEqual({
      id: -1,
      name: 'Users without department',
      default: true,
    });
    expect((await call('GET', '/timeZoneGroups/default')).body).toEqual({
      id: -1,
      name: 'New York',
      timeZoneId: 'America/New_York',
      default: true,
    });
    expect(((await call('GET', '/timeZoneGroups?name=london')).body as { items: Obj[] }).items).toEqual([
      { id: 2, name: 'London', timeZoneId: 'Europe/London', default: false },
    ]);
    expectKey(await call('GET', '/departments/404'), 404, 'object_not_found');
  });

  it('model §2.18 reference-data writes are 405 method_not_allowed', async () => {
    for (const [method, path] of [
      ['POST', '/leaveTypes'],
      ['PATCH', '/leaveTypes/1'],
      ['DELETE', '/typesOfWork/1'],
      ['POST', '/departments'],
      ['PATCH', '/timeZoneGroups/2'],
    ] as const) {
      expectKey(
        await call(method, path, method === 'DELETE' ? undefined : { name: 'x' }),
        405,
        'method_not_allowed',
      );
    }
  });

  it('model §2.18 paths that are not in the API are 404 unknown_resource', async () => {
    for (const path of [
      '/settings',
      '/holidays',
      '/approvalStatus',
      '/userGroups',
      '/timetrack/totals',
      '/userRates',
    ]) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ key: 'api.error.unknown_resource', message: 'HTTP 404 Not Found' });
    }
  });
});

describe('model §2.16 user rates (optional)', () => {
  it('GET/PUT /userRates/{user} hold a bare array, admin only', async () => {
    expect((await call('GET', '/userRates/3')).body).toEqual([]);
    const rates = [
      {
        dateFrom: '2026-01-01',
        regularRate: 50,
        overtimeRate: 75,
        leaveRates: [{ leaveTypeId: 2, rate: 50 }],
      },
    ];
    expect((await call('PUT', '/userRates/3', rates)).body).toEqual(rates);
    expect((await call('GET', '/userRates/trainee')).body).toEqual(rates);
    expectKey(await call('GET', '/userRates/3', undefined, 'manager'), 403, 'access_denied');
    expectKey(
      await call('PUT', '/userRates/3', [{ dateFrom: 'soon', regularRate: 1, overtimeRate: 1 }]),
      400,
      'invalid_argument',
    );
  });
});
