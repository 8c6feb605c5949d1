import { MediaError } from '../errors.js';

export type CountdownErrorReason =
  | 'bad-style'
  | 'bad-target'
  | 'clock-not-realtime'
  | 'not-attached'
  | 'closed'
  | 'logo-missing'
  | 'restart-required'
  | 'gstreamer';

/** Countdown source misuse or failure; the message says what to do. */
export class CountdownError extends MediaError {
  override name = 'CountdownError';
  constructor(
    readonly reason: CountdownErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`countdown:${reason}`, message, options);
  }

  static clockNotRealtime(what: string): CountdownError {
    return new CountdownError(
      'clock-not-realtime',
      `countdown: the pipeline clock is ${what}, not a GstSystemClock of type REALTIME, so running time cannot be ` +
        'mapped to wall-clock seconds; call CountdownSource.useRealtimeClock(Gst, pipeline) before setting it to PLAYING',
    );
  }
}
