import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { conferences } from './conferences.js';

/** One talk the import reported as missing upstream (kept in `talks`, never deleted by an import). */
export interface RemovedUpstreamTalk {
  guid: string;
  talkId: string;
  title: string;
  likelyReplacedBy: { guid: string; matchedBy: 'code' | 'slug' } | null;
}

/**
 * Where a conference's schedule comes from and what the last fetch saw: the sync-schedule job's state. HTTP validators
 * (ETag, Last-Modified) make unchanged polls cheap; `lastGood*` names the version the stored talks came from, which
 * stays in force when a later fetch fails or parses badly.
 */
export const scheduleSources = pgTable('schedule_sources', {
  conferenceId: uuid('conference_id')
    .primaryKey()
    .references(() => conferences.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  /** Schedule room name (or guid) → our room key (room slug), as `mapRooms` takes it. */
  roomMapping: jsonb('room_mapping').$type<Record<string, string>>().notNull().default({}),
  /** Schedule rooms whose talks are knowingly not imported. */
  ignoreRooms: jsonb('ignore_rooms').$type<string[]>().notNull().default([]),
  etag: text('etag'),
  lastModified: text('last_modified'),
  lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  lastGoodVersion: text('last_good_version'),
  lastGoodSha256: text('last_good_sha256'),
  /** Why the last fetch/parse/import failed (null after a success or a 304). */
  lastError: text('last_error'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  ...timestamps,
});

/** History of applied imports (one row per applied plan, including no-op re-imports). */
export const scheduleImports = pgTable(
  'schedule_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conferenceId: uuid('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    /** `schedule.version` or another label of the document (hash, file name). */
    sourceVersion: text('source_version'),
    createdCount: integer('created_count').notNull(),
    updatedCount: integer('updated_count').notNull(),
    unchangedCount: integer('unchanged_count').notNull(),
    removedUpstream: jsonb('removed_upstream').$type<RemovedUpstreamTalk[]>().notNull().default([]),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('schedule_imports_conference_id_imported_at_idx').on(t.conferenceId, t.importedAt)],
);

export type ScheduleSource = typeof scheduleSources.$inferSelect;
export type ScheduleImport = typeof scheduleImports.$inferSelect;
