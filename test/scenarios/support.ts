/**
 * Oracles for the scenarios: what the simulator's store holds, read directly (never through the server under
 * test), so an expected figure is computed independently of the answer the assistant got.
 */
import { addDays } from '../../src/simulator/dates.js';
import type { SimulatorHandle } from '../helpers/simulator.js';
import { TODAY } from './runner.js';

/** Seeded ids (docs/actitime-model.md §5). */
export const U = { admin: 1, manager: 2, trainee: 3, jsmith: 4, akowalski: 5, pwhite: 6 } as const;
export const T = {
  test10: 143,
  hullDesign: 101,
  hullWelding: 102,
  engineTesting: 103,
  meetings: 136,
  plainTesting: 109,
  penetrationCourse: 144,
  unitTestingWorkshop: 145,
  securityTraining: 142,
} as const;

export const YESTERDAY = addDays(TODAY, -1);
/** Monday of today's week (W0) and week(k, d) = day d (0 = Monday) of W0 + k. */
export const W0 = '2026-11-02';
export const week = (k: number, day = 0): string => addDays(W0, 7 * k + day);

/** Minutes in one time-track cell (0 when empty). */
export function cell(sim: SimulatorHandle, userId: number, date: string, taskId: number): number {
  return sim.store.getTime(userId, date, taskId)?.time ?? 0;
}

/** Minutes of leave of one type on one day (0 when none). */
export function leave(sim: SimulatorHandle, userId: number, date: string, leaveTypeId: number): number {
  return sim.store.getLeave(userId, date, leaveTypeId) ?? 0;
}

/** Logged minutes of `userIds` in [from, to], optionally only where `keep(taskId)` holds. */
export function logged(
  sim: SimulatorHandle,
  userIds: readonly number[],
  from: string,
  to: string,
  keep: (taskId: number) => boolean = () => true,
): number {
  let sum = 0;
  for (const userId of userIds) {
    for (const [date, day] of sim.store.userDays(userId) ?? []) {
      if (date < from || date > to) continue;
      for (const [taskId, record] of day) if (keep(taskId)) sum += record.time;
    }
  }
  return sum;
}

/** A task filter: tasks of the project with this id. */
export const inProject =
  (sim: SimulatorHandle, projectId: number) =>
  (taskId: number): boolean =>
    sim.store.tasks.get(taskId)?.projectId === projectId;

/** A task filter: tasks of the customer with this id. */
export const ofCustomer =
  (sim: SimulatorHandle, customerId: number) =>
  (taskId: number): boolean => {
    const task = sim.store.tasks.get(taskId);
    return task !== undefined && sim.store.taskCustomerId(task) === customerId;
  };
