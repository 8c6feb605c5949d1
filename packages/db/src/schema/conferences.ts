import { sql } from 'drizzle-orm';
import { check, date, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';

export const playoutLatePolicyValues = ['from-start', 'join-in'] as const;
export type PlayoutLatePolicy = (typeof playoutLatePolicyValues)[number];

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
    /**
     * A playout that starts after its talk's T (worker replaced, machine late): `from-start` plays the talk from the
     * beginning now; `join-in` seeks to where the schedule says the talk is, so it ends on time.
     */
    playoutLatePolicy: text('playout_late_policy').$type<PlayoutLatePolicy>().notNull().default('from-start'),
    ...timestamps,
  },
  (t) => [
    check('conferences_dates_ordered', sql`${t.endsOn} >= ${t.startsOn}`),
    check('conferences_playout_late_policy_known', sql`${t.playoutLatePolicy} in ('from-start', 'join-in')`),
  ],
);

export type Conference = typeof conferences.$inferSelect;
export type NewConference = typeof conferences.$inferInsert;
