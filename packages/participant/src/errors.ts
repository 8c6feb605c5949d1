/** Typed errors of a running participant: a `reason` to branch on and a message that says what to do. */

export type ParticipantErrorReason =
  | 'invalid-options'
  | 'engine-start-failed'
  | 'bad-pipeline'
  | 'join-failed'
  | 'engine-restarts-exhausted'
  | 'connection-lost'
  | 'removed-from-room'
  | 'aborted';

export class ParticipantError extends Error {
  override name = 'ParticipantError';
  readonly code: string;
  constructor(
    readonly reason: ParticipantErrorReason,
    message: string,
    options?: { cause?: unknown; details?: Record<string, string> },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = `participant:${reason}`;
    this.details = options?.details ?? {};
  }
  readonly details: Record<string, string>;
}
