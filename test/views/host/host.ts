/**
 * The smallest MCP Apps host, for the browser test: ext-apps' own AppBridge renders a view in a sandboxed
 * iframe and forwards its tools/call requests to `window.callTool`, which the test exposes from Node (where the
 * SDK client talks to the real server against the simulator).
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

declare global {
  interface Window {
    callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
    showView(
      html: string,
      args: Record<string, unknown>,
      result: CallToolResult,
      theme: string,
    ): Promise<void>;
    setTheme(theme: string): Promise<void>;
    viewHeight: number;
  }
}

let bridge: AppBridge | undefined;

window.showView = async (html, args, result, theme) => {
  const frame = document.createElement('iframe');
  frame.id = 'view';
  // As hosts do: scripts run, but the view has an opaque origin (no cookies, storage or parent DOM).
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.style.cssText = 'width: 100%; height: 420px; border: 0; display: block;';
  document.body.appendChild(frame);
  const view = frame.contentWindow!;
  bridge = new AppBridge(
    null,
    { name: 'browser-test-host', version: '0.0.0' },
    { serverTools: {}, openLinks: {} },
    { hostContext: { theme: theme as 'light' | 'dark', displayMode: 'inline', platform: 'web' } },
  );
  bridge.oncalltool = (params) => window.callTool(params.name, params.arguments ?? {});
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) {
      window.viewHeight = height;
      frame.style.height = `${Math.ceil(height)}px`;
    }
  };
  const initialized = new Promise<void>((resolve) => (bridge!.oninitialized = () => resolve()));
  // Listening before the view's script runs: it speaks first (ui/initialize).
  await bridge.connect(new PostMessageTransport(view, view));
  frame.srcdoc = html;
  await initialized;
  await bridge.sendToolInput({ arguments: args });
  await bridge.sendToolResult(result);
};

window.setTheme = async (theme) => {
  bridge?.setHostContext({ theme: theme as 'light' | 'dark', displayMode: 'inline', platform: 'web' });
  await Promise.resolve();
};
