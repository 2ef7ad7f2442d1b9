/**
 * Tells the host how big the content is (ui/notifications/size-changed), so an inline frame grows with the
 * grid instead of scrolling inside the chat. The same measurement as ext-apps' App: the document's height at
 * `max-content` (its natural height, not the frame's) and the window's width, once per animation frame, and
 * only when either changed.
 */
import type { HostBridge } from './bridge.js';

/** Starts reporting; returns the function that stops it. */
export function reportSize(bridge: HostBridge): () => void {
  let scheduled = false;
  let lastWidth = 0;
  let lastHeight = 0;
  const measure = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const root = document.documentElement;
      const before = root.style.height;
      root.style.height = 'max-content';
      const height = Math.ceil(root.getBoundingClientRect().height);
      root.style.height = before;
      const width = Math.ceil(window.innerWidth);
      if (width === lastWidth && height === lastHeight) return;
      lastWidth = width;
      lastHeight = height;
      bridge.sendSizeChanged({ width, height });
    });
  };
  measure();
  const observer = new ResizeObserver(measure);
  observer.observe(document.documentElement);
  observer.observe(document.body);
  return () => observer.disconnect();
}
