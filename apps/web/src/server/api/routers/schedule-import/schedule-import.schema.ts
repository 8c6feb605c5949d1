import { z } from 'zod';

/** Special targets in the room mapping besides an existing room's slug. */
export const IGNORE_ROOM = '__ignore';
export const CREATE_ROOM = '__create';

export const importSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    /** The uploaded file's content (schedule.xml / schedule.json), read in the browser. */
    text: z
      .string()
      .min(1, 'the file is empty')
      .max(20 * 1024 * 1024, 'the file is larger than 20 MB'),
    fileName: z.string().max(300).default('schedule'),
  }),
  z.object({
    kind: z.literal('url'),
    url: z.url({ protocol: /^https?$/, message: 'enter an http(s) URL of a schedule.xml or schedule.json' }),
  }),
]);

export const previewInputSchema = z.object({
  conferenceId: z.uuid(),
  source: importSourceSchema,
  /** Schedule room name → our room slug, `__create` (new room) or `__ignore` (skip its talks). */
  roomMapping: z.record(z.string().min(1), z.string().min(1)).default({}),
});
export type PreviewInput = z.infer<typeof previewInputSchema>;

export const applyInputSchema = previewInputSchema.extend({
  /** SHA-256 of the document the preview showed; apply refuses a document that changed since. */
  documentSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ApplyInput = z.infer<typeof applyInputSchema>;

const planTalkSchema = z.object({
  guid: z.string(),
  title: z.string(),
  room: z.string(),
  startsAt: z.date(),
  durationMinutes: z.number(),
});

export const previewOutputSchema = z.object({
  documentSha256: z.string(),
  format: z.string(),
  version: z.string().nullable(),
  scheduleTitle: z.string(),
  scheduleTimeZone: z.string(),
  rooms: z.array(
    z.object({
      name: z.string(),
      talkCount: z.number().int(),
      /** Our room slug, `__create`, `__ignore`, or null when the organizer must choose. */
      target: z.string().nullable(),
      newRoomSlug: z.string(),
    }),
  ),
  availableRooms: z.array(z.object({ slug: z.string(), name: z.string() })),
  needsMapping: z.boolean(),
  plan: z
    .object({
      create: z.array(planTalkSchema),
      update: z.array(
        planTalkSchema.extend({ changes: z.array(z.object({ field: z.string(), from: z.string(), to: z.string() })) }),
      ),
      unchanged: z.array(planTalkSchema),
      removedUpstream: z.array(
        z.object({ guid: z.string(), title: z.string(), likelyReplacedBy: z.string().nullable() }),
      ),
    })
    .nullable(),
  warnings: z.array(z.string()),
});
export type PreviewOutput = z.infer<typeof previewOutputSchema>;

export const applyOutputSchema = z.object({
  importId: z.string(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  createdRooms: z.array(z.string()),
  removedUpstream: z.array(z.object({ guid: z.string(), title: z.string() })),
});
