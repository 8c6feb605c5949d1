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

interface EnvIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * `onValidationError` for a worker's createEnv: one error naming every bad variable and what it must be (t3-env's
 * default only says "Invalid environment variables" and prints the details elsewhere).
 */
export function envValidationError(service: string): (issues: readonly EnvIssue[]) => never {
  return (issues) => {
    const problems = issues.map((issue) => {
      const key = issue.path?.map((p) => String(typeof p === 'object' ? p.key : p)).join('.') ?? 'env';
      return `${key}: ${issue.message}`;
    });
    throw new Error(`invalid environment for ${service} — ${problems.join('; ')}`);
  };
}
