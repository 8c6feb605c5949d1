import type {
  CatalogAdminRepository,
  ConferenceRepository,
  Db,
  FleetRepository,
  JobRecordRepository,
  RoomControlsRepository,
  RoomRepository,
  SessionRepository,
  TalkRepository,
  TalkVideoRepository,
  UserRepository,
} from '@stagecast/db';
import type { Jobs, QueueName } from '@stagecast/jobs';

/** Enqueues a job through @stagecast/jobs (the pg-boss instance is created on first use). */
export type Enqueue = Jobs['send'];

/** What the admin procedures need, all server-side (never serialized to a browser). */
export interface AdminContext {
  db: Db;
  catalog: CatalogAdminRepository;
  conferenceWrites: Pick<ConferenceRepository, 'create'>;
  roomRepo: Pick<RoomRepository, 'create' | 'update' | 'getById'>;
  talkRepo: Pick<TalkRepository, 'listByConference' | 'getById'>;
  talkVideos: TalkVideoRepository;
  roomControls: RoomControlsRepository;
  userRepo: UserRepository;
  sessionRepo: SessionRepository;
  jobRecords: JobRecordRepository;
  /** Worker registry and per-room stage status written by the stage workers. */
  fleet: Pick<FleetRepository, 'list' | 'listStageStatus'>;
  enqueue: Enqueue;
  /** Cancels a queued/active pg-boss job (best effort; the job record is the source of truth for the UI). */
  cancelBossJob: (queue: QueueName, bossJobId: string) => Promise<number>;
  /** Downloads a schedule document for import (http/https, size and time limits). */
  fetchSchedule: (url: string) => Promise<string>;
}
