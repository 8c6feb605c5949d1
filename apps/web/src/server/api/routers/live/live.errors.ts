/** Why an organizer's playout control cannot be sent now (mapped to CONFLICT in api/errors.ts). */
export type LiveControlErrorReason = 'playout-not-running' | 'playout-not-joined' | 'playout-silent';

export class LiveControlError extends Error {
  override name = 'LiveControlError';
  readonly code: string;
  constructor(
    readonly reason: LiveControlErrorReason,
    message: string,
  ) {
    super(message);
    this.code = `live:${reason}`;
  }
}
