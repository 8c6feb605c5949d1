import { createEnv } from '@t3-oss/env-core';
import { dbEnvSchema } from '@stagecast/db';
import { envValidationError, jobsEnvSchema } from '@stagecast/jobs';
import { z } from 'zod';
import { cheapestCostMillicores } from './capacity.js';

const videoPattern = /^(\d{2,4})x(\d{2,4})@(\d{1,3})$/;

/** The stage worker's settings; the only place it reads process.env. Throws at start-up on a bad value. */
export function stageEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      DATABASE_URL: dbEnvSchema.shape.DATABASE_URL,
      PGBOSS_SCHEMA: jobsEnvSchema.shape.PGBOSS_SCHEMA,
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Root of the rooms' local outputs (the clock role writes <dir>/<room slug>/clock/index.m3u8). */
      STAGE_OUTPUT_DIR: z.string().min(1).default('.stagecast/stage-output'),
      /** CPU this worker may use for stage jobs, in millicores (1000 = one core); default 80 % of the cores. */
      STAGE_CAPACITY_MILLICORES: z.coerce
        .number()
        .int()
        .min(
          cheapestCostMillicores(),
          `STAGE_CAPACITY_MILLICORES must be at least ${cheapestCostMillicores()} (the cheapest stage role); with less the worker never takes a job`,
        )
        .optional(),
      /** Concurrent run-stage jobs polled for. */
      STAGE_SLOTS: z.coerce.number().int().min(1).max(64).default(4),
      STAGE_POLL_SECONDS: z.coerce.number().min(0.5).default(1),
      STAGE_HEARTBEAT_MS: z.coerce.number().int().min(250).default(2_000),
      /** A worker silent this long is considered dead and its jobs move to other workers (must be < 30 s). */
      STAGE_LEASE_STALE_MS: z.coerce.number().int().min(1_000).max(25_000).default(15_000),
      /** Clock role video, WIDTHxHEIGHT@FPS. */
      STAGE_CLOCK_VIDEO: z
        .string()
        .regex(videoPattern, 'STAGE_CLOCK_VIDEO must look like 1280x720@30')
        .default('1280x720@30'),
      /** Broadcast composite canvas, WIDTHxHEIGHT@FPS, and its H.264 bitrate. */
      STAGE_BROADCAST_VIDEO: z
        .string()
        .regex(videoPattern, 'STAGE_BROADCAST_VIDEO must look like 1280x720@30')
        .default('1280x720@30'),
      STAGE_BROADCAST_BITRATE_KBPS: z.coerce.number().int().min(100).max(50_000).default(2_500),
      /** Heartbeat watchdog of the roles' media engines (the composite can miss 3 s heartbeats under load). */
      STAGE_ENGINE_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(3_000).max(120_000).default(15_000),
      /** Playout participant video, WIDTHxHEIGHT@FPS, and how long before T it joins the meeting. */
      STAGE_PLAYOUT_VIDEO: z
        .string()
        .regex(videoPattern, 'STAGE_PLAYOUT_VIDEO must look like 1280x720@30')
        .default('1280x720@30'),
      STAGE_PLAYOUT_JOIN_BEFORE_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
      CLOCK_MAX_OFFSET_MS: z.coerce.number().positive().default(50),
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    },
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: envValidationError('the stage worker'),
  });
}
export type StageEnv = ReturnType<typeof stageEnv>;

export function parseVideo(spec: string): { width: number; height: number; fps: number } {
  const m = videoPattern.exec(spec);
  if (!m) throw new Error(`invalid video spec '${spec}', expected WIDTHxHEIGHT@FPS`);
  return { width: Number(m[1]), height: Number(m[2]), fps: Number(m[3]) };
}
