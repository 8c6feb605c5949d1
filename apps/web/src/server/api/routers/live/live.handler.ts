import { DbError, playoutCommandMaxAgeMs, type PlayoutCommandView } from '@stagecast/db';
import { AdminError } from '../../../admin/errors.js';
import type { Context } from '../../trpc.js';
import { LiveControlError } from './live.errors.js';
import {
  stageRoles,
  type PlayoutCommandOutput,
  type PlayoutControlInput,
  type StartInput,
  type StatusOutput,
  type StopInput,
} from './live.schema.js';

type Ctx = Context & { conferenceId: string; user: { id: string; name: string } };

/** A playout whose status row is older than this is treated as gone (it reports every 2 s). */
const playoutSilentMs = 30_000;

/** The API view of a command row; a pending command past its age is shown as expired (the worker will not take it). */
function commandView(row: PlayoutCommandView, now: Date): PlayoutCommandOutput {
  const overdue = row.status === 'pending' && now.getTime() - row.issuedAt.getTime() > playoutCommandMaxAgeMs;
  return {
    seq: row.seq,
    action: row.action,
    status: overdue ? 'expired' : row.status,
    result: overdue ? 'no running playout took it in time' : row.result,
    playoutState: row.playoutState,
    positionMs: row.positionMs,
    issuedAt: row.issuedAt,
    issuedByName: row.issuedByName,
    finishedAt: row.finishedAt,
  };
}

/** Operator-started roles without a talk stay up this long unless stopped (the worker leaves at runUntil). */
const defaultRunSeconds = 4 * 60 * 60;

export async function statusHandler({ ctx }: { ctx: Ctx }): Promise<StatusOutput> {
  const rooms = await ctx.catalog.listRooms(ctx.conferenceId);
  const roomIds = rooms.map((r) => r.id);
  const [statusRows, controls, workers, recent, commands] = await Promise.all([
    ctx.fleet.listStageStatus(roomIds),
    ctx.roomControls.listByRoomIds(roomIds),
    ctx.fleet.list(),
    ctx.jobRecords.listRecent(200),
    ctx.roomControls.latestPlayoutCommands(roomIds),
  ]);
  const active = await Promise.all(rooms.map((room) => ctx.jobRecords.listActiveForRoom(room.id)));
  const checkedAt = ctx.now();
  return {
    checkedAt,
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
      playoutCommand: (() => {
        const command = commands.find((c) => c.roomId === room.id);
        return command ? commandView(command, checkedAt) : null;
      })(),
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

/**
 * Sends an organizer control (start now, pause, resume, skip, stop, restart) to the room's running playout: records it
 * in `playout_commands` (who, when), then waits up to `waitMs` for the worker's outcome. A refusal by the engine is an
 * outcome (status `refused` with its reason), not an error; a room without a running playout is (LiveControlError).
 */
export async function playoutControlHandler({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PlayoutControlInput;
}): Promise<PlayoutCommandOutput> {
  const [row] = (await ctx.fleet.listStageStatus([input.roomId])).filter((s) => s.role === 'playout');
  if (!row || row.state === 'stopped' || row.state === 'failed' || row.state === 'stale' || row.state === 'stopping') {
    throw new LiveControlError(
      'playout-not-running',
      row?.state === 'stopping'
        ? 'the playout of this room is stopping; start it again to control it'
        : 'no playout is running in this room; start the playout (choose the talk, Playout → Start) first',
    );
  }
  if (row.state === 'starting') {
    throw new LiveControlError(
      'playout-not-joined',
      'the playout has not joined the room yet (it joins shortly before the talk); try again once it shows running',
    );
  }
  const silentMs = ctx.now().getTime() - row.updatedAt.getTime();
  if (silentMs > playoutSilentMs) {
    throw new LiveControlError(
      'playout-silent',
      `the playout's worker has not reported for ${Math.round(silentMs / 1000)} s; check the worker (or stop and start the playout)`,
    );
  }
  const command = await ctx.roomControls.issuePlayoutCommand({
    roomId: input.roomId,
    action: input.action,
    issuedBy: ctx.user.id,
  });
  ctx.log.info(
    { roomId: input.roomId, action: input.action, seq: command.seq, by: ctx.user.id },
    'playout command issued',
  );
  // The worker claims new commands every 0.5 s; wait a little so the caller usually sees the outcome directly.
  const deadline = Date.now() + input.waitMs;
  let latest: PlayoutCommandView = { ...command, issuedByName: ctx.user.name };
  while (Date.now() < deadline && (latest.status === 'pending' || latest.status === 'applying')) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(150, deadline - Date.now())));
    latest = (await ctx.roomControls.getPlayoutCommand(command.seq)) ?? latest;
  }
  return commandView(latest, ctx.now());
}
