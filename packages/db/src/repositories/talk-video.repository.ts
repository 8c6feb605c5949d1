import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { talks } from '../schema/talks.js';
import { talkVideos, type TalkVideo } from '../schema/users.js';
import { parseInput, uuidSchema } from './validation.js';

export interface SaveTalkVideoInput {
  talkId: string;
  storagePath: string;
  originalName: string;
  contentType: string;
  sizeBytes: number;
  durationMs: number;
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  uploadedBy: string | null;
}

export function createTalkVideoRepository(db: Db) {
  return {
    /**
     * Records a probed upload as the talk's video (replacing an earlier one) and points talks.video_file at it, in one
     * transaction. Returns the previous file path, if any, so the caller can delete it from storage.
     */
    async save(input: SaveTalkVideoInput): Promise<{ video: TalkVideo; replacedPath: string | null }> {
      parseInput(uuidSchema, input.talkId, 'talk id');
      try {
        return await db.transaction(async (tx) => {
          const [previous] = await tx
            .select({ storagePath: talkVideos.storagePath })
            .from(talkVideos)
            .where(eq(talkVideos.talkId, input.talkId));
          const [video] = await tx
            .insert(talkVideos)
            .values(input)
            .onConflictDoUpdate({ target: talkVideos.talkId, set: { ...input, updatedAt: new Date() } })
            .returning();
          if (!video) throw new DbError('unknown', 'insert of talk video returned no row');
          const updated = await tx
            .update(talks)
            .set({ videoFile: input.storagePath })
            .where(eq(talks.id, input.talkId))
            .returning({ id: talks.id });
          if (updated.length === 0) throw DbError.notFound('talk', input.talkId);
          const replacedPath = previous && previous.storagePath !== input.storagePath ? previous.storagePath : null;
          return { video, replacedPath };
        });
      } catch (error: unknown) {
        throw toDbError(error, `video of talk ${input.talkId}`);
      }
    },

    async listByTalkIds(talkIds: string[]): Promise<TalkVideo[]> {
      if (talkIds.length === 0) return [];
      try {
        return await db.select().from(talkVideos).where(inArray(talkVideos.talkId, talkIds));
      } catch (error: unknown) {
        throw toDbError(error, 'talk video listing');
      }
    },

    /** Removes the talk's video record and clears talks.video_file; returns the stored path to delete. */
    async remove(talkId: string): Promise<string | null> {
      parseInput(uuidSchema, talkId, 'talk id');
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .delete(talkVideos)
            .where(eq(talkVideos.talkId, talkId))
            .returning({ storagePath: talkVideos.storagePath });
          await tx.update(talks).set({ videoFile: null }).where(eq(talks.id, talkId));
          return row?.storagePath ?? null;
        });
      } catch (error: unknown) {
        throw toDbError(error, `video of talk ${talkId}`);
      }
    },
  };
}

export type TalkVideoRepository = ReturnType<typeof createTalkVideoRepository>;
