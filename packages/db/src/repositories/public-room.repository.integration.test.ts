import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { DbError } from '../errors.js';
import { readFile } from 'node:fs/promises';
import { migrationsFolder } from '../migrate.js';
import { createConferenceRepository } from './conference.repository.js';
import { createPublicRoomRepository } from './public-room.repository.js';
import { createRoomRepository } from './room.repository.js';
import { createTalkRepository } from './talk.repository.js';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase({ name: 'public_room' });
});
afterAll(async () => {
  await testDb?.drop();
});

const secrets = {
  jwt: 'eyJ-secret-jwt-public-room-test',
  roomPassword: 'pw-public-room-test',
  streamKey: 'sk-public-room-test',
};

describe('public room repository', () => {
  it('finds a room by public slug with its talks, the HLS URL and no secrets', async () => {
    const conference = await createConferenceRepository(testDb.db).create({
      slug: 'pubconf',
      name: 'Pub Conf',
      timeZone: 'Europe/Berlin',
      startsOn: '2025-12-27',
      endsOn: '2025-12-28',
    });
    const roomsRepo = createRoomRepository(testDb.db);
    const room = await roomsRepo.create({
      conferenceId: conference.id,
      slug: 'stage',
      name: 'Stage',
      meetingUrl: 'https://meet.example.org/secret-room',
      jitsiCredentials: { jwt: secrets.jwt, roomPassword: secrets.roomPassword },
      broadcastOutputs: [
        { kind: 'rtmp', url: 'rtmp://live.example.org/app', streamKey: secrets.streamKey },
        { kind: 'hls', directory: '/srv/hls/stage' },
        { kind: 'hls', publicUrl: 'https://cdn.example.org/stage/index.m3u8' },
      ],
    });
    expect(room.publicSlug).toBe('pubconf-stage');
    const other = await roomsRepo.create({
      conferenceId: conference.id,
      slug: 'other',
      name: 'Other',
      publicSlug: 'x',
    });
    await createTalkRepository(testDb.db).upsertMany([
      {
        conferenceId: conference.id,
        roomId: room.id,
        guid: 'b',
        title: 'Second',
        speakers: [{ name: 'Ada' }],
        startsAt: new Date('2025-12-27T11:00:00Z'),
        durationSeconds: 600,
        language: 'en',
      },
      {
        conferenceId: conference.id,
        roomId: room.id,
        guid: 'a',
        title: 'First',
        speakers: [],
        startsAt: new Date('2025-12-27T10:00:00Z'),
        durationSeconds: 600,
        language: null,
      },
      {
        conferenceId: conference.id,
        roomId: other.id,
        guid: 'c',
        title: 'Elsewhere',
        speakers: [],
        startsAt: new Date('2025-12-27T10:30:00Z'),
        durationSeconds: 600,
        language: null,
      },
    ]);

    const view = await createPublicRoomRepository(testDb.db).getByPublicSlug('pubconf-stage');
    expect(view).toMatchObject({
      publicSlug: 'pubconf-stage',
      slug: 'stage',
      name: 'Stage',
      hlsUrl: 'https://cdn.example.org/stage/index.m3u8',
      conference: { slug: 'pubconf', name: 'Pub Conf', timeZone: 'Europe/Berlin' },
    });
    expect(view.talks.map((t) => t.title)).toEqual(['First', 'Second']);
    const json = JSON.stringify(view);
    for (const secret of [...Object.values(secrets), 'secret-room', 'rtmp://']) expect(json).not.toContain(secret);

    const bare = await createPublicRoomRepository(testDb.db).getByPublicSlug('x');
    expect(bare.hlsUrl).toBeNull();
  });

  it('rejects unknown and malformed slugs with typed errors', async () => {
    const repo = createPublicRoomRepository(testDb.db);
    await expect(repo.getByPublicSlug('nope')).rejects.toMatchObject({ reason: 'not-found' });
    const malformed = await repo.getByPublicSlug('Not A Slug').catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(DbError);
    expect((malformed as DbError).reason).toBe('invalid-input');
  });

  it('keeps public slugs unique across conferences', async () => {
    const conference = await createConferenceRepository(testDb.db).create({
      slug: 'pubconf2',
      name: 'Pub Conf 2',
      timeZone: 'UTC',
      startsOn: '2025-12-27',
      endsOn: '2025-12-28',
    });
    const error = await createRoomRepository(testDb.db)
      .create({ conferenceId: conference.id, slug: 'stage', name: 'Stage', publicSlug: 'pubconf-stage' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'conflict' });
  });

  it('the migration backfills <conference-slug>-<room-slug> for rooms that existed before it', async () => {
    // A scratch schema at migration 0000 with a room in it, then 0001 applied on top: the backfill must fill the slug.
    const { pool } = testDb;
    const schema = `${testDb.schema}_backfill`;
    await pool.query(`CREATE SCHEMA "${schema}"`);
    try {
      const init = await readFile(`${migrationsFolder}/0000_init.sql`, 'utf8');
      const client = await pool.connect();
      try {
        await client.query(`SET search_path TO "${schema}"`);
        for (const statement of init.split('--> statement-breakpoint')) await client.query(statement);
        const {
          rows: [conf],
        } = await client.query<{ id: string }>(
          `INSERT INTO conferences (slug, name, time_zone, starts_on, ends_on) VALUES ('old', 'Old', 'UTC', '2025-01-01', '2025-01-02') RETURNING id`,
        );
        await client.query(`INSERT INTO rooms (conference_id, slug, name) VALUES ($1, 'hall', 'Hall')`, [conf!.id]);
        const migration = await readFile(`${migrationsFolder}/0001_room_public_slug.sql`, 'utf8');
        for (const statement of migration.split('--> statement-breakpoint')) await client.query(statement);
        const { rows } = await client.query<{ public_slug: string }>('SELECT public_slug FROM rooms');
        expect(rows).toEqual([{ public_slug: 'old-hall' }]);
      } finally {
        await client.query('RESET search_path');
        client.release();
      }
    } finally {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    }
  });
});
