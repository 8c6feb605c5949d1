export {
  createJobs,
  type CreateJobsOptions,
  type JobContext,
  type JobHandler,
  JobDeferral,
  type ReassignOptions,
  type Jobs,
  type SendOptions,
  type SqlExecutor,
  type WorkOptions,
} from './boss.js';
export { JobsError, PermanentJobError, isPermanentJobError, type JobsErrorReason } from './errors.js';
export { envValidationError, jobsEnv, jobsEnvSchema, type JobsEnv } from './env.js';
export { redactUrl, silentLogger, type Logger } from './logger.js';
export { createProcessLogger, type ProcessLoggerOptions } from './process-logger.js';
export {
  assertQueueName,
  isQueueName,
  queueNamePattern,
  queueNames,
  queues,
  type PayloadInputOf,
  type PayloadOf,
  type QueueDefinition,
  type QueueName,
  type QueuePolicy,
} from './queues.js';
export {
  runStagePayloadSchema,
  stageRoleSchema,
  type RunStagePayload,
  type RunStagePayloadInput,
  type StageRole,
} from './payloads/run-stage.schema.js';
export { stopStagePayloadSchema, type StopStagePayload } from './payloads/stop-stage.schema.js';
export { syncSchedulePayloadSchema, type SyncSchedulePayload } from './payloads/sync-schedule.schema.js';
export { installShutdown, type ShutdownOptions } from './shutdown.js';
