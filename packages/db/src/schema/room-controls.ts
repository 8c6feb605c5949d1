import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * The admin's layout choices. `auto` ("follow the stage", the default): the broadcast picks the layout from what
 * happens in the room (talk video, screen share, countdown); the others pin one layout.
 */
export const stageLayoutValues = ['auto', 'speaker', 'grid', 'side-by-side', 'countdown'] as const;
export type StageLayout = (typeof stageLayoutValues)[number];

/**
 * Operator choices for a room's broadcast, set in the admin app's live control and read by the stage worker's
 * composite (one row per room; missing row = defaults).
 */
export const roomControls = pgTable(
  'room_controls',
  {
    roomId: uuid('room_id')
      .primaryKey()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    layout: text('layout').$type<StageLayout>().notNull().default('auto'),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('room_controls_layout_known', sql`${t.layout} in ('auto', 'speaker', 'grid', 'side-by-side', 'countdown')`),
  ],
);

export type RoomControls = typeof roomControls.$inferSelect;
