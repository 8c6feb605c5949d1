/**
 * run-stage: takes the job record's lease, reserves capacity (or defers), writes the room role's status, runs the
 * role's StageRunner until `runUntil` (abort reason 'finished'), a stop-stage ('stopped'), a lost lease
 * ('lease-lost') or the worker draining (the job is handed over to another worker by @stagecast/jobs).
 */
import { createFleetRepository, createJobRecordRepository, DbError, type DbHandle } from '@stagecast/db';
import { PermanentJobError, type JobContext, type PayloadOf } from '@stagecast/jobs';
import { costOf, type CapacityLedger } from '../capacity.js';
import type { WorkerRegistry } from '../fleet/registry.js';
import { StageError, type StageRunnerRegistry } from '../runners/types.js';

export interface RunStageDeps {
  db: DbHandle;
  registry: WorkerRegistry;
  ledger: CapacityLedger;
  runners: StageRunnerRegistry;
  /** A record that already ran this many times (takeovers included) fails permanently instead of looping. */
  maxAttempts?: number;
  /** How long a refused job waits before any worker may try it again. */
  deferSeconds?: number;
  now?: () => number;
}

type AbortReason = 'finished' | 'stopped' | 'lease-lost';

export function createRunStageHandler(deps: RunStageDeps) {
  const records = createJobRecordRepository(deps.db.db);
  const fleet = createFleetRepository(deps.db.db);
  const now = deps.now ?? Date.now;

  return async function runStage(payload: PayloadOf<'run-stage'>, ctx: JobContext): Promise<void> {
    const { role, roomId } = payload;
    const log = ctx.logger.child({ roomId, role, jobRecordId: payload.jobRecordId });
    const runUntilMs =
      Date.parse(payload.runUntil ?? payload.startsAt) + (payload.runUntil ? 0 : payload.durationSeconds * 1000);
    const runner = deps.runners.get(role);
    if (!runner) throw new PermanentJobError('invalid-payload', `no stage runner registered for role '${role}'`);

    const cost = costOf(role);
    if (!deps.ledger.tryReserve(cost)) {
      ctx.defer(
        deps.deferSeconds ?? 5,
        `worker ${deps.registry.id} has ${deps.ledger.capacityMillicores - deps.ledger.usedMillicores} of ${deps.ledger.capacityMillicores} millicores free; ${role} costs ${cost}`,
      );
    }
    try {
      const lease = { workerId: deps.registry.id, bossJobId: ctx.jobId };
      let before;
      try {
        before = await records.getById(payload.jobRecordId);
      } catch (error: unknown) {
        if (error instanceof DbError && error.reason === 'not-found')
          throw new PermanentJobError('not-found', `job record ${payload.jobRecordId} does not exist`, {
            cause: error,
          });
        throw error;
      }
      if (before.status !== 'queued' && before.status !== 'running') {
        log.info({ status: before.status }, 'job record is already finished or cancelled; nothing to run');
        return;
      }
      if (runUntilMs <= now()) {
        await records.markCancelled(payload.jobRecordId).catch(() => {});
        log.warn({ runUntil: new Date(runUntilMs).toISOString() }, 'started after its end; skipped');
        return;
      }
      if (before.attempt >= (deps.maxAttempts ?? 5)) {
        await records.markFailed(payload.jobRecordId, `gave up after ${before.attempt} attempts`);
        throw new PermanentJobError(
          'invalid-state',
          `run-stage ${payload.jobRecordId} already ran ${before.attempt} times`,
        );
      }
      const takeover = before.workerId !== null && before.workerId !== deps.registry.id;
      const claimed = await records.claim(payload.jobRecordId, lease);
      const startedAt = new Date();
      const context = await fleet.getStageContext(roomId, payload.talkId);
      await fleet.setStageStatus({
        roomId,
        role,
        state: 'starting',
        jobRecordId: payload.jobRecordId,
        workerId: deps.registry.id,
        startedAt,
        lastError: null,
        stats: {
          attempt: claimed.attempt,
          ...(takeover
            ? { takeover: { fromWorker: before.workerId, at: startedAt.toISOString(), note: before.lastError } }
            : {}),
        },
      });

      const controller = new AbortController();
      const abort = (reason: AbortReason) => {
        if (!controller.signal.aborted) controller.abort(reason);
      };
      const onStop = () => controller.abort('draining');
      ctx.signal.addEventListener('abort', onStop, { once: true });
      const until = setTimeout(() => abort('finished'), Math.max(0, runUntilMs - now()));
      deps.registry.add({
        jobRecordId: payload.jobRecordId,
        bossJobId: ctx.jobId,
        queue: 'run-stage',
        roomId,
        role,
        costMillicores: cost,
        startedAt: startedAt.toISOString(),
        abort,
      });
      log.info(
        { attempt: claimed.attempt, takeover, runUntil: new Date(runUntilMs).toISOString() },
        'stage role starting',
      );
      try {
        await runner.run(
          {
            jobRecordId: payload.jobRecordId,
            bossJobId: ctx.jobId,
            roomId,
            talkId: payload.talkId,
            role,
            startsAtMs: context.talk?.startsAt.getTime() ?? Date.parse(payload.startsAt),
            durationSeconds: payload.durationSeconds,
            runUntilMs,
            talk: context.talk ? { title: context.talk.title, speakers: context.talk.speakers } : null,
            room: context.room,
            conferenceTimeZone: context.conferenceTimeZone,
            attempt: claimed.attempt,
          },
          {
            signal: controller.signal,
            logger: log,
            reportStatus: async (report) => {
              if (controller.signal.reason === 'lease-lost') return; // another worker owns the row now
              await fleet.setStageStatus({
                roomId,
                role,
                state: report.state ?? 'running',
                ...(report.stats ? { stats: report.stats } : {}),
                ...(report.lastError !== undefined ? { lastError: report.lastError } : {}),
              });
            },
          },
        );
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        const reason = controller.signal.reason as AbortReason | 'draining' | undefined;
        if (reason === 'lease-lost') {
          log.warn({ err: message }, 'runner ended after the lease was lost');
          return;
        }
        if (reason === 'draining') {
          await records.releaseLease(payload.jobRecordId, lease, `handed over: worker ${deps.registry.id} is draining`);
          await fleet.setStageStatus({
            roomId,
            role,
            state: 'stopped',
            lastError: `handed over while worker ${deps.registry.id} drained`,
          });
          throw error; // @stagecast/jobs hands the job to another worker
        }
        const permanent = error instanceof StageError ? error.permanent : false;
        await fleet.setStageStatus({ roomId, role, state: 'failed', lastError: message });
        if (permanent) {
          await records.finishLeased(payload.jobRecordId, lease, { status: 'failed', error: message });
          throw new PermanentJobError('invalid-state', message, { cause: error });
        }
        throw error;
      } finally {
        clearTimeout(until);
        ctx.signal.removeEventListener('abort', onStop);
        deps.registry.remove(payload.jobRecordId);
      }

      const reason = controller.signal.reason as AbortReason | 'draining' | undefined;
      if (reason === 'lease-lost') {
        log.warn('lease lost while running; another worker continues this job');
        return;
      }
      if (reason === 'draining') {
        await records.releaseLease(payload.jobRecordId, lease, `handed over: worker ${deps.registry.id} is draining`);
        await fleet.setStageStatus({
          roomId,
          role,
          state: 'stopped',
          lastError: `handed over while worker ${deps.registry.id} drained`,
        });
        throw new Error(`stage ${role} of room ${roomId} stopped early: worker draining`);
      }
      await fleet.setStageStatus({ roomId, role, state: 'stopped', stats: { endedBy: reason ?? 'runner-finished' } });
      if (reason !== 'stopped') await records.finishLeased(payload.jobRecordId, lease, { status: 'succeeded' });
      log.info({ endedBy: reason }, 'stage role ended');
    } finally {
      deps.ledger.release(cost);
    }
  };
}
