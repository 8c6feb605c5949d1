import { Writable } from 'node:stream';
import { DbError, type ConferenceWithRoomsAndTalks, type PublicRoomView } from '@stagecast/db';
import { createLogger } from '../../lib/logger.js';
import type { DatabaseProbe, HealthProbe, MigrationStatus } from '../../health/probe.js';
import type { Context } from '../trpc.js';
import { fakeAdminParts } from './fake-admin-context.js';

/** In-memory stand-ins for unit tests of procedures: a conference repository over fixed rows and a scripted probe. */
export interface FakeContextOptions {
  conferences?: ConferenceWithRoomsAndTalks[];
  /** Rows of the public room repository (watch pages). */
  publicRooms?: PublicRoomView[];
  now?: Date;
  ping?: DatabaseProbe;
  migrations?: MigrationStatus | null;
  /** Thrown by every repository call, to exercise error mapping. */
  repositoryError?: unknown;
}

export function createFakeContext(options: FakeContextOptions = {}): Context & { logLines: Record<string, unknown>[] } {
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const rows = options.conferences ?? [];
  const fail = () => {
    if (options.repositoryError !== undefined) throw options.repositoryError;
  };
  const health: HealthProbe = {
    pingDatabase: async () => options.ping ?? { ok: true, latencyMs: 1.5 },
    migrationStatus: async () =>
      options.migrations === undefined ? { applied: 1, latestCreatedAt: null } : options.migrations,
  };
  return {
    ...fakeAdminParts(),
    logLines,
    log: createLogger({ destination, level: 'debug' }),
    conferences: {
      async listWithRoomsAndTalks() {
        fail();
        return rows;
      },
      async getBySlug(slug: string) {
        fail();
        const row = rows.find((conference) => conference.slug === slug);
        if (!row) throw DbError.notFound('conference', `'${slug}'`);
        return row;
      },
    },
    publicRooms: {
      async getByPublicSlug(slug: string) {
        fail();
        const row = (options.publicRooms ?? []).find((room) => room.publicSlug === slug);
        if (!row) throw DbError.notFound('room', `'${slug}'`);
        return row;
      },
    },
    health,
    version: '9.9.9-test',
    now: () => options.now ?? new Date('2025-12-27T10:30:00Z'),
    uptimeSeconds: () => 42.7,
  };
}

/** A two-day conference in Europe/Berlin (UTC+1 in December) with talks near midnight to catch zone bugs. */
export function berlinConference(): ConferenceWithRoomsAndTalks {
  const talk = (id: string, roomId: string | null, startsAt: string, minutes: number, title: string) => ({
    id,
    roomId,
    guid: `guid-${id}`,
    title,
    subtitle: null,
    speakers: [{ name: `Speaker ${id}` }],
    startsAt: new Date(startsAt),
    durationSeconds: minutes * 60,
    language: 'en',
  });
  return {
    id: 'c1',
    slug: 'congress',
    name: 'Congress',
    timeZone: 'Europe/Berlin',
    startsOn: '2025-12-27',
    endsOn: '2025-12-28',
    rooms: [
      { id: 'r1', slug: 'saal-1', name: 'Saal 1' },
      { id: 'r2', slug: 'saal-2', name: 'Saal 2' },
    ],
    talks: [
      talk('t1', 'r1', '2025-12-27T10:00:00Z', 60, 'Morning keynote'), // 11:00–12:00 Berlin, live at 10:30Z
      talk('t2', 'r2', '2025-12-27T13:00:00Z', 30, 'Afternoon'),
      // 23:30 UTC on the 27th is 00:30 on the 28th in Berlin: belongs to day two.
      talk('t3', 'r1', '2025-12-27T23:30:00Z', 45, 'After midnight'),
      talk('t4', null, '2025-12-28T09:00:00Z', 30, 'Room TBA'),
    ],
  };
}
