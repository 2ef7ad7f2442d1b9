/**
 * One orderly shutdown for every transport: close what is open, but never let a hung close keep the process
 * alive past `graceMs` (REL-TH-05: exit 0 within a second of SIGTERM or stdin closing).
 */
import type { Logger } from '../logger.js';

export interface ShutdownOptions {
  logger: Logger;
  graceMs: number;
  exit: (code: number) => void;
  /** Releases everything; errors are logged, not thrown. */
  close: () => Promise<void>;
}

/** Returns the shutdown function; calls after the first are ignored. */
export function gracefulShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const { logger, graceMs, exit, close } = options;
  let stopping = false;
  return async (reason) => {
    if (stopping) return;
    stopping = true;
    logger.debug(`shutting down: ${reason}`);
    const orderly = close().catch((err: unknown) => {
      logger.warn(`error while closing: ${err instanceof Error ? err.message : String(err)}`);
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.warn(`shutdown took longer than ${graceMs} ms; exiting anyway`);
        resolve();
      }, graceMs);
      timer.unref();
    });
    await Promise.race([orderly, deadline]);
    clearTimeout(timer);
    exit(0);
  };
}
