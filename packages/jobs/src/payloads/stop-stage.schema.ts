import { z } from 'zod';
import { stageRoleSchema } from './run-stage.schema.js';

/** Stop whatever stage runs in a room — all roles, or one (operator action or talk cancelled). */
export const stopStagePayloadSchema = z.object({
  roomId: z.uuid(),
  role: stageRoleSchema.optional(),
  reason: z.enum(['operator', 'talk-cancelled', 'schedule-changed']),
});
export type StopStagePayload = z.infer<typeof stopStagePayloadSchema>;
