import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { roomControls, stageLayoutValues, type RoomControls, type StageLayout } from '../schema/room-controls.js';
import { parseInput, uuidSchema } from './validation.js';

export function createRoomControlsRepository(db: Db) {
  return {
    async setLayout(roomId: string, layout: StageLayout, userId: string | null): Promise<RoomControls> {
      parseInput(uuidSchema, roomId, 'room id');
      if (!stageLayoutValues.includes(layout)) {
        throw DbError.invalidInput('layout', `use one of ${stageLayoutValues.join(', ')}`);
      }
      try {
        const [row] = await db
          .insert(roomControls)
          .values({ roomId, layout, updatedBy: userId })
          .onConflictDoUpdate({
            target: roomControls.roomId,
            set: { layout, updatedBy: userId, updatedAt: new Date() },
          })
          .returning();
        if (!row) throw new DbError('unknown', 'upsert of room controls returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `controls of room ${roomId}`);
      }
    },

    async listByRoomIds(roomIds: string[]): Promise<RoomControls[]> {
      if (roomIds.length === 0) return [];
      try {
        return await db.select().from(roomControls).where(inArray(roomControls.roomId, roomIds));
      } catch (error: unknown) {
        throw toDbError(error, 'room controls');
      }
    },

    async get(roomId: string): Promise<RoomControls | null> {
      try {
        const [row] = await db.select().from(roomControls).where(eq(roomControls.roomId, roomId)).limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, `controls of room ${roomId}`);
      }
    },
  };
}

export type RoomControlsRepository = ReturnType<typeof createRoomControlsRepository>;
