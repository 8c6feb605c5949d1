import { z } from 'zod';

export const roomInputSchema = z.object({
  slug: z
    .string()
    .min(1, 'slug is required')
    .max(64)
    .regex(
      /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
      'slug must be lower-case letters, digits and single dashes, e.g. demo-main-hall',
    ),
});
export type RoomInput = z.infer<typeof roomInputSchema>;

export const watchTalkSchema = z.object({
  guid: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  speakers: z.array(z.string()),
  startsAt: z.date(),
  durationSeconds: z.number().int().nonnegative(),
});
export type WatchTalk = z.infer<typeof watchTalkSchema>;

/**
 * Everything public about one room's broadcast. An allow-list: zod drops any other key, so even a repository change
 * cannot leak credentials or stream keys through this procedure.
 */
export const roomOutputSchema = z.object({
  room: z.object({ publicSlug: z.string(), name: z.string() }),
  conference: z.object({ slug: z.string(), name: z.string(), timeZone: z.string() }),
  /** http(s) URL of the live HLS playlist; null when the room has no public HLS output. */
  hlsUrl: z.url({ protocol: /^https?$/ }).nullable(),
  talks: z.array(watchTalkSchema),
});
export type RoomOutput = z.infer<typeof roomOutputSchema>;
