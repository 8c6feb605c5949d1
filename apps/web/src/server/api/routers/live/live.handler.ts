import { DbError } from '@stagecast/db';
import { AdminError } from '../../../admin/errors.js';
import type { Context } from '../../trpc.js';
import { stageRoles, type StartInput, type StatusOutput, type StopInput } from './live.schema.js';

type Ctx = Context & { conferenceId: string; user: { id: string } };

/** Operator-started roles without a talk stay up this long unless stopped (the worker leaves at runUntil). */
const defaultRunSeconds = 4 * 60 * 60;

export async function statusHandler({ ctx }: { ctx: Ctx }): Promise<StatusOutput> {
  const rooms = await ctx.catalog.listRooms(ctx.conferenceId);
  const roomIds = rooms.map((r) => r.id);
  const [statusRows, controls, workers, recent] = await Promise.all([
    ctx.fleet.listStageStatus(roomIds),
    ctx.roomControls.listByRoomIds(roomIds),
    ctx.fleet.list(),
    ctx.jobRecords.listRecent(200),
  ]);
  const active = await Promise.all(rooms.map((room) => ctx.jobRecords.listActiveForRoom(room.id)));
  return {
    checkedAt: ctx.now(),
    rooms: rooms.map((room, index) => ({
      id: room.id,
      slug: room.slug,
      name: room.name,
      layout: controls.find((c) => c.roomId === room.id)?.layout ?? 'auto',
      roles: stageRoles.map((role) => {
        const row = statusRows.find((s) => s.roomId === room.id && s.role === role);
        const job = (active[index] ?? []).find((j) => j.kind === 'run-stage' && (j.role ?? 'broadcast') === role);
        return {
          role,
          state: row?.state ?? null,
          workerId: row?.workerId ?? null,
          lastError: row?.lastError ?? null,
          stats: row?.stats ?? {},
          updatedAt: row?.updatedAt ?? null,
          job: job
            ? {
                id: job.id,
                status: job.status,
                talkId: job.talkId,
                scheduledFor: job.scheduledFor,
                attempt: job.attempt,
              }
            : null,
        };
      }),
      recentFailures: recent
        .filter((j) => j.roomId === room.id && j.status === 'failed' && j.lastError)
        .slice(0, 3)
        .map((j) => ({ role: j.role, error: j.lastError ?? '', at: j.finishedAt ?? j.updatedAt })),
    })),
    workers: workers.map((w) => ({
      id: w.id,
      host: w.host,
      state: w.state,
      lastSeenAt: w.lastSeenAt,
      usedMillicores: w.usedMillicores,
      capacityMillicores: w.capacityMillicores,
    })),
  };
}

/** Enqueues a run-stage job for one role of a room, now. */
export async function startHandler({ ctx, input }: { ctx: Ctx; input: StartInput }) {
  const now = ctx.now();
  const talk = input.talkId ? await ctx.talkRepo.getById(input.talkId) : null;
  if (talk && talk.conferenceId !== ctx.conferenceId) {
    throw new AdminError('invalid-request', 'the talk belongs to another conference');
  }
  if (input.role === 'playout' && !talk?.videoFile) {
    throw new AdminError(
      'invalid-request',
      talk ? `"${talk.title}" has no uploaded video; upload one first` : 'choose the talk whose video to play',
    );
  }
  const active = await ctx.jobRecords.listActiveForRoom(input.roomId);
  if (active.some((j) => j.kind === 'run-stage' && (j.role ?? 'broadcast') === input.role && j.status === 'running')) {
    throw new DbError('conflict', `the ${input.role} of this room is already running; stop it first`);
  }
  const record = await ctx.jobRecords.create({
    kind: 'run-stage',
    roomId: input.roomId,
    talkId: talk?.id ?? null,
    role: input.role,
    scheduledFor: now,
  });
  try {
    const startsAt = talk ? talk.startsAt : now;
    const durationSeconds = talk ? talk.durationSeconds : defaultRunSeconds;
    const endsAt = new Date(Math.max(startsAt.getTime() + durationSeconds * 1000, now.getTime() + 60_000));
    const bossJobId = await ctx.enqueue('run-stage', {
      jobRecordId: record.id,
      roomId: input.roomId,
      talkId: talk?.id ?? null,
      role: input.role,
      startsAt: startsAt.toISOString(),
      durationSeconds,
      runUntil: endsAt.toISOString(),
    });
    if (bossJobId) await ctx.jobRecords.attachBossJob(record.id, bossJobId);
    ctx.log.info(
      { roomId: input.roomId, role: input.role, jobRecordId: record.id, by: ctx.user.id },
      'stage role started',
    );
    return { jobRecordId: record.id, queued: bossJobId !== null };
  } catch (error: unknown) {
    await ctx.jobRecords.markFailed(record.id, 'could not enqueue the job').catch(() => {});
    throw error;
  }
}

/** Cancels the role's queued jobs and asks the running one (if any) to stop. */
export async function stopHandler({ ctx, input }: { ctx: Ctx; input: StopInput }) {
  const active = await ctx.jobRecords.listActiveForRoom(input.roomId);
  let cancelled = 0;
  for (const job of active) {
    if (job.kind !== 'run-stage' || (job.role ?? 'broadcast') !== input.role || job.status !== 'queued') continue;
    if (job.bossJobId) await ctx.cancelBossJob('run-stage', job.bossJobId);
    await ctx.jobRecords.markCancelled(job.id).catch((error: unknown) => {
      if (!(error instanceof DbError && error.reason === 'stale-state')) throw error;
    });
    cancelled += 1;
  }
  const stopJobId = await ctx.enqueue('stop-stage', { roomId: input.roomId, role: input.role, reason: 'operator' });
  ctx.log.info({ roomId: input.roomId, role: input.role, cancelled, by: ctx.user.id }, 'stage role stop requested');
  return { cancelledQueued: cancelled, stopRequested: stopJobId !== null };
}
