import {
  createCatalogAdminRepository,
  createConferenceRepository,
  createRoomControlsRepository,
  createRoomRepository,
  createTalkRepository,
} from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBroadcast } from './broadcast-config.js';
import { createStageData } from './stage-data.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase({ name: 'stage-data' });
}, 60_000);
afterAll(async () => tdb?.drop());

describe('stage data on real Postgres', () => {
  it('reads what the roles need: room credentials/outputs, layout choice, upcoming talks, talk video, late policy', async () => {
    const conference = await createConferenceRepository(tdb.db).create({
      slug: 'stage-data',
      name: 'Stage data',
      timeZone: 'Europe/Berlin',
      startsOn: '2030-06-01',
      endsOn: '2030-06-02',
    });
    const room = await createRoomRepository(tdb.db).create({
      conferenceId: conference.id,
      slug: 'main',
      name: 'Main',
      meetingUrl: 'https://meet.example.org/main',
      jitsiCredentials: { roomPassword: 'pw' },
      broadcastOutputs: [
        {
          kind: 'hls',
          publicUrl: 'http://cdn.example.org/main/index.m3u8',
          ingestUrl: 'http://ingest.example.org/main/',
        },
        { kind: 'rtmp', url: 'rtmp://live.example.org/app', streamKey: 'key' },
      ],
    });
    const now = Date.now();
    const [soon, later] = await createTalkRepository(tdb.db).upsertMany(
      [10, 70].map((minutes, i) => ({
        conferenceId: conference.id,
        roomId: room.id,
        guid: `g${i}`,
        title: `Talk ${i}`,
        speakers: [{ name: 'Ada' }],
        startsAt: new Date(now + minutes * 60_000),
        durationSeconds: 1800,
      })),
    );
    const data = createStageData(tdb.db);

    const r = await data.room(room.id);
    expect(r).toMatchObject({
      slug: 'main',
      meetingUrl: 'https://meet.example.org/main',
      jitsiCredentials: { roomPassword: 'pw' },
    });
    // The ingest URL survives the repository's zod parsing (jsonb) and reaches the broadcast's origin option.
    expect(resolveBroadcast(r, '/srv/out').outputs).toMatchObject({
      hls: { origin: { baseUrl: 'http://ingest.example.org/main/' } },
      rtmp: [{ url: 'rtmp://live.example.org/app', streamKey: 'key' }],
    });

    expect(await data.layout(room.id)).toBeNull();
    await createRoomControlsRepository(tdb.db).setLayout(room.id, 'side-by-side', null);
    expect(await data.layout(room.id)).toBe('side-by-side');

    expect(await data.nextTalk(room.id, now)).toEqual({
      title: 'Talk 0',
      speakers: ['Ada'],
      startsAtMs: soon!.startsAt.getTime(),
    });
    expect(await data.nextTalk(room.id, soon!.startsAt.getTime())).toMatchObject({ title: 'Talk 1' });
    expect((await data.talks(room.id, now)).map((t) => t.guid)).toEqual(['g0', 'g1']);

    expect(await data.talk(later!.id)).toEqual({ title: 'Talk 1', speakers: ['Ada'], videoFile: null });
    expect(await data.latePolicy(room.id)).toBe('from-start');
    await createCatalogAdminRepository(tdb.db).updateConference(conference.id, { playoutLatePolicy: 'join-in' });
    expect(await data.latePolicy(room.id)).toBe('join-in');
  });
});
