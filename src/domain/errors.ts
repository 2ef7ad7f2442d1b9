/**
 * Errors raised by our own logic (input parsing, name resolution, local checks), as opposed to errors that come
 * from actiTIME or the network (src/actitime/errors.ts). Their messages are our own templates, so they are
 * trusted text and reach the model as they are.
 */
export type ToolErrorKind =
  'validation' | 'ambiguous' | 'not_found' | 'forbidden' | 'conflict' | 'unsupported' | 'response_too_large';

export interface Candidate {
  id: number | string;
  /** Human path that tells candidates apart, e.g. `Big Bang Company / Spaceship building / Test 10`. */
  path: string;
}

export interface ToolErrorOptions {
  /** The input field at fault, e.g. `period` or `entries[2].minutes`. */
  field?: string;
  /** For `ambiguous` (and helpful `not_found`): what the caller may pick from. */
  candidates?: Candidate[];
  /** What to do next, in one sentence. */
  hint?: string;
  /** Structured facts the caller can act on, e.g. a conflict's `current` and `expected` values. */
  details?: Record<string, unknown>;
}

export class ToolError extends Error {
  readonly field?: string;
  readonly candidates?: Candidate[];
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly kind: ToolErrorKind,
    message: string,
    options: ToolErrorOptions = {},
  ) {
    super(message);
    this.name = 'ToolError';
    if (options.field !== undefined) this.field = options.field;
    if (options.candidates !== undefined) this.candidates = options.candidates;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.details !== undefined) this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      field: this.field,
      candidates: this.candidates,
      hint: this.hint,
      details: this.details,
    };
  }
}

/** Shorthand for the most common case: a bad input value. */
export function invalid(field: string, message: string, hint?: string): ToolError {
  return new ToolError('validation', message, hint === undefined ? { field } : { field, hint });
}
