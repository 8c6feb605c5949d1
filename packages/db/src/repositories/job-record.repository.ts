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
