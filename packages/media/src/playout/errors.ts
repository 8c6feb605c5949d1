import { MediaError } from '../errors.js';

export type PlayoutErrorReason =
  'invalid-action' | 'no-playout' | 'bad-spec' | 'gstreamer' | 'closed' | 'passthrough-unavailable';

/** Playout misuse or failure; the message says what to do. */
export class PlayoutError extends MediaError {
  override name = 'PlayoutError';
  constructor(
    readonly reason: PlayoutErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`playout:${reason}`, message, options);
  }

  static invalidAction(action: string, state: string, hint: string): PlayoutError {
    return new PlayoutError('invalid-action', `cannot ${action}: the playout is ${state}; ${hint}`);
  }
}
