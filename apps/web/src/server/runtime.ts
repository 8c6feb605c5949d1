import { createConferenceRepository, createDb, createPublicRoomRepository, type DbHandle } from '@stagecast/db';
import packageJson from '../../package.json' with { type: 'json' };
import { serverEnv } from '../env.js';
import type { Context } from './api/trpc.js';
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
    holder.__stagecastWebRuntime = { log, database, health, version: packageJson.version };
    log.info({ version: packageJson.version }, 'web runtime ready');
  }
  return holder.__stagecastWebRuntime;
}

/** Per-request tRPC context; `source` names the caller in logs (e.g. "http", "rsc"). */
export function createContext(source: string): Context {
  const { log, database, health, version } = runtime();
  return {
    log: log.child({ source }),
    conferences: createConferenceRepository(database.db),
    publicRooms: createPublicRoomRepository(database.db),
    health,
    version,
    now: () => new Date(),
    uptimeSeconds: () => process.uptime(),
  };
}
