// Flat ESLint config for the monorepo. Dependency rules from docs/architecture.md §3 are enforced here with
// no-restricted-imports; `process.env` is read only in env.ts files (and scripts/tests/config files).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (files, patterns, extra = {}) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: `architecture.md §3 forbids importing ${group} here` })) }],
    ...extra,
  },
});

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '.stagecast/**', 'tmp/**', '**/dist/**', '**/.next/**', '**/next-env.d.ts', '**/migrations/**', 'e2e/.artifacts/**', 'test-results/**', '**/*.tsbuildinfo'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read process.env only in env.ts' }],
    },
  },
  {
    // Entry points, scripts, tests and config may read the environment.
    files: ['**/env.ts', '**/*.test.ts', '**/*.config.{ts,js,mjs}', 'scripts/**', 'e2e/**', 'bench/**', '**/testing/**', '**/*.cts', '**/*.cjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  restrict(['packages/config/**'], ['@stagecast/*']),
  restrict(['packages/db/**'], ['@stagecast/jobs', '@stagecast/participant', '@stagecast/jitsi', '@stagecast/media', 'next', 'next/*']),
  restrict(['packages/jobs/**'], ['@stagecast/db', '@stagecast/participant', '@stagecast/jitsi', '@stagecast/media']),
  restrict(['packages/schedule/**'], ['@stagecast/*']),
  restrict(['packages/jitsi/**'], ['@stagecast/schedule', '@stagecast/db', '@stagecast/jobs', '@stagecast/media', '@stagecast/participant', 'node-gtk']),
  restrict(['packages/media/**'], ['@stagecast/schedule', '@stagecast/db', '@stagecast/jobs', '@stagecast/jitsi', '@stagecast/participant']),
  // The shared jitsi+media composition used by the CLI and the stage worker; it knows no DB or queue.
  restrict(['packages/participant/**'], ['@stagecast/db', '@stagecast/jobs', '@stagecast/web', '@stagecast/cli', '@stagecast/worker-*']),
  restrict(['apps/testbed/**'], ['@stagecast/db', '@stagecast/jobs', '@stagecast/web', '@stagecast/worker-*']),
  restrict(['apps/web/**'], ['@stagecast/jitsi', '@stagecast/media', '@stagecast/participant', '@stagecast/worker-*']),
  restrict(['apps/cli/**'], ['@stagecast/db', '@stagecast/jobs']),
  restrict(['workers/planner/**'], ['@stagecast/jitsi', '@stagecast/media', '@stagecast/participant', '@stagecast/web', '@stagecast/cli']),
  restrict(['workers/stage/**'], ['@stagecast/web', '@stagecast/cli', '@stagecast/worker-planner']),
);
