/**
 * The `team:N` seed: the demo seed plus a synthetic team for benchmarks and load tests, so rows such as
 * "find_missing_time for a 50-user team month" run against real data. It adds, after everything the demo seed
 * holds (whose ids, counts and PRNG draws stay as they were):
 * - the department "Delivery" (id 10);
 * - the team lead `teamlead` (id 100, password `teamlead`, role manager) whose team is exactly the N users,
 *   with the demo manager's scope (Big Bang Company and Our Company), so "my team" is N people;
 * - N regular users `team001` … (ids 101 …, password = username) assigned to Spaceship building (13) and
 *   Internal activities (23); every seventh works part-time (240 minutes Monday to Friday), the rest full-time;
 * - time on working days from Monday of W-8 to today, 1–3 tasks a day, with gaps (about one day in ten partly
 *   or wholly missing), and one day of vacation for every tenth user in the previous week.
 * Everything random comes from a PRNG seeded by N and `today`, so two stores for the same day are identical.
 */
import { addDays, dateRange, weekStart } from './dates.js';
import type { Store, Task } from './store.js';

export const TEAM_LEAD_ID = 100;
export const TEAM_LEAD_USERNAME = 'teamlead';
export const TEAM_FIRST_USER_ID = 101;
export const TEAM_DEPARTMENT_ID = 10;
/** The largest team a `team:N` seed builds. */
export const MAX_TEAM_SIZE = 5000;
const TEAM_PROJECTS = [13, 23];

const FIRST = ['Alex', 'Bea', 'Carl', 'Dana', 'Emil', 'Faye', 'Gus', 'Hana', 'Ivo', 'Jill'];
const LAST = [
  'Adams',
  'Baker',
  'Clark',
  'Dixon',
  'Evans',
  'Foster',
  'Grant',
  'Hayes',
  'Irwin',
  'Jones',
  'Klein',
  'Lopez',
  'Moore',
  'Nolan',
  'Owens',
  'Price',
  'Quinn',
  'Reyes',
  'Stone',
  'Tate',
];

/** N of a `team:N` seed name, or undefined when `kind` is not one; throws on a bad N. */
export function teamSize(kind: string): number | undefined {
  if (!kind.startsWith('team:')) return undefined;
  const raw = kind.slice('team:'.length);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_TEAM_SIZE)
    throw new Error(`simulator: seed team:N needs N from 1 to ${MAX_TEAM_SIZE}, got ${kind}`);
  return n;
}

/** The username of the i-th team member (0-based): team001, team002, … */
export function teamUsername(i: number): string {
  return `team${String(i + 1).padStart(3, '0')}`;
}

/** Adds the team of `n` users to a store that holds the demo seed; `rng` is this seed's own PRNG. */
export function addTeam(store: Store, n: number, today: string, rng: () => number): void {
  store.departments.set(TEAM_DEPARTMENT_ID, { id: TEAM_DEPARTMENT_ID, name: 'Delivery', default: false });
  const ids = Array.from({ length: n }, (_, i) => TEAM_FIRST_USER_ID + i);
  store.addUser({
    id: TEAM_LEAD_ID,
    username: TEAM_LEAD_USERNAME,
    password: TEAM_LEAD_USERNAME,
    firstName: 'Terry',
    middleName: '',
    lastName: 'Lead',
    email: `${TEAM_LEAD_USERNAME}@demo-company.example`,
    departmentId: TEAM_DEPARTMENT_ID,
    timeZoneGroupId: -1,
    hired: addDays(today, -1000),
    releaseDate: null,
    active: true,
    role: 'manager',
    team: new Set(ids),
    scopeCustomerIds: new Set([6, 9]),
    assignment: {
      allScope: false,
      customerIds: new Set([6, 9]),
      projectIds: new Set(),
      taskIds: new Set(),
    },
  });
  const users = ids.map((id, i) => {
    const username = teamUsername(i);
    const round = Math.floor(i / (FIRST.length * LAST.length));
    return store.addUser({
      id,
      username,
      password: username,
      firstName: FIRST[Math.floor(i / LAST.length) % FIRST.length]!,
      middleName: round === 0 ? '' : String(round + 1),
      lastName: LAST[i % LAST.length]!,
      email: `${username}@demo-company.example`,
      departmentId: TEAM_DEPARTMENT_ID,
      timeZoneGroupId: -1,
      hired: addDays(today, -400),
      releaseDate: null,
      active: true,
      role: 'regular',
      weeklySchedule: i % 7 === 6 ? [240, 240, 240, 240, 240, 0, 0] : [480, 480, 480, 480, 480, 0, 0],
      assignment: {
        allScope: false,
        customerIds: new Set(),
        projectIds: new Set(TEAM_PROJECTS),
        taskIds: new Set(),
      },
    });
  });

  const w0 = weekStart(today, 1);
  const lastWeek = addDays(w0, -7);
  users.forEach((u, i) => {
    if (i % 10 === 0) store.setLeave(u.id, addDays(lastWeek, 1 + (i % 3)), 2, u.weeklySchedule[0]!);
  });

  const tasks: Task[] = [...store.tasks.values()].filter(
    (t) => TEAM_PROJECTS.includes(t.projectId) && t.workflowStatusId !== 3,
  );
  const plain = tasks.filter((t) => t.id !== 136 && /^[\w ,.-]+$/.test(t.name));
  const meetings = tasks.find((t) => t.id === 136);
  const days = dateRange(addDays(w0, -56), today);
  for (const u of users) {
    for (const date of days) {
      const scheduled = store.scheduleFor(u, date);
      if (scheduled === 0) continue;
      let leave = 0;
      for (const m of store.userLeaveDays(u.id)?.get(date)?.values() ?? []) leave += m;
      const draw = rng();
      // About one day in ten partly or wholly missing; the rest logged to the schedule.
      let total = scheduled - leave;
      if (draw < 0.04) total = 0;
      else if (draw < 0.1) total = Math.max(0, total - 30 * (1 + Math.floor(rng() * 6)));
      if (total <= 0) continue;
      const cells: Array<[Task, number]> = [];
      if (meetings && date === weekStart(date, 1) && total >= 120) {
        cells.push([meetings, 60]);
        total -= 60;
      }
      const k = Math.max(1, Math.min(1 + Math.floor(rng() * 2), Math.floor(total / 30)));
      const a = Math.floor(rng() * plain.length);
      const b = (a + 1 + Math.floor(rng() * (plain.length - 1))) % plain.length;
      const picked = k === 1 || a === b ? [plain[a]!] : [plain[a]!, plain[b]!];
      const share = picked.length === 1 ? total : 30 * Math.floor(total / 60);
      cells.push([picked[0]!, share]);
      if (picked.length === 2) cells.push([picked[1]!, total - share]);
      for (const [task, minutes] of cells) if (minutes > 0) store.setTime(u.id, date, task.id, minutes);
    }
  }
}
