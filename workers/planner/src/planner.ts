/** Wires the planner's handlers to the queues; everything injected, so tests run it in-process. */
import { createScheduleSourceRepository, type DbHandle } from '@stagecast/db';
import type { Jobs, Logger } from '@stagecast/jobs';
import { createSyncScheduleHandler } from './handlers/sync-schedule.handler.js';
import type { StageLeadsInput } from './planning/stage-plan.js';

export interface PlannerOptions {
  db: DbHandle;
  jobs: Jobs;
  logger: Logger;
  now?: () => Date;
  leads?: StageLeadsInput;
  fetchTimeoutMs?: number;
  maxScheduleBytes?: number;
  /** Enqueue a sync of every configured source this often; 0 = never (on demand only). */
  syncIntervalMs?: number;
}

export interface Planner {
  /** Stops the periodic sync; the Jobs instance is stopped by its owner. Idempotent. */
  close(): void;
}

export async function startPlanner(options: PlannerOptions): Promise<Planner> {
  const handler = createSyncScheduleHandler({
    db: options.db,
    jobs: options.jobs,
    now: options.now ?? (() => new Date()),
    ...(options.leads ? { leads: options.leads } : {}),
    ...(options.fetchTimeoutMs ? { fetchTimeoutMs: options.fetchTimeoutMs } : {}),
    ...(options.maxScheduleBytes ? { maxScheduleBytes: options.maxScheduleBytes } : {}),
  });
  await options.jobs.work('sync-schedule', async (payload, context) => {
    await handler(payload, context);
  });
  let timer: NodeJS.Timeout | undefined;
  if (options.syncIntervalMs && options.syncIntervalMs > 0) {
    const sources = createScheduleSourceRepository(options.db.db);
    const tick = async () => {
      try {
        for (const conferenceId of await sources.listConferenceIds()) {
          // `short` policy: a sync already queued for the conference absorbs this one.
          await options.jobs.send('sync-schedule', { conferenceId });
        }
      } catch (error: unknown) {
        options.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'periodic sync enqueue failed',
        );
      }
    };
    timer = setInterval(() => void tick(), options.syncIntervalMs);
    timer.unref();
    void tick();
  }
  return {
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
