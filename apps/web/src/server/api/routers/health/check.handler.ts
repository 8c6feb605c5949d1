import type { CheckOutput } from './check.schema.js';
import type { HealthContext } from './context.js';

/** Liveness plus readiness: DB reachable (with latency) and migrations applied. Never throws: it reports. */
export async function checkHandler({ ctx }: { ctx: HealthContext }): Promise<CheckOutput> {
  const db = await ctx.health.pingDatabase();
  const migrations = db.ok ? await ctx.health.migrationStatus() : null;
  const ready = db.ok && migrations !== null && migrations.applied > 0;
  return {
    status: ready ? 'ok' : 'degraded',
    db,
    migrations,
    uptimeSeconds: Math.floor(ctx.uptimeSeconds()),
    version: ctx.version,
    checkedAt: ctx.now(),
  };
}
