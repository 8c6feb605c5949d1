/** Stage worker composition root: env → logger → db → jobs → runners → worker (registry, handlers) → shutdown. */
import { createDb } from '@stagecast/db';
import { createJobs, createProcessLogger, installShutdown } from '@stagecast/jobs';
import { defaultCapacityMillicores } from './capacity.js';
import { readClockSync } from './clock/clock-sync.js';
import { parseVideo, stageEnv } from './env.js';
import { startBroadcast, startClock, startPlayout } from '@stagecast/participant';
import { createPlayoutRunner } from './runners/playout.runner.js';
import { createStageData } from './runners/stage-data.js';
import { createBroadcastRunner } from './runners/broadcast.runner.js';
import { createClockRunner } from './runners/clock.runner.js';
import { createRunnerRegistry } from './runners/types.js';
import { startStageWorker } from './stage-worker.js';

const env = stageEnv();
const logger = createProcessLogger({ level: env.LOG_LEVEL, name: 'stage' });
const db = createDb({ connectionString: env.DATABASE_URL, applicationName: 'stagecast-stage' });
const jobs = await createJobs({
  connectionString: env.DATABASE_URL,
  schema: env.PGBOSS_SCHEMA,
  logger,
  pollingIntervalSeconds: env.STAGE_POLL_SECONDS,
  max: env.STAGE_SLOTS + 4,
});
const data = createStageData(db.db);
const runners = createRunnerRegistry([
  createClockRunner({
    outputRoot: env.STAGE_OUTPUT_DIR,
    ...parseVideo(env.STAGE_CLOCK_VIDEO),
    participant: { start: startClock, data, engineHeartbeatTimeoutMs: env.STAGE_ENGINE_HEARTBEAT_TIMEOUT_MS },
  }),
  createBroadcastRunner({
    data,
    outputRoot: env.STAGE_OUTPUT_DIR,
    start: startBroadcast,
    engineHeartbeatTimeoutMs: env.STAGE_ENGINE_HEARTBEAT_TIMEOUT_MS,
    composite: {
      canvas: parseVideo(env.STAGE_BROADCAST_VIDEO),
      video: { bitrate: env.STAGE_BROADCAST_BITRATE_KBPS * 1000 },
    },
  }),
  createPlayoutRunner({
    data,
    start: startPlayout,
    video: parseVideo(env.STAGE_PLAYOUT_VIDEO),
    joinBeforeMs: env.STAGE_PLAYOUT_JOIN_BEFORE_MS,
    engineHeartbeatTimeoutMs: env.STAGE_ENGINE_HEARTBEAT_TIMEOUT_MS,
  }),
]);
const worker = await startStageWorker({
  db,
  jobs,
  logger,
  runners,
  capacityMillicores: env.STAGE_CAPACITY_MILLICORES ?? defaultCapacityMillicores(),
  slots: env.STAGE_SLOTS,
  pollingIntervalSeconds: env.STAGE_POLL_SECONDS,
  heartbeatMs: env.STAGE_HEARTBEAT_MS,
  staleMs: env.STAGE_LEASE_STALE_MS,
  readClock: () => readClockSync({ maxOffsetMs: env.CLOCK_MAX_OFFSET_MS }),
});
installShutdown({
  logger,
  async stop({ force }) {
    await worker.stop({ timeoutMs: force.aborted ? 1 : env.SHUTDOWN_TIMEOUT_MS });
    await db.close();
  },
});
logger.info({ workerId: worker.id }, 'ready');
