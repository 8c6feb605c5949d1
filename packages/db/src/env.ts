import { z } from 'zod';

export const dbEnvSchema = z.object({
  DATABASE_URL: z
    .string({
      error: 'DATABASE_URL is not set; e.g. postgres://stagecast:stagecast@127.0.0.1:5432/stagecast (see .env.example)',
    })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// (see .env.example)'),
});
export type DbEnv = z.infer<typeof dbEnvSchema>;

/** Validated database settings; composed into the apps' and workers' env.ts. */
export function dbEnv(source: Record<string, string | undefined> = process.env): DbEnv {
  const parsed = dbEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(
      `invalid database environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
