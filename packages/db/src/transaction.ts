import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Db } from './client.js';
import * as schema from './schema/index.js';

/** Structural SQL executor (what @stagecast/jobs takes to enqueue inside a transaction). */
export interface TransactionExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Runs `fn` in one transaction on one pooled connection, giving both a Drizzle `db` and a raw `executeSql` on the same
 * connection, so repository writes and pg-boss sends (`send(…, { db: executeSql })`) commit or roll back together.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (tx: { db: Db; sql: TransactionExecutor }) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const db = drizzle(client, { schema }) as unknown as Db;
    const executor: TransactionExecutor = {
      executeSql: async (text, values) => {
        const result = await client.query(text, values);
        return { rows: result.rows };
      },
    };
    const result = await fn({ db, sql: executor });
    await client.query('COMMIT');
    return result;
  } catch (error: unknown) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
