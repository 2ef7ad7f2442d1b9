/**
 * The view's end of MCP Apps (SEP-1865, protocol 2026-01-26): JSON-RPC 2.0 with the host window over
 * postMessage, message for message what ext-apps' `App` sends and answers. `App` itself bundles the MCP SDK
 * and zod (about 500 kB), far over the view's budget, so this is a small client of its own; ext-apps supplies
 * the shapes as types only, which cost nothing in the bundle.
 *
 * Like `App` (and the SDK's Protocol under it): request ids count from 0; a request times out after 60 s
 * unless progress arrives, and is then cancelled with notifications/cancelled; tools/call asks for progress
 * with its id as the token; ping and ui/resource-teardown are answered, any other request is "method not
 * found"; only messages from the parent window are read.
 */
import type {
  LATEST_PROTOCOL_VERSION,
  McpUiAppCapabilities,
  McpUiHostContextChangedNotification,
  McpUiInitializedNotification,
  McpUiInitializeRequest,
  McpUiInitializeResult,
  McpUiResourceTeardownRequest,
  McpUiSizeChangedNotification,
  McpUiToolCancelledNotification,
  McpUiToolInputNotification,
  McpUiToolInputPartialNotification,
  McpUiToolResultNotification,
} from '@modelcontextprotocol/ext-apps';
import type { CallToolRequest, CallToolResult, Implementation } from '@modelcontextprotocol/sdk/types.js';

const PROTOCOL_VERSION: typeof LATEST_PROTOCOL_VERSION = '2026-01-26';

/** The SDK's DEFAULT_REQUEST_TIMEOUT_MSEC. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** JSON-RPC error codes the view answers with. */
const METHOD_NOT_FOUND = -32601;
const INTERNAL_ERROR = -32603;

/** Notifications the host sends the view. */
export type HostNotification =
  | McpUiToolInputNotification
  | McpUiToolInputPartialNotification
  | McpUiToolResultNotification
  | McpUiToolCancelledNotification
  | McpUiHostContextChangedNotification;

export type HostNotificationMethod = HostNotification['method'];
export type HostNotificationParams<M extends HostNotificationMethod> = Extract<
  HostNotification,
  { method: M }
>['params'];

type RequestId = number | string;

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRequestId = (v: unknown): v is RequestId => typeof v === 'number' || typeof v === 'string';

/** An error the host answered a request with, as the SDK words it. */
export class HostError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`MCP error ${code}: ${message}`);
    this.name = 'HostError';
  }
}

export class HostBridge {
  private nextId = 0;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly listeners = new Map<string, Array<(params: unknown) => void>>();
  private readonly teardownHandlers: Array<() => void | Promise<void>> = [];
  private listening = false;

  constructor(
    private readonly host: Window = window.parent,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** Listens for a host notification; register before connect(), the host may send right after it. */
  on<M extends HostNotificationMethod>(
    method: M,
    listener: (params: HostNotificationParams<M>) => void,
  ): void {
    const list = this.listeners.get(method) ?? [];
    list.push(listener as (params: unknown) => void);
    this.listeners.set(method, list);
  }

  /** Runs before the view is unmounted (ui/resource-teardown); the host waits for the answer. */
  onTeardown(handler: () => void | Promise<void>): void {
    this.teardownHandlers.push(handler);
  }

  /** The ui/initialize handshake, then ui/notifications/initialized; resolves with the host's answer. */
  async connect(
    appInfo: Implementation,
    appCapabilities: McpUiAppCapabilities = {},
  ): Promise<McpUiInitializeResult> {
    if (!this.listening) {
      window.addEventListener('message', this.receive);
      this.listening = true;
    }
    const params: McpUiInitializeRequest['params'] = {
      appCapabilities,
      appInfo,
      protocolVersion: PROTOCOL_VERSION,
    };
    const result = await this.request('ui/initialize' satisfies McpUiInitializeRequest['method'], params);
    if (!isObj(result) || typeof result.protocolVersion !== 'string')
      throw new Error('the host sent an invalid ui/initialize result');
    const initialized: McpUiInitializedNotification = { method: 'ui/notifications/initialized' };
    this.post({ jsonrpc: '2.0', ...initialized });
    return result as McpUiInitializeResult;
  }

  /** tools/call through the host to the MCP server. An error *result* resolves; only a failed call rejects. */
  async callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const params: CallToolRequest['params'] = { name, arguments: args };
    const result = await this.request('tools/call' satisfies CallToolRequest['method'], params, {
      progress: true,
    });
    if (!isObj(result) || !Array.isArray(result.content))
      throw new Error(`the host sent an invalid result for ${name}`);
    return result as CallToolResult;
  }

  sendSizeChanged(params: McpUiSizeChangedNotification['params']): void {
    const note: McpUiSizeChangedNotification = { method: 'ui/notifications/size-changed', params };
    this.post({ jsonrpc: '2.0', ...note });
  }

  /** Stops listening and fails what is still waiting. */
  close(): void {
    window.removeEventListener('message', this.receive);
    this.listening = false;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.method}: the connection to the host was closed`));
      this.pending.delete(id);
    }
  }

  private request(method: string, params: Obj, options: { progress?: boolean } = {}): Promise<unknown> {
    const id = this.nextId++;
    // The SDK asks for progress with the request id as token; progress then keeps the request alive.
    const sent = options.progress
      ? { ...params, _meta: { ...(params._meta as Obj), progressToken: id } }
      : params;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject, timer: this.startTimer(id, method) });
      try {
        this.post({ jsonrpc: '2.0', id, method, params: sent });
      } catch (err) {
        this.settle(id, undefined, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private startTimer(id: RequestId, method: string): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      const reason = `${method} timed out after ${this.timeoutMs} ms`;
      this.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } });
      this.settle(id, undefined, new Error(reason));
    }, this.timeoutMs);
  }

  private settle(id: RequestId, result: unknown, error?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (error) p.reject(error);
    else p.resolve(result);
  }

  private post(message: Obj): void {
    // '*': the host's origin is its own business (often opaque to a sandboxed frame); App posts the same way,
    // and only to the parent, which is the only window whose messages are read.
    this.host.postMessage(message, '*');
  }

  private readonly receive = (event: MessageEvent): void => {
    if (event.source !== this.host) return;
    const msg: unknown = event.data;
    if (!isObj(msg) || msg.jsonrpc !== '2.0') return;
    if (typeof msg.method === 'string') {
      if (isRequestId(msg.id)) void this.answer(msg.id, msg.method);
      else this.dispatch(msg.method, msg.params);
    } else if (isRequestId(msg.id)) {
      if (isObj(msg.error)) {
        const code = typeof msg.error.code === 'number' ? msg.error.code : INTERNAL_ERROR;
        const text = typeof msg.error.message === 'string' ? msg.error.message : 'unknown error';
        this.settle(msg.id, undefined, new HostError(code, text));
      } else this.settle(msg.id, msg.result);
    }
  };

  private dispatch(method: string, params: unknown): void {
    if (method === 'notifications/progress') {
      this.keepAlive(isObj(params) ? params.progressToken : undefined);
      return;
    }
    for (const listener of this.listeners.get(method) ?? []) {
      try {
        listener(params ?? {});
      } catch (err) {
        // One failing listener must not stop the others, nor the bridge.
        console.error(`[timesheet view] ${method} listener failed`, err);
      }
    }
  }

  private keepAlive(token: unknown): void {
    if (!isRequestId(token)) return;
    const p = this.pending.get(token);
    if (!p) return;
    clearTimeout(p.timer);
    p.timer = this.startTimer(token, p.method);
  }

  private async answer(id: RequestId, method: string): Promise<void> {
    try {
      if (method === 'ping') {
        this.post({ jsonrpc: '2.0', id, result: {} });
      } else if (method === ('ui/resource-teardown' satisfies McpUiResourceTeardownRequest['method'])) {
        for (const handler of this.teardownHandlers) await handler();
        this.post({ jsonrpc: '2.0', id, result: {} });
      } else {
        this.post({ jsonrpc: '2.0', id, error: { code: METHOD_NOT_FOUND, message: 'Method not found' } });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.post({ jsonrpc: '2.0', id, error: { code: INTERNAL_ERROR, message } });
    }
  }
}
