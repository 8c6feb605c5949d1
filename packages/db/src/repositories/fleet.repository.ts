import { and, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { toDbError } from '../errors.js';
import {
  stageStatus,
  workers,
  type StageRole,
  type StageState,
  type StageStatusRow,
  type Worker,
  type WorkerClockSync,
  type WorkerRunningJob,
  type WorkerState,
} from '../schema/fleet.js';
import { conferences } from '../schema/conferences.js';
import { rooms } from '../schema/rooms.js';
import { talks } from '../schema/talks.js';
import { DbError } from '../errors.js';
import { parseInput } from './validation.js';

export const workerHeartbeatSchema = z.object({
  id: z.string().regex(/^[\w.:-]{3,200}$/, 'worker ids are word characters, dots, colons and dashes'),
  kind: z.string().min(1).max(40),
  host: z.string().min(1).max(255),
  pid: z.number().int().positive(),
  state: z.enum(['active', 'draining', 'stopped', 'lost']),
  capacityMillicores: z.number().int().nonnegative(),
  usedMillicores: z.number().int().nonnegative(),
  runningJobs: z.array(z.custom<WorkerRunningJob>((v) => typeof v === 'object' && v !== null)),
  clockSync: z.custom<WorkerClockSync>((v) => typeof v === 'object').nullable(),
});
export type WorkerHeartbeat = z.input<typeof workerHeartbeatSchema>;

/**
 * Worker registry and stage status (admin UI). Staleness is judged by the database clock (`now()`), never the
 * workers' clocks, so machines with skewed clocks cannot reap each other by mistake.
 */
export function createFleetRepository(db: Db) {
  return {
    /** Upserts the worker's row and refreshes last_seen_at (a worker wrongly reaped revives; its old leases stay fenced). */
    async heartbeat(input: WorkerHeartbeat): Promise<{ state: WorkerState }> {
      const values = parseInput(workerHeartbeatSchema, input, 'worker heartbeat');
      try {
        const [row] = await db
          .insert(workers)
          .values({ ...values, lastSeenAt: sql`now()` })
          .onConflictDoUpdate({
            target: workers.id,
            set: {
              state: values.state,
              capacityMillicores: values.capacityMillicores,
              usedMillicores: values.usedMillicores,
              runningJobs: values.runningJobs,
              clockSync: values.clockSync,
              lastSeenAt: sql`now()`,
              stoppedAt: values.state === 'stopped' ? sql`now()` : null,
              updatedAt: sql`now()`,
            },
          })
          .returning({ state: workers.state });
        return { state: row?.state ?? values.state };
      } catch (error: unknown) {
        throw toDbError(error, `worker ${values.id}`);
      }
    },

    /** Active/draining workers whose last heartbeat is older than `staleMs` (database clock). */
    async listStale(staleMs: number): Promise<Worker[]> {
      try {
        return await db
          .select()
          .from(workers)
          .where(
            and(
              inArray(workers.state, ['active', 'draining']),
              lt(workers.lastSeenAt, sql`now() - make_interval(secs => ${staleMs / 1000})`),
            ),
          );
      } catch (error: unknown) {
        throw toDbError(error, 'stale workers');
      }
    },

    async markLost(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      try {
        await db
          .update(workers)
          .set({ state: 'lost', runningJobs: [], usedMillicores: 0 })
          .where(and(inArray(workers.id, ids), ne(workers.state, 'stopped')));
      } catch (error: unknown) {
        throw toDbError(error, 'workers');
      }
    },

    /** What a stage job needs about its room and talk (server-side: includes the meeting URL). */
    async getStageContext(
      roomId: string,
      talkId: string | null,
    ): Promise<{
      room: { slug: string; name: string; meetingUrl: string | null };
      conferenceTimeZone: string;
      talk: { title: string; speakers: string[]; startsAt: Date; durationSeconds: number } | null;
    }> {
      try {
        const [room] = await db
          .select({ slug: rooms.slug, name: rooms.name, meetingUrl: rooms.meetingUrl, timeZone: conferences.timeZone })
          .from(rooms)
          .innerJoin(conferences, eq(conferences.id, rooms.conferenceId))
          .where(eq(rooms.id, roomId))
          .limit(1);
        if (!room) throw DbError.notFound('room', roomId);
        let talk = null;
        if (talkId) {
          const [row] = await db
            .select({
              title: talks.title,
              speakers: talks.speakers,
              startsAt: talks.startsAt,
              durationSeconds: talks.durationSeconds,
            })
            .from(talks)
            .where(eq(talks.id, talkId))
            .limit(1);
          if (row)
            talk = {
              title: row.title,
              speakers: row.speakers.map((s) => s.name),
              startsAt: row.startsAt,
              durationSeconds: row.durationSeconds,
            };
        }
        return {
          room: { slug: room.slug, name: room.name, meetingUrl: room.meetingUrl },
          conferenceTimeZone: room.timeZone,
          talk,
        };
      } catch (error: unknown) {
        throw toDbError(error, `stage context of room ${roomId}`);
      }
    },

    async list(): Promise<Worker[]> {
      try {
        return await db.select().from(workers).orderBy(workers.kind, workers.id);
      } catch (error: unknown) {
        throw toDbError(error, 'workers');
      }
    },

    async get(id: string): Promise<Worker | null> {
      try {
        const [row] = await db.select().from(workers).where(eq(workers.id, id)).limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, `worker ${id}`);
      }
    },

    /** Writes a room role's status row (upsert); `stats` is merged into the existing JSON. */
    async setStageStatus(input: {
      roomId: string;
      role: StageRole;
      state: StageState;
      jobRecordId?: string | null;
      workerId?: string | null;
      startedAt?: Date | null;
      lastError?: string | null;
      stats?: Record<string, unknown>;
    }): Promise<void> {
      const stats = JSON.stringify(input.stats ?? {});
      try {
        await db
          .insert(stageStatus)
          .values({
            roomId: input.roomId,
            role: input.role,
            state: input.state,
            jobRecordId: input.jobRecordId ?? null,
            workerId: input.workerId ?? null,
            startedAt: input.startedAt ?? null,
            lastError: input.lastError ?? null,
            stats: sql`${stats}::jsonb`,
          })
          .onConflictDoUpdate({
            target: [stageStatus.roomId, stageStatus.role],
            set: {
              state: input.state,
              ...(input.jobRecordId === undefined ? {} : { jobRecordId: input.jobRecordId }),
              ...(input.workerId === undefined ? {} : { workerId: input.workerId }),
              ...(input.startedAt === undefined ? {} : { startedAt: input.startedAt }),
              ...(input.lastError === undefined ? {} : { lastError: input.lastError?.slice(0, 4000) ?? null }),
              stats: sql`${stageStatus.stats} || ${stats}::jsonb`,
              updatedAt: sql`now()`,
            },
          });
      } catch (error: unknown) {
        throw toDbError(error, `stage status ${input.roomId}/${input.role}`);
      }
    },

    /** Marks every running stage row of these workers `stale` (their worker died; a takeover will overwrite it). */
    async markStageStale(workerIds: string[], note: string): Promise<number> {
      if (workerIds.length === 0) return 0;
      try {
        const rows = await db
          .update(stageStatus)
          .set({ state: 'stale', lastError: note.slice(0, 4000), updatedAt: sql`now()` })
          .where(
            and(
              inArray(stageStatus.workerId, workerIds),
              inArray(stageStatus.state, ['starting', 'running', 'stopping']),
            ),
          )
          .returning({ roomId: stageStatus.roomId });
        return rows.length;
      } catch (error: unknown) {
        throw toDbError(error, 'stage status');
      }
    },

    async listStageStatus(roomIds?: string[]): Promise<StageStatusRow[]> {
      try {
        const q = db.select().from(stageStatus);
        return await (roomIds ? q.where(inArray(stageStatus.roomId, roomIds)) : q);
      } catch (error: unknown) {
        throw toDbError(error, 'stage status');
      }
    },
  };
}

export type FleetRepository = ReturnType<typeof createFleetRepository>;
