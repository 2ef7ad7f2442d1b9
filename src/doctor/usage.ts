/**
 * The doctor's usage line and usage error, apart from the command so `actitime-mcp --help` and the CLI's error
 * handling need not load the doctor (its probes, the simulator) at start-up.
 */
export const DOCTOR_USAGE =
  'actitime-mcp doctor [--json] [--write-probe TASK --date YYYY-MM-DD] [--demo] [--demo-user NAME] [--demo-quirks a,b|all] [--toolsets LIST]';

export class DoctorUsageError extends Error {}
