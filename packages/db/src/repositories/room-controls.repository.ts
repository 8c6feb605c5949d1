import { and, asc, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import {
  playoutCommandActionValues,
  playoutCommands,
  type PlayoutCommand,
  type PlayoutCommandAction,
} from '../schema/playout-commands.js';
import { roomControls, stageLayoutValues, type RoomControls, type StageLayout } from '../schema/room-controls.js';
import { users } from '../schema/users.js';
import { parseInput, uuidSchema } from './validation.js';

/** A pending command older than this is not applied any more (the organizer has moved on); it is marked expired. */
export const playoutCommandMaxAgeMs = 30_000;

const issueSchema = z.object({
  roomId: uuidSchema,
  action: z.enum(playoutCommandActionValues),
  issuedBy: uuidSchema.nullable(),
});

const claimSchema = z.object({
  roomId: uuidSchema,
  jobRecordId: uuidSchema,
  workerId: z.string().max(200).nullable().default(null),
  /** Only commands after this seq (the caller's last applied one). */
  afterSeq: z.number().int().nonnegative().default(0),
  maxAgeMs: z.number().int().positive().default(playoutCommandMaxAgeMs),
});

const finishSchema = z.object({
  seq: z.number().int().positive(),
  status: z.enum(['applied', 'refused']),
  result: z.string().max(2000).nullable().default(null),
  playoutState: z.string().max(40).nullable().default(null),
  positionMs: z.number().nullable().default(null),
});

/** The newest command of a room with the issuer's name, for the live page. */
export type PlayoutCommandView = PlayoutCommand & { issuedByName: string | null };

export function createRoomControlsRepository(db: Db) {
  async function expireOverdue(roomId: string, maxAgeMs: number): Promise<number> {
    const rows = await db
      .update(playoutCommands)
      .set({
        status: 'expired',
        finishedAt: sql`now()`,
        result: `no running playout took it within ${Math.round(maxAgeMs / 1000)} s`,
      })
      .where(
        and(
          eq(playoutCommands.roomId, roomId),
          eq(playoutCommands.status, 'pending'),
          lt(playoutCommands.issuedAt, sql`now() - make_interval(secs => ${maxAgeMs / 1000})`),
        ),
      )
      .returning({ seq: playoutCommands.seq });
    // A claim without an outcome after the same time: the worker died between claiming and writing the result. The
    // command was applied at most once (or not at all); close it so the live page does not show it in flight forever.
    const abandoned = await db
      .update(playoutCommands)
      .set({
        status: 'expired',
        finishedAt: sql`now()`,
        result: sql`'claimed by worker ' || coalesce(${playoutCommands.workerId}, '?') || ${` but no outcome within ${Math.round(maxAgeMs / 1000)} s (the worker stopped?); check the playout state`}`,
      })
      .where(
        and(
          eq(playoutCommands.roomId, roomId),
          eq(playoutCommands.status, 'applying'),
          lt(playoutCommands.claimedAt, sql`now() - make_interval(secs => ${maxAgeMs / 1000})`),
        ),
      )
      .returning({ seq: playoutCommands.seq });
    return rows.length + abandoned.length;
  }

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

    /**
     * Records an organizer's playout command for the room (status `pending`; the room's playout job claims it).
     * Pending commands of the room that are overdue are expired first, so they can never apply late.
     */
    async issuePlayoutCommand(input: {
      roomId: string;
      action: PlayoutCommandAction;
      issuedBy: string | null;
    }): Promise<PlayoutCommand> {
      const { roomId, action, issuedBy } = parseInput(issueSchema, input, 'playout command');
      try {
        await expireOverdue(roomId, playoutCommandMaxAgeMs);
        const [row] = await db.insert(playoutCommands).values({ roomId, action, issuedBy }).returning();
        if (!row) throw new DbError('unknown', 'insert of a playout command returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `playout command for room ${roomId}`);
      }
    },

    /**
     * The playout job's side: expires overdue pending commands of the room, then claims the rest after `afterSeq`
     * (pending → applying, with the job record and worker) and returns them in issue order. A row is claimed by one
     * caller only (row locks; a concurrent claimer skips it), so each command is applied at most once.
     */
    async claimPlayoutCommands(input: {
      roomId: string;
      jobRecordId: string;
      workerId?: string | null;
      afterSeq?: number;
      maxAgeMs?: number;
    }): Promise<PlayoutCommand[]> {
      const o = parseInput(claimSchema, input, 'playout command claim');
      try {
        await expireOverdue(o.roomId, o.maxAgeMs);
        const candidates = db
          .select({ seq: playoutCommands.seq })
          .from(playoutCommands)
          .where(
            and(
              eq(playoutCommands.roomId, o.roomId),
              eq(playoutCommands.status, 'pending'),
              gt(playoutCommands.seq, o.afterSeq),
            ),
          )
          .orderBy(asc(playoutCommands.seq))
          .for('update', { skipLocked: true });
        const rows = await db
          .update(playoutCommands)
          .set({ status: 'applying', jobRecordId: o.jobRecordId, workerId: o.workerId, claimedAt: sql`now()` })
          .where(and(inArray(playoutCommands.seq, candidates), eq(playoutCommands.status, 'pending')))
          .returning();
        return rows.sort((a, b) => a.seq - b.seq);
      } catch (error: unknown) {
        throw toDbError(error, `playout commands of room ${o.roomId}`);
      }
    },

    /** Writes the outcome of a claimed command (applying → applied | refused) with the playout state after it. */
    async finishPlayoutCommand(input: {
      seq: number;
      status: 'applied' | 'refused';
      result?: string | null;
      playoutState?: string | null;
      positionMs?: number | null;
    }): Promise<PlayoutCommand> {
      const o = parseInput(finishSchema, input, 'playout command result');
      try {
        const [row] = await db
          .update(playoutCommands)
          .set({
            status: o.status,
            result: o.result,
            playoutState: o.playoutState,
            positionMs: o.positionMs === null ? null : Math.round(o.positionMs),
            finishedAt: sql`now()`,
          })
          .where(and(eq(playoutCommands.seq, o.seq), eq(playoutCommands.status, 'applying')))
          .returning();
        if (!row) throw DbError.staleState('playout command', String(o.seq), 'applying');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `playout command ${o.seq}`);
      }
    },

    /** The newest playout command of each room (with the issuer's name), for the live page. */
    async latestPlayoutCommands(roomIds: string[]): Promise<PlayoutCommandView[]> {
      if (roomIds.length === 0) return [];
      try {
        const rows = await db
          .selectDistinctOn([playoutCommands.roomId], { command: playoutCommands, issuedByName: users.name })
          .from(playoutCommands)
          .leftJoin(users, eq(users.id, playoutCommands.issuedBy))
          .where(inArray(playoutCommands.roomId, roomIds))
          .orderBy(playoutCommands.roomId, desc(playoutCommands.seq));
        return rows.map((r) => ({ ...r.command, issuedByName: r.issuedByName }));
      } catch (error: unknown) {
        throw toDbError(error, 'playout commands');
      }
    },

    /** One command by seq (with the issuer's name); null when there is none. */
    async getPlayoutCommand(seq: number): Promise<PlayoutCommandView | null> {
      parseInput(z.number().int().positive(), seq, 'playout command seq');
      try {
        const [row] = await db
          .select({ command: playoutCommands, issuedByName: users.name })
          .from(playoutCommands)
          .leftJoin(users, eq(users.id, playoutCommands.issuedBy))
          .where(eq(playoutCommands.seq, seq))
          .limit(1);
        return row ? { ...row.command, issuedByName: row.issuedByName } : null;
      } catch (error: unknown) {
        throw toDbError(error, `playout command ${seq}`);
      }
    },

    /** A room's playout commands from `since` on, oldest first (audit, tests). */
    async listPlayoutCommands(roomId: string, since: Date = new Date(0)): Promise<PlayoutCommand[]> {
      parseInput(uuidSchema, roomId, 'room id');
      try {
        return await db
          .select()
          .from(playoutCommands)
          .where(and(eq(playoutCommands.roomId, roomId), gte(playoutCommands.issuedAt, since)))
          .orderBy(asc(playoutCommands.seq));
      } catch (error: unknown) {
        throw toDbError(error, `playout commands of room ${roomId}`);
      }
    },
  };
}

export type RoomControlsRepository = ReturnType<typeof createRoomControlsRepository>;
