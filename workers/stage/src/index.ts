export { startStageWorker, type StageWorker, type StageWorkerOptions } from './stage-worker.js';
export { WorkerRegistry, type RegistryOptions } from './fleet/registry.js';
export { CapacityLedger, costOf, stageCostTable, defaultCapacityMillicores } from './capacity.js';
export { createClockRunner, countdownSubtitles, type ClockRunnerOptions } from './runners/clock.runner.js';
export { createParticipantRunner, type ParticipantRuntime } from './runners/participant.runner.js';
export {
  StageError,
  createRunnerRegistry,
  type StageJob,
  type StageRunContext,
  type StageRunner,
  type StageRunnerRegistry,
} from './runners/types.js';
export { readClockSync, type ClockSyncState } from './clock/clock-sync.js';
