import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { rooms } from './rooms.js';
import { talks } from './talks.js';

export const jobStatusValues = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatusValues)[number];
export const jobStatus = pgEnum('job_status', jobStatusValues);

/** Our own record of a queued job (pg-boss rows are transient): status for the admin UI, compare-and-set transitions. */
export const jobRecords = pgTable(
  'job_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Queue name from @stagecast/jobs (e.g. run-stage). */
    kind: text('kind').notNull(),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    talkId: uuid('talk_id').references(() => talks.id, { onDelete: 'set null' }),
    status: jobStatus('status').notNull().default('queued'),
    bossJobId: text('boss_job_id'),
    workerId: text('worker_id'),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    lastError: text('last_error'),
    attempt: integer('attempt').notNull().default(0),
    /**
     * Deterministic key of a planned job (e.g. `run-stage:<talk id>:clock`): re-planning finds and replaces the active
     * record with the same key instead of adding a duplicate. At most one queued/running record per key.
     */
    jobKey: text('job_key'),
    /** Stage role for run-stage records (clock | broadcast | playout). */
    role: text('role'),
    /** The payload sent to pg-boss, so re-planning can tell whether a planned job changed. */
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    ...timestamps,
  },
  (t) => [
    index('job_records_room_id_status_idx').on(t.roomId, t.status),
    index('job_records_boss_job_id_idx').on(t.bossJobId),
    uniqueIndex('job_records_active_job_key_unique')
      .on(t.jobKey)
      .where(sql`${t.status} in ('queued', 'running')`),
    index('job_records_worker_id_status_idx').on(t.workerId, t.status),
  ],
);

export type JobRecord = typeof jobRecords.$inferSelect;
export type NewJobRecord = typeof jobRecords.$inferInsert;
