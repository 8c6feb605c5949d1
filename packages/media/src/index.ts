/** @stagecast/media public API. */
export { createEngine, defaultEngineEntry, type CreateEngineOptions } from './client/create-engine.js';
export {
  EngineClient,
  type EngineClientEvents,
  type EngineClientState,
  type EngineClientTimings,
  type MediaDefaults,
  type MediaPortEvent,
} from './client/engine-client.js';
export {
  MediaError,
  EngineDiedError,
  EngineStartError,
  EngineRequestError,
  InvalidStateError,
  PipelineError,
  type EngineRequestErrorReason,
  type EngineStartErrorReason,
  type PipelineErrorReason,
} from './errors.js';
export { type Logger, silentLogger, redact } from './events.js';
export * from './protocol/messages.js';
export {
  sourceDescription,
  videoChainDescription,
  audioChainDescription,
  rtpCaps,
  formatOfCaps,
} from './builders/send.js';
export { branchPlan, fillTemplate, sanitizeTemplateValue, type TemplateVars } from './builders/receive.js';
export {
  createMetricsServer,
  MetricsServerError,
  MetricsState,
  metricsServerOptionsSchema,
  type MetricsServer,
  type MetricsServerOptions,
  type MetricsEventSource,
} from './metrics/metrics-server.js';
export * from './hls/index.js';
export * from './composite/index.js';
export * from './countdown/index.js';
export * from './playout/index.js';
