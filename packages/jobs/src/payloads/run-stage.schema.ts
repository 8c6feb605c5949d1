import { z } from 'zod';

/** Run one room's stage for one talk: join the meeting, composite, broadcast until the talk ends. */
export const runStagePayloadSchema = z.object({
  /** Row in job_records tracking this run (status, attempts, worker). */
  jobRecordId: z.uuid(),
  roomId: z.uuid(),
  talkId: z.uuid().nullable(),
  startsAt: z.iso.datetime({ offset: true }),
  durationSeconds: z.number().int().positive(),
});
export type RunStagePayload = z.infer<typeof runStagePayloadSchema>;
