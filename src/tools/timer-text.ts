/** Every sentence start_timer, stop_timer and the timer resource say, in one place (docs/timers.md). */
import { formatMinutes } from '../domain/duration.js';

export const ROUNDING = 'the elapsed time in whole minutes, rounded half up';

export const TIMER_TEXT = {
  none: 'no timer is running',
  noneHint: 'start one with start_timer; time already worked goes in with log_time',
  logged: (task: string, days: ReadonlyArray<{ date: string; minutes: number }>) =>
    `logged ${days.map((d) => `${formatMinutes(d.minutes)} on ${d.date}`).join(' and ')} to ${task} (${ROUNDING})`,
  underAMinute: `the timer ran under a minute (${ROUNDING}): nothing was logged, and the timer was discarded`,
  discarded: 'the timer was discarded; nothing was logged',
  kept: 'nothing was logged; the timer keeps running (see the entries’ errors)',
  heldBack: 'not sent: another day of this timer was refused, and a timer is logged whole or not at all',
  notKept:
    'nothing was logged, and the timer could not be kept because another one was started meanwhile; log this time with log_time',
  maybe:
    'the time may or may not have been logged (the answer was lost); the timer was removed so that it cannot log twice: re-read the day (get_timesheet) and log what is missing with log_time',
  partly:
    'some days were logged and others refused (see the entries); the timer was removed: log the refused days with log_time once possible',
  forgotten: (hm: string) =>
    `nothing was logged: the timer ran ${hm}, more than 16 h, so it was probably forgotten. Ask the user: log it ` +
    '(call again with confirm: planToken), stop it at the time they stopped (at), or drop it (discard: true)',
  question: 'Log the timer',
  taken: 'nothing was logged: another call stopped this timer meanwhile',
  changed: 'nothing was logged: the timer changed since this planToken was issued',
  changedHint: 'call stop_timer again for the running timer',
  beforeStart: (at: string, start: string) => `at: ${at} is not after the timer’s start (${start})`,
  tooLong: (days: number, start: string) =>
    `nothing was logged: the timer started ${start} and spans ${days} days, more than a timer logs (7)`,
  tooLongHint: 'drop it with discard: true, and log the time worked with log_time',
  discardAlone: 'discard: true drops the timer; it takes no at, task or comment',
  completed: (path: string) => `task: ${path} is completed; a timer runs on open tasks`,
  completedHint: 'reopen it with update_work_item, or time another task',
  completedSince:
    'the task was completed since the timer started; the time was logged anyway (actiTIME accepts time on completed tasks)',
  startsBefore: (start: string) => `at: the new timer would start before the running one (${start})`,
  notStarted: 'not started: the running timer could not be stopped first, and it keeps running',
  notStartedHint: 'stop it with stop_timer, which says why (or asks to confirm), then start the new one',
  raced: 'not started: another timer was started meanwhile',
  racedHint: 'stop_timer stops that one first; then start this one again',
  stoppedFirst: (task: string) => `the timer on ${task} was stopped first (see stopped)`,
  memoryOnly: 'ACTITIME_JOURNAL=off: timers are kept in memory only and are lost when the server restarts',
  noJournal: 'ACTITIME_JOURNAL=off',
  stateUnwritable: (code: string | undefined) =>
    `the timer file could not be written${code === undefined ? '' : ` (${code})`}`,
  stateHint: 'check that the state directory (XDG_STATE_HOME or ACTITIME_JOURNAL) is writable',
} as const;
