/**
 * Builds dist/ once before any test file runs: the e2e files spawn the built CLI, and two of them building
 * at the same time could start a CLI from a half-written file.
 */
import { ensureBuilt } from './helpers/mcp.js';

export default function setup(): void {
  ensureBuilt();
}
