import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { broadcastOutputSchema, jitsiCredentialsSchema } from '../schema/json-types.js';
import { conferences } from '../schema/conferences.js';
import { rooms, type Room } from '../schema/rooms.js';
import { parseInput, slugSchema, uuidSchema } from './validation.js';

const meetingUrlSchema = z.url({ protocol: /^https?$/, message: 'must be an http(s) Jitsi Meet URL' });

export const createRoomInputSchema = z.object({
  conferenceId: uuidSchema,
  slug: slugSchema,
  /** Globally unique slug of /watch/<publicSlug>; default `<conference-slug>-<room-slug>`. */
  publicSlug: slugSchema.optional(),
  name: z.string().trim().min(1).max(200),
  meetingUrl: meetingUrlSchema.nullish(),
  jitsiCredentials: jitsiCredentialsSchema.nullish(),
  broadcastOutputs: z.array(broadcastOutputSchema).default([]),
});
export type CreateRoomInput = z.input<typeof createRoomInputSchema>;

export const updateRoomInputSchema = createRoomInputSchema.omit({ conferenceId: true }).partial();
export type UpdateRoomInput = z.input<typeof updateRoomInputSchema>;

export function createRoomRepository(db: Db) {
  return {
    async create(input: CreateRoomInput): Promise<Room> {
      const values = parseInput(createRoomInputSchema, input, 'room');
      try {
        const publicSlug =
          values.publicSlug ??
          // COALESCE: an unknown conference must still fail as a foreign-key violation (invalid-reference), not NOT NULL.
          sql<string>`COALESCE((SELECT ${conferences.slug} || '-' || ${values.slug} FROM ${conferences} WHERE ${conferences.id} = ${values.conferenceId}), ${values.slug})`;
        const [row] = await db
          .insert(rooms)
          .values({ ...values, publicSlug })
          .returning();
        if (!row) throw new DbError('unknown', 'insert of room returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `room '${values.slug}'`);
      }
    },

    /** Server-side row including credentials and outputs; throws DbError('not-found'). */
    async getById(id: string): Promise<Room> {
      parseInput(uuidSchema, id, 'room id');
      try {
        const [row] = await db.select().from(rooms).where(eq(rooms.id, id)).limit(1);
        if (!row) throw DbError.notFound('room', id);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `room ${id}`);
      }
    },

    async getBySlug(conferenceId: string, slug: string): Promise<Room> {
      try {
        const [row] = await db
          .select()
          .from(rooms)
          .where(and(eq(rooms.conferenceId, conferenceId), eq(rooms.slug, slug)))
          .limit(1);
        if (!row) throw DbError.notFound('room', `'${slug}'`);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `room '${slug}'`);
      }
    },

    async listByConference(conferenceId: string): Promise<Room[]> {
      try {
        return await db.select().from(rooms).where(eq(rooms.conferenceId, conferenceId)).orderBy(asc(rooms.name));
      } catch (error: unknown) {
        throw toDbError(error, 'room listing');
      }
    },

    async update(id: string, input: UpdateRoomInput): Promise<Room> {
      const values = parseInput(updateRoomInputSchema, input, 'room');
      try {
        const [row] = await db.update(rooms).set(values).where(eq(rooms.id, id)).returning();
        if (!row) throw DbError.notFound('room', id);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `room ${id}`);
      }
    },
  };
}

export type RoomRepository = ReturnType<typeof createRoomRepository>;
