import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from './client.js';
import { DbError } from './errors.js';
import { migrate } from './migrate.js';
import { seedDemo } from './seed.js';
import { createConferenceRepository } from './repositories/conference.repository.js';
import { createTestDatabase, defaultTestDatabaseUrl, type TestDatabase } from './testing/index.js';

const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((t) => t.drop()));
});

async function schemaExists(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? defaultTestDatabaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
      schema,
    ]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('migrate and createTestDatabase', () => {
  it('creates isolated schemas with every table, and migrate is idempotent', async () => {
    const a = await createTestDatabase({ name: 'migrate a' });
    const b = await createTestDatabase({ name: 'migrate b' });
    created.push(a, b);
    expect(a.schema).toMatch(/^t_migrate_a_[0-9a-f]{10}$/);
    const { rows } = await a.pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [a.schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      '__drizzle_migrations',
      'api_tokens',
      'conference_memberships',
      'conferences',
      'job_records',
      'login_attempts',
      'playout_commands',
      'room_controls',
      'rooms',
      'schedule_imports',
      'schedule_sources',
      'sessions',
      'stage_status',
      'talk_videos',
      'talks',
      'users',
      'workers',
    ]);

    await createConferenceRepository(a.db).create({
      slug: 'only-in-a',
      name: 'A',
      timeZone: 'UTC',
      startsOn: '2025-01-01',
      endsOn: '2025-01-01',
    });
    expect(await createConferenceRepository(b.db).findBySlug('only-in-a')).toBeNull();

    // Re-running applies nothing and keeps data.
    await migrate({ connectionString: process.env.DATABASE_URL ?? defaultTestDatabaseUrl, schema: a.schema });
    expect(await createConferenceRepository(a.db).findBySlug('only-in-a')).not.toBeNull();

    // The returned connection string carries the search_path for other clients (apps under test).
    const other = createDb({ connectionString: a.connectionString, max: 1 });
    try {
      const { rows: search } = await other.pool.query<{ search_path: string }>('SHOW search_path');
      expect(search[0]?.search_path).toBe(a.schema);
    } finally {
      await other.close();
      await other.close(); // idempotent
    }
  });

  it('drop() removes the schema and is idempotent', async () => {
    const t = await createTestDatabase({ name: 'drop' });
    expect(await schemaExists(t.schema)).toBe(true);
    await Promise.all([t.drop(), t.drop()]);
    expect(await schemaExists(t.schema)).toBe(false);
  });

  it('reports an unreachable database as unavailable with a fix', async () => {
    const error = await migrate({ connectionString: 'postgres://stagecast:stagecast@127.0.0.1:1/none' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).reason).toBe('unavailable');
    expect((error as DbError).message).toContain('scripts/services/postgres.sh');
  });
});

describe('seedDemo', () => {
  it('seeds the demo conference with 2 rooms and talks around now, idempotently', async () => {
    const t = await createTestDatabase({ name: 'seed' });
    created.push(t);
    const now = new Date('2025-06-01T12:00:00Z');
    const first = await seedDemo(t.db, { now });
    const second = await seedDemo(t.db, { now: new Date(now.getTime() + 3_600_000) });
    expect(second.conferenceId).toBe(first.conferenceId);
    expect(second.roomIds.sort()).toEqual(first.roomIds.sort());
    expect(second.talkIds.sort()).toEqual(first.talkIds.sort());

    const detail = await createConferenceRepository(t.db).getBySlug('stagecast-demo');
    expect(detail.name).toBe('Stagecast Demo Conf');
    expect(detail.rooms).toHaveLength(2);
    expect(detail.talks.length).toBeGreaterThanOrEqual(3);
    // Re-seeding moved the talks with the new "now": one is live at that instant.
    const later = new Date(now.getTime() + 3_600_000).getTime();
    const live = detail.talks.filter(
      (talk) => talk.startsAt.getTime() <= later && later < talk.startsAt.getTime() + talk.durationSeconds * 1000,
    );
    expect(live.length).toBeGreaterThanOrEqual(1);
  });
});
