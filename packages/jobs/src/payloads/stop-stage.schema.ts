import { z } from 'zod';

/** Stop whatever stage runs in a room (operator action or talk cancelled). */
export const stopStagePayloadSchema = z.object({
  roomId: z.uuid(),
  reason: z.enum(['operator', 'talk-cancelled', 'schedule-changed']),
});
export type StopStagePayload = z.infer<typeof stopStagePayloadSchema>;
