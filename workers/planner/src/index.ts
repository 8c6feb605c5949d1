export { startPlanner, type Planner, type PlannerOptions } from './planner.js';
export {
  createSyncScheduleHandler,
  type SyncOutcome,
  type SyncScheduleDeps,
} from './handlers/sync-schedule.handler.js';
export { replanStageJobs, type ReplanReport, type ReplanOptions } from './planning/replan.js';
export { desiredStageJobs, stageJobKey, type DesiredStageJob, type StageLeadsInput } from './planning/stage-plan.js';
export { fetchSchedule, ScheduleFetchError, type FetchScheduleResult } from './planning/fetch-schedule.js';
