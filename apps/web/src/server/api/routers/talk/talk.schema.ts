import { z } from 'zod';

const videoViewSchema = z.object({
  originalName: z.string(),
  sizeBytes: z.number(),
  durationMs: z.number(),
  container: z.string().nullable(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  slotFit: z.enum(['fits', 'shorter', 'longer']),
  slotDeltaSeconds: z.number(),
});

export const talkViewSchema = z.object({
  id: z.string(),
  guid: z.string(),
  roomId: z.string().nullable(),
  title: z.string(),
  subtitle: z.string().nullable(),
  speakers: z.array(z.string()),
  startsAt: z.date(),
  durationSeconds: z.number().int(),
  language: z.string().nullable(),
  recordingOptOut: z.boolean(),
  video: videoViewSchema.nullable(),
});

const talkFields = {
  roomId: z.uuid({ message: 'choose a room' }).nullable(),
  title: z.string().trim().min(1, 'enter a title').max(500),
  subtitle: z.string().trim().max(500).nullish(),
  speakers: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  startsAt: z.date({ message: 'enter a start date and time' }),
  durationMinutes: z
    .number({ message: 'enter the length in minutes' })
    .int('use whole minutes')
    .min(1, 'a talk lasts at least 1 minute')
    .max(24 * 60, 'a talk lasts at most 24 hours'),
  language: z.string().trim().max(35).nullish(),
  recordingOptOut: z.boolean().default(false),
};

export const createTalkSchema = z.object({ conferenceId: z.uuid(), ...talkFields });
export type CreateTalkSchema = z.infer<typeof createTalkSchema>;

export const updateTalkSchema = z.object({
  talkId: z.uuid(),
  roomId: talkFields.roomId.optional(),
  title: talkFields.title.optional(),
  subtitle: talkFields.subtitle,
  speakers: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  startsAt: talkFields.startsAt.optional(),
  durationMinutes: talkFields.durationMinutes.optional(),
  language: talkFields.language,
  recordingOptOut: z.boolean().optional(),
});
export type UpdateTalkSchema = z.infer<typeof updateTalkSchema>;
