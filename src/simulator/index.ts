/** The in-repo actiTIME simulator: start it in-process, or run it as the `simulator` CLI subcommand. */
export { startSimulator, API_PREFIX, type SimulatorHandle } from './server.js';
export { runSimulatorCommand, parseSimulatorArgs } from './cli.js';
export { DEFAULT_LIMITS } from './rate-limit.js';
export { criticalPath, type CriticalPath } from './round-trips.js';
export { parseQuirks, QUIRK_SUMMARY, QUIRKS, sideRefusal, type Quirk } from './quirks.js';
export {
  SimError,
  DEFAULT_MESSAGES,
  type FaultController,
  type FaultSpec,
  type HttpMethod,
  type RecordedRequest,
  type RouteContext,
  type RouteHandler,
  type RouteRegistrar,
  type RouteResult,
  type SimulatorLimits,
  type SimulatorOptions,
} from './types.js';
