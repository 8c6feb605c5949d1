import { createDb } from '@stagecast/db';
import { createTestDatabase } from '@stagecast/db/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createHealthProbe } from './probe.js';

describe('health probe on Postgres', () => {
  it('counts migrations in a migrated schema and reports zero in an empty one', async () => {
    const database = await createTestDatabase({ name: 'web_probe' });
    try {
      const probe = createHealthProbe({ pool: database.pool });
      const ping = await probe.pingDatabase();
      expect(ping.ok).toBe(true);
      expect(ping.latencyMs).toBeGreaterThanOrEqual(0);
      const status = await probe.migrationStatus();
      const journal = await database.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${database.schema}".__drizzle_migrations`,
      );
      expect(status?.applied).toBe(journal.rows[0]?.n);
      expect(status?.latestCreatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

      // A schema nobody migrated: search_path finds no journal there.
      const emptySchema = `${database.schema}_empty`;
      await database.pool.query(`CREATE SCHEMA "${emptySchema}"`);
      const url = new URL(database.connectionString);
      url.searchParams.set('options', `-c search_path=${emptySchema}`);
      const empty = createDb({ connectionString: url.toString(), max: 1 });
      try {
        const emptyStatus = await createHealthProbe({ pool: empty.pool }).migrationStatus();
        // Falls back to the default "drizzle" journal only if someone migrated the database without a schema.
        const defaultJournal = await empty.pool.query<{ t: string | null }>(
          `SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`,
        );
        if (defaultJournal.rows[0]?.t === null) expect(emptyStatus).toEqual({ applied: 0, latestCreatedAt: null });
        else expect(emptyStatus?.applied).toBeGreaterThan(0);
      } finally {
        await empty.close();
        await database.pool.query(`DROP SCHEMA "${emptySchema}" CASCADE`);
      }
    } finally {
      await database.drop();
    }
  });

  it('reports an unreachable server as not ok with the driver code, without credentials', async () => {
    // Port 9 (discard) is closed on loopback: a real ECONNREFUSED, no server needed.
    const pool = new pg.Pool({
      connectionString: 'postgres://stagecast:hunter2@127.0.0.1:9/stagecast',
      connectionTimeoutMillis: 5000,
    });
    pool.on('error', () => {});
    try {
      const probe = createHealthProbe({ pool });
      const ping = await probe.pingDatabase();
      expect(ping).toMatchObject({ ok: false, latencyMs: null });
      expect(ping.error).toContain('ECONNREFUSED');
      expect(ping.error).not.toContain('hunter2');
      expect(await probe.migrationStatus()).toBeNull();
    } finally {
      await pool.end();
    }
  });

  it('times out instead of hanging on a server that never answers', async () => {
    const never = { query: () => new Promise<never>(() => {}) } as unknown as pg.Pool;
    const ping = await createHealthProbe({ pool: never, timeoutMs: 50 }).pingDatabase();
    expect(ping).toEqual({ ok: false, latencyMs: null, error: 'database ping timed out after 50 ms' });
  });
});
