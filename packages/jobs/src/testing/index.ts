import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createJobs, type CreateJobsOptions, type Jobs } from '../boss.js';

export const defaultTestDatabaseUrl = 'postgres://stagecast:stagecast@127.0.0.1:5432/stagecast_test';

export interface TestJobs {
  jobs: Jobs;
  schema: string;
  connectionString: string;
  /** Stops pg-boss and drops its schema; idempotent. */
  drop(): Promise<void>;
}

/** pg-boss in a fresh schema of the test database (DATABASE_URL or the local stagecast_test), polling fast. */
export async function createTestJobs(options: Partial<CreateJobsOptions> & { name?: string } = {}): Promise<TestJobs> {
  const connectionString = options.connectionString ?? process.env.DATABASE_URL ?? defaultTestDatabaseUrl;
  const prefix = (options.name ?? 'jobs')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const schema = `b_${prefix}_${randomBytes(4).toString('hex')}`;
  const jobs = await createJobs({ pollingIntervalSeconds: 0.5, ...options, connectionString, schema });
  let dropping: Promise<void> | undefined;
  return {
    jobs,
    schema,
    connectionString,
    drop() {
      dropping ??= (async () => {
        await jobs.stop({ timeoutMs: 10_000 });
        const client = new pg.Client({ connectionString });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      })();
      return dropping;
    },
  };
}
