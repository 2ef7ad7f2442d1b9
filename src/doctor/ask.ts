/**
 * One probe request as doctor sees it: the raw status, headers and body whatever the outcome, so a check can
 * tell a refusal from an absent route from an HTML page. A 401 or an IP ban ends the whole run (`StopProbing`):
 * three failed sign-ins within 10 s ban the IP, and the client itself never repeats a 401.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ActitimeClient, HttpMethod } from '../actitime/client.js';
import { ActitimeApiError, ActitimeError } from '../actitime/errors.js';
import type { PathSegment, Query } from '../actitime/path.js';

export interface Answer {
  /** HTTP status; 0 when no answer came (network, timeout). */
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** actiTIME's error key without `api.error.`, `''` when the answer had none. */
  key: string;
  /** What went wrong when status is 0 or ≥ 400. */
  error?: ActitimeError;
}

export class StopProbing extends Error {
  constructor(readonly answer: Answer) {
    super(`stopped after HTTP ${answer.status} ${answer.key}`);
  }
}

export interface AskOptions {
  method?: HttpMethod;
  query?: Query;
  body?: unknown;
}

export class Prober {
  /** Response headers of every answer, newest last (rate headers are read from them). */
  readonly seenHeaders: Array<Record<string, string>> = [];

  constructor(
    readonly client: ActitimeClient,
    /** Gap between two probes: doctor never bursts, whatever the client's limiter would allow. */
    private readonly paceMs: number,
  ) {}

  get requests(): number {
    return this.client.stats.requests;
  }

  async ask(path: readonly PathSegment[], opts: AskOptions = {}): Promise<Answer> {
    if (this.paceMs > 0 && this.requests > 0) await sleep(this.paceMs);
    const method = opts.method ?? 'GET';
    let answer: Answer;
    try {
      const res = await this.client.send({
        method,
        path,
        ...(opts.query ? { query: opts.query } : {}),
        ...(opts.body === undefined ? {} : { body: opts.body }),
        // Probes that write are set-style or refused by validation; none of them is worth a second attempt.
        idempotent: false,
      });
      answer = { status: res.status, headers: res.headers, body: res.data, key: '' };
    } catch (err) {
      if (err instanceof ActitimeApiError) {
        answer = {
          status: err.status,
          headers: {},
          body: err.upstreamMessage,
          key: err.shortKey,
          error: err,
        };
      } else if (err instanceof ActitimeError) {
        answer = { status: 0, headers: {}, body: undefined, key: '', error: err };
      } else throw err;
    }
    this.seenHeaders.push(answer.headers);
    if (answer.status === 401 || answer.key === 'ip_banned') throw new StopProbing(answer);
    return answer;
  }
}

export function isOk(a: Answer): boolean {
  return a.status >= 200 && a.status < 300;
}

/** The server has no such route: 404 unknown_resource or without an actiTIME key, or 405. */
export function isMissingRoute(a: Answer): boolean {
  return a.status === 405 || (a.status === 404 && (a.key === '' || a.key === 'unknown_resource'));
}

/** `items` of a list envelope, or a bare array; [] for anything else. */
export function itemsOf(body: unknown): Array<Record<string, unknown>> {
  const items = Array.isArray(body) ? body : (body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items)
    ? items.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    : [];
}

/** `HTTP 404 object_not_found`, or the transport failure in a few words. */
export function describeAnswer(a: Answer): string {
  if (a.status === 0) return a.error?.message ?? 'no answer';
  if (a.status >= 400 && a.key === '' && typeof a.body !== 'string')
    return `HTTP ${a.status} without an actiTIME error body`;
  return `HTTP ${a.status}${a.key === '' ? '' : ` ${a.key}`}`;
}
