/**
 * Fault injection for reliability tests (docs/reliability.md): wrong statuses, slow or stalled answers, resets,
 * oversize, HTML and malformed bodies. A fault is matched after the request is recorded and before
 * authentication, so it works on any path; armed faults are consumed first in, first out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  defaultErrorForStatus,
  hasHeader,
  JSON_CONTENT_TYPE,
  mergeHeaders,
  sendOutcome,
} from './errors-http.js';
import type { FaultController, FaultSpec } from './types.js';

interface Armed {
  spec: FaultSpec;
  left: number;
}

export class Faults implements FaultController {
  private armed: Armed[] = [];

  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0)) throw new Error('simulator fault: times must be positive');
    this.armed.push({ spec, left: times });
  }

  clear(): void {
    this.armed = [];
  }

  /** Matching requests the armed faults will still affect (sum of their remaining `times`). */
  pending(): number {
    return this.armed.reduce((sum, a) => sum + a.left, 0);
  }

  /**
   * The first armed fault for this request (or, with `inBatch`, this batch operation), consumed once; `path` is
   * relative to /api/v1.
   */
  take(method: string, path: string, inBatch = false): FaultSpec | undefined {
    const index = this.armed.findIndex(
      (a) => (a.spec.inBatch === true) === inBatch && faultMatches(a.spec, method, path),
    );
    if (index < 0) return undefined;
    const armed = this.armed[index]!;
    armed.left -= 1;
    if (armed.left <= 0) this.armed.splice(index, 1);
    return armed.spec;
  }
}

function faultMatches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  if (typeof spec.path === 'string') return withLeadingSlash(spec.path) === withLeadingSlash(path);
  spec.path.lastIndex = 0;
  return spec.path.test(path);
}

function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

export type FaultResult =
  /** The fault answered (or killed) the request; nothing else runs. */
  | { handled: true }
  /** Go on with authentication and the route, adding these headers to whatever answer comes. */
  | { handled: false; extraHeaders?: Record<string, string> };

/**
 * Plays a fault. `signal` aborts when the client goes away or the simulator closes; every wait honours it.
 */
export async function applyFault(
  spec: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<FaultResult> {
  if (spec.delayMs !== undefined && spec.delayMs > 0) {
    try {
      await sleep(spec.delayMs, undefined, { signal });
    } catch {
      return { handled: true };
    }
    if (res.destroyed) return { handled: true };
  }

  if (spec.resetAfterRequest) {
    // An RST, not a FIN: the client sees ECONNRESET after having sent its request.
    req.socket.resetAndDestroy();
    return { handled: true };
  }
  if (spec.stallBody) {
    res.writeHead(200, mergeHeaders({ 'Content-Type': JSON_CONTENT_TYPE }, spec.headers));
    res.write('{"offset":0,"limit":1000,"items":[');
    // Never ends: the simulator's close() or the client's timeout destroys the socket.
    return { handled: true };
  }
  if (spec.oversizeBytes !== undefined) {
    await streamOversize(res, spec.oversizeBytes, spec.headers, signal);
    return { handled: true };
  }
  if (spec.html) {
    const page =
      '<!DOCTYPE html>\n<html><head><title>actiTIME - Login</title></head>' +
      '<body><h1>Please log in</h1><form action="/login.do"></form></body></html>\n';
    sendOutcome(res, {
      status: spec.status ?? 200,
      body: page,
      headers: mergeHeaders({ 'Content-Type': 'text/html; charset=UTF-8' }, spec.headers),
    });
    return { handled: true };
  }
  if (spec.malformedJson) {
    sendOutcome(res, {
      status: spec.status ?? 200,
      body: '{"broken": ',
      headers: mergeHeaders({ 'Content-Type': JSON_CONTENT_TYPE }, spec.headers),
    });
    return { handled: true };
  }
  if (spec.status !== undefined) {
    sendOutcome(res, injectedOutcome(spec.status, spec.headers, spec.body));
    return { handled: true };
  }
  return spec.passThroughHeaders
    ? { handled: false, extraHeaders: spec.passThroughHeaders }
    : { handled: false };
}

/**
 * An injected status: an object body goes out as JSON, a string as it is (text/plain unless the fault's
 * headers say otherwise). Without a body an error status gets the standard error object for that status, so
 * the answer looks like actiTIME's; a success status gets no body at all.
 */
export function injectedOutcome(status: number, headers: Record<string, string> | undefined, body: unknown) {
  const base = headers ?? {};
  if (typeof body === 'string') {
    return {
      status,
      body,
      headers: hasHeader(base, 'content-type')
        ? base
        : mergeHeaders({ 'Content-Type': 'text/plain; charset=UTF-8' }, base),
    };
  }
  if (body !== undefined) return { status, body, headers: base };
  return { status, body: status >= 400 ? defaultErrorForStatus(status) : undefined, headers: base };
}

/** A valid JSON list envelope of about `bytes` bytes, streamed chunked (no Content-Length to trust). */
async function streamOversize(
  res: ServerResponse,
  bytes: number,
  headers: Record<string, string> | undefined,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, mergeHeaders({ 'Content-Type': JSON_CONTENT_TYPE }, headers));
  const head = '{"offset":0,"limit":1000,"items":[';
  const tail = ']}';
  const padding = 'x'.repeat(200);
  let written = 0;
  let id = 1;
  const write = (text: string): Promise<void> | undefined => {
    written += Buffer.byteLength(text);
    if (res.write(text)) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  await write(head);
  const target = Math.max(bytes, head.length + tail.length) - tail.length;
  while (written < target && !signal.aborted && !res.destroyed) {
    // About 64 KiB per write keeps memory flat whatever the size.
    const items: string[] = [];
    let size = 0;
    while (size < 65_536 && written + size < target) {
      const item = `${id === 1 ? '' : ','}{"id":${id},"name":"${padding}"}`;
      items.push(item);
      size += item.length;
      id += 1;
    }
    await write(items.join(''));
  }
  if (!res.destroyed) res.end(tail);
}
