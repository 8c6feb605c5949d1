import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { speakerSchema } from '../schema/json-types.js';
import { talks, type Talk } from '../schema/talks.js';
import { parseInput, uuidSchema } from './validation.js';

export const talkInputSchema = z.object({
  conferenceId: uuidSchema,
  roomId: uuidSchema.nullish(),
  guid: z.string().trim().min(1).max(200),
  externalId: z.string().max(200).nullish(),
  title: z.string().trim().min(1).max(500),
  subtitle: z.string().max(500).nullish(),
  speakers: z.array(speakerSchema).default([]),
  startsAt: z.date(),
  durationSeconds: z.number().int().positive(),
  language: z.string().max(35).nullish(),
  recordingOptOut: z.boolean().default(false),
  videoFile: z.string().min(1).nullish(),
});
export type TalkInput = z.input<typeof talkInputSchema>;

export function createTalkRepository(db: Db) {
  return {
    /**
     * Inserts or updates talks by (conference, guid) — the schedule-sync write. All-or-nothing in one transaction.
     * Returns the stored rows in input order.
     */
    async upsertMany(inputs: TalkInput[]): Promise<Talk[]> {
      const values = inputs.map((input, index) => parseInput(talkInputSchema, input, `talk #${index}`));
      if (values.length === 0) return [];
      try {
        return await db.transaction(async (tx) =>
          tx
            .insert(talks)
            .values(values)
            .onConflictDoUpdate({
              target: [talks.conferenceId, talks.guid],
              set: {
                roomId: sql`excluded.room_id`,
                externalId: sql`excluded.external_id`,
                title: sql`excluded.title`,
                subtitle: sql`excluded.subtitle`,
                speakers: sql`excluded.speakers`,
                startsAt: sql`excluded.starts_at`,
                durationSeconds: sql`excluded.duration_seconds`,
                language: sql`excluded.language`,
                recordingOptOut: sql`excluded.recording_opt_out`,
                videoFile: sql`excluded.video_file`,
                updatedAt: sql`now()`,
              },
            })
            .returning(),
        );
      } catch (error: unknown) {
        throw toDbError(error, 'talks');
      }
    },

    async getById(id: string): Promise<Talk> {
      parseInput(uuidSchema, id, 'talk id');
      try {
        const [row] = await db.select().from(talks).where(eq(talks.id, id)).limit(1);
        if (!row) throw DbError.notFound('talk', id);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `talk ${id}`);
      }
    },

    async listByConference(conferenceId: string): Promise<Talk[]> {
      try {
        return await db.select().from(talks).where(eq(talks.conferenceId, conferenceId)).orderBy(asc(talks.startsAt));
      } catch (error: unknown) {
        throw toDbError(error, 'talk listing');
      }
    },

    /** Talks of a room starting in [from, to), earliest first — what the planner schedules. */
    async listByRoomBetween(roomId: string, from: Date, to: Date): Promise<Talk[]> {
      try {
        return await db
          .select()
          .from(talks)
          .where(and(eq(talks.roomId, roomId), gte(talks.startsAt, from), lt(talks.startsAt, to)))
          .orderBy(asc(talks.startsAt));
      } catch (error: unknown) {
        throw toDbError(error, 'talk listing');
      }
    },
  };
}

export type TalkRepository = ReturnType<typeof createTalkRepository>;
