export type JobsErrorReason = 'invalid-payload' | 'unknown-queue' | 'not-started' | 'stopped' | 'unavailable';

export class JobsError extends Error {
  override name = 'JobsError';
  readonly code: string;
  constructor(
    readonly reason: JobsErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `jobs:${reason}`;
  }
}

/**
 * Thrown by a handler (or by `work()` for an unparseable payload) when retrying cannot help: bad payload, not
 * authorized, the referenced row is gone. `work()` marks the job failed without retries; every other error is retried
 * per the queue's policy.
 */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
  readonly code = 'jobs:permanent';
  constructor(
    readonly reason: 'invalid-payload' | 'not-authorized' | 'not-found' | 'invalid-state',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPermanentJobError(error: unknown): error is PermanentJobError {
  return error instanceof PermanentJobError || (error instanceof Error && error.name === 'PermanentJobError');
}
