/**
 * CPU time for "this stays linear on pathological input" checks. Elapsed time grows whenever other processes
 * compete for the cores (a busy CI runner); the CPU time this process spends on the work does not, so a bound
 * on it separates linear from catastrophic (backtracking) cost on any load.
 */

/** User + system CPU time this process spent while running `fn`, in ms. */
export function cpuTimeMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000;
}
