import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** Organizer controls of a room's playout (packages/media playoutActionSchema, same names). */
export const playoutCommandActionValues = ['startNow', 'pause', 'resume', 'skip', 'stop', 'restart'] as const;
export type PlayoutCommandAction = (typeof playoutCommandActionValues)[number];

/**
 * `pending` (issued, no worker took it yet) → `applying` (claimed by the playout job of the room) → `applied` or
 * `refused` (the engine said why, e.g. resume while not paused); `expired` when no playout took it in time.
 */
export const playoutCommandStatusValues = ['pending', 'applying', 'applied', 'refused', 'expired'] as const;
export type PlayoutCommandStatus = (typeof playoutCommandStatusValues)[number];

/**
 * The command channel from the admin app to the stage worker running a room's playout, and its audit trail: one row
 * per command, `seq` orders them. The worker claims pending rows atomically (pending → applying), so each command is
 * applied at most once even when two jobs of the room overlap (takeover); the result is written back on the row.
 */
export const playoutCommands = pgTable(
  'playout_commands',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    action: text('action').$type<PlayoutCommandAction>().notNull(),
    status: text('status').$type<PlayoutCommandStatus>().notNull().default('pending'),
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    /** The job record (playout run) that claimed the command, and its worker. */
    jobRecordId: uuid('job_record_id'),
    workerId: text('worker_id'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Why it was refused or expired (engine message), or a note on an applied command. */
    result: text('result'),
    /** The playout after the command: engine state and media position. */
    playoutState: text('playout_state'),
    positionMs: integer('position_ms'),
  },
  (t) => [
    index('playout_commands_room_id_seq_idx').on(t.roomId, t.seq),
    index('playout_commands_pending_idx')
      .on(t.roomId, t.seq)
      .where(sql`${t.status} = 'pending'`),
    check(
      'playout_commands_action_known',
      sql`${t.action} in ('startNow', 'pause', 'resume', 'skip', 'stop', 'restart')`,
    ),
    check(
      'playout_commands_status_known',
      sql`${t.status} in ('pending', 'applying', 'applied', 'refused', 'expired')`,
    ),
  ],
);

export type PlayoutCommand = typeof playoutCommands.$inferSelect;
