/**
 * Applies the desired stage jobs of a conference to job_records + pg-boss in ONE transaction: new jobs are created
 * (record + pg-boss job with startAfter), unchanged ones kept, moved ones replaced (old queued job cancelled), dropped
 * ones cancelled; a running job whose talk was removed gets a stop-stage. Records without a job key (manual starts
 * from the admin app) are never touched.
 */
import {
  createJobRecordRepository,
  createStagePlanningRepository,
  withTransaction,
  type DbHandle,
  type JobRecord,
} from '@stagecast/db';
import type { Jobs, Logger } from '@stagecast/jobs';
import { desiredStageJobs, samePlannedJob, type StageLeadsInput } from './stage-plan.js';

export interface ReplanReport {
  created: string[];
  kept: string[];
  replaced: string[];
  cancelled: string[];
  /** Running jobs whose talk was removed or moved: stop-stage sent (removed) or left to finish (moved). */
  runningAffected: { jobKey: string; action: 'stop-sent' | 'left-running' }[];
}

export interface ReplanOptions {
  conferenceId: string;
  now: Date;
  leads?: StageLeadsInput;
  /** Talk guids reported removed upstream by the latest import: not staged. */
  excludeGuids?: readonly string[];
  logger?: Logger;
}

export async function replanStageJobs(handle: DbHandle, jobs: Jobs, options: ReplanOptions): Promise<ReplanReport> {
  return withTransaction(handle.pool, async ({ db, sql }) => {
    const planning = createStagePlanningRepository(db);
    const talkRows = await planning.listTalks(options.conferenceId, options.excludeGuids);
    const roomIds = await planning.listRoomIds(options.conferenceId);
    const desired = desiredStageJobs(talkRows, options.now, options.leads);
    const records = createJobRecordRepository(db);
    const active = (await records.listActiveByKind('run-stage', roomIds)).filter(
      (r): r is JobRecord & { jobKey: string } => r.jobKey !== null,
    );
    const activeByKey = new Map(active.map((r) => [r.jobKey, r]));
    const report: ReplanReport = { created: [], kept: [], replaced: [], cancelled: [], runningAffected: [] };

    const cancelQueued = async (record: JobRecord) => {
      if (record.bossJobId) await jobs.cancel('run-stage', [record.bossJobId], { db: sql });
      await records.markCancelled(record.id);
    };
    const create = async (job: (typeof desired)[number]) => {
      const record = await records.create({
        kind: 'run-stage',
        roomId: job.roomId,
        talkId: job.talkId,
        role: job.role,
        jobKey: job.jobKey,
        scheduledFor: job.startAfter,
        payload: job.payload,
      });
      const bossJobId = await jobs.send(
        'run-stage',
        { ...job.payload, jobRecordId: record.id },
        { startAfter: job.startAfter, db: sql },
      );
      if (!bossJobId) throw new Error(`pg-boss dropped run-stage ${job.jobKey}; check the queue policy`);
      await records.attachBossJob(record.id, bossJobId);
    };

    const desiredKeys = new Set(desired.map((d) => d.jobKey));
    for (const job of desired) {
      const existing = activeByKey.get(job.jobKey);
      if (!existing) {
        await create(job);
        report.created.push(job.jobKey);
      } else if (samePlannedJob(existing, job)) {
        report.kept.push(job.jobKey);
      } else if (existing.status === 'queued') {
        await cancelQueued(existing);
        await create(job);
        report.replaced.push(job.jobKey);
      } else {
        // Already running (e.g. the talk was moved by a few minutes during its countdown): leave it; the runner
        // reads the talk's current time itself.
        report.runningAffected.push({ jobKey: job.jobKey, action: 'left-running' });
      }
    }
    for (const record of active) {
      if (desiredKeys.has(record.jobKey)) continue;
      if (record.status === 'queued') {
        await cancelQueued(record);
        report.cancelled.push(record.jobKey);
      } else if (record.roomId && record.role) {
        await jobs.send(
          'stop-stage',
          { roomId: record.roomId, role: record.role as 'clock' | 'broadcast' | 'playout', reason: 'talk-cancelled' },
          { db: sql },
        );
        report.runningAffected.push({ jobKey: record.jobKey, action: 'stop-sent' });
      }
    }
    options.logger?.info(
      {
        conferenceId: options.conferenceId,
        created: report.created.length,
        kept: report.kept.length,
        replaced: report.replaced.length,
        cancelled: report.cancelled.length,
        runningAffected: report.runningAffected,
      },
      'stage jobs re-planned',
    );
    return report;
  });
}
