import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { timestamps } from './columns.js';
import { conferences } from './conferences.js';
import { rooms } from './rooms.js';
import type { Speaker } from './json-types.js';

export const talks = pgTable(
  'talks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conferenceId: uuid('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    /** Unassigned talks (room deleted or not yet mapped) stay in the schedule. */
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    /** Stable id from the schedule (frab/pretalx `guid`); the upsert key of schedule sync. */
    guid: text('guid').notNull(),
    externalId: text('external_id'),
    title: text('title').notNull(),
    subtitle: text('subtitle'),
    speakers: jsonb('speakers').$type<Speaker[]>().notNull().default([]),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    language: text('language'),
    recordingOptOut: boolean('recording_opt_out').notNull().default(false),
    /** Pre-recorded file to play out instead of a live stage, if any. */
    videoFile: text('video_file'),
    ...timestamps,
  },
  (t) => [
    unique('talks_conference_id_guid_unique').on(t.conferenceId, t.guid),
    index('talks_room_id_starts_at_idx').on(t.roomId, t.startsAt),
    check('talks_duration_positive', sql`${t.durationSeconds} > 0`),
  ],
);

export type Talk = typeof talks.$inferSelect;
export type NewTalk = typeof talks.$inferInsert;
