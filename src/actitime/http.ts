/**
 * One HTTP attempt against actiTIME through undici: Basic auth, JSON headers, a timeout covering headers and
 * body, a response byte cap, and the mapping from status and body to typed errors. No retries here.
 *
 * Errors are always built fresh from our templates: undici errors are never attached as `cause`, because they
 * can reference the request options (and so the Authorization header).
 */
import type { Dispatcher } from 'undici';
import { redact } from '../logger.js';
import {
  ActitimeApiError,
  ActitimeError,
  endpointError,
  NetworkError,
  ResponseTooLargeError,
  TimeoutError,
  UnexpectedResponseError,
} from './errors.js';
import type { HttpMethod } from './retry.js';
import { abortError } from './signals.js';

export interface AttemptInput {
  method: HttpMethod;
  /** Path after the origin, including the `/api/v1` prefix and any query string. */
  path: string;
  body?: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** Called once the response headers arrived (the server has received the request). */
  onHeaders?: () => void;
}

export interface AttemptResult {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON; undefined for 204 or an empty body. */
  body: unknown;
  /** Set for every non-2xx status and for 2xx bodies that are not JSON. */
  error?: ActitimeError;
}

export interface TransportOptions {
  dispatcher: Dispatcher;
  /** `/ctx/api/v1` part of the base URL. */
  basePath: string;
  /** host[:port], for messages. */
  host: string;
  username: string;
  password: string;
  maxResponseBytes: number;
}

const MAX_MESSAGE = 300;

export class HttpTransport {
  private readonly authorization: string;

  constructor(private readonly opts: TransportOptions) {
    this.authorization =
      'Basic ' + Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
  }

  async attempt(input: AttemptInput): Promise<AttemptResult> {
    const { signal } = input;
    if (signal.aborted) throw abortError(signal);
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      Math.max(1, input.timeoutMs),
    );
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: 'application/json; charset=UTF-8',
    };
    if (input.body !== undefined) headers['content-type'] = 'application/json; charset=UTF-8';
    try {
      const response = await this.opts.dispatcher.request({
        path: this.opts.basePath + input.path,
        method: input.method,
        headers,
        body: input.body,
        signal: controller.signal,
        // Our own timer covers the whole attempt; undici's are a backstop.
        headersTimeout: input.timeoutMs + 1000,
        bodyTimeout: input.timeoutMs + 1000,
      });
      input.onHeaders?.();
      const responseHeaders = flattenHeaders(response.headers);
      const bytes = await readCapped(
        response.body,
        this.opts.maxResponseBytes,
        responseHeaders['content-length'],
      );
      return interpret(response.statusCode, responseHeaders, bytes);
    } catch (err) {
      if (timedOut) throw new TimeoutError('attempt', input.timeoutMs);
      if (signal.aborted) throw abortError(signal);
      if (err instanceof ActitimeError) throw err;
      throw mapTransportError(err, this.opts.host);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Reads at most `max` bytes; beyond that the stream (and with it the socket) is destroyed. */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  max: number,
  contentLength?: string,
): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > max) {
    body.destroy();
    throw new ResponseTooLargeError(max);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      body.destroy();
      throw new ResponseTooLargeError(max);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

function interpret(status: number, headers: Record<string, string>, bytes: Buffer): AttemptResult {
  const text = bytes.length > 0 ? bytes.toString('utf8') : '';
  if (status >= 200 && status < 300) {
    if (status === 204 || text.trim() === '') return { status, headers, body: undefined };
    if (/^\s*</.test(text)) {
      return {
        status,
        headers,
        body: undefined,
        error: new UnexpectedResponseError('html'),
      };
    }
    try {
      return { status, headers, body: JSON.parse(text) as unknown };
    } catch {
      return {
        status,
        headers,
        body: undefined,
        error: new UnexpectedResponseError('malformed_json'),
      };
    }
  }
  if (status >= 300 && status < 400) {
    return {
      status,
      headers,
      body: undefined,
      error: endpointError({ reason: 'redirect', status }),
    };
  }
  return { status, headers, body: undefined, error: apiErrorFrom(status, text) };
}

/** Control characters stripped, secrets redacted, length capped: the API's text is data, not ours. */
export function cleanApiText(value: string, max = MAX_MESSAGE): string {
  // eslint-disable-next-line no-control-regex
  const flat = redact(value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim());
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** An actiTIME error body `{key, message, fields?}` → ActitimeApiError; anything else by status alone. */
export function apiErrorFrom(status: number, text: string): ActitimeApiError {
  let parsed: unknown;
  if (text.length > 0 && text.length < 100_000 && /^\s*\{/.test(text)) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: classified by status below
    }
  }
  return apiErrorFromBody(status, parsed);
}

/** Same, from an already parsed body (batch sub-responses). Keeps the key and message as actiTIME sent them. */
export function apiErrorFromBody(status: number, body: unknown): ActitimeApiError {
  let key: string | undefined;
  let message: string | undefined;
  let fields: string | undefined;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.key === 'string' && b.key.trim() !== '') key = cleanApiText(b.key, 100);
    if (typeof b.message === 'string' && b.message.trim()) message = cleanApiText(b.message);
    if (typeof b.fields === 'string') fields = cleanApiText(b.fields, 200);
    else if (Array.isArray(b.fields)) fields = cleanApiText(b.fields.map(String).join(', '), 200);
  }
  return new ActitimeApiError(status, key, message, fields);
}

const TLS_CODES = /^(CERT_|ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_)/;

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== 'UND_ERR_SOCKET') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  const inner = e.cause !== undefined && e.cause !== err ? errorCode(e.cause) : undefined;
  return inner ?? (typeof e.code === 'string' ? e.code : undefined);
}

/** undici / socket failures → our error classes, without carrying the original object. */
export function mapTransportError(err: unknown, host: string): ActitimeError {
  const code = errorCode(err);
  if (code === 'ENOTFOUND') return endpointError({ reason: 'dns', host });
  if (code && TLS_CODES.test(code)) return endpointError({ reason: 'tls', host, code });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return new TimeoutError('attempt');
  if (
    code === 'ECONNREFUSED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EAI_AGAIN' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new NetworkError('refused', host, code);
  }
  return new NetworkError('reset', host, code ?? 'ECONNRESET');
}
