import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

export type DbSchema = typeof schema;
export type Db = NodePgDatabase<DbSchema>;

export interface CreateDbOptions {
  connectionString: string;
  /** Postgres schema to use (sets search_path); tests pass their per-test schema. Default: the server's search_path. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
}

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  /** Ends the pool; safe to call more than once. */
  close(): Promise<void>;
}

const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(name: string): void {
  if (!schemaNamePattern.test(name)) {
    throw new Error(`invalid Postgres schema name '${name}': use lower-case letters, digits and _ (max 63 chars)`);
  }
}

/** pg pool options for a connection string plus optional search_path. */
export function poolConfig(options: CreateDbOptions): pg.PoolConfig {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'stagecast',
    connectionTimeoutMillis: 10_000,
  };
  if (options.schema !== undefined) {
    assertSchemaName(options.schema);
    config.options = `-c search_path=${options.schema}`;
  }
  return config;
}

export function createDb(options: CreateDbOptions): DbHandle {
  const pool = new pg.Pool(poolConfig(options));
  // Idle clients can error when the server restarts; without a listener that would crash the process.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
