/** Wires a stage worker: registry (heartbeat, leases, reaper), capacity, run-stage/stop-stage handlers. */
import type { DbHandle } from '@stagecast/db';
import type { Jobs, Logger } from '@stagecast/jobs';
import { CapacityLedger, cheapestCostMillicores } from './capacity.js';
import type { ClockSyncState } from './clock/clock-sync.js';
import { WorkerRegistry } from './fleet/registry.js';
import { createRunStageHandler } from './handlers/run-stage.handler.js';
import { createStopStageHandler } from './handlers/stop-stage.handler.js';
import type { StageRunnerRegistry } from './runners/types.js';

export interface StageWorkerOptions {
  db: DbHandle;
  jobs: Jobs;
  logger: Logger;
  runners: StageRunnerRegistry;
  capacityMillicores: number;
  /** Concurrent run-stage jobs this process polls for (capacity still decides what it accepts). */
  slots?: number;
  pollingIntervalSeconds?: number;
  heartbeatMs?: number;
  staleMs?: number;
  readClock?: () => Promise<ClockSyncState>;
}

export interface StageWorker {
  readonly id: string;
  readonly registry: WorkerRegistry;
  /** Drain: stop taking jobs, abort running roles (handed over to other workers), wait up to timeoutMs. Idempotent. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export async function startStageWorker(options: StageWorkerOptions): Promise<StageWorker> {
  const ledger = new CapacityLedger(options.capacityMillicores);
  const registry = new WorkerRegistry({
    db: options.db,
    jobs: options.jobs,
    logger: options.logger.child({ module: 'registry' }),
    ledger,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.staleMs ? { staleMs: options.staleMs } : {}),
    ...(options.readClock ? { readClock: options.readClock } : {}),
  });
  await registry.start();
  const runStage = createRunStageHandler({ db: options.db, registry, ledger, runners: options.runners });
  const stopStage = createStopStageHandler({ db: options.db });
  const workOptions = options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {};
  // A worker that cannot carry even the cheapest role leaves run-stage jobs to the rest of the fleet instead of
  // fetching and deferring them.
  const cheapest = cheapestCostMillicores();
  const runWorkOptions = {
    ...workOptions,
    canFetch: () => ledger.capacityMillicores - ledger.usedMillicores >= cheapest,
  };
  for (let i = 0; i < (options.slots ?? 4); i += 1) await options.jobs.work('run-stage', runStage, runWorkOptions);
  await options.jobs.work('stop-stage', stopStage, workOptions);
  options.logger.info(
    { workerId: registry.id, capacityMillicores: ledger.capacityMillicores, slots: options.slots ?? 4 },
    'stage worker started',
  );
  let stopping: Promise<void> | undefined;
  return {
    id: registry.id,
    registry,
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        await registry.drain();
        await options.jobs.stop({ timeoutMs: stopOptions.timeoutMs ?? 30_000 });
        await registry.stop();
      })();
      return stopping;
    },
  };
}
