import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../client.js';
import { migrate } from '../migrate.js';

export const defaultTestDatabaseUrl = 'postgres://stagecast:stagecast@127.0.0.1:5432/stagecast_test';

export interface TestDatabase {
  /** Connection string whose `options` set search_path to the test schema (hand it to apps/workers under test). */
  connectionString: string;
  /** The per-test schema name. */
  schema: string;
  db: Db;
  pool: pg.Pool;
  /** Closes the pool and drops the schema; idempotent. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Base database URL; default DATABASE_URL from the environment, else the local stagecast_test database. */
  connectionString?: string;
  /** Readable prefix for the schema name (e.g. the test file name); sanitized. */
  name?: string;
}

function schemaName(prefix: string | undefined): string {
  const clean =
    (prefix ?? 'test')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'test';
  return `t_${clean}_${randomBytes(5).toString('hex')}`;
}

/** `options=-c search_path=<schema>` appended to a Postgres URL, so any pg client lands in the schema. */
export function withSearchPath(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * A fresh, uniquely named schema in the test database with all migrations applied. Tests run in parallel safely,
 * each in its own schema; call drop() in afterAll/afterEach.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const base = options.connectionString ?? process.env.DATABASE_URL ?? defaultTestDatabaseUrl;
  const schema = schemaName(options.name);
  await migrate({ connectionString: base, schema });
  const handle = createDb({ connectionString: base, schema, max: 5, applicationName: `stagecast-test-${schema}` });
  let dropping: Promise<void> | undefined;
  return {
    connectionString: withSearchPath(base, schema),
    schema,
    db: handle.db,
    pool: handle.pool,
    drop() {
      dropping ??= (async () => {
        await handle.close();
        const admin = new pg.Client({ connectionString: base });
        await admin.connect();
        try {
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await admin.end();
        }
      })();
      return dropping;
    },
  };
}
