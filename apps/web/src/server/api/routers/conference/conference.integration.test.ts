import {
  createConferenceRepository,
  createTalkRepository,
  demoConferenceName,
  demoConferenceSlug,
  seedDemo,
} from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStagecastClient } from '../../../../trpc/client.js';
import { createHealthProbe } from '../../../health/probe.js';
import { appRouter, createCaller } from '../../root.js';
import { createFakeContext } from '../../testing/fake-context.js';
import type { Context } from '../../trpc.js';

// The conference router and health probe against real Postgres: a fresh migrated schema, the demo seed, and the typed
// client over tRPC's fetch adapter (same request handling as /api/trpc, without a listening server).
describe('conference router on Postgres', () => {
  let database: TestDatabase;
  // A fixed instant (12:00 in Berlin, summer time) for both the seed and the procedures: deterministic days and times.
  const now = new Date('2025-06-14T10:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase({ name: 'web_conference_router' });
    await seedDemo(database.db, { now });
  });
  afterAll(async () => {
    await database?.drop();
  });

  function context(): Context {
    return {
      ...createFakeContext({ now }),
      conferences: createConferenceRepository(database.db),
      health: createHealthProbe({ pool: database.pool }),
    };
  }

  it('lists the seeded demo conference with both rooms and today’s talks in Europe/Berlin', async () => {
    const { conferences } = await createCaller(context()).conference.list();
    expect(conferences.map((c) => c.slug)).toEqual([demoConferenceSlug]);
    const [demo] = conferences;
    expect(demo).toMatchObject({ name: demoConferenceName, timeZone: 'Europe/Berlin', phase: 'live', talkCount: 5 });
    expect(demo?.rooms.map((room) => room.name)).toEqual(['Main Hall', 'Workshop Room']);
    expect(demo?.featured).toMatchObject({ date: '2025-06-14', isToday: true, label: 'Saturday, 14 June 2025' });
    const [mainHall, workshop] = demo?.featured?.rooms ?? [];
    expect(mainHall?.talks.map((talk) => [talk.start, talk.end, talk.title, talk.isLive])).toEqual([
      ['11:40', '12:10', 'Opening: Stagecast in Five Minutes', true],
      ['12:15', '13:00', 'WebRTC Without a Browser', false],
      ['13:10', '13:40', 'From Jitsi Room to HLS Player', false],
    ]);
    expect(workshop?.talks.map((talk) => talk.title)).toEqual([
      'Workshop: Running Your Own Stage',
      'Q&A with the Organizers',
    ]);
    expect(mainHall?.talks[1]?.speakers).toEqual(['Grace Pipeline', 'Linus Bridge']);
  });

  it('returns the full schedule per day and reflects writes made through the repositories', async () => {
    const caller = createCaller(context());
    const before = await caller.conference.bySlug({ slug: demoConferenceSlug });
    const talksBefore = before.days.flatMap((day) => [...day.rooms.flatMap((r) => r.talks), ...day.unassigned]);
    expect(talksBefore).toHaveLength(5);

    const conference = await createConferenceRepository(database.db).findBySlug(demoConferenceSlug);
    await createTalkRepository(database.db).upsertMany([
      {
        conferenceId: conference!.id,
        roomId: null,
        guid: 'integration-unassigned',
        title: 'Lightning talks',
        speakers: [],
        startsAt: new Date(now.getTime() + 3 * 60 * 60 * 1000),
        durationSeconds: 1800,
        language: 'en',
      },
    ]);
    const after = await caller.conference.bySlug({ slug: demoConferenceSlug });
    expect(after.days.flatMap((day) => day.unassigned.map((talk) => talk.title))).toEqual(['Lightning talks']);
  });

  it('serves the typed client over HTTP semantics: data, NOT_FOUND and BAD_REQUEST with zod details', async () => {
    const api = createStagecastClient({
      baseUrl: 'http://stagecast.test',
      fetch: async (input, init) =>
        fetchRequestHandler({
          endpoint: '/api/trpc',
          req: new Request(input, init),
          router: appRouter,
          createContext: () => context(),
        }),
    });
    const { conferences } = await api.conference.list.query();
    expect(conferences[0]?.featured?.rooms[0]?.talks[0]?.startsAt).toBeInstanceOf(Date);

    const missing = await api.conference.bySlug.query({ slug: 'does-not-exist' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TRPCClientError);
    expect((missing as TRPCClientError<typeof appRouter>).data?.code).toBe('NOT_FOUND');
    expect((missing as TRPCClientError<typeof appRouter>).data?.httpStatus).toBe(404);

    const invalid = await api.conference.bySlug.query({ slug: 'NOT OK' }).catch((e: unknown) => e);
    expect((invalid as TRPCClientError<typeof appRouter>).data?.code).toBe('BAD_REQUEST');
    expect((invalid as TRPCClientError<typeof appRouter>).data?.zodError?.fieldErrors).toHaveProperty('slug');
  });

  it('reports health ok with the applied migration count', async () => {
    const report = await createCaller(context()).health.check();
    expect(report.status).toBe('ok');
    expect(report.db.ok).toBe(true);
    expect(report.migrations?.applied).toBeGreaterThanOrEqual(1);
  });
});
