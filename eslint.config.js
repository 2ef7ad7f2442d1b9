// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries between layers (issue 8). `no-restricted-imports` matches the import as written, and a
 * relative path means a different file at each folder depth (`../config.js` is src/config.ts from
 * src/actitime/ but src/actitime/config.ts from src/actitime/resources/), so each layer gets one entry per
 * depth, for folders up to MAX_DEPTH deep. `up` is the prefix that leaves the layer: `../` at its top level.
 */
const MAX_DEPTH = 3;

/**
 * @param {string} layer folder under the repository root, e.g. `src/actitime`
 * @param {(up: string) => string} outside regex source, anchored at the start, for the forbidden relative imports
 * @param {string} message why, and what is allowed instead
 * @param {string[]} [packages] regex sources for forbidden package imports
 */
function boundary(layer, outside, message, packages = []) {
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
    files: [`${layer}/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [outside('\\.\\./'.repeat(depth + 1)), ...packages].map((regex) => ({
            regex,
            caseSensitive: true,
            message,
          })),
        },
      ],
    },
  }));
}

/**
 * Any import that leaves the layer, except src/logger.ts.
 * @param {string} up
 */
const leavesLayer = (up) => `^${up}(?!logger\\.js$)`;

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The views run in the host's browser frame, not in Node: their own program (DOM lib, no Node types), which
    // tsconfig.json leaves out, and the browser's globals instead of Node's. `globals` is not installed; these
    // are the ones the views use.
    files: ['src/views/**/*.ts', 'test/views/host/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.views.json' },
      globals: {
        window: 'readonly',
        document: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        requestAnimationFrame: 'readonly',
        ResizeObserver: 'readonly',
        MessageEvent: 'readonly',
        Element: 'readonly',
        HTMLElement: 'readonly',
        HTMLButtonElement: 'readonly',
        HTMLTableCellElement: 'readonly',
        Intl: 'readonly',
      },
    },
  },
  {
    // stdio carries protocol only: diagnostics go through src/logger.ts (stderr). SEC-IO-04
    files: ['src/**/*.ts'],
    // cli.ts prints --help, --version and the `tools` list; it never writes to stdout while serving.
    ignores: ['src/transports/stdio.ts', 'src/cli.ts'],
    rules: {
      'no-console': ['error', { allow: ['error', 'warn'] }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'stdout',
          message: 'stdout carries MCP protocol only; log to stderr via src/logger.ts',
        },
      ],
    },
  },
  // The HTTP client knows nothing of MCP, the domain, the server or the simulator it is tested against.
  ...boundary(
    'src/actitime',
    leavesLayer,
    'src/actitime/ (the HTTP client) may import only its own files and src/logger.ts',
  ),
  // The domain is MCP-free so it can be reused and tested without a server; tools adapt it to MCP.
  ...boundary(
    'src/domain',
    (up) => `^${up}(?:(?:tools|resources|prompts|transports|simulator)(?:/|$)|(?:server|cli)\\.js$)`,
    'src/domain/ may not import MCP (the SDK, tools, resources, prompts, transports, server), the CLI or the simulator',
    ['^@modelcontextprotocol/sdk(?:/|$)'],
  ),
  // The undo journal is like the domain: MCP-free (src/tools adapts it), so it can be tested without a server.
  ...boundary(
    'src/journal',
    (up) => `^${up}(?:(?:tools|resources|prompts|transports|simulator)(?:/|$)|(?:server|cli)\\.js$)`,
    'src/journal/ may not import MCP (the SDK, tools, resources, prompts, transports, server), the CLI or the simulator',
    ['^@modelcontextprotocol/sdk(?:/|$)'],
  ),
  // The simulator stands in for a real actiTIME: sharing the client's or the server's code would hide bugs.
  ...boundary(
    'src/simulator',
    leavesLayer,
    'src/simulator/ may import only its own files, src/logger.ts and packages',
  ),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
