import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { jobRecords, type JobRecord, type JobStatus } from '../schema/job-records.js';
import { parseInput, uuidSchema } from './validation.js';

export const createJobRecordInputSchema = z.object({
  kind: z.string().regex(/^[a-z]+(?:-[a-z]+)+$/, 'must be a kebab-case queue name such as run-stage'),
  roomId: uuidSchema.nullish(),
  talkId: uuidSchema.nullish(),
  bossJobId: z.string().min(1).nullish(),
  scheduledFor: z.date().nullish(),
  jobKey: z.string().min(1).max(300).nullish(),
  role: z.string().min(1).max(40).nullish(),
  payload: z.record(z.string(), z.unknown()).nullish(),
});
export type CreateJobRecordInput = z.input<typeof createJobRecordInputSchema>;

const activeStatuses: JobStatus[] = ['queued', 'running'];

export function createJobRecordRepository(db: Db) {
  /** Compare-and-set: only moves rows whose status is one of `from`; otherwise DbError('stale-state'). */
  async function transition(
    id: string,
    from: JobStatus[],
    set: { [K in keyof typeof jobRecords.$inferInsert]?: (typeof jobRecords.$inferInsert)[K] | SQL },
    expected: string,
  ): Promise<JobRecord> {
    parseInput(uuidSchema, id, 'job record id');
    try {
      const [row] = await db
        .update(jobRecords)
        .set(set)
        .where(and(eq(jobRecords.id, id), inArray(jobRecords.status, from)))
        .returning();
      if (row) return row;
      const [exists] = await db.select({ id: jobRecords.id }).from(jobRecords).where(eq(jobRecords.id, id));
      throw exists ? DbError.staleState('job record', id, expected) : DbError.notFound('job record', id);
    } catch (error: unknown) {
      throw toDbError(error, `job record ${id}`);
    }
  }

  return {
    async create(input: CreateJobRecordInput): Promise<JobRecord> {
      const values = parseInput(createJobRecordInputSchema, input, 'job record');
      try {
        const [row] = await db.insert(jobRecords).values(values).returning();
        if (!row) throw new DbError('unknown', 'insert of job record returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, 'job record');
      }
    },

    async getById(id: string): Promise<JobRecord> {
      parseInput(uuidSchema, id, 'job record id');
      try {
        const [row] = await db.select().from(jobRecords).where(eq(jobRecords.id, id)).limit(1);
        if (!row) throw DbError.notFound('job record', id);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `job record ${id}`);
      }
    },

    async attachBossJob(id: string, bossJobId: string): Promise<JobRecord> {
      return transition(id, ['queued'], { bossJobId }, 'queued');
    },

    /** queued|running → running (a retry re-enters running); counts the attempt. */
    async markRunning(id: string, workerId: string): Promise<JobRecord> {
      return transition(
        id,
        ['queued', 'running'],
        {
          status: 'running',
          workerId,
          startedAt: new Date(),
          finishedAt: null,
          attempt: sql`${jobRecords.attempt} + 1`,
        },
        'queued or running',
      );
    },

    async markSucceeded(id: string): Promise<JobRecord> {
      return transition(id, ['running'], { status: 'succeeded', finishedAt: new Date(), lastError: null }, 'running');
    },

    async markFailed(id: string, error: string): Promise<JobRecord> {
      return transition(
        id,
        ['queued', 'running'],
        { status: 'failed', finishedAt: new Date(), lastError: error.slice(0, 4000) },
        'queued or running',
      );
    },

    async markCancelled(id: string): Promise<JobRecord> {
      return transition(
        id,
        ['queued', 'running'],
        { status: 'cancelled', finishedAt: new Date() },
        'queued or running',
      );
    },

    /**
     * Takes the lease of a record for a pg-boss run: queued|running → running with this worker and boss job id
     * (a takeover re-enters running from running). Counts the attempt. The lease stays valid while the worker
     * heartbeats and the record still names this worker and boss job.
     */
    async claim(id: string, lease: { workerId: string; bossJobId: string }): Promise<JobRecord> {
      return transition(
        id,
        ['queued', 'running'],
        {
          status: 'running',
          workerId: lease.workerId,
          bossJobId: lease.bossJobId,
          startedAt: new Date(),
          finishedAt: null,
          attempt: sql`${jobRecords.attempt} + 1`,
        },
        'queued or running',
      );
    },

    /** Back to queued under a new pg-boss job (takeover, handover, defer); keeps the reason for the admin UI. */
    async requeue(
      id: string,
      update: { bossJobId: string; reason: string; fromWorkerId?: string },
    ): Promise<JobRecord> {
      return transition(
        id,
        ['queued', 'running'],
        // worker_id keeps the last holder (shown as "taken over from" by the next run).
        { status: 'queued', bossJobId: update.bossJobId, lastError: update.reason.slice(0, 4000) },
        'queued or running',
      );
    },

    /** running → queued when this worker still holds the lease (drain handover); the next claim takes it over. */
    async releaseLease(id: string, lease: { workerId: string; bossJobId: string }, reason: string): Promise<boolean> {
      try {
        const rows = await db
          .update(jobRecords)
          .set({ status: 'queued', lastError: reason.slice(0, 4000) })
          .where(
            and(
              eq(jobRecords.id, id),
              eq(jobRecords.status, 'running'),
              eq(jobRecords.workerId, lease.workerId),
              eq(jobRecords.bossJobId, lease.bossJobId),
            ),
          )
          .returning({ id: jobRecords.id });
        return rows.length > 0;
      } catch (error: unknown) {
        throw toDbError(error, `job record ${id}`);
      }
    },

    /** Running records of a room (optionally one role): what stop-stage cancels. */
    async listRunningForRoom(roomId: string, role?: string): Promise<JobRecord[]> {
      try {
        return await db
          .select()
          .from(jobRecords)
          .where(
            and(
              eq(jobRecords.roomId, roomId),
              eq(jobRecords.status, 'running'),
              ...(role ? [eq(jobRecords.role, role)] : []),
            ),
          );
      } catch (error: unknown) {
        throw toDbError(error, 'job record listing');
      }
    },

    /** Succeeded, failed or cancelled only while this worker still holds the lease (a lost lease must not write). */
    async finishLeased(
      id: string,
      lease: { workerId: string; bossJobId: string },
      outcome: { status: 'succeeded' | 'failed' | 'cancelled'; error?: string },
    ): Promise<boolean> {
      try {
        const rows = await db
          .update(jobRecords)
          .set({
            status: outcome.status,
            finishedAt: new Date(),
            lastError: outcome.error ? outcome.error.slice(0, 4000) : null,
          })
          .where(
            and(
              eq(jobRecords.id, id),
              eq(jobRecords.status, 'running'),
              eq(jobRecords.workerId, lease.workerId),
              eq(jobRecords.bossJobId, lease.bossJobId),
            ),
          )
          .returning({ id: jobRecords.id });
        return rows.length > 0;
      } catch (error: unknown) {
        throw toDbError(error, `job record ${id}`);
      }
    },

    /** Of the given leases, those this worker no longer holds (record moved on, taken over or cancelled). */
    async lostLeases(workerId: string, leases: { id: string; bossJobId: string }[]): Promise<string[]> {
      if (leases.length === 0) return [];
      try {
        const rows = await db
          .select({
            id: jobRecords.id,
            status: jobRecords.status,
            workerId: jobRecords.workerId,
            bossJobId: jobRecords.bossJobId,
          })
          .from(jobRecords)
          .where(
            inArray(
              jobRecords.id,
              leases.map((l) => l.id),
            ),
          );
        const byId = new Map(rows.map((r) => [r.id, r]));
        return leases
          .filter((l) => {
            const r = byId.get(l.id);
            return !r || r.status !== 'running' || r.workerId !== workerId || r.bossJobId !== l.bossJobId;
          })
          .map((l) => l.id);
      } catch (error: unknown) {
        throw toDbError(error, 'job record leases');
      }
    },

    /** Running records leased by any of these workers (the reaper's input). */
    async listRunningByWorkers(workerIds: string[]): Promise<JobRecord[]> {
      if (workerIds.length === 0) return [];
      try {
        return await db
          .select()
          .from(jobRecords)
          .where(and(inArray(jobRecords.workerId, workerIds), eq(jobRecords.status, 'running')));
      } catch (error: unknown) {
        throw toDbError(error, 'job record listing');
      }
    },

    /** Active (queued or running) records with these deterministic keys. */
    async listActiveByJobKeys(jobKeys: string[]): Promise<JobRecord[]> {
      if (jobKeys.length === 0) return [];
      try {
        return await db
          .select()
          .from(jobRecords)
          .where(and(inArray(jobRecords.jobKey, jobKeys), inArray(jobRecords.status, activeStatuses)));
      } catch (error: unknown) {
        throw toDbError(error, 'job record listing');
      }
    },

    /** Active records of a kind whose key starts with `prefix` (e.g. every planned stage job of a conference's talks). */
    async listActiveByKind(kind: string, roomIds: string[]): Promise<JobRecord[]> {
      if (roomIds.length === 0) return [];
      try {
        return await db
          .select()
          .from(jobRecords)
          .where(
            and(
              eq(jobRecords.kind, kind),
              inArray(jobRecords.roomId, roomIds),
              inArray(jobRecords.status, activeStatuses),
            ),
          );
      } catch (error: unknown) {
        throw toDbError(error, 'job record listing');
      }
    },

    /** Queued or running records of a room, newest first. */
    async listActiveForRoom(roomId: string): Promise<JobRecord[]> {
      try {
        return await db
          .select()
          .from(jobRecords)
          .where(and(eq(jobRecords.roomId, roomId), inArray(jobRecords.status, activeStatuses)))
          .orderBy(desc(jobRecords.createdAt));
      } catch (error: unknown) {
        throw toDbError(error, 'job record listing');
      }
    },

    async listRecent(limit = 50): Promise<JobRecord[]> {
      try {
        return await db.select().from(jobRecords).orderBy(desc(jobRecords.createdAt)).limit(limit);
      } catch (error: unknown) {
        throw toDbError(error, 'job record listing');
      }
    },
  };
}

export type JobRecordRepository = ReturnType<typeof createJobRecordRepository>;
