import { createDb } from '@stagecast/db';
import { e2eSettings } from './settings.js';

/** Drops the e2e schema unless E2E_KEEP_DB=1 (handy to inspect what the specs saw). */
export default async function globalTeardown(): Promise<void> {
  if (e2eSettings.keepDatabase) return;
  const admin = createDb({
    connectionString: e2eSettings.baseDatabaseUrl,
    max: 1,
    applicationName: 'stagecast-e2e-teardown',
  });
  try {
    await admin.pool.query(`DROP SCHEMA IF EXISTS "${e2eSettings.schema}" CASCADE`);
    await admin.pool.query(`DROP SCHEMA IF EXISTS "${e2eSettings.schema}_boss" CASCADE`);
  } finally {
    await admin.close();
  }
}
