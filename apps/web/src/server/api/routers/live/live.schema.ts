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

/** Organizer controls of a room's running playout (same names as the engine's playout actions). */
export const playoutActions = ['startNow', 'pause', 'resume', 'skip', 'stop', 'restart'] as const;
export type PlayoutActionName = (typeof playoutActions)[number];

export const playoutControlInputSchema = z.object({
  roomId: z.uuid(),
  action: z.enum(playoutActions),
  /** Wait this long for the worker's outcome before answering `pending` (default 3 s; the worker polls every 0.5 s). */
  waitMs: z.number().int().min(0).max(10_000).default(3_000),
});
export type PlayoutControlInput = z.infer<typeof playoutControlInputSchema>;

/** One organizer command and what became of it. */
export const playoutCommandSchema = z.object({
  seq: z.number(),
  action: z.enum(playoutActions),
  /** pending → applying → applied | refused; expired when no running playout took it in time. */
  status: z.enum(['pending', 'applying', 'applied', 'refused', 'expired']),
  /** Why it was refused or expired (the engine's reason, e.g. resume while not paused). */
  result: z.string().nullable(),
  /** The playout after the command. */
  playoutState: z.string().nullable(),
  positionMs: z.number().nullable(),
  issuedAt: z.date(),
  issuedByName: z.string().nullable(),
  finishedAt: z.date().nullable(),
});
export type PlayoutCommandOutput = z.infer<typeof playoutCommandSchema>;

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
      /** The newest organizer command to the room's playout (null: none yet). */
      playoutCommand: playoutCommandSchema.nullable(),
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
