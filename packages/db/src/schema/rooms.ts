import { jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { conferences } from './conferences.js';
import type { BroadcastOutput, JitsiCredentials } from './json-types.js';

export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conferenceId: uuid('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    /** Globally unique slug of the public player page (/watch/<public_slug>); default `<conference-slug>-<room-slug>`. */
    publicSlug: text('public_slug').notNull().unique('rooms_public_slug_unique'),
    name: text('name').notNull(),
    /** Jitsi Meet URL the stage worker joins, e.g. https://meet.example.org/room-a */
    meetingUrl: text('meeting_url'),
    /** Server-side secrets (JWT, room password); never part of a public select. */
    jitsiCredentials: jsonb('jitsi_credentials').$type<JitsiCredentials>(),
    /** Broadcast targets; RTMP/SRT entries carry stream keys, so server-side only. */
    broadcastOutputs: jsonb('broadcast_outputs').$type<BroadcastOutput[]>().notNull().default([]),
    ...timestamps,
  },
  (t) => [unique('rooms_conference_id_slug_unique').on(t.conferenceId, t.slug)],
);

export type Room = typeof rooms.$inferSelect;
export type NewRoom = typeof rooms.$inferInsert;
