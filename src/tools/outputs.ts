/** Output pieces shared by every toolset: results stay compact, and their schemas stay small in tools/list. */
import { z } from 'zod';

/** Drops null and undefined values so results stay compact and match optional output fields. */
export function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

/** Epoch milliseconds as an ISO instant; nothing for a missing or impossible time. */
export function isoTime(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Output numbers are plain numbers: `z.int()` would add ±2^53 bounds to every field of tools/list. */
export const num = z.number();
