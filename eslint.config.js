// Lint, including the layering rules of DESIGN.md: the engine never imports electron, the
// renderer or a host; the renderer never imports Node or the main side; shared imports neither.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'stream/promises', 'tls', 'url',
  'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

const layer = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const noElectron = { group: ['electron', 'electron/*'], message: 'The engine runs under plain Node: it never imports electron (DESIGN.md 2).' };
const noRenderer = { group: ['**/src-renderer/**'], message: 'Only the renderer imports the renderer.' };
const noHosts = { group: ['**/electron/**', '**/server/**', '**/cli/**', '!**/node_modules/**'], message: 'The engine never imports a host (electron/, server/, cli/).' };
const noMain = { group: ['**/src-main/**', '**/engine/**'], message: 'The renderer reaches the engine only through the contract (src-shared).' };
const noNode = { group: ['node:*', ...nodeBuiltins], message: 'The renderer runs in a browser: no Node built-ins.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/.data/**', 'bench/.work/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  { files: ['src-main/engine/**'], rules: layer([noElectron, noRenderer, noHosts]) },
  { files: ['src-shared/**'], rules: layer([noElectron, noRenderer, noMain, noNode]) },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer([noElectron, noMain, noNode]),
  },
  { files: ['src-main/server/**', 'src-main/cli/**'], rules: layer([noElectron, noRenderer]) },
  { files: ['src-main/electron/**'], rules: layer([noRenderer]) },
);
