/** Admin-side refusals that are the caller's to fix (a bad upload, an unreachable schedule URL). */
export type AdminErrorReason =
  | 'not-found'
  | 'schedule-fetch-failed'
  | 'video-too-large'
  | 'video-type-not-allowed'
  | 'video-unreadable'
  | 'video-no-video-stream'
  | 'invalid-request';

export class AdminError extends Error {
  override name = 'AdminError';
  readonly code: string;
  constructor(
    readonly reason: AdminErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `admin:${reason}`;
  }
}
