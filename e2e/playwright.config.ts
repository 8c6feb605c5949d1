import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';
import { appDatabaseUrl, e2eSettings } from './settings.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const baseURL = `http://127.0.0.1:${e2eSettings.port}`;

/**
 * Black-box specs against the built web app (`next start`) and real Chromium from Debian. Never run
 * `playwright install`: the browser is /usr/bin/chromium. Order: webServer starts, then global-setup migrates and
 * seeds the e2e schema (the server only touches the database per request), then the specs run.
 */
export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.e2e.ts',
  outputDir: `${here}.artifacts/test-results`,
  fullyParallel: false,
  workers: 1,
  forbidOnly: e2eSettings.isCI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  reporter: [['list'], ['json', { outputFile: `${here}.artifacts/results.json` }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    // Builds @stagecast/web when its build is missing or older than its sources, then runs `next start`.
    command: `node ${here}scripts/serve-web.mjs`,
    // Ready = port accepting connections; /api/health only turns 200 after global-setup has migrated the schema.
    port: e2eSettings.port,
    reuseExistingServer: !e2eSettings.isCI,
    timeout: 600_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: appDatabaseUrl(),
      E2E_PORT: String(e2eSettings.port),
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'warn',
      // Talk video uploads of the admin specs (git-ignored, next to the reports).
      VIDEO_STORAGE_DIR: `${here}.artifacts/uploads`,
      // Live-control jobs go to a pg-boss schema of the suite's own.
      PGBOSS_SCHEMA: `${e2eSettings.schema}_boss`,
    },
  },
});
