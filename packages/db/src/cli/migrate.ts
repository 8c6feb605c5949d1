// `stagecast-migrate` / `npm run migrate -w @stagecast/db`: applies committed migrations to DATABASE_URL.
// `--seed` also seeds the demo conference (idempotent).
import { createDb } from '../client.js';
import { dbEnv } from '../env.js';
import { migrate } from '../migrate.js';
import { seedDemo } from '../seed.js';

async function main(): Promise<void> {
  const { DATABASE_URL } = dbEnv();
  const redacted = DATABASE_URL.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
  await migrate({ connectionString: DATABASE_URL });
  console.log(`migrations applied to ${redacted}`);
  if (process.argv.includes('--seed')) {
    const handle = createDb({ connectionString: DATABASE_URL, max: 2 });
    try {
      const result = await seedDemo(handle.db);
      console.log(
        `demo conference '${result.slug}' seeded: ${result.roomIds.length} rooms, ${result.talkIds.length} talks`,
      );
    } finally {
      await handle.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error(`stagecast-migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
