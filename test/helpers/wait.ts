/**
 * Waiting for a condition instead of sleeping a fixed time: CI machines are busy, so a fixed sleep is either too
 * short (flaky) or too long (slow).
 */
export async function waitFor(
  condition: () => boolean,
  {
    timeoutMs = 10_000,
    everyMs = 5,
    what = 'condition',
  }: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
