import { defineConfig } from 'vitest/config';

// One runner for the whole monorepo. Workspace packages resolve to their TypeScript sources through the
// `@stagecast/source` export condition, so tests never depend on a prior build.
const conditions = ['@stagecast/source', 'node', 'import', 'module', 'default'];
// Vitest forwards the SSR conditions to Node as --conditions for externalized packages; 'import'/'module' there make
// Node's require() pick the ESM build of dual packages (pg-pool), so CommonJS consumers (pg) break. Node only needs ours.
const nodeConditions = ['@stagecast/source', 'node'];
const exclude = ['**/node_modules/**', '**/dist/**', '**/.next/**', 'e2e/**'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: ['@stagecast/source'] } },
  test: {
    reporters: process.env.VITEST_JSON ? ['default', ['json', { outputFile: process.env.VITEST_JSON }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,apps,workers,bench}/**/src/**/*.test.ts', '{packages,apps,workers}/**/test/**/*.test.ts'],
          exclude: [...exclude, '**/*.integration.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,apps,workers}/**/*.integration.test.ts'],
          exclude,
          environment: 'node',
          // Real shared services (Postgres, Prosody, GStreamer): one file at a time keeps CPU contention on 2 cores sane.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
