import { broadcastOutputSchema } from '@stagecast/db';
import { z } from 'zod';

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single dashes (e.g. main-hall)')
  .max(64);

/** undefined = keep, null/'' = clear, string = replace. */
const writeOnly = z.string().max(4000).nullish();

export const jitsiInputSchema = z.object({
  jwt: writeOnly,
  roomPassword: writeOnly,
  xmppDomain: z.string().trim().max(253).nullish(),
});

/** An output in an edit: keep an existing one (with its secrets) by index, or a new one. */
export const outputInputSchema = z.union([z.object({ keepIndex: z.number().int().min(0) }), broadcastOutputSchema]);

export const roomViewSchema = z.object({
  id: z.string(),
  slug: z.string(),
  publicSlug: z.string(),
  name: z.string(),
  meetingUrl: z.string().nullable(),
  meetingUrlHadQuery: z.boolean(),
  jitsi: z.object({ hasJwt: z.boolean(), hasRoomPassword: z.boolean(), xmppDomain: z.string().nullable() }),
  outputs: z.array(z.object({ kind: z.enum(['hls', 'rtmp', 'srt']), target: z.string(), hasSecret: z.boolean() })),
});

export const createRoomSchema = z.object({
  conferenceId: z.uuid(),
  slug,
  name: z.string().trim().min(1, 'enter a room name').max(200),
  meetingUrl: z
    .url({ protocol: /^https?$/, message: 'enter the Jitsi Meet URL, e.g. https://meet.example.org/room' })
    .nullish(),
  jitsi: jitsiInputSchema.optional(),
  outputs: z.array(broadcastOutputSchema).default([]),
});

export const updateRoomSchema = z.object({
  roomId: z.uuid(),
  slug: slug.optional(),
  name: z.string().trim().min(1, 'enter a room name').max(200).optional(),
  meetingUrl: z
    .url({ protocol: /^https?$/, message: 'enter the Jitsi Meet URL, e.g. https://meet.example.org/room' })
    .nullish(),
  jitsi: jitsiInputSchema.optional(),
  outputs: z.array(outputInputSchema).optional(),
});
export type UpdateRoomSchema = z.infer<typeof updateRoomSchema>;
