/** Typed errors of @stagecast/media. Each carries a machine-readable `reason` and a message that says what to do. */

export class MediaError extends Error {
  override name = 'MediaError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The engine process exited without being asked to (crash, kill, watchdog). */
export class EngineDiedError extends MediaError {
  override name = 'EngineDiedError';
  constructor(
    readonly reason: 'crashed' | 'watchdog-heartbeat' | 'watchdog-request-timeout' | 'exited',
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(
      `engine:${reason}`,
      `media engine died (${reason}, code=${exitCode}, signal=${signal}); restart the engine and request a new ` +
        `Jingle session. Last stderr: ${stderrTail.slice(-400) || '(empty)'}`,
    );
  }
}

export type EngineStartErrorReason = 'spawn-failed' | 'exited-early' | 'timeout' | 'protocol-mismatch';
export class EngineStartError extends MediaError {
  override name = 'EngineStartError';
  constructor(
    readonly reason: EngineStartErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`engine-start:${reason}`, message, options);
  }
}

/** A call on an engine client that is closing/closed/dead. */
export class InvalidStateError extends MediaError {
  override name = 'InvalidStateError';
  constructor(message: string) {
    super('invalid-state', message);
  }
}

export type EngineRequestErrorReason =
  | 'timeout'
  | 'bad-request'
  | 'unknown-method'
  | 'unknown-session'
  | 'session-exists'
  | 'pipeline'
  | 'negotiation'
  | 'internal'
  | 'engine-gone';

/** The engine answered a request with an error, or the request timed out / the engine went away meanwhile. */
export class EngineRequestError extends MediaError {
  override name = 'EngineRequestError';
  constructor(
    readonly reason: EngineRequestErrorReason,
    readonly method: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(`engine-request:${reason}`, `${method}: ${message}`);
  }
}

export type PipelineErrorReason =
  'syntax' | 'unknown-element' | 'missing-named-element' | 'link-failed' | 'state-change';
/** A user-supplied gst-launch description (send pipeline, receive template) is unusable. Raised in the engine. */
export class PipelineError extends MediaError {
  override name = 'PipelineError';
  constructor(
    readonly reason: PipelineErrorReason,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(`pipeline:${reason}`, message);
  }
}
