import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { toDbError } from './errors.js';
import { conferences } from './schema/conferences.js';
import { rooms } from './schema/rooms.js';
import { createTalkRepository } from './repositories/talk.repository.js';

export const demoConferenceSlug = 'stagecast-demo';
export const demoConferenceName = 'Stagecast Demo Conf';

export interface SeedDemoOptions {
  /** Talks are placed around this instant; default: now. */
  now?: Date;
}

export interface SeedDemoResult {
  conferenceId: string;
  slug: string;
  roomIds: string[];
  talkIds: string[];
}

const minute = 60_000;

const demoRooms = [
  { slug: 'main-hall', name: 'Main Hall' },
  { slug: 'workshop-room', name: 'Workshop Room' },
] as const;

// Offsets in minutes from `now`, so the demo always has a talk live, one next and one later.
const demoTalks = [
  {
    guid: 'stagecast-demo-opening',
    room: 'main-hall',
    offset: -20,
    minutes: 30,
    title: 'Opening: Stagecast in Five Minutes',
    speakers: ['Ada Operator'],
  },
  {
    guid: 'stagecast-demo-webrtc',
    room: 'main-hall',
    offset: 15,
    minutes: 45,
    title: 'WebRTC Without a Browser',
    speakers: ['Grace Pipeline', 'Linus Bridge'],
  },
  {
    guid: 'stagecast-demo-hls',
    room: 'main-hall',
    offset: 70,
    minutes: 30,
    title: 'From Jitsi Room to HLS Player',
    speakers: ['Margaret Stream'],
  },
  {
    guid: 'stagecast-demo-workshop',
    room: 'workshop-room',
    offset: -5,
    minutes: 60,
    title: 'Workshop: Running Your Own Stage',
    speakers: ['Alan Scheduler'],
  },
  {
    guid: 'stagecast-demo-qa',
    room: 'workshop-room',
    offset: 60,
    minutes: 30,
    title: 'Q&A with the Organizers',
    speakers: ['Barbara Queue'],
  },
] as const;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Creates or refreshes the demo conference "Stagecast Demo Conf" with 2 rooms and 5 talks around `now`.
 * Idempotent: re-running updates the same rows (by slug/guid) instead of adding new ones.
 */
export async function seedDemo(db: Db, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const now = options.now ?? new Date();
  try {
    return await db.transaction(async (tx) => {
      const [conference] = await tx
        .insert(conferences)
        .values({
          slug: demoConferenceSlug,
          name: demoConferenceName,
          timeZone: 'Europe/Berlin',
          startsOn: isoDate(new Date(now.getTime() - 24 * 60 * minute)),
          endsOn: isoDate(new Date(now.getTime() + 24 * 60 * minute)),
        })
        .onConflictDoUpdate({
          target: conferences.slug,
          set: {
            name: sql`excluded.name`,
            startsOn: sql`excluded.starts_on`,
            endsOn: sql`excluded.ends_on`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ id: conferences.id });
      if (!conference) throw new Error('demo conference upsert returned no row');

      const roomRows = await tx
        .insert(rooms)
        .values(
          demoRooms.map((room) => ({
            conferenceId: conference.id,
            slug: room.slug,
            publicSlug: `${demoConferenceSlug}-${room.slug}`,
            name: room.name,
          })),
        )
        .onConflictDoUpdate({
          target: [rooms.conferenceId, rooms.slug],
          set: { name: sql`excluded.name`, publicSlug: sql`excluded.public_slug`, updatedAt: sql`now()` },
        })
        .returning({ id: rooms.id, slug: rooms.slug });
      const roomIdBySlug = new Map(roomRows.map((room) => [room.slug, room.id]));

      const talkRows = await createTalkRepository(tx as unknown as Db).upsertMany(
        demoTalks.map((talk) => ({
          conferenceId: conference.id,
          roomId: roomIdBySlug.get(talk.room) ?? null,
          guid: talk.guid,
          title: talk.title,
          speakers: talk.speakers.map((name) => ({ name })),
          startsAt: new Date(Math.floor((now.getTime() + talk.offset * minute) / minute) * minute),
          durationSeconds: talk.minutes * 60,
          language: 'en',
        })),
      );

      return {
        conferenceId: conference.id,
        slug: demoConferenceSlug,
        roomIds: roomRows.map((room) => room.id),
        talkIds: talkRows.map((talk) => talk.id),
      };
    });
  } catch (error: unknown) {
    throw toDbError(error, 'demo seed');
  }
}
