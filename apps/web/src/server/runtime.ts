import { createConferenceRepository, createDb, createPublicRoomRepository, type DbHandle } from '@stagecast/db';
import { createJobs, type Jobs } from '@stagecast/jobs';
import packageJson from '../../package.json' with { type: 'json' };
import { serverEnv } from '../env.js';
import { createAdminDeps } from './admin/deps.js';
import type { Context } from './api/trpc.js';
import { createAuthContext } from './auth/context.js';
import { createHealthProbe, type HealthProbe } from './health/probe.js';
import { createLogger, type Logger } from './lib/logger.js';

/**
 * Process-wide singletons of the running web server (pool, logger, probes), created on first use. Kept on globalThis
 * so `next dev` hot reloads reuse one pool instead of leaking one per reload.
 */
interface Runtime {
  log: Logger;
  database: DbHandle;
  health: HealthProbe;
  version: string;
  admin: ReturnType<typeof createAdminDeps>;
}

const holder = globalThis as typeof globalThis & { __stagecastWebRuntime?: Runtime };

export function runtime(): Runtime {
  if (!holder.__stagecastWebRuntime) {
    const env = serverEnv();
    const log = createLogger({ level: env.LOG_LEVEL });
    const database = createDb({
      connectionString: env.DATABASE_URL,
      max: 5,
      applicationName: 'stagecast-web',
    });
    const health = createHealthProbe({ pool: database.pool });
    // pg-boss is started on the first live-control action, not at boot: public pages never need it.
    let jobs: Promise<Jobs> | undefined;
    const admin = createAdminDeps({
      db: database.db,
      log,
      jobs: () => {
        jobs ??= createJobs({
          connectionString: env.DATABASE_URL,
          schema: env.PGBOSS_SCHEMA,
          logger: log,
          max: 2,
        }).catch((error: unknown) => {
          jobs = undefined;
          throw error;
        });
        return jobs;
      },
    });
    holder.__stagecastWebRuntime = { log, database, health, version: packageJson.version, admin };
    log.info({ version: packageJson.version }, 'web runtime ready');
  }
  return holder.__stagecastWebRuntime;
}

/** The request a context is built for: its headers carry the session cookie or API token. */
export interface ContextRequest {
  req: { method: string; url: string; headers: Headers };
  /** Response headers (tRPC fetch adapter) for Set-Cookie; absent in server components. */
  resHeaders?: Headers;
}

const anonymousRequest: ContextRequest = {
  req: { method: 'GET', url: 'http://localhost/', headers: new Headers() },
};

/** Per-request tRPC context; `source` names the caller in logs (e.g. "http", "rsc"). */
export function createContext(source: string, request: ContextRequest = anonymousRequest): Context {
  const { log, database, health, version, admin } = runtime();
  const env = serverEnv();
  return {
    ...admin,
    ...createAuthContext(request.req, admin.authService, {
      publicBaseUrl: env.PUBLIC_BASE_URL,
      setCookie: request.resHeaders ? (value) => request.resHeaders?.append('set-cookie', value) : undefined,
    }),
    log: log.child({ source }),
    conferences: createConferenceRepository(database.db),
    publicRooms: createPublicRoomRepository(database.db),
    health,
    version,
    now: () => new Date(),
    uptimeSeconds: () => process.uptime(),
  };
}
