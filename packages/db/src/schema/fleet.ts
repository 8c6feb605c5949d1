import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { jobRecords } from './job-records.js';
import { rooms } from './rooms.js';

export const workerStateValues = ['active', 'draining', 'stopped', 'lost'] as const;
export type WorkerState = (typeof workerStateValues)[number];

/** A job a worker is running, as advertised in its heartbeat. */
export interface WorkerRunningJob {
  jobRecordId: string;
  bossJobId: string;
  queue: string;
  roomId: string | null;
  role: string | null;
  costMillicores: number;
  startedAt: string;
}

/** Clock sync state as reported by the worker (workers/stage/src/clock/clock-sync.ts). */
export interface WorkerClockSync {
  source: string;
  synchronized: boolean | null;
  offsetMs: number | null;
  maxErrorMs: number | null;
  warning: string | null;
  checkedAt: string;
}

/**
 * The worker registry: each worker process upserts its row every few seconds (heartbeat). A running job's lease is
 * `job_records.worker_id` + this row's `last_seen_at`; a reaper fails the jobs of workers whose heartbeat is stale.
 */
export const workers = pgTable(
  'workers',
  {
    /** `<kind>-<host>-<pid>-<random>`: unique per process start. */
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    host: text('host').notNull(),
    pid: integer('pid').notNull(),
    state: text('state', { enum: workerStateValues }).notNull().default('active'),
    /** What the worker can carry, in thousandths of a CPU core (see workers/stage/src/capacity.ts). */
    capacityMillicores: integer('capacity_millicores').notNull(),
    usedMillicores: integer('used_millicores').notNull().default(0),
    runningJobs: jsonb('running_jobs').$type<WorkerRunningJob[]>().notNull().default([]),
    clockSync: jsonb('clock_sync').$type<WorkerClockSync>(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('workers_state_last_seen_at_idx').on(t.state, t.lastSeenAt)],
);

export const stageRoleValues = ['clock', 'broadcast', 'playout'] as const;
export type StageRole = (typeof stageRoleValues)[number];
export const stageStateValues = ['starting', 'running', 'stopping', 'stopped', 'failed', 'stale'] as const;
export type StageState = (typeof stageStateValues)[number];

/** Live state of each room's stage roles, for the admin UI; one row per (room, role), written by stage workers. */
export const stageStatus = pgTable(
  'stage_status',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    role: text('role', { enum: stageRoleValues }).notNull(),
    state: text('state', { enum: stageStateValues }).notNull(),
    jobRecordId: uuid('job_record_id').references(() => jobRecords.id, { onDelete: 'set null' }),
    workerId: text('worker_id'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    lastError: text('last_error'),
    /** Role-specific numbers (segments written, bitrate, takeover info); JSON object. */
    stats: jsonb('stats')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.roomId, t.role] })],
);

export type Worker = typeof workers.$inferSelect;
export type StageStatusRow = typeof stageStatus.$inferSelect;
