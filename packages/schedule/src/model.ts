/**
 * The normalised schedule model every format is parsed into. Plain JSON-serialisable data (no Date objects), so it can
 * cross process and HTTP boundaries unchanged; the final parse result is validated against these schemas.
 *
 * Optional text fields are `null` when the producer left them out or empty ("" / null / missing are all the same).
 */
import { z } from 'zod';

const localDateTimeRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const utcRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const offsetRe = /^[+-]\d{2}:\d{2}$/;
const dateRe = /^\d{4}-\d{2}-\d{2}$/;

export const formatSchema = z.enum(['frab-xml', 'frab-json', 'wafer-xml']);

/** A point in time: the UTC instant plus the wall time the producer gave for it. */
export const instantSchema = z.object({
  /** ISO 8601 in UTC with milliseconds, e.g. `2025-06-12T08:30:00.000Z`. */
  utc: z.string().regex(utcRe),
  epochMs: z.number().int(),
  /** Local wall time `YYYY-MM-DDTHH:MM:SS` at `utcOffset` (the offset inside the document's `date`). */
  local: z.string().regex(localDateTimeRe),
  utcOffset: z.string().regex(offsetRe),
});
export type Instant = z.infer<typeof instantSchema>;

export const speakerSchema = z.object({
  name: z.string().min(1),
  id: z.string().min(1).nullable(),
});
export type Speaker = z.infer<typeof speakerSchema>;

export const talkSchema = z.object({
  /** Upsert key. Taken from the document; when absent derived deterministically (see `guid.ts`). */
  guid: z.string().min(1),
  guidDerived: z.boolean(),
  /** The producer's event id (frab/pretalx `id`); pretalx repeats it when one submission has several slots. */
  externalId: z.string().min(1),
  code: z.string().min(1).nullable(),
  slug: z.string().min(1).nullable(),
  title: z.string().min(1),
  subtitle: z.string().min(1).nullable(),
  speakers: z.array(speakerSchema),
  /** Schedule room name (map it to one of our rooms with `mapRooms`). */
  room: z.string().min(1),
  start: instantSchema,
  durationSeconds: z.number().int().nonnegative(),
  /** The `<day index>` the talk is listed under: a 00:30 talk belongs to the previous day element. */
  dayIndex: z.number().int(),
  language: z.string().min(1).nullable(),
  track: z.string().min(1).nullable(),
  type: z.string().min(1).nullable(),
  recordingOptOut: z.boolean(),
  url: z.url().nullable(),
  abstract: z.string().min(1).nullable(),
  description: z.string().min(1).nullable(),
});
export type Talk = z.infer<typeof talkSchema>;

export const roomSchema = z.object({ name: z.string().min(1), guid: z.string().min(1).nullable() });
export type Room = z.infer<typeof roomSchema>;

export const daySchema = z.object({
  index: z.number().int(),
  date: z.string().regex(dateRe),
  /** Day start/end as UTC ISO strings when the document gives them (a day may end after midnight). */
  startUtc: z.string().regex(utcRe).nullable(),
  endUtc: z.string().regex(utcRe).nullable(),
});
export type Day = z.infer<typeof daySchema>;

export const conferenceSchema = z.object({
  title: z.string().min(1),
  acronym: z.string().min(1).nullable(),
  /** IANA zone for display; instants never depend on it when the document carries offsets. */
  timeZone: z.string().min(1),
  days: z.array(daySchema),
});
export type Conference = z.infer<typeof conferenceSchema>;

export const scheduleWarningSchema = z.object({
  code: z.enum([
    'naive-date',
    'derived-date',
    'offset-mismatch',
    'start-mismatch',
    'room-mismatch',
    'derived-guid',
    'speaker-without-name',
    'room-guid-conflict',
    'ambiguous-local-time',
    'nonexistent-local-time',
  ]),
  path: z.string(),
  line: z.number().int().optional(),
  message: z.string(),
});
export type ScheduleWarning = z.infer<typeof scheduleWarningSchema>;

export const scheduleSchema = z.object({
  format: formatSchema,
  /** `schedule.version` (change detection); null when empty (wafer has none). */
  version: z.string().min(1).nullable(),
  generator: z.object({ name: z.string(), version: z.string().nullable() }).nullable(),
  conference: conferenceSchema,
  rooms: z.array(roomSchema),
  /** Sorted by start instant, then room, then guid. */
  talks: z.array(talkSchema),
  /** Non-fatal oddities (e.g. `<start>` disagreeing with `<date>`), for the import report. */
  warnings: z.array(scheduleWarningSchema),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** End of a talk as epoch milliseconds. */
export function talkEndMs(talk: { start: { epochMs: number }; durationSeconds: number }): number {
  return talk.start.epochMs + talk.durationSeconds * 1000;
}
