import { createEnv } from '@t3-oss/env-core';
import { dbEnvSchema } from '@stagecast/db';
import { envValidationError, jobsEnvSchema } from '@stagecast/jobs';
import { z } from 'zod';

const minutes = (name: string, def: number) =>
  z.coerce
    .number({ message: `${name} must be a number of minutes` })
    .nonnegative()
    .default(def);

/** The planner's settings; the only place it reads process.env. Throws at start-up on a bad value. */
export function plannerEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      DATABASE_URL: dbEnvSchema.shape.DATABASE_URL,
      PGBOSS_SCHEMA: jobsEnvSchema.shape.PGBOSS_SCHEMA,
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Clock participant and broadcast join this many minutes before a talk. */
      STAGE_CLOCK_LEAD_MINUTES: minutes('STAGE_CLOCK_LEAD_MINUTES', 15),
      STAGE_BROADCAST_LEAD_MINUTES: minutes('STAGE_BROADCAST_LEAD_MINUTES', 15),
      /** Playout participant pre-rolls the talk's video this many minutes before it. */
      STAGE_PLAYOUT_LEAD_MINUTES: minutes('STAGE_PLAYOUT_LEAD_MINUTES', 2),
      /** Every configured schedule source is synced this often (0 = only on demand). */
      PLANNER_SYNC_INTERVAL_MINUTES: minutes('PLANNER_SYNC_INTERVAL_MINUTES', 5),
      PLANNER_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
      PLANNER_MAX_SCHEDULE_BYTES: z.coerce
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
      /** How long the first SIGTERM waits for running handlers before giving up. */
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    },
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: envValidationError('the planner'),
  });
}
export type PlannerEnv = ReturnType<typeof plannerEnv>;
