import { sql } from 'drizzle-orm';
import { check, date, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';

export const conferences = pgTable(
  'conferences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    /** IANA zone (e.g. Europe/Berlin); validated in the repository because Postgres has no IANA type. */
    timeZone: text('time_zone').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    ...timestamps,
  },
  (t) => [check('conferences_dates_ordered', sql`${t.endsOn} >= ${t.startsOn}`)],
);

export type Conference = typeof conferences.$inferSelect;
export type NewConference = typeof conferences.$inferInsert;
