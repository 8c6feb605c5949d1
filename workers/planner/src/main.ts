/** Planner composition root: env → logger → db → jobs (error handler before start) → handlers → shutdown. */
import { createDb } from '@stagecast/db';
import { createJobs, createProcessLogger, installShutdown } from '@stagecast/jobs';
import { plannerEnv } from './env.js';
import { startPlanner } from './planner.js';

const env = plannerEnv();
const logger = createProcessLogger({ level: env.LOG_LEVEL, name: 'planner' });
const db = createDb({ connectionString: env.DATABASE_URL, applicationName: 'stagecast-planner' });
const jobs = await createJobs({ connectionString: env.DATABASE_URL, schema: env.PGBOSS_SCHEMA, logger });
const planner = await startPlanner({
  db,
  jobs,
  logger,
  leads: {
    clockLeadMs: env.STAGE_CLOCK_LEAD_MINUTES * 60_000,
    broadcastLeadMs: env.STAGE_BROADCAST_LEAD_MINUTES * 60_000,
    playoutLeadMs: env.STAGE_PLAYOUT_LEAD_MINUTES * 60_000,
  },
  fetchTimeoutMs: env.PLANNER_FETCH_TIMEOUT_MS,
  maxScheduleBytes: env.PLANNER_MAX_SCHEDULE_BYTES,
  syncIntervalMs: env.PLANNER_SYNC_INTERVAL_MINUTES * 60_000,
});
installShutdown({
  logger,
  async stop({ force }) {
    planner.close();
    const timeoutMs = force.aborted ? 1 : env.SHUTDOWN_TIMEOUT_MS;
    await jobs.stop({ timeoutMs });
    await db.close();
  },
});
logger.info({ pgbossSchema: env.PGBOSS_SCHEMA }, 'planner started');
