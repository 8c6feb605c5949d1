import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { conferences } from './conferences.js';
import { talks } from './talks.js';

/**
 * Organizer accounts, their sessions, per-conference memberships, API tokens and login attempts. Secrets are stored
 * only as hashes: argon2id for passwords, SHA-256 for session ids and API tokens (both are 256-bit random values, so a
 * fast hash is enough and lets us look them up by hash).
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased; the sign-in key. */
    email: text('email').notNull().unique('users_email_unique'),
    name: text('name').notNull(),
    /** PHC string (`$argon2id$v=19$m=…`). Never selected for API responses. */
    passwordHash: text('password_hash').notNull(),
    /** Admins may do everything; others act only in conferences they are members of. */
    isAdmin: boolean('is_admin').notNull().default(false),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [check('users_email_lower', sql`${t.email} = lower(${t.email})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
    tokenHash: text('token_hash').notNull().unique('sessions_token_hash_unique'),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Per-session anti-CSRF token, sent back by the admin UI in the x-csrf-token header. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Absolute expiry; the idle timeout is checked against last_seen_at. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId), index('sessions_expires_at_idx').on(t.expiresAt)],
);

export const membershipRoleValues = ['organizer'] as const;
export type MembershipRole = (typeof membershipRoleValues)[number];

export const conferenceMemberships = pgTable(
  'conference_memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conferenceId: uuid('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    role: text('role').$type<MembershipRole>().notNull().default('organizer'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'conference_memberships_pk', columns: [t.userId, t.conferenceId] }),
    index('conference_memberships_conference_id_idx').on(t.conferenceId),
    check('conference_memberships_role_known', sql`${t.role} in ('organizer')`),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 (hex) of the token; the token is shown once at creation. */
    tokenHash: text('token_hash').notNull().unique('api_tokens_token_hash_unique'),
    /** First characters of the token (`sct_ab12…`), to recognise it in the list. Not enough to use it. */
    prefix: text('prefix').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_id_idx').on(t.userId)],
);

/** Sign-in attempts, for rate limiting by e-mail and by client address across web processes. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('login_attempts_email_created_at_idx').on(t.email, t.createdAt),
    index('login_attempts_ip_created_at_idx').on(t.ip, t.createdAt),
  ],
);

/** The probed pre-recorded video of a talk (one current file per talk; the path is also in talks.video_file). */
export const talkVideos = pgTable(
  'talk_videos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    talkId: uuid('talk_id')
      .notNull()
      .references(() => talks.id, { onDelete: 'cascade' })
      .unique('talk_videos_talk_id_unique'),
    /** Absolute path in the configured storage directory. */
    storagePath: text('storage_path').notNull(),
    originalName: text('original_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    container: text('container'),
    videoCodec: text('video_codec'),
    audioCodec: text('audio_codec'),
    width: integer('width'),
    height: integer('height'),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [check('talk_videos_duration_positive', sql`${t.durationMs} > 0`)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type ConferenceMembership = typeof conferenceMemberships.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type TalkVideo = typeof talkVideos.$inferSelect;
