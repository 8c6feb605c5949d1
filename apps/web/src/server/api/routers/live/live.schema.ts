import { z } from 'zod';

export const stageRoles = ['clock', 'broadcast', 'playout'] as const;
export const stageLayouts = ['auto', 'speaker', 'grid', 'side-by-side', 'countdown'] as const;

export const startInputSchema = z.object({
  roomId: z.uuid(),
  role: z.enum(stageRoles),
  /** The talk the role serves (required for playout: its uploaded video is played). */
  talkId: z.uuid().nullish(),
});
export type StartInput = z.infer<typeof startInputSchema>;

export const stopInputSchema = z.object({ roomId: z.uuid(), role: z.enum(stageRoles) });
export type StopInput = z.infer<typeof stopInputSchema>;

export const layoutInputSchema = z.object({ roomId: z.uuid(), layout: z.enum(stageLayouts) });

const roleStatusSchema = z.object({
  role: z.enum(stageRoles),
  /** From the stage worker's status row (null: no worker reported yet). */
  state: z.string().nullable(),
  workerId: z.string().nullable(),
  lastError: z.string().nullable(),
  stats: z.record(z.string(), z.unknown()),
  updatedAt: z.date().nullable(),
  /** The newest queued/running job record of this role. */
  job: z
    .object({
      id: z.string(),
      status: z.string(),
      talkId: z.string().nullable(),
      scheduledFor: z.date().nullable(),
      attempt: z.number(),
    })
    .nullable(),
});

export const statusOutputSchema = z.object({
  checkedAt: z.date(),
  rooms: z.array(
    z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      layout: z.enum(stageLayouts),
      roles: z.array(roleStatusSchema),
      recentFailures: z.array(z.object({ role: z.string().nullable(), error: z.string(), at: z.date() })),
    }),
  ),
  workers: z.array(
    z.object({
      id: z.string(),
      host: z.string(),
      state: z.string(),
      lastSeenAt: z.date(),
      usedMillicores: z.number(),
      capacityMillicores: z.number(),
    }),
  ),
});
export type StatusOutput = z.infer<typeof statusOutputSchema>;
