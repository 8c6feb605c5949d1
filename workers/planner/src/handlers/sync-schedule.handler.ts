/**
 * sync-schedule: fetch (conditional) → parse → map rooms → plan the import → apply it in one transaction → re-plan
 * the stage jobs. Any failure before the apply leaves the stored talks of the last good version in force and records
 * the reason on the schedule source; malformed documents and unmapped rooms fail permanently (retrying the same
 * document cannot help; the next scheduled sync fetches again).
 */
import {
  applyScheduleImport,
  createScheduleSourceRepository,
  createStagePlanningRepository,
  DbError,
  type DbHandle,
} from '@stagecast/db';
import { PermanentJobError, type JobContext, type Jobs, type PayloadOf } from '@stagecast/jobs';
import {
  mapRooms,
  parseSchedule,
  planImport,
  PlanImportError,
  RoomMappingError,
  ScheduleParseError,
} from '@stagecast/schedule';
import { fetchSchedule, redactScheduleUrl, ScheduleFetchError } from '../planning/fetch-schedule.js';
import { replanStageJobs, type ReplanReport } from '../planning/replan.js';
import type { StageLeadsInput } from '../planning/stage-plan.js';

export interface SyncScheduleDeps {
  db: DbHandle;
  jobs: Jobs;
  /** Injected clock (tests time-travel with explicit instants). */
  now: () => Date;
  leads?: StageLeadsInput;
  fetchTimeoutMs?: number;
  maxScheduleBytes?: number;
}

export type SyncOutcome =
  | { kind: 'replanned-only'; replan: ReplanReport }
  | { kind: 'not-modified'; replan: ReplanReport }
  | {
      kind: 'imported';
      version: string | null;
      created: number;
      updated: number;
      unchanged: number;
      removedUpstream: string[];
      replan: ReplanReport;
    };

export function createSyncScheduleHandler(deps: SyncScheduleDeps) {
  const sources = createScheduleSourceRepository(deps.db.db);
  const planning = createStagePlanningRepository(deps.db.db);

  async function replan(conferenceId: string, context: JobContext): Promise<ReplanReport> {
    const removed = await sources.latestRemovedUpstream(conferenceId);
    return replanStageJobs(deps.db, deps.jobs, {
      conferenceId,
      now: deps.now(),
      ...(deps.leads ? { leads: deps.leads } : {}),
      excludeGuids: removed.map((r) => r.guid),
      logger: context.logger,
    });
  }

  return async function syncSchedule(payload: PayloadOf<'sync-schedule'>, context: JobContext): Promise<SyncOutcome> {
    const { conferenceId } = payload;
    const timeZone = await planning.getConferenceTimeZone(conferenceId).catch((error: unknown) => {
      if (error instanceof DbError && error.reason === 'not-found')
        throw new PermanentJobError('not-found', `conference ${conferenceId} does not exist (deleted?)`, {
          cause: error,
        });
      throw error;
    });
    const source = await sources.find(conferenceId);
    const url = payload.scheduleUrl ?? source?.url;
    if (!url) return { kind: 'replanned-only', replan: await replan(conferenceId, context) };
    if (!source) {
      throw new PermanentJobError(
        'invalid-state',
        `conference ${conferenceId} has no schedule source (room mapping); configure one in the admin app before syncing ${redactScheduleUrl(url)}`,
      );
    }
    const sameUrl = url === source.url;
    const fail = async (error: unknown, permanent: boolean): Promise<never> => {
      const message = error instanceof Error ? error.message : String(error);
      await sources.recordFailure(conferenceId, message);
      context.logger.warn(
        { conferenceId, url: redactScheduleUrl(url), err: message },
        'schedule sync failed; last good version stays',
      );
      if (permanent) throw new PermanentJobError('invalid-state', message, { cause: error });
      throw error;
    };

    let fetched;
    try {
      fetched = await fetchSchedule({
        url,
        etag: sameUrl ? source.etag : null,
        lastModified: sameUrl ? source.lastModified : null,
        signal: context.signal,
        ...(deps.fetchTimeoutMs ? { timeoutMs: deps.fetchTimeoutMs } : {}),
        ...(deps.maxScheduleBytes ? { maxBytes: deps.maxScheduleBytes } : {}),
      });
    } catch (error: unknown) {
      // 4xx and oversize documents will not fix themselves on retry; network errors and 5xx might.
      const permanent =
        error instanceof ScheduleFetchError &&
        (error.reason === 'too-large' || (error.reason === 'http-status' && /HTTP 4\d\d/.test(error.message)));
      return fail(error, permanent);
    }
    if (fetched.notModified) {
      await sources.recordSuccess(conferenceId, {
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        notModified: true,
      });
      return { kind: 'not-modified', replan: await replan(conferenceId, context) };
    }

    let result;
    let version: string | null;
    try {
      const schedule = parseSchedule(fetched.body, { defaultTimeZone: timeZone });
      version = schedule.version;
      const mapped = mapRooms(schedule, source.roomMapping, { ignoreRooms: source.ignoreRooms });
      const plan = planImport(await planning.listForImportPlan(conferenceId), mapped.talks);
      result = await applyScheduleImport(deps.db.db, {
        conferenceId,
        plan,
        sourceVersion: version ?? `sha256:${fetched.sha256.slice(0, 16)}`,
      });
    } catch (error: unknown) {
      const permanent =
        error instanceof ScheduleParseError ||
        error instanceof RoomMappingError ||
        error instanceof PlanImportError ||
        (error instanceof DbError && (error.reason === 'invalid-input' || error.reason === 'invalid-reference'));
      return fail(error, permanent);
    }
    await sources.recordSuccess(conferenceId, {
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      version,
      sha256: fetched.sha256,
      notModified: false,
    });
    context.logger.info(
      {
        conferenceId,
        version,
        created: result.created.length,
        updated: result.updated.length,
        removedUpstream: result.removedUpstream.length,
      },
      'schedule imported',
    );
    return {
      kind: 'imported',
      version,
      created: result.created.length,
      updated: result.updated.length,
      unchanged: result.unchanged,
      removedUpstream: result.removedUpstream.map((r) => r.guid),
      replan: await replan(conferenceId, context),
    };
  };
}
