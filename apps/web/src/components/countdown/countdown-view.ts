/**
 * What the page countdown shows at an instant, from the same pure schedule logic the renderers use
 * (@stagecast/schedule roomStateAt + formatCountdown): HH:MM:SS to the next talk, "Starting now" from the instant a
 * talk starts for `startingNowMs`, the talk on now and the one after.
 */
import { formatCountdown, roomStateAt } from '@stagecast/schedule';

export interface CountdownTalk {
  guid: string;
  title: string;
  speakers: string[];
  startMs: number;
  durationSeconds: number;
}

export interface CountdownView {
  /** Big line: HH:MM:SS, "Starting now", or a rest message. */
  display: string;
  kind: 'counting' | 'starting' | 'live' | 'done' | 'empty';
  /** The talk the big line is about (counting/starting), else null. */
  target: CountdownTalk | null;
  now: CountdownTalk | null;
  next: CountdownTalk | null;
}

export const STARTING_NOW_LABEL = 'Starting now';
export const DEFAULT_STARTING_NOW_MS = 60_000;

export function countdownView(
  talks: readonly CountdownTalk[],
  atMs: number,
  options: { startingNowMs?: number } = {},
): CountdownView {
  const startingNowMs = options.startingNowMs ?? DEFAULT_STARTING_NOW_MS;
  const timed = talks.map((talk) => ({ ...talk, start: { epochMs: talk.startMs } }));
  const state = roomStateAt(timed, atMs);
  const strip = (talk: (typeof timed)[number] | null): CountdownTalk | null =>
    talk
      ? {
          guid: talk.guid,
          title: talk.title,
          speakers: talk.speakers,
          startMs: talk.startMs,
          durationSeconds: talk.durationSeconds,
        }
      : null;
  const now = strip(state.now);
  const next = strip(state.next);
  if (talks.length === 0) return { display: 'No talks scheduled', kind: 'empty', target: null, now, next };
  if (now && (state.nowElapsedMs ?? Infinity) < startingNowMs) {
    return { display: STARTING_NOW_LABEL, kind: 'starting', target: now, now, next };
  }
  if (next && state.timeUntilNextMs !== null) {
    return { display: formatCountdown(state.timeUntilNextMs), kind: 'counting', target: next, now, next };
  }
  if (now) return { display: 'Live now', kind: 'live', target: null, now, next };
  return { display: 'No more talks today', kind: 'done', target: null, now, next };
}
