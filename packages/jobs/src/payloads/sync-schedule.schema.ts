import { z } from 'zod';

/** Import a conference's schedule (frab/pretalx) and (re)plan its stage jobs. */
export const syncSchedulePayloadSchema = z.object({
  conferenceId: z.uuid(),
  /** Override of the conference's configured schedule URL (tests, manual imports). */
  scheduleUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type SyncSchedulePayload = z.infer<typeof syncSchedulePayloadSchema>;
