import {
  createCatalogAdminRepository,
  createConferenceRepository,
  createFleetRepository,
  createJobRecordRepository,
  createRoomControlsRepository,
  createRoomRepository,
  createSessionRepository,
  createTalkRepository,
  createTalkVideoRepository,
  createUserRepository,
  type Db,
} from '@stagecast/db';
import type { Jobs, QueueName } from '@stagecast/jobs';
import { createAuthService, type AuthPolicy, type AuthService } from '../auth/auth-service.js';
import type { Logger } from '../lib/logger.js';
import type { AdminContext } from './context.js';
import { fetchScheduleDocument } from './schedule-fetch.js';

export interface AdminDepsOptions {
  db: Db;
  log: Logger;
  now?: () => Date;
  /** pg-boss for live control; created lazily by the caller (the web runtime starts it on first use). */
  jobs: () => Promise<Jobs>;
  authPolicy?: Partial<AuthPolicy>;
  fetchSchedule?: (url: string) => Promise<string>;
}

/** Wires repositories, the auth service and job sending for the admin procedures (web runtime and tests alike). */
export function createAdminDeps(options: AdminDepsOptions): AdminContext & { authService: AuthService } {
  const { db } = options;
  const userRepo = createUserRepository(db);
  const sessionRepo = createSessionRepository(db);
  const authService = createAuthService({
    users: userRepo,
    sessions: sessionRepo,
    now: options.now ?? (() => new Date()),
    log: options.log,
    policy: options.authPolicy,
  });
  return {
    db,
    authService,
    catalog: createCatalogAdminRepository(db),
    conferenceWrites: createConferenceRepository(db),
    roomRepo: createRoomRepository(db),
    talkRepo: createTalkRepository(db),
    talkVideos: createTalkVideoRepository(db),
    roomControls: createRoomControlsRepository(db),
    userRepo,
    sessionRepo,
    jobRecords: createJobRecordRepository(db),
    fleet: createFleetRepository(db),
    async enqueue(queue, payload, sendOptions) {
      const jobs = await options.jobs();
      return jobs.send(queue, payload, sendOptions);
    },
    async cancelBossJob(queue: QueueName, bossJobId: string) {
      const jobs = await options.jobs();
      return jobs.cancel(queue, [bossJobId]);
    },
    fetchSchedule: options.fetchSchedule ?? ((url) => fetchScheduleDocument(url)),
  };
}
