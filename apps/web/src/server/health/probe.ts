import type pg from 'pg';

/**
 * Database probes for the health endpoint. They run fixed, read-only SQL on the pool directly rather than through a
 * repository: they check the connection and the migrator's bookkeeping, not domain data.
 */
export interface DatabaseProbe {
  ok: boolean;
  latencyMs: number | null;
  /** Why the probe failed; never contains the connection string. */
  error?: string;
}

export interface MigrationStatus {
  applied: number;
  /** When the latest applied migration was created (drizzle journal timestamp), ISO 8601. */
  latestCreatedAt: string | null;
}

export interface HealthProbe {
  pingDatabase(): Promise<DatabaseProbe>;
  migrationStatus(): Promise<MigrationStatus | null>;
}

export interface CreateHealthProbeOptions {
  pool: Pick<pg.Pool, 'query'>;
  timeoutMs?: number;
}

class ProbeTimeoutError extends Error {
  override name = 'ProbeTimeoutError';
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  if (error instanceof ProbeTimeoutError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  // Driver messages can quote host names but not credentials; keep only the code and first line to be safe.
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return typeof code === 'string'
    ? `${code}: ${message.replace(/\/\/[^@\s]*@/g, '//')}`
    : message.replace(/\/\/[^@\s]*@/g, '//');
}

export function createHealthProbe(options: CreateHealthProbeOptions): HealthProbe {
  const timeoutMs = options.timeoutMs ?? 3000;
  return {
    async pingDatabase() {
      const started = performance.now();
      try {
        await withTimeout(options.pool.query('SELECT 1'), timeoutMs, 'database ping');
        return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
      } catch (error: unknown) {
        return { ok: false, latencyMs: null, error: describe(error) };
      }
    },
    async migrationStatus() {
      try {
        // The migrator keeps its journal in the app schema when one is used (per-test / e2e search_path), else in
        // schema "drizzle". to_regclass resolves through search_path, returns NULL when absent, and its ::text form is
        // a properly quoted identifier, so interpolating it is safe.
        const found = await withTimeout(
          options.pool.query<{ found_table: string | null }>(
            `SELECT coalesce(to_regclass('__drizzle_migrations'), to_regclass('drizzle.__drizzle_migrations'))::text AS found_table`,
          ),
          timeoutMs,
          'migration lookup',
        );
        const table = found.rows[0]?.found_table;
        if (!table) return { applied: 0, latestCreatedAt: null };
        const result = await withTimeout(
          options.pool.query<{ applied: number; latest: string | null }>(
            `SELECT count(*)::int AS applied, max(created_at)::text AS latest FROM ${table}`,
          ),
          timeoutMs,
          'migration status',
        );
        const row = result.rows[0];
        const latest = row?.latest ? new Date(Number(row.latest)).toISOString() : null;
        return { applied: row?.applied ?? 0, latestCreatedAt: latest };
      } catch {
        // Unknown rather than zero: the database answered the ping but not this query.
        return null;
      }
    },
  };
}
