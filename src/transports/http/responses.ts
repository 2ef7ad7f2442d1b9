/**
 * What the transport itself answers (everything but the MCP exchange, which the SDK's transport writes).
 * Refusals are JSON-RPC error bodies with `id: null` (the JSON-RPC form of "no id": the request is not
 * answered as a request) and never echo a credential.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** The connection is closed after it: a client retrying on it would only reach a closing server again. */
export function sendShuttingDown(res: ServerResponse): void {
  sendError(res, 503, -32000, 'Server shutting down', { Connection: 'close' });
}

/**
 * A load balancer's probe. It carries no credentials and may name the machine by address, so it is answered
 * before the Host, Origin and authentication checks; it therefore says nothing but whether to route here
 * (no version, no session counts: nothing a rebinding page or a stranger could learn from). While shutting
 * down it answers 503, so the balancer stops sending requests that would be refused.
 */
export function answerHealth(req: IncomingMessage, res: ServerResponse, shuttingDown: boolean): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, -32000, 'Method not allowed', { Allow: 'GET, HEAD' });
  }
  const body = JSON.stringify({ status: shuttingDown ? 'shutting_down' : 'ok' });
  res.writeHead(shuttingDown ? 503 : 200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...(shuttingDown ? { Connection: 'close' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export type BodyRead = { kind: 'ok'; text: string } | { kind: 'too_large' } | { kind: 'aborted' };

/** Reads at most `max` bytes; stops at once (without buffering more) when the body is larger. */
export function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve({ kind: 'too_large' });
  // An authenticator may await I/O first: a client gone meanwhile would never send 'close' again.
  if (req.destroyed) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyRead): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        done({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    const onAbort = (): void => done({ kind: 'aborted' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAbort);
    req.once('aborted', onAbort);
    req.once('close', onAbort);
  });
}
