import { z } from 'zod';

/** The participant roles a stage job can play in a room (one running job per room and role). */
export const stageRoleSchema = z.enum(['clock', 'broadcast', 'playout']);
export type StageRole = z.infer<typeof stageRoleSchema>;

/** Run one room's stage role for one talk: join the meeting, composite/count down/play out until `runUntil`. */
export const runStagePayloadSchema = z.object({
  /** Row in job_records tracking this run (status, attempts, worker lease). */
  jobRecordId: z.uuid(),
  roomId: z.uuid(),
  talkId: z.uuid().nullable(),
  /** clock: countdown participant; broadcast: composite to the CDN; playout: the talk's pre-recorded video. */
  role: stageRoleSchema.default('broadcast'),
  /** The talk's start (T); the job itself is started ahead of it with pg-boss `startAfter`. */
  startsAt: z.iso.datetime({ offset: true }),
  durationSeconds: z.number().int().positive(),
  /** When the role leaves the room; default: the talk's end. */
  runUntil: z.iso.datetime({ offset: true }).optional(),
});
export type RunStagePayload = z.infer<typeof runStagePayloadSchema>;
export type RunStagePayloadInput = z.input<typeof runStagePayloadSchema>;
