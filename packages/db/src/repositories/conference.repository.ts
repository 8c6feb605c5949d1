import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { conferences, type Conference } from '../schema/conferences.js';
import { rooms } from '../schema/rooms.js';
import { talks } from '../schema/talks.js';
import type { Speaker } from '../schema/json-types.js';
import { ianaTimeZoneSchema, isoDateSchema, parseInput, slugSchema } from './validation.js';

export const createConferenceInputSchema = z
  .object({
    slug: slugSchema,
    name: z.string().trim().min(1).max(200),
    timeZone: ianaTimeZoneSchema,
    startsOn: isoDateSchema,
    endsOn: isoDateSchema,
  })
  .refine((c) => c.endsOn >= c.startsOn, { message: 'must not be before startsOn', path: ['endsOn'] });
export type CreateConferenceInput = z.input<typeof createConferenceInputSchema>;

/** Room fields safe for public pages (no meeting URL credentials, no stream keys). */
export interface PublicRoom {
  id: string;
  slug: string;
  name: string;
}

export interface PublicTalk {
  id: string;
  roomId: string | null;
  guid: string;
  title: string;
  subtitle: string | null;
  speakers: Speaker[];
  startsAt: Date;
  durationSeconds: number;
  language: string | null;
}

export interface ConferenceWithRoomsAndTalks {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  rooms: PublicRoom[];
  talks: PublicTalk[];
}

const publicConferenceColumns = {
  id: true,
  slug: true,
  name: true,
  timeZone: true,
  startsOn: true,
  endsOn: true,
} as const;
const publicRoomColumns = { id: true, slug: true, name: true } as const;
const publicTalkColumns = {
  id: true,
  roomId: true,
  guid: true,
  title: true,
  subtitle: true,
  speakers: true,
  startsAt: true,
  durationSeconds: true,
  language: true,
} as const;

const withPublicRoomsAndTalks = {
  rooms: { columns: publicRoomColumns, orderBy: () => [asc(rooms.name)] },
  talks: { columns: publicTalkColumns, orderBy: () => [asc(talks.startsAt), asc(talks.title)] },
} as const;

export function createConferenceRepository(db: Db) {
  return {
    async create(input: CreateConferenceInput): Promise<Conference> {
      const values = parseInput(createConferenceInputSchema, input, 'conference');
      try {
        const [row] = await db.insert(conferences).values(values).returning();
        if (!row) throw new DbError('unknown', 'insert of conference returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `conference '${values.slug}'`);
      }
    },

    /** Public view of one conference with its rooms and talks; throws DbError('not-found'). */
    async getBySlug(slug: string): Promise<ConferenceWithRoomsAndTalks> {
      try {
        const row = await db.query.conferences.findFirst({
          columns: publicConferenceColumns,
          where: eq(conferences.slug, slug),
          with: withPublicRoomsAndTalks,
        });
        if (!row) throw DbError.notFound('conference', `'${slug}'`);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `conference '${slug}'`);
      }
    },

    /** Full row (admin use); null when missing. */
    async findBySlug(slug: string): Promise<Conference | null> {
      try {
        const [row] = await db.select().from(conferences).where(eq(conferences.slug, slug)).limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, `conference '${slug}'`);
      }
    },

    /** Public listing: every conference with its rooms and talks, earliest first. Selects only public columns. */
    async listWithRoomsAndTalks(): Promise<ConferenceWithRoomsAndTalks[]> {
      try {
        return await db.query.conferences.findMany({
          columns: publicConferenceColumns,
          orderBy: [asc(conferences.startsOn), asc(conferences.name)],
          with: withPublicRoomsAndTalks,
        });
      } catch (error: unknown) {
        throw toDbError(error, 'conference listing');
      }
    },

    async deleteBySlug(slug: string): Promise<void> {
      try {
        const deleted = await db
          .delete(conferences)
          .where(eq(conferences.slug, slug))
          .returning({ id: conferences.id });
        if (deleted.length === 0) throw DbError.notFound('conference', `'${slug}'`);
      } catch (error: unknown) {
        throw toDbError(error, `conference '${slug}'`);
      }
    },
  };
}

export type ConferenceRepository = ReturnType<typeof createConferenceRepository>;
