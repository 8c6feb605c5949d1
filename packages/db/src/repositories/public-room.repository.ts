import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { conferences } from '../schema/conferences.js';
import { rooms } from '../schema/rooms.js';
import { talks } from '../schema/talks.js';
import type { PublicTalk } from './conference.repository.js';
import { parseInput, slugSchema } from './validation.js';

/**
 * What the public player page (/watch/<publicSlug>) may show about a room. Built from an explicit column list: the
 * room's Jitsi credentials, meeting URL and non-HLS outputs (RTMP/SRT URLs with stream keys) never leave the database;
 * of `broadcast_outputs` only the first HLS entry's `publicUrl` is extracted, in SQL.
 */
export interface PublicRoomView {
  publicSlug: string;
  slug: string;
  name: string;
  /** Public HLS playlist URL (the first `{kind:'hls', publicUrl}` output), null when the room has none. */
  hlsUrl: string | null;
  conference: { slug: string; name: string; timeZone: string };
  /** This room's talks, earliest first. */
  talks: PublicTalk[];
}

// SQL/JSON path (PostgreSQL 12+): the publicUrl of the first HLS output that has one; #>> '{}' unwraps the JSON string.
const hlsPublicUrl = sql<
  string | null
>`jsonb_path_query_first(${rooms.broadcastOutputs}, '$[*] ? (@.kind == "hls" && exists(@.publicUrl)).publicUrl') #>> '{}'`;

export function createPublicRoomRepository(db: Db) {
  return {
    /** Throws DbError('not-found') for an unknown slug and DbError('invalid-input') for a malformed one. */
    async getByPublicSlug(publicSlug: string): Promise<PublicRoomView> {
      parseInput(slugSchema, publicSlug, 'public room slug');
      try {
        const [row] = await db
          .select({
            id: rooms.id,
            publicSlug: rooms.publicSlug,
            slug: rooms.slug,
            name: rooms.name,
            hlsUrl: hlsPublicUrl,
            conferenceSlug: conferences.slug,
            conferenceName: conferences.name,
            timeZone: conferences.timeZone,
          })
          .from(rooms)
          .innerJoin(conferences, eq(conferences.id, rooms.conferenceId))
          .where(eq(rooms.publicSlug, publicSlug))
          .limit(1);
        if (!row) throw DbError.notFound('room', `'${publicSlug}'`);
        const roomTalks = await db
          .select({
            id: talks.id,
            roomId: talks.roomId,
            guid: talks.guid,
            title: talks.title,
            subtitle: talks.subtitle,
            speakers: talks.speakers,
            startsAt: talks.startsAt,
            durationSeconds: talks.durationSeconds,
            language: talks.language,
          })
          .from(talks)
          .where(eq(talks.roomId, row.id))
          .orderBy(asc(talks.startsAt), asc(talks.title));
        return {
          publicSlug: row.publicSlug,
          slug: row.slug,
          name: row.name,
          hlsUrl: row.hlsUrl ?? null,
          conference: { slug: row.conferenceSlug, name: row.conferenceName, timeZone: row.timeZone },
          talks: roomTalks,
        };
      } catch (error: unknown) {
        throw toDbError(error, `room '${publicSlug}'`);
      }
    },
  };
}

export type PublicRoomRepository = ReturnType<typeof createPublicRoomRepository>;
