/**
 * The single tool boundary. A result leaves as structured content plus the same compact JSON as text
 * (SEC-OUT-05); an error leaves as an isError result whose JSON carries only trusted text: our own templates,
 * plus actiTIME's message capped, cleaned and quoted after them (SEC-OUT-07). Bugs become a generic message
 * with the stack on stderr only (SEC-IO-03).
 */
import { z } from 'zod';

import {
  ActitimeApiError,
  ConfigError,
  InvalidRequestError,
  isActitimeError,
  RateLimitedError,
  UnexpectedResponseError,
  type ActitimeError,
} from '../actitime/errors.js';
import { ToolError } from '../domain/errors.js';
import { capUntrusted, sanitizeDeep, stripInvisible } from '../domain/sanitize.js';
import { redact, type Logger } from '../logger.js';

/** Largest text content a tool may return; tools page well below it (SEC-OUT-02), this is the backstop. */
export const MAX_RESULT_CHARS = 100_000;
/** How much of actiTIME's own message reaches the model. */
export const UPSTREAM_MESSAGE_MAX = 300;

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface ErrorBody {
  error: {
    status?: number;
    key?: string;
    kind?: string;
    message: string;
    field?: string;
    candidates?: Array<{ id: number | string; path: string }>;
    hint?: string;
    retryAfterSeconds?: number;
    maybeApplied?: true;
  };
}

/**
 * Cleans a handler's result, checks it against the tool's output schema and wraps it. A result that fails its
 * own schema is a bug in the tool: it becomes the generic internal error.
 */
export function formatSuccess(
  toolName: string,
  result: unknown,
  outputSchema: z.ZodType,
  logger: Logger,
): ToolResult {
  const parsed = outputSchema.safeParse(sanitizeDeep(result));
  if (!parsed.success) {
    logger.error(`tool ${toolName} returned a result that fails its output schema`, {
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 10),
    });
    return internalError();
  }
  const structured = parsed.data as Record<string, unknown>;
  const text = JSON.stringify(structured);
  if (text.length > MAX_RESULT_CHARS) {
    return formatError(
      toolName,
      new ToolError('response_too_large', `the result is larger than ${MAX_RESULT_CHARS} characters`, {
        hint: 'narrow the request: a shorter period, a filter, or a smaller limit',
      }),
      logger,
    );
  }
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** Any thrown value → an isError result. */
export function formatError(toolName: string, err: unknown, logger: Logger): ToolResult {
  const body = errorBody(err);
  if (body === undefined) {
    const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    logger.error(`unexpected error in tool ${toolName}: ${detail}`);
    return internalError();
  }
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true };
}

function internalError(): ToolResult {
  const body: ErrorBody = {
    error: {
      kind: 'internal',
      message: 'internal error in actitime-mcp; details were written to the server log',
      hint: 'this is a bug in actitime-mcp, not in your request; try another way or report it',
    },
  };
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true };
}

/** The error JSON for a known error, or undefined for anything we did not anticipate (a bug). */
export function errorBody(err: unknown): ErrorBody | undefined {
  if (err instanceof ToolError) return toolErrorBody(err);
  if (err instanceof z.ZodError) return zodErrorBody(err);
  if (err instanceof ActitimeApiError) return apiErrorBody(err);
  if (isActitimeError(err)) return clientErrorBody(err);
  return undefined;
}

function toolErrorBody(err: ToolError): ErrorBody {
  return {
    error: {
      kind: err.kind,
      message: ours(err.message),
      ...(err.field === undefined ? {} : { field: ours(err.field) }),
      ...(err.candidates === undefined
        ? {}
        : {
            candidates: err.candidates
              .slice(0, 20)
              .map((c) => ({ id: c.id, path: capUntrusted(c.path, 200) })),
          }),
      ...(err.hint === undefined ? {} : { hint: ours(err.hint) }),
    },
  };
}

/** Zod failures raised inside a handler (e.g. a nested value checked late) read like input validation errors. */
export function zodErrorBody(err: z.ZodError): ErrorBody {
  const issues = err.issues.slice(0, 5).map((i) => {
    // An unknown property is reported on its parent; name the property itself.
    const path = i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path;
    const text = i.code === 'unrecognized_keys' ? 'unknown argument' : i.message;
    return { field: path.length > 0 ? dotPath(path) : undefined, text };
  });
  const field = issues[0]?.field;
  const message = issues.map((i) => (i.field === undefined ? i.text : `${i.field}: ${i.text}`)).join('; ');
  return {
    error: {
      kind: 'validation',
      message: capUntrusted(`invalid arguments: ${message}`, 600),
      ...(field === undefined ? {} : { field: capUntrusted(field, 100) }),
      hint: 'fix the named argument and call again; see the tool’s input schema',
    },
  };
}

export function dotPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    const s = String(p);
    return acc === '' ? s : `${acc}.${s}`;
  }, '');
}

/** By short key first, then by status; each says what to do next. */
const API_TEMPLATES: Record<string, { message: string; hint: string }> = {
  authentication_failed: {
    message: 'authentication failed',
    hint: 'check ACTITIME_USERNAME/ACTITIME_PASSWORD in the server configuration; the server will not retry',
  },
  user_cannot_be_authorized: {
    message: 'actiTIME does not let this user sign in (disabled, not activated, or hired in the future)',
    hint: 'check ACTITIME_USERNAME, or ask an actiTIME administrator to enable the account',
  },
  ip_banned: {
    message: 'actiTIME temporarily banned this address after failed sign-ins',
    hint: 'wait about a minute, then check ACTITIME_USERNAME/ACTITIME_PASSWORD',
  },
  invalid_auth_scheme: {
    message: 'actiTIME refused the authentication scheme',
    hint: 'check that ACTITIME_URL points at an actiTIME REST API (…/api/v1)',
  },
  access_denied: {
    message: 'access denied: the user lacks the permission or cannot see the object',
    hint: 'ask an actiTIME administrator for the permission, or pick an object within your scope',
  },
  object_not_found: {
    message: 'not found: no object with that id (or it is empty)',
    hint: 'look the object up again (ids change when objects are deleted)',
  },
  unknown_resource: {
    message: 'this actiTIME version does not offer the endpoint',
    hint: 'the feature is not available on this actiTIME server',
  },
  method_not_allowed: {
    message: 'this actiTIME version does not allow the operation',
    hint: 'the feature is not available on this actiTIME server',
  },
  mandatory_field: { message: 'a required field is missing', hint: 'supply the named field' },
  string_length: { message: 'a name is empty or longer than 255 characters', hint: 'use 1–255 characters' },
  invalid_argument: {
    message: 'actiTIME could not accept an argument',
    hint: 'check dates (YYYY-MM-DD), numbers and that each day stays within 0–24 h',
  },
  customer_exists: {
    message: 'a customer with this name already exists',
    hint: 'use the existing customer or choose another name',
  },
  project_exists: {
    message: 'a project with this name already exists for this customer',
    hint: 'use the existing project or choose another name',
  },
  task_exists: {
    message: 'a task with this name already exists in this project',
    hint: 'use the existing task or choose another name',
  },
  workflow_status_exists: {
    message: 'a workflow status with this name already exists',
    hint: 'use the existing status or choose another name',
  },
  day_limit_exceeded: {
    message: 'the day would have more than 24 hours of time and leave',
    hint: 'reduce the time so the day stays within 24 h',
  },
  timetrack_locked: {
    message: 'the day is locked',
    hint: 'the day is locked; ask an administrator to unlock it',
  },
  timetrack_approved: {
    message: 'the week is approved',
    hint: 'ask a manager to reject (reopen) the week before changing its time',
  },
  workflow_status_in_use: {
    message: 'the workflow status is used by tasks',
    hint: 'move those tasks to another status first',
  },
  last_workflow_status: {
    message: 'this is the last workflow status of its type',
    hint: 'create another status of the same type first',
  },
  approved_time_exists: {
    message: 'the object has approved time',
    hint: 'confirm that approved weeks may be revoked, then retry with revokeApprovedWeeks: true',
  },
  batch_too_large: {
    message: 'too many operations in one batch',
    hint: 'split the change into smaller parts',
  },
  too_many_requests: {
    message: 'actiTIME rate limit reached',
    hint: 'wait a little and try again',
  },
  unsupported_media_type: {
    message: 'actiTIME refused the request format',
    hint: 'this is a bug in actitime-mcp',
  },
  internal: {
    message: 'actiTIME had an internal error',
    hint: 'try again later; if it was a change, re-read before retrying',
  },
};

function byStatus(status: number): { message: string; hint: string } {
  if (status === 400) return { message: 'actiTIME refused the request', hint: 'check the arguments' };
  if (status === 401) return API_TEMPLATES.authentication_failed!;
  if (status === 403) return API_TEMPLATES.access_denied!;
  if (status === 404) return API_TEMPLATES.object_not_found!;
  if (status === 409)
    return { message: 'the change conflicts with the current state', hint: 're-read and retry' };
  if (status === 429) return API_TEMPLATES.too_many_requests!;
  if (status >= 500) return API_TEMPLATES.internal!;
  return { message: `actiTIME answered HTTP ${status}`, hint: 'check the arguments' };
}

function apiErrorBody(err: ActitimeApiError): ErrorBody {
  const key = capUntrusted(err.shortKey, 80);
  // Duplicate names arrive as 400 or 403 depending on the server (§4): the key decides, not the status.
  const template = API_TEMPLATES[key] ?? byStatus(err.status);
  const upstream = capUntrusted(redact(err.message), UPSTREAM_MESSAGE_MAX);
  let message = template.message;
  if (upstream.length > 0) message += `. actiTIME said: ${JSON.stringify(upstream)}`;
  if (err.maybeApplied) message += `. ${MAYBE_APPLIED}`;
  return {
    error: {
      status: err.status,
      key,
      message,
      ...(err.fields ? { field: capUntrusted(err.fields, 100) } : {}),
      hint: err.maybeApplied ? 're-read the data before retrying' : template.hint,
      ...(err.maybeApplied ? { maybeApplied: true as const } : {}),
    },
  };
}

const MAYBE_APPLIED = 'The change may or may not have been applied; re-read before retrying';

const KIND_HINTS: Record<string, string> = {
  network: 'check ACTITIME_URL and that actiTIME is reachable, then try again',
  timeout: 'actiTIME is slow or unreachable; try again in a moment',
  cancelled: 'the call was cancelled; nothing more was sent',
  busy: 'too many calls are queued; try again in a moment',
  unexpected_response: 'check that ACTITIME_URL points at an actiTIME REST API (…/api/v1)',
  response_too_large: 'narrow the request: a shorter period, a filter, or a smaller limit',
  config: 'fix the server configuration and restart it',
};

function clientErrorBody(err: ActitimeError): ErrorBody {
  if (err instanceof InvalidRequestError) {
    // Refused before sending (e.g. an id that is not one path segment): for the caller, a bad argument.
    return {
      error: {
        kind: 'validation',
        message: capUntrusted(redact(err.message), 400),
        ...(err.field ? { field: capUntrusted(err.field, 100) } : {}),
        hint: 'fix the named argument and call again',
      },
    };
  }
  // Client messages are our templates, but may embed a host name or a server's words: clean them all the same.
  let message = capUntrusted(redact(err.message), 400);
  const extra: Partial<ErrorBody['error']> = {};
  let hint = KIND_HINTS[err.kind] ?? 'try again later';
  if (err instanceof RateLimitedError) {
    if (err.retryAfterMs !== undefined && Number.isFinite(err.retryAfterMs)) {
      const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
      extra.retryAfterSeconds = seconds;
      hint = `wait about ${seconds} s, then try again`;
    } else {
      hint = 'wait a little, then try again';
    }
  }
  if (err instanceof ConfigError && err.setting) {
    extra.field = capUntrusted(err.setting, 60);
    hint = `fix ${extra.field} in the server configuration and restart it`;
  }
  if (err instanceof UnexpectedResponseError && err.field) extra.field = capUntrusted(err.field, 100);
  if (err.maybeApplied) {
    message += `. ${MAYBE_APPLIED}`;
    hint = 're-read the data before retrying';
    extra.maybeApplied = true;
  }
  return { error: { kind: err.kind, message, ...extra, hint } };
}

/** Our own text still passes through the invisible-character filter: it may embed a name the user typed. */
function ours(text: string): string {
  return stripInvisible(redact(text)).slice(0, 1000);
}
