import { z } from 'zod';

export const jobsEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is not set (see .env.example)' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://'),
  PGBOSS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'PGBOSS_SCHEMA must be a lower-case Postgres identifier')
    .default('pgboss'),
});
export type JobsEnv = z.infer<typeof jobsEnvSchema>;

/** Validated queue settings; composed into the apps' and workers' env.ts. */
export function jobsEnv(source: Record<string, string | undefined> = process.env): JobsEnv {
  const parsed = jobsEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(
      `invalid job queue environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
