import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { conferences, playoutLatePolicyValues, type Conference } from '../schema/conferences.js';
import { rooms, type Room } from '../schema/rooms.js';
import { talks, type Talk } from '../schema/talks.js';
import { conferenceMemberships } from '../schema/users.js';
import { createConferenceInputSchema } from './conference.repository.js';
import { talkInputSchema } from './talk.repository.js';
import { ianaTimeZoneSchema, isoDateSchema, parseInput, slugSchema, uuidSchema } from './validation.js';

/**
 * Admin-side reads and writes of conferences, rooms and talks by id (the public repositories work by slug and select
 * public columns only). No authorization here: the web app decides who may call what.
 */

export const updateConferenceInputSchema = z
  .object({
    slug: slugSchema,
    name: z.string().trim().min(1).max(200),
    timeZone: ianaTimeZoneSchema,
    startsOn: isoDateSchema,
    endsOn: isoDateSchema,
    /** What a playout started after its talk's T does (stage worker playout role). */
    playoutLatePolicy: z.enum(playoutLatePolicyValues),
  })
  .partial();
export type UpdateConferenceInput = z.input<typeof updateConferenceInputSchema>;

export const updateTalkInputSchema = talkInputSchema.omit({ conferenceId: true, guid: true }).partial();
export type UpdateTalkInput = z.input<typeof updateTalkInputSchema>;

export interface ConferenceOverview extends Conference {
  roomCount: number;
  talkCount: number;
}

export function createCatalogAdminRepository(db: Db) {
  async function one<T>(rows: Promise<T[]>, entity: string, id: string): Promise<T> {
    try {
      const [row] = await rows;
      if (!row) throw DbError.notFound(entity, id);
      return row;
    } catch (error: unknown) {
      throw toDbError(error, `${entity} ${id}`);
    }
  }

  return {
    /** Every conference (userId null) or those the user is a member of, with room and talk counts. */
    async listConferences(memberUserId: string | null): Promise<ConferenceOverview[]> {
      try {
        const base = memberUserId
          ? await db
              .select({ conference: conferences })
              .from(conferences)
              .innerJoin(conferenceMemberships, eq(conferenceMemberships.conferenceId, conferences.id))
              .where(eq(conferenceMemberships.userId, memberUserId))
              .orderBy(asc(conferences.startsOn), asc(conferences.name))
          : await db
              .select({ conference: conferences })
              .from(conferences)
              .orderBy(asc(conferences.startsOn), asc(conferences.name));
        const ids = base.map((row) => row.conference.id);
        if (ids.length === 0) return [];
        const roomCounts = await db
          .select({ id: rooms.conferenceId, n: count() })
          .from(rooms)
          .where(inArray(rooms.conferenceId, ids))
          .groupBy(rooms.conferenceId);
        const talkCounts = await db
          .select({ id: talks.conferenceId, n: count() })
          .from(talks)
          .where(inArray(talks.conferenceId, ids))
          .groupBy(talks.conferenceId);
        const roomsBy = new Map(roomCounts.map((r) => [r.id, r.n]));
        const talksBy = new Map(talkCounts.map((r) => [r.id, r.n]));
        return base.map(({ conference }) => ({
          ...conference,
          roomCount: roomsBy.get(conference.id) ?? 0,
          talkCount: talksBy.get(conference.id) ?? 0,
        }));
      } catch (error: unknown) {
        throw toDbError(error, 'conference listing');
      }
    },

    async getConference(id: string): Promise<Conference> {
      parseInput(uuidSchema, id, 'conference id');
      return one(db.select().from(conferences).where(eq(conferences.id, id)).limit(1), 'conference', id);
    },

    async updateConference(id: string, input: UpdateConferenceInput): Promise<Conference> {
      parseInput(uuidSchema, id, 'conference id');
      const values = parseInput(updateConferenceInputSchema, input, 'conference');
      if (values.startsOn !== undefined || values.endsOn !== undefined) {
        const current = await this.getConference(id);
        parseInput(
          createConferenceInputSchema,
          { slug: current.slug, name: current.name, timeZone: current.timeZone, ...values },
          'conference',
        );
        const startsOn = values.startsOn ?? current.startsOn;
        const endsOn = values.endsOn ?? current.endsOn;
        if (endsOn < startsOn) throw DbError.invalidInput('conference', 'endsOn must not be before startsOn');
      }
      return one(db.update(conferences).set(values).where(eq(conferences.id, id)).returning(), 'conference', id);
    },

    async deleteConference(id: string): Promise<void> {
      parseInput(uuidSchema, id, 'conference id');
      await one(
        db.delete(conferences).where(eq(conferences.id, id)).returning({ id: conferences.id }),
        'conference',
        id,
      );
    },

    /** Full room rows (including credentials: callers must never send those to a browser). */
    async listRooms(conferenceId: string): Promise<Room[]> {
      try {
        return await db.select().from(rooms).where(eq(rooms.conferenceId, conferenceId)).orderBy(asc(rooms.name));
      } catch (error: unknown) {
        throw toDbError(error, 'room listing');
      }
    },

    async deleteRoom(id: string): Promise<void> {
      parseInput(uuidSchema, id, 'room id');
      await one(db.delete(rooms).where(eq(rooms.id, id)).returning({ id: rooms.id }), 'room', id);
    },

    async conferenceIdOfRoom(roomId: string): Promise<string> {
      parseInput(uuidSchema, roomId, 'room id');
      const row = await one(
        db.select({ id: rooms.conferenceId }).from(rooms).where(eq(rooms.id, roomId)).limit(1),
        'room',
        roomId,
      );
      return row.id;
    },

    async conferenceIdOfTalk(talkId: string): Promise<string> {
      parseInput(uuidSchema, talkId, 'talk id');
      const row = await one(
        db.select({ id: talks.conferenceId }).from(talks).where(eq(talks.id, talkId)).limit(1),
        'talk',
        talkId,
      );
      return row.id;
    },

    async createTalk(input: z.input<typeof talkInputSchema>): Promise<Talk> {
      const values = parseInput(talkInputSchema, input, 'talk');
      try {
        const [row] = await db.insert(talks).values(values).returning();
        if (!row) throw new DbError('unknown', 'insert of talk returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `talk '${values.title}'`);
      }
    },

    async updateTalk(id: string, input: UpdateTalkInput): Promise<Talk> {
      parseInput(uuidSchema, id, 'talk id');
      const values = parseInput(updateTalkInputSchema, input, 'talk');
      return one(
        db
          .update(talks)
          .set({ ...values, updatedAt: sql`now()` })
          .where(eq(talks.id, id))
          .returning(),
        'talk',
        id,
      );
    },

    async deleteTalk(id: string): Promise<void> {
      parseInput(uuidSchema, id, 'talk id');
      await one(db.delete(talks).where(eq(talks.id, id)).returning({ id: talks.id }), 'talk', id);
    },
  };
}

export type CatalogAdminRepository = ReturnType<typeof createCatalogAdminRepository>;
