import { z } from 'zod';

export const checkOutputSchema = z.object({
  /** `degraded` when the database is unreachable or not migrated; the HTTP endpoint then answers 503. */
  status: z.enum(['ok', 'degraded']),
  db: z.object({ ok: z.boolean(), latencyMs: z.number().nonnegative().nullable(), error: z.string().optional() }),
  /** null when the database could not be asked. */
  migrations: z.object({ applied: z.number().int().nonnegative(), latestCreatedAt: z.string().nullable() }).nullable(),
  uptimeSeconds: z.number().int().nonnegative(),
  version: z.string(),
  checkedAt: z.date(),
});
export type CheckOutput = z.infer<typeof checkOutputSchema>;
