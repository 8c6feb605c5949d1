import { createEnv } from '@t3-oss/env-nextjs';
import { dbEnvSchema } from '@stagecast/db';
import { jobsEnvSchema } from '@stagecast/jobs';
import { z } from 'zod';

/**
 * Server settings, validated with zod. Parsed lazily (first use, and at server start by instrumentation.ts) rather than
 * at import so `next build` works without a database URL; a bad value still stops `next start` before it serves.
 * The only place in the app that reads process.env.
 */
const serverSchema = {
  // Composed from @stagecast/db so the rule (and its fix-it message) lives in one place. A per-test/e2e schema is
  // selected inside the URL (`?options=-c search_path=<schema>`), as @stagecast/db/testing's withSearchPath does.
  DATABASE_URL: dbEnvSchema.shape.DATABASE_URL,
  /** Absolute URL the site is reached at (links in embeds and API docs); unset = derived from the request. */
  PUBLIC_BASE_URL: z
    .url({ message: 'PUBLIC_BASE_URL must be an absolute URL such as https://live.example.org' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** pg-boss schema the admin app enqueues live-control jobs into (same as the workers'). */
  PGBOSS_SCHEMA: jobsEnvSchema.shape.PGBOSS_SCHEMA,
  /** Where uploaded talk videos are stored (created on first upload); relative paths resolve from the server's cwd. */
  VIDEO_STORAGE_DIR: z.string().min(1).default('.stagecast/uploads'),
  /** Largest accepted talk video in bytes (default 4 GiB). */
  VIDEO_MAX_BYTES: z.coerce
    .number({ message: 'VIDEO_MAX_BYTES must be a number of bytes such as 4294967296' })
    .int()
    .positive()
    .default(4 * 1024 ** 3),
};

export type ServerEnv = {
  DATABASE_URL: string;
  PUBLIC_BASE_URL?: string | undefined;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  PGBOSS_SCHEMA: string;
  VIDEO_STORAGE_DIR: string;
  VIDEO_MAX_BYTES: number;
};

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Validates `source` (default: process.env); throws EnvError naming every bad variable. */
export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  return createEnv({
    server: serverSchema,
    client: {},
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: (issues) => {
      const problems = issues.map((issue) => {
        const key = issue.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') ?? 'env';
        return `${key}: ${issue.message}`;
      });
      throw new EnvError(`invalid environment for @stagecast/web — ${problems.join('; ')}`);
    },
  });
}

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv();
  return cached;
}

/** Next.js sets NEXT_RUNTIME to 'nodejs' or 'edge'; the database pool exists only in Node. */
export function isNodeRuntime(): boolean {
  return process.env.NEXT_RUNTIME === 'nodejs';
}
