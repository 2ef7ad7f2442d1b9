/** Tool inputs shared by every toolset: objects named by id or by name, bare ids, and paging. */
import { z } from 'zod';

import { ARG } from './arg-text.js';

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 25;
/** actiTIME ids are Java ints. */
export const MAX_ID = 2_147_483_647;

const isId = (n: number) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_ID;

/**
 * An object named by id or by name; names are resolved, never put in a URL (SEC-IN-02). Checks are refinements,
 * so they run at the boundary without bloating the JSON schema in tools/list.
 */
export const refInput = (description?: string) => {
  const schema = z.union([
    z.number().refine(isId, 'an id must be a positive whole number'),
    z.string().refine((t) => t.trim().length > 0 && t.length <= 800, 'a name must have 1–800 characters'),
  ]);
  return description ? schema.describe(description) : schema;
};

/** An id only (no name): a number or a string of digits, as everywhere an id is taken. */
export const idInput = () =>
  z.union([
    z.number().refine(isId, 'an id must be a positive whole number'),
    z
      .string()
      .regex(/^\s*\d{1,10}\s*$/, 'an id must be a positive whole number')
      .transform(Number)
      .refine(isId, 'an id must be a positive whole number'),
  ]);

export const limitInput = z.int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE).describe(ARG.limit);
export const offsetInput = z.int().min(0).max(10_000_000).default(0).describe(ARG.offset);
