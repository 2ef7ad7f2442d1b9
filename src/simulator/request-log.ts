/**
 * What the simulator received, for tests to assert on the wire: order, timing, concurrency, raw paths.
 * Times are `performance.now()` milliseconds (monotonic and real even when the simulator's `now` clock is
 * injected), so start-to-start gaps and in-flight overlaps can be measured.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from './types.js';

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization']);

export class RequestLog {
  /** The live log: tests read it directly. Cleared in place so references stay valid. */
  readonly entries: RecordedRequest[] = [];
  private nextSeq = 1;
  private inFlight = 0;
  private highWater = 0;

  /** Records an HTTP request the moment its headers arrive. */
  begin(req: IncomingMessage, rawPath: string, path: string, query: URLSearchParams): RecordedRequest {
    this.inFlight += 1;
    this.highWater = Math.max(this.highWater, this.inFlight);
    const record: RecordedRequest = {
      seq: this.nextSeq++,
      method: req.method ?? '',
      rawPath,
      path,
      query: Object.fromEntries(query),
      body: undefined,
      headers: redactHeaders(req.headers),
      arrivedAt: performance.now(),
      inFlight: this.inFlight,
    };
    this.entries.push(record);
    return record;
  }

  /** Called once when the response finished or the connection closed. */
  end(record: RecordedRequest, status: number | undefined, completed: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const at = performance.now();
    if (status !== undefined) record.status = status;
    record.finishedAt = at;
    if (!completed) record.abortedAt = at;
  }

  /** A batch sub-operation: logged with `batchOf`, not counted as a connection in flight. */
  beginSub(
    parent: RecordedRequest,
    fields: Pick<RecordedRequest, 'method' | 'rawPath' | 'path' | 'query' | 'body' | 'username'>,
  ): RecordedRequest {
    const record: RecordedRequest = {
      seq: this.nextSeq++,
      ...fields,
      headers: {},
      arrivedAt: performance.now(),
      inFlight: this.inFlight,
      batchOf: parent.seq,
    };
    if (record.username === undefined) delete record.username;
    this.entries.push(record);
    return record;
  }

  endSub(record: RecordedRequest, status: number): void {
    record.status = status;
    record.finishedAt = performance.now();
  }

  maxInFlight(): number {
    return this.highWater;
  }

  currentInFlight(): number {
    return this.inFlight;
  }

  /** Empties the log and restarts the high-water mark from what is in flight now; seq keeps counting. */
  clear(): void {
    this.entries.length = 0;
    this.highWater = this.inFlight;
  }
}

export function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = REDACTED_HEADERS.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
