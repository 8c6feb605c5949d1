import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { DbError } from '../errors.js';
import { createConferenceRepository } from './conference.repository.js';
import { createRoomRepository } from './room.repository.js';
import { createTalkRepository } from './talk.repository.js';
import {
  applyScheduleImport,
  createScheduleSourceRepository,
  type ScheduleImportTalk,
} from './schedule-import.repository.js';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase({ name: 'schedule_import' });
});
afterAll(async () => {
  await testDb?.drop();
});

function talk(
  guid: string,
  roomKey: string,
  startIso: string,
  extra: Partial<ScheduleImportTalk> = {},
): ScheduleImportTalk {
  return {
    guid,
    externalId: guid.slice(0, 4),
    title: `Talk ${guid}`,
    subtitle: null,
    speakers: [{ name: 'Ada', id: '7' }],
    start: { epochMs: Date.parse(startIso) },
    durationSeconds: 1800,
    language: 'en',
    recordingOptOut: false,
    roomKey,
    ...extra,
  };
}

async function setup(slug: string) {
  const conference = await createConferenceRepository(testDb.db).create({
    slug,
    name: slug,
    timeZone: 'Europe/Berlin',
    startsOn: '2025-12-27',
    endsOn: '2025-12-30',
  });
  const roomsRepo = createRoomRepository(testDb.db);
  const main = await roomsRepo.create({ conferenceId: conference.id, slug: 'main', name: 'Main' });
  const side = await roomsRepo.create({ conferenceId: conference.id, slug: 'side', name: 'Side' });
  return { conference, main, side };
}

describe('applyScheduleImport', () => {
  it('creates talks by guid, then updates them on re-import without duplicating, and records the import', async () => {
    const { conference, main, side } = await setup('import-basic');
    const first = await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [talk('g-1', 'hall', '2025-12-27T10:00:00Z'), talk('g-2', 'side', '2025-12-27T11:00:00Z')],
        update: [],
        unchanged: [],
        removedUpstream: [],
      },
      roomMapping: { hall: main.id },
      sourceVersion: 'v1',
    });
    expect(first.created.map((c) => c.guid)).toEqual(['g-1', 'g-2']);
    expect(first.created.every((c) => /^[0-9a-f-]{36}$/.test(c.talkId))).toBe(true);
    const talksRepo = createTalkRepository(testDb.db);
    let stored = await talksRepo.listByConference(conference.id);
    expect(stored.map((t) => [t.guid, t.roomId])).toEqual([
      ['g-1', main.id],
      ['g-2', side.id],
    ]);
    expect(stored[0]?.speakers).toEqual([{ name: 'Ada', id: '7' }]);

    const second = await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [],
        update: [
          {
            guid: 'g-1',
            incoming: talk('g-1', 'side', '2025-12-27T12:00:00Z', { title: 'Moved' }),
            changes: [{ field: 'start' }, { field: 'title' }, { field: 'roomKey' }],
          },
        ],
        unchanged: [{ guid: 'g-2' }],
        removedUpstream: [],
      },
      sourceVersion: 'v2',
    });
    expect(second.updated).toEqual([
      { guid: 'g-1', talkId: first.created[0]?.talkId, changedFields: ['start', 'title', 'roomKey'] },
    ]);
    expect(second.unchanged).toBe(1);
    stored = await talksRepo.listByConference(conference.id);
    expect(stored).toHaveLength(2);
    const moved = stored.find((t) => t.guid === 'g-1');
    expect(moved).toMatchObject({ title: 'Moved', roomId: side.id, startsAt: new Date('2025-12-27T12:00:00Z') });
    const { rows } = await testDb.pool.query<{ source_version: string; created_count: number; updated_count: number }>(
      'SELECT source_version, created_count, updated_count FROM schedule_imports WHERE conference_id = $1 ORDER BY imported_at',
      [conference.id],
    );
    expect(rows).toEqual([
      { source_version: 'v1', created_count: 2, updated_count: 0 },
      { source_version: 'v2', created_count: 0, updated_count: 1 },
    ]);
  });

  it('reports talks removed upstream without deleting them', async () => {
    const { conference } = await setup('import-removed');
    await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [talk('keep', 'main', '2025-12-27T10:00:00Z'), talk('gone', 'main', '2025-12-27T11:00:00Z')],
        update: [],
        unchanged: [],
        removedUpstream: [],
      },
    });
    const result = await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [talk('gone-v2', 'main', '2025-12-27T11:00:00Z')],
        update: [],
        unchanged: [{ guid: 'keep' }],
        removedUpstream: [{ guid: 'gone', likelyReplacedBy: { guid: 'gone-v2', matchedBy: 'code' } }],
      },
      sourceVersion: 'v2',
    });
    expect(result.removedUpstream).toEqual([
      {
        guid: 'gone',
        talkId: expect.any(String),
        title: 'Talk gone',
        likelyReplacedBy: { guid: 'gone-v2', matchedBy: 'code' },
      },
    ]);
    const stored = await createTalkRepository(testDb.db).listByConference(conference.id);
    expect(stored.map((t) => t.guid).sort()).toEqual(['gone', 'gone-v2', 'keep']);
    const latest = await createScheduleSourceRepository(testDb.db).latestRemovedUpstream(conference.id);
    expect(latest.map((r) => r.guid)).toEqual(['gone']);
  });

  it('stores nothing when any part fails: unknown room key, invalid talk, unknown conference', async () => {
    const { conference } = await setup('import-atomic');
    const before = await testDb.pool.query('SELECT count(*)::int AS n FROM schedule_imports WHERE conference_id = $1', [
      conference.id,
    ]);

    const unknownRoom = await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [talk('a', 'main', '2025-12-27T10:00:00Z'), talk('b', 'nowhere', '2025-12-27T11:00:00Z')],
        update: [],
        unchanged: [],
        removedUpstream: [],
      },
    }).catch((e: unknown) => e);
    expect(unknownRoom).toBeInstanceOf(DbError);
    expect((unknownRoom as DbError).reason).toBe('invalid-input');
    expect((unknownRoom as DbError).message).toContain("'nowhere'");
    expect((unknownRoom as DbError).message).toContain('main, side');

    const zeroLength = await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [talk('c', 'main', '2025-12-27T10:00:00Z', { durationSeconds: 0 })],
        update: [],
        unchanged: [],
        removedUpstream: [],
      },
    }).catch((e: unknown) => e);
    expect((zeroLength as DbError).reason).toBe('invalid-input');
    expect((zeroLength as DbError).message).toContain("talk 'c'");
    expect((zeroLength as DbError).message).toContain('durationSeconds');

    // A constraint failure inside the transaction (duplicate guid in one plan) rolls back the earlier rows too.
    const duplicate = await applyScheduleImport(testDb.db, {
      conferenceId: conference.id,
      plan: {
        create: [talk('d', 'main', '2025-12-27T10:00:00Z'), talk('d', 'side', '2025-12-27T11:00:00Z')],
        update: [],
        unchanged: [],
        removedUpstream: [],
      },
    }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(DbError);

    expect(await createTalkRepository(testDb.db).listByConference(conference.id)).toEqual([]);
    const after = await testDb.pool.query('SELECT count(*)::int AS n FROM schedule_imports WHERE conference_id = $1', [
      conference.id,
    ]);
    expect(after.rows).toEqual(before.rows);

    const missing = await applyScheduleImport(testDb.db, {
      conferenceId: '00000000-0000-4000-8000-000000000000',
      plan: { create: [], update: [], unchanged: [], removedUpstream: [] },
    }).catch((e: unknown) => e);
    expect((missing as DbError).reason).toBe('not-found');
  });

  it('schedule sources keep validators for the same URL and the last good version across failures', async () => {
    const { conference } = await setup('import-source');
    const sources = createScheduleSourceRepository(testDb.db);
    await sources.upsert({
      conferenceId: conference.id,
      url: 'http://127.0.0.1:1/schedule.xml',
      roomMapping: { 'Main Hall': 'main' },
    });
    await sources.recordSuccess(conference.id, {
      etag: '"e1"',
      lastModified: null,
      version: '1.0',
      sha256: 'abc',
      notModified: false,
    });
    await sources.recordFailure(conference.id, 'schedule.xml line 3: unclosed tag');
    let row = await sources.find(conference.id);
    expect(row).toMatchObject({
      etag: '"e1"',
      lastGoodVersion: '1.0',
      lastError: 'schedule.xml line 3: unclosed tag',
      consecutiveFailures: 1,
    });
    await sources.upsert({ conferenceId: conference.id, url: 'http://127.0.0.1:1/schedule.xml', roomMapping: {} });
    expect((await sources.find(conference.id))?.etag).toBe('"e1"');
    await sources.upsert({ conferenceId: conference.id, url: 'http://127.0.0.1:1/other.xml' });
    row = await sources.find(conference.id);
    expect(row).toMatchObject({ etag: null, lastGoodVersion: '1.0' });
    await expect(sources.upsert({ conferenceId: conference.id, url: 'ftp://x/y' })).rejects.toThrow(/http\(s\) URL/);
  });
});
