import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { DbError } from '../errors.js';
import { createConferenceRepository } from './conference.repository.js';
import { createRoomRepository } from './room.repository.js';
import { createTalkRepository } from './talk.repository.js';
import { createJobRecordRepository } from './job-record.repository.js';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase({ name: 'repositories' });
});
afterAll(async () => {
  await testDb?.drop();
});

async function expectDbError(promise: Promise<unknown>, reason: DbError['reason']): Promise<DbError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DbError);
  expect((error as DbError).reason).toBe(reason);
  return error as DbError;
}

const conferenceInput = {
  slug: 'jsconf',
  name: 'JSConf',
  timeZone: 'Europe/Berlin',
  startsOn: '2025-12-27',
  endsOn: '2025-12-30',
};

describe('conference repository', () => {
  it('creates a conference and rejects a duplicate slug as a conflict', async () => {
    const conferences = createConferenceRepository(testDb.db);
    const created = await conferences.create(conferenceInput);
    expect(created).toMatchObject({ slug: 'jsconf', timeZone: 'Europe/Berlin', startsOn: '2025-12-27' });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const conflict = await expectDbError(conferences.create(conferenceInput), 'conflict');
    expect(conflict.constraint).toBe('conferences_slug_unique');
    expect(conflict.message).toContain("'jsconf'");
  });

  it('validates input before writing: bad slug, unknown time zone, reversed dates', async () => {
    const conferences = createConferenceRepository(testDb.db);
    const error = await expectDbError(
      conferences.create({
        ...conferenceInput,
        slug: 'Bad Slug',
        timeZone: 'Mars/Olympus',
        startsOn: '2025-12-30',
        endsOn: '2025-12-01',
      }),
      'invalid-input',
    );
    expect(error.message).toContain('slug');
    expect(error.message).toContain('timeZone');
    expect(error.message).toContain('endsOn');
  });

  it('getBySlug returns public rooms and talks ordered, and not-found for an unknown slug', async () => {
    const conferences = createConferenceRepository(testDb.db);
    const roomsRepo = createRoomRepository(testDb.db);
    const talksRepo = createTalkRepository(testDb.db);
    const conference = await conferences.create({ ...conferenceInput, slug: 'ordered' });
    const roomB = await roomsRepo.create({
      conferenceId: conference.id,
      slug: 'b-room',
      name: 'B Room',
      jitsiCredentials: { jwt: 'secret-jwt' },
      broadcastOutputs: [{ kind: 'rtmp', url: 'rtmp://127.0.0.1/live', streamKey: 'secret-key' }],
    });
    await roomsRepo.create({ conferenceId: conference.id, slug: 'a-room', name: 'A Room' });
    await talksRepo.upsertMany([
      {
        conferenceId: conference.id,
        roomId: roomB.id,
        guid: 'late',
        title: 'Late',
        startsAt: new Date('2025-12-27T12:00:00Z'),
        durationSeconds: 1800,
      },
      {
        conferenceId: conference.id,
        roomId: roomB.id,
        guid: 'early',
        title: 'Early',
        startsAt: new Date('2025-12-27T10:00:00Z'),
        durationSeconds: 1800,
        speakers: [{ name: 'Ada' }],
      },
    ]);

    const detail = await conferences.getBySlug('ordered');
    expect(detail.rooms.map((r) => r.name)).toEqual(['A Room', 'B Room']);
    expect(detail.talks.map((t) => t.guid)).toEqual(['early', 'late']);
    expect(detail.talks[0]?.speakers).toEqual([{ name: 'Ada' }]);
    // Secrets never reach the public shape.
    expect(JSON.stringify(detail)).not.toContain('secret');
    expect(Object.keys(detail.rooms[0] ?? {}).sort()).toEqual(['id', 'name', 'slug']);

    await expectDbError(conferences.getBySlug('nope'), 'not-found');
    expect(await conferences.findBySlug('nope')).toBeNull();
  });

  it('listWithRoomsAndTalks lists every conference; deleting cascades to rooms and talks', async () => {
    const conferences = createConferenceRepository(testDb.db);
    const list = await conferences.listWithRoomsAndTalks();
    expect(list.map((c) => c.slug)).toEqual(expect.arrayContaining(['jsconf', 'ordered']));
    const ordered = list.find((c) => c.slug === 'ordered');
    expect(ordered?.talks).toHaveLength(2);

    await conferences.deleteBySlug('ordered');
    const { rows } = await testDb.pool.query<{ rooms: string; talks: string }>(
      `SELECT (SELECT count(*) FROM rooms r JOIN conferences c ON c.id = r.conference_id WHERE c.slug = 'ordered') AS rooms,
              (SELECT count(*) FROM talks) AS talks`,
    );
    expect(rows[0]).toEqual({ rooms: '0', talks: '0' });
    await expectDbError(conferences.deleteBySlug('ordered'), 'not-found');
  });
});

describe('room repository', () => {
  it('enforces slug uniqueness per conference, not globally', async () => {
    const conferences = createConferenceRepository(testDb.db);
    const roomsRepo = createRoomRepository(testDb.db);
    const c1 = await conferences.create({ ...conferenceInput, slug: 'room-c1' });
    const c2 = await conferences.create({ ...conferenceInput, slug: 'room-c2' });
    await roomsRepo.create({
      conferenceId: c1.id,
      slug: 'main',
      name: 'Main',
      meetingUrl: 'https://meet.example.org/main',
    });
    await roomsRepo.create({ conferenceId: c2.id, slug: 'main', name: 'Main' });
    const conflict = await expectDbError(
      roomsRepo.create({ conferenceId: c1.id, slug: 'main', name: 'Again' }),
      'conflict',
    );
    expect(conflict.constraint).toBe('rooms_conference_id_slug_unique');
    expect((await roomsRepo.listByConference(c1.id)).map((r) => r.slug)).toEqual(['main']);
  });

  it('maps a missing conference to invalid-reference and validates URLs and outputs', async () => {
    const roomsRepo = createRoomRepository(testDb.db);
    await expectDbError(
      roomsRepo.create({ conferenceId: '00000000-0000-4000-8000-000000000000', slug: 'x', name: 'X' }),
      'invalid-reference',
    );
    const conference = await createConferenceRepository(testDb.db).create({ ...conferenceInput, slug: 'room-c3' });
    await expectDbError(
      roomsRepo.create({ conferenceId: conference.id, slug: 'x', name: 'X', meetingUrl: 'ftp://nope' }),
      'invalid-input',
    );
    await expectDbError(
      roomsRepo.create({
        conferenceId: conference.id,
        slug: 'x',
        name: 'X',
        broadcastOutputs: [{ kind: 'rtmp', url: 'http://not-rtmp' }],
      }),
      'invalid-input',
    );
  });

  it('updates credentials and outputs server-side and bumps updatedAt', async () => {
    const roomsRepo = createRoomRepository(testDb.db);
    const conference = await createConferenceRepository(testDb.db).create({ ...conferenceInput, slug: 'room-c4' });
    const room = await roomsRepo.create({ conferenceId: conference.id, slug: 'stage', name: 'Stage' });
    const updated = await roomsRepo.update(room.id, {
      jitsiCredentials: { roomPassword: 'pw' },
      broadcastOutputs: [{ kind: 'srt', url: 'srt://127.0.0.1:9000' }],
    });
    expect(updated.jitsiCredentials).toEqual({ roomPassword: 'pw' });
    expect(updated.broadcastOutputs).toEqual([{ kind: 'srt', url: 'srt://127.0.0.1:9000' }]);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(room.updatedAt.getTime());
    expect((await roomsRepo.getById(room.id)).jitsiCredentials).toEqual({ roomPassword: 'pw' });
    await expectDbError(roomsRepo.getById('00000000-0000-4000-8000-000000000000'), 'not-found');
    await expectDbError(roomsRepo.getById('not-a-uuid'), 'invalid-input');
  });
});

describe('talk repository', () => {
  it('upserts by (conference, guid): a second sync updates instead of duplicating', async () => {
    const conference = await createConferenceRepository(testDb.db).create({ ...conferenceInput, slug: 'talks-c1' });
    const room = await createRoomRepository(testDb.db).create({ conferenceId: conference.id, slug: 'r', name: 'R' });
    const talksRepo = createTalkRepository(testDb.db);
    const startsAt = new Date('2025-12-27T10:00:00Z');
    const [first] = await talksRepo.upsertMany([
      { conferenceId: conference.id, roomId: room.id, guid: 'g1', title: 'v1', startsAt, durationSeconds: 600 },
    ]);
    const [second] = await talksRepo.upsertMany([
      {
        conferenceId: conference.id,
        roomId: room.id,
        guid: 'g1',
        title: 'v2',
        startsAt,
        durationSeconds: 900,
        recordingOptOut: true,
      },
    ]);
    expect(second?.id).toBe(first?.id);
    expect(second).toMatchObject({ title: 'v2', durationSeconds: 900, recordingOptOut: true });
    expect(await talksRepo.listByConference(conference.id)).toHaveLength(1);
    expect(
      await talksRepo.listByRoomBetween(room.id, new Date('2025-12-27T09:00:00Z'), new Date('2025-12-27T11:00:00Z')),
    ).toHaveLength(1);
    expect(
      await talksRepo.listByRoomBetween(room.id, new Date('2025-12-27T10:00:01Z'), new Date('2025-12-27T11:00:00Z')),
    ).toHaveLength(0);
  });

  it('rejects a non-positive duration before it reaches the database, atomically', async () => {
    const conference = await createConferenceRepository(testDb.db).create({ ...conferenceInput, slug: 'talks-c2' });
    const talksRepo = createTalkRepository(testDb.db);
    const error = await expectDbError(
      talksRepo.upsertMany([
        { conferenceId: conference.id, guid: 'ok', title: 'ok', startsAt: new Date(), durationSeconds: 60 },
        { conferenceId: conference.id, guid: 'bad', title: 'bad', startsAt: new Date(), durationSeconds: 0 },
      ]),
      'invalid-input',
    );
    expect(error.message).toContain('talk #1');
    expect(await talksRepo.listByConference(conference.id)).toHaveLength(0);
  });
});

describe('job record repository', () => {
  it('moves queued → running → succeeded with compare-and-set and refuses stale transitions', async () => {
    const conference = await createConferenceRepository(testDb.db).create({ ...conferenceInput, slug: 'jobs-c1' });
    const room = await createRoomRepository(testDb.db).create({ conferenceId: conference.id, slug: 'r', name: 'R' });
    const jobs = createJobRecordRepository(testDb.db);
    const record = await jobs.create({
      kind: 'run-stage',
      roomId: room.id,
      scheduledFor: new Date('2025-12-27T10:00:00Z'),
    });
    expect(record).toMatchObject({ status: 'queued', attempt: 0 });
    await jobs.attachBossJob(record.id, 'boss-1');
    const running = await jobs.markRunning(record.id, 'worker-a');
    expect(running).toMatchObject({ status: 'running', workerId: 'worker-a', attempt: 1, bossJobId: 'boss-1' });
    expect((await jobs.listActiveForRoom(room.id)).map((r) => r.id)).toEqual([record.id]);
    const done = await jobs.markSucceeded(record.id);
    expect(done.status).toBe('succeeded');
    expect(done.finishedAt).toBeInstanceOf(Date);
    await expectDbError(jobs.markRunning(record.id, 'worker-b'), 'stale-state');
    await expectDbError(jobs.markSucceeded('00000000-0000-4000-8000-000000000000'), 'not-found');
    expect(await jobs.listActiveForRoom(room.id)).toEqual([]);
  });

  it('records failures with the error text and rejects unknown queue names', async () => {
    const jobs = createJobRecordRepository(testDb.db);
    const record = await jobs.create({ kind: 'sync-schedule' });
    const failed = await jobs.markFailed(record.id, 'schedule URL returned 404');
    expect(failed).toMatchObject({ status: 'failed', lastError: 'schedule URL returned 404' });
    await expectDbError(jobs.markCancelled(record.id), 'stale-state');
    await expectDbError(jobs.create({ kind: 'Run Stage' }), 'invalid-input');
  });
});
