/**
 * The host's look applied to the page: its theme as `data-theme` (and `color-scheme`) on <html>, and the CSS
 * variables it offers (`--color-background-primary`, `--font-sans`, …), which style.css reads with its own
 * fallbacks. Without a theme from the host, style.css follows prefers-color-scheme.
 *
 * Host fonts (`styles.css.fonts`) are not applied, and variable values that would load anything (`url(…)`)
 * are skipped: the view makes no network requests at all.
 */
import type { McpUiHostContext } from '@modelcontextprotocol/ext-apps';

const LOADS_SOMETHING = /url\s*\(|image-set\s*\(|@import/i;

export function applyHostContext(
  context: McpUiHostContext,
  root: HTMLElement = document.documentElement,
): void {
  const theme = context.theme;
  if (theme === 'light' || theme === 'dark') {
    root.setAttribute('data-theme', theme);
    root.style.colorScheme = theme;
  }
  const variables: unknown = context.styles?.variables;
  if (typeof variables !== 'object' || variables === null) return;
  for (const [name, value] of Object.entries(variables as Record<string, unknown>)) {
    if (!name.startsWith('--') || typeof value !== 'string' || LOADS_SOMETHING.test(value)) continue;
    root.style.setProperty(name, value);
  }
}
