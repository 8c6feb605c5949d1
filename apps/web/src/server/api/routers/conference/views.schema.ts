import { z } from 'zod';

/** Output shapes shared by the conference procedures. Public data only: no meeting URLs, credentials or stream keys. */

export const talkViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  speakers: z.array(z.string()),
  language: z.string().nullable(),
  startsAt: z.date(),
  endsAt: z.date(),
  durationMinutes: z.number().int().nonnegative(),
  /** YYYY-MM-DD in the conference time zone. */
  day: z.string(),
  /** HH:mm in the conference time zone. */
  start: z.string(),
  end: z.string(),
  isLive: z.boolean(),
});
export type TalkView = z.infer<typeof talkViewSchema>;

export const roomScheduleViewSchema = z.object({
  slug: z.string(),
  name: z.string(),
  talks: z.array(talkViewSchema),
});
export type RoomScheduleView = z.infer<typeof roomScheduleViewSchema>;

export const dayViewSchema = z.object({
  date: z.string(),
  label: z.string(),
  rooms: z.array(roomScheduleViewSchema),
  /** Talks not (yet) mapped to a room. */
  unassigned: z.array(talkViewSchema),
});
export type DayView = z.infer<typeof dayViewSchema>;

export const conferenceSummarySchema = z.object({
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  phase: z.enum(['upcoming', 'live', 'past']),
  talkCount: z.number().int().nonnegative(),
  rooms: z.array(z.object({ slug: z.string(), name: z.string() })),
});
export type ConferenceSummary = z.infer<typeof conferenceSummarySchema>;
