/**
 * Which stage jobs a room's talks need, as a pure function of (talks, lead times): per talk the clock participant and
 * the broadcast start at T − 15 min, the playout pre-roll (talks with a pre-recorded video only) at T − 2 min. Keys
 * are deterministic (`run-stage:<talk id>:<role>`), so planning twice yields the same jobs and re-planning after a
 * schedule change replaces exactly the jobs whose talk moved or disappeared.
 */
import { z } from 'zod';

export type StageRole = 'clock' | 'broadcast' | 'playout';

export const stageLeadsSchema = z.object({
  /** Clock participant joins this long before T (countdown in the room). */
  clockLeadMs: z
    .number()
    .int()
    .nonnegative()
    .default(15 * 60_000),
  /** Broadcast composite starts this long before T (countdown on the stream). */
  broadcastLeadMs: z
    .number()
    .int()
    .nonnegative()
    .default(15 * 60_000),
  /** Playout participant joins, opens and prerolls the file this long before T. */
  playoutLeadMs: z
    .number()
    .int()
    .nonnegative()
    .default(2 * 60_000),
  /** The clock stays this long after T ("Starting now"), then leaves the stage to the talk. */
  clockTailMs: z.number().int().nonnegative().default(60_000),
});
export type StageLeads = z.output<typeof stageLeadsSchema>;
export type StageLeadsInput = z.input<typeof stageLeadsSchema>;

export interface PlanTalk {
  id: string;
  roomId: string | null;
  startsAt: Date;
  durationSeconds: number;
  videoFile: string | null;
}

export interface DesiredStageJob {
  jobKey: string;
  role: StageRole;
  roomId: string;
  talkId: string;
  /** pg-boss startAfter. */
  startAfter: Date;
  /** run-stage payload without jobRecordId (assigned when the record is created). */
  payload: {
    roomId: string;
    talkId: string;
    role: StageRole;
    startsAt: string;
    durationSeconds: number;
    runUntil: string;
  };
}

export function stageJobKey(talkId: string, role: StageRole): string {
  return `run-stage:${talkId}:${role}`;
}

/**
 * Desired jobs for talks that have a room and are not over at `now`. Start instants are not clamped to `now` (a job
 * planned late starts at once in pg-boss), which keeps them a function of the schedule alone.
 */
export function desiredStageJobs(
  talks: readonly PlanTalk[],
  now: Date,
  leadsInput: StageLeadsInput = {},
): DesiredStageJob[] {
  const leads = stageLeadsSchema.parse(leadsInput);
  const jobs: DesiredStageJob[] = [];
  for (const talk of talks) {
    if (!talk.roomId) continue;
    const t = talk.startsAt.getTime();
    const end = t + talk.durationSeconds * 1000;
    const roles: { role: StageRole; lead: number; until: number }[] = [
      { role: 'clock', lead: leads.clockLeadMs, until: t + leads.clockTailMs },
      { role: 'broadcast', lead: leads.broadcastLeadMs, until: end },
    ];
    if (talk.videoFile) roles.push({ role: 'playout', lead: leads.playoutLeadMs, until: end });
    for (const { role, lead, until } of roles) {
      if (until <= now.getTime()) continue;
      jobs.push({
        jobKey: stageJobKey(talk.id, role),
        role,
        roomId: talk.roomId,
        talkId: talk.id,
        startAfter: new Date(t - lead),
        payload: {
          roomId: talk.roomId,
          talkId: talk.id,
          role,
          startsAt: new Date(t).toISOString(),
          durationSeconds: talk.durationSeconds,
          runUntil: new Date(until).toISOString(),
        },
      });
    }
  }
  return jobs.sort((a, b) => a.startAfter.getTime() - b.startAfter.getTime() || (a.jobKey < b.jobKey ? -1 : 1));
}

/** True when a stored planned job still matches the desired one (same start and payload). */
export function samePlannedJob(
  stored: { scheduledFor: Date | null; payload: Record<string, unknown> | null },
  desired: DesiredStageJob,
): boolean {
  if (stored.scheduledFor?.getTime() !== desired.startAfter.getTime() || !stored.payload) return false;
  const keys = Object.keys(desired.payload) as (keyof DesiredStageJob['payload'])[];
  return keys.every((k) => stored.payload?.[k] === desired.payload[k]);
}
