import { createDb, migrate, seedDemo } from '@stagecast/db';
import { e2eSettings } from './settings.js';

/** Fresh e2e schema: drop, migrate, seed the demo conference. Demo data (other schemas) is never touched. */
export default async function globalSetup(): Promise<void> {
  const { baseDatabaseUrl, schema } = e2eSettings;
  const admin = createDb({ connectionString: baseDatabaseUrl, max: 1, applicationName: 'stagecast-e2e-setup' });
  try {
    await admin.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (error: unknown) {
    throw new Error(
      `e2e: cannot prepare schema ${schema} (${error instanceof Error ? error.message : String(error)}); ` +
        `start Postgres with 'bash scripts/services/postgres.sh start' and check DATABASE_URL/E2E_DATABASE_URL`,
      { cause: error },
    );
  } finally {
    await admin.close();
  }
  await migrate({ connectionString: baseDatabaseUrl, schema });
  const handle = createDb({ connectionString: baseDatabaseUrl, schema, max: 2, applicationName: 'stagecast-e2e-seed' });
  try {
    const seeded = await seedDemo(handle.db);
    console.log(
      `e2e: schema ${schema} migrated and seeded (${seeded.slug}: ${seeded.roomIds.length} rooms, ${seeded.talkIds.length} talks)`,
    );
  } finally {
    await handle.close();
  }
}
