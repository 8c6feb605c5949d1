import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { conferences } from '../schema/conferences.js';
import { rooms } from '../schema/rooms.js';
import {
  scheduleImports,
  scheduleSources,
  type RemovedUpstreamTalk,
  type ScheduleSource,
} from '../schema/schedule-imports.js';
import { talks } from '../schema/talks.js';
import { parseInput, uuidSchema } from './validation.js';

/**
 * The talk shape applyScheduleImport stores: structurally the `MappedTalk` of @stagecast/schedule (db may not import
 * it). Extra fields (track, abstract, …) are ignored.
 */
export const scheduleImportTalkSchema = z.object({
  guid: z.string().trim().min(1).max(200),
  externalId: z.string().max(200).nullish(),
  title: z.string().trim().min(1).max(500),
  subtitle: z.string().max(500).nullish(),
  speakers: z.array(z.object({ name: z.string().min(1), id: z.string().nullish() })).default([]),
  start: z.object({ epochMs: z.number().int() }),
  durationSeconds: z.number().int().positive({
    message: 'must be positive (a zero-length slot cannot be staged; fix the schedule or ignore its room)',
  }),
  language: z.string().max(35).nullish(),
  recordingOptOut: z.boolean().default(false),
  /** Our room key from mapRooms; resolved to a room through `roomMapping`, else as the room's slug. */
  roomKey: z.string().min(1),
});
export type ScheduleImportTalk = z.input<typeof scheduleImportTalkSchema>;

/** Structurally the ImportPlan of @stagecast/schedule's planImport (only what is needed here). */
export interface ScheduleImportPlan {
  create: readonly ScheduleImportTalk[];
  update: readonly { guid: string; incoming: ScheduleImportTalk; changes?: readonly { field: string }[] }[];
  unchanged: readonly { guid: string; incoming?: ScheduleImportTalk }[];
  removedUpstream: readonly {
    guid: string;
    likelyReplacedBy: { guid: string; matchedBy: 'code' | 'slug' } | null;
  }[];
}

export interface ApplyScheduleImportInput {
  conferenceId: string;
  plan: ScheduleImportPlan;
  /** Room key → room id (uuid) or room slug of this conference. Keys not listed are looked up as room slugs. */
  roomMapping?: Readonly<Record<string, string>>;
  /** `schedule.version` or another label of the document; recorded with the import. */
  sourceVersion?: string | null;
}

export interface ScheduleImportResult {
  importId: string;
  conferenceId: string;
  sourceVersion: string | null;
  created: { guid: string; talkId: string }[];
  updated: { guid: string; talkId: string; changedFields: string[] }[];
  unchanged: number;
  /** Stored talks the document no longer lists; kept, not deleted (an organizer decides). */
  removedUpstream: RemovedUpstreamTalk[];
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies an import plan in ONE transaction: creates and updates talks by (conference, guid), records the import and
 * reports talks removed upstream without deleting them. Any failure (unknown room key, invalid talk, constraint)
 * rolls everything back and throws a DbError naming the problem; nothing is stored. Imports of one conference
 * serialize on the conference row, so two concurrent syncs cannot interleave.
 */
export async function applyScheduleImport(db: Db, input: ApplyScheduleImportInput): Promise<ScheduleImportResult> {
  const conferenceId = parseInput(uuidSchema, input.conferenceId, 'conference id');
  const incoming = [
    ...input.plan.create.map((t) => ({ talk: t, changedFields: null as string[] | null })),
    ...input.plan.update.map((u) => ({ talk: u.incoming, changedFields: (u.changes ?? []).map((c) => c.field) })),
  ];
  const parsed = incoming.map(({ talk, changedFields }) => ({
    talk: parseInput(scheduleImportTalkSchema, talk, `talk '${(talk as { guid?: unknown }).guid ?? '?'}'`),
    changedFields,
  }));
  try {
    return await db.transaction(async (tx) => {
      const [conference] = await tx
        .select({ id: conferences.id })
        .from(conferences)
        .where(eq(conferences.id, conferenceId))
        .for('update');
      if (!conference) throw DbError.notFound('conference', conferenceId);

      const roomRows = await tx
        .select({ id: rooms.id, slug: rooms.slug })
        .from(rooms)
        .where(eq(rooms.conferenceId, conferenceId));
      const byId = new Map(roomRows.map((r) => [r.id, r.id]));
      const bySlug = new Map(roomRows.map((r) => [r.slug, r.id]));
      const unknownKeys = new Set<string>();
      const resolveRoom = (key: string): string => {
        const target = input.roomMapping?.[key] ?? key;
        const id = uuidPattern.test(target) ? byId.get(target.toLowerCase()) : bySlug.get(target);
        if (!id) unknownKeys.add(key);
        return id ?? '';
      };
      const values = parsed.map(({ talk }) => ({
        conferenceId,
        roomId: resolveRoom(talk.roomKey),
        guid: talk.guid,
        externalId: talk.externalId ?? null,
        title: talk.title,
        subtitle: talk.subtitle ?? null,
        speakers: talk.speakers.map((s) => (s.id ? { name: s.name, id: s.id } : { name: s.name })),
        startsAt: new Date(talk.start.epochMs),
        durationSeconds: talk.durationSeconds,
        language: talk.language ?? null,
        recordingOptOut: talk.recordingOptOut,
      }));
      if (unknownKeys.size > 0) {
        throw DbError.invalidInput(
          'schedule import',
          `room key(s) ${[...unknownKeys].map((k) => `'${k}'`).join(', ')} match no room of this conference ` +
            `(known slugs: ${[...bySlug.keys()].join(', ') || 'none'}); create the room or fix the room mapping`,
        );
      }

      const stored =
        values.length === 0
          ? []
          : await tx
              .insert(talks)
              .values(values)
              .onConflictDoUpdate({
                target: [talks.conferenceId, talks.guid],
                set: {
                  roomId: sql`excluded.room_id`,
                  externalId: sql`excluded.external_id`,
                  title: sql`excluded.title`,
                  subtitle: sql`excluded.subtitle`,
                  speakers: sql`excluded.speakers`,
                  startsAt: sql`excluded.starts_at`,
                  durationSeconds: sql`excluded.duration_seconds`,
                  language: sql`excluded.language`,
                  recordingOptOut: sql`excluded.recording_opt_out`,
                  updatedAt: sql`now()`,
                },
              })
              .returning({ id: talks.id, guid: talks.guid });
      const idByGuid = new Map(stored.map((r) => [r.guid, r.id]));

      const removedGuids = input.plan.removedUpstream.map((r) => r.guid);
      const removedRows =
        removedGuids.length === 0
          ? []
          : await tx
              .select({ id: talks.id, guid: talks.guid, title: talks.title })
              .from(talks)
              .where(and(eq(talks.conferenceId, conferenceId), inArray(talks.guid, removedGuids)));
      const removedByGuid = new Map(removedRows.map((r) => [r.guid, r]));
      const removedUpstream: RemovedUpstreamTalk[] = input.plan.removedUpstream.flatMap((r) => {
        const row = removedByGuid.get(r.guid);
        return row ? [{ guid: r.guid, talkId: row.id, title: row.title, likelyReplacedBy: r.likelyReplacedBy }] : [];
      });

      const created = parsed
        .filter((p) => p.changedFields === null)
        .map((p) => ({ guid: p.talk.guid, talkId: idByGuid.get(p.talk.guid) ?? '' }));
      const updated = parsed
        .filter((p) => p.changedFields !== null)
        .map((p) => ({
          guid: p.talk.guid,
          talkId: idByGuid.get(p.talk.guid) ?? '',
          changedFields: p.changedFields ?? [],
        }));
      const sourceVersion = input.sourceVersion ?? null;
      const [record] = await tx
        .insert(scheduleImports)
        .values({
          conferenceId,
          sourceVersion,
          createdCount: created.length,
          updatedCount: updated.length,
          unchangedCount: input.plan.unchanged.length,
          removedUpstream,
        })
        .returning({ id: scheduleImports.id });
      if (!record) throw new DbError('unknown', 'insert of schedule import returned no row');
      return {
        importId: record.id,
        conferenceId,
        sourceVersion,
        created,
        updated,
        unchanged: input.plan.unchanged.length,
        removedUpstream,
      };
    });
  } catch (error: unknown) {
    throw toDbError(error, `schedule import of conference ${conferenceId}`);
  }
}

export const upsertScheduleSourceInputSchema = z.object({
  conferenceId: uuidSchema,
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL of a schedule.xml or schedule.json' }),
  roomMapping: z.record(z.string().min(1), z.string().min(1)).default({}),
  ignoreRooms: z.array(z.string().min(1)).default([]),
});
export type UpsertScheduleSourceInput = z.input<typeof upsertScheduleSourceInputSchema>;

/** Schedule source configuration and the sync job's bookkeeping (ETag, last good version, last error). */
export function createScheduleSourceRepository(db: Db) {
  return {
    async upsert(input: UpsertScheduleSourceInput): Promise<ScheduleSource> {
      const values = parseInput(upsertScheduleSourceInputSchema, input, 'schedule source');
      try {
        const [row] = await db
          .insert(scheduleSources)
          .values(values)
          .onConflictDoUpdate({
            target: scheduleSources.conferenceId,
            // A new URL invalidates the HTTP validators of the old one.
            set: {
              url: values.url,
              roomMapping: values.roomMapping,
              ignoreRooms: values.ignoreRooms,
              etag: sql`CASE WHEN ${scheduleSources.url} = excluded.url THEN ${scheduleSources.etag} END`,
              lastModified: sql`CASE WHEN ${scheduleSources.url} = excluded.url THEN ${scheduleSources.lastModified} END`,
              updatedAt: sql`now()`,
            },
          })
          .returning();
        if (!row) throw new DbError('unknown', 'upsert of schedule source returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `schedule source of conference ${values.conferenceId}`);
      }
    },

    async find(conferenceId: string): Promise<ScheduleSource | null> {
      parseInput(uuidSchema, conferenceId, 'conference id');
      try {
        const [row] = await db
          .select()
          .from(scheduleSources)
          .where(eq(scheduleSources.conferenceId, conferenceId))
          .limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, `schedule source of conference ${conferenceId}`);
      }
    },

    /** After a fetch answered 304 or an import succeeded: store validators and the version now in force. */
    async recordSuccess(
      conferenceId: string,
      result: {
        etag: string | null;
        lastModified: string | null;
        version?: string | null;
        sha256?: string | null;
        notModified: boolean;
      },
    ): Promise<void> {
      try {
        await db
          .update(scheduleSources)
          .set({
            etag: result.etag,
            lastModified: result.lastModified,
            lastCheckedAt: new Date(),
            lastSuccessAt: new Date(),
            lastError: null,
            consecutiveFailures: 0,
            ...(result.notModified
              ? {}
              : { lastGoodVersion: result.version ?? null, lastGoodSha256: result.sha256 ?? null }),
          })
          .where(eq(scheduleSources.conferenceId, conferenceId));
      } catch (error: unknown) {
        throw toDbError(error, `schedule source of conference ${conferenceId}`);
      }
    },

    /** A fetch, parse or import failed: the talks of the last good version stay; the reason is shown to organizers. */
    async recordFailure(conferenceId: string, reason: string): Promise<void> {
      try {
        await db
          .update(scheduleSources)
          .set({
            lastCheckedAt: new Date(),
            lastError: reason.slice(0, 4000),
            consecutiveFailures: sql`${scheduleSources.consecutiveFailures} + 1`,
          })
          .where(eq(scheduleSources.conferenceId, conferenceId));
      } catch (error: unknown) {
        throw toDbError(error, `schedule source of conference ${conferenceId}`);
      }
    },

    async listConferenceIds(): Promise<string[]> {
      try {
        const rows = await db.select({ id: scheduleSources.conferenceId }).from(scheduleSources);
        return rows.map((r) => r.id);
      } catch (error: unknown) {
        throw toDbError(error, 'schedule sources');
      }
    },

    /** Guids reported removed upstream by the latest import (the planner does not stage them). */
    async latestRemovedUpstream(conferenceId: string): Promise<RemovedUpstreamTalk[]> {
      try {
        const [row] = await db
          .select({ removedUpstream: scheduleImports.removedUpstream })
          .from(scheduleImports)
          .where(eq(scheduleImports.conferenceId, conferenceId))
          .orderBy(sql`${scheduleImports.importedAt} desc`)
          .limit(1);
        return row?.removedUpstream ?? [];
      } catch (error: unknown) {
        throw toDbError(error, `schedule imports of conference ${conferenceId}`);
      }
    },
  };
}

export type ScheduleSourceRepository = ReturnType<typeof createScheduleSourceRepository>;

/** What the planner reads to plan stage jobs: a conference's talks (minus excluded guids) and its room ids. */
export function createStagePlanningRepository(db: Db) {
  return {
    async listTalks(
      conferenceId: string,
      excludeGuids: readonly string[] = [],
    ): Promise<
      {
        id: string;
        guid: string;
        roomId: string | null;
        startsAt: Date;
        durationSeconds: number;
        videoFile: string | null;
      }[]
    > {
      parseInput(uuidSchema, conferenceId, 'conference id');
      try {
        const rows = await db
          .select({
            id: talks.id,
            guid: talks.guid,
            roomId: talks.roomId,
            startsAt: talks.startsAt,
            durationSeconds: talks.durationSeconds,
            videoFile: talks.videoFile,
          })
          .from(talks)
          .where(eq(talks.conferenceId, conferenceId));
        const excluded = new Set(excludeGuids);
        return rows.filter((r) => !excluded.has(r.guid));
      } catch (error: unknown) {
        throw toDbError(error, `talks of conference ${conferenceId}`);
      }
    },

    /** The conference's IANA zone (schedule documents without offsets are read in it); DbError not-found. */
    async getConferenceTimeZone(conferenceId: string): Promise<string> {
      parseInput(uuidSchema, conferenceId, 'conference id');
      try {
        const [row] = await db
          .select({ timeZone: conferences.timeZone })
          .from(conferences)
          .where(eq(conferences.id, conferenceId))
          .limit(1);
        if (!row) throw DbError.notFound('conference', conferenceId);
        return row.timeZone;
      } catch (error: unknown) {
        throw toDbError(error, `conference ${conferenceId}`);
      }
    },

    async listRoomIds(conferenceId: string): Promise<string[]> {
      try {
        const rows = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.conferenceId, conferenceId));
        return rows.map((r) => r.id);
      } catch (error: unknown) {
        throw toDbError(error, `rooms of conference ${conferenceId}`);
      }
    },

    /** Stored talks in the shape planImport compares (room key = room slug), for a schedule sync. */
    async listForImportPlan(conferenceId: string) {
      try {
        const rows = await db
          .select({
            guid: talks.guid,
            externalId: talks.externalId,
            title: talks.title,
            subtitle: talks.subtitle,
            speakers: talks.speakers,
            startsAt: talks.startsAt,
            durationSeconds: talks.durationSeconds,
            language: talks.language,
            recordingOptOut: talks.recordingOptOut,
            roomKey: rooms.slug,
          })
          .from(talks)
          .leftJoin(rooms, eq(rooms.id, talks.roomId))
          .where(eq(talks.conferenceId, conferenceId));
        return rows.map((r) => ({
          guid: r.guid,
          externalId: r.externalId,
          title: r.title,
          subtitle: r.subtitle,
          speakers: r.speakers.map((s) => ({ name: s.name, id: s.id ?? null })),
          start: { epochMs: r.startsAt.getTime(), utc: r.startsAt.toISOString() },
          durationSeconds: r.durationSeconds,
          language: r.language,
          recordingOptOut: r.recordingOptOut,
          roomKey: r.roomKey,
        }));
      } catch (error: unknown) {
        throw toDbError(error, `talks of conference ${conferenceId}`);
      }
    },
  };
}
