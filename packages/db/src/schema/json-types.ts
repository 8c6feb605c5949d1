import { z } from 'zod';

// Shapes of the jsonb columns. Parsed with zod when written so rows never hold malformed JSON.

export const speakerSchema = z.object({
  name: z.string().min(1),
  id: z.string().optional(),
});
export type Speaker = z.infer<typeof speakerSchema>;

/** Credentials a worker needs to join the room's Jitsi meeting. Server-side only: never select these for public pages. */
export const jitsiCredentialsSchema = z.object({
  jwt: z.string().min(1).optional(),
  roomPassword: z.string().min(1).optional(),
  xmppDomain: z.string().min(1).optional(),
});
export type JitsiCredentials = z.infer<typeof jitsiCredentialsSchema>;

/** Where a room's stage output goes. RTMP/SRT URLs and keys are secrets (server-side only). */
export const broadcastOutputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('hls'),
    /** What players load (the watch page's playlist URL). */
    publicUrl: z.url().optional(),
    /** Stage worker's local segment directory, relative to its STAGE_OUTPUT_DIR (default `<room slug>/broadcast`). */
    directory: z.string().min(1).optional(),
    /** Origin ingest base the stage worker PUTs playlists and segments to (HTTP PUT/DELETE, e.g. nginx WebDAV). */
    ingestUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.object({
    kind: z.literal('rtmp'),
    url: z.string().regex(/^rtmps?:\/\//, 'must start with rtmp:// or rtmps://'),
    streamKey: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal('srt'),
    url: z.string().regex(/^srt:\/\//, 'must start with srt://'),
    streamId: z.string().optional(),
  }),
]);
export type BroadcastOutput = z.infer<typeof broadcastOutputSchema>;
