/**
 * Wall time of the frame on screen, from the stream's EXT-X-PROGRAM-DATE-TIME (RFC 8216 §4.3.2.6: the PDT tag maps
 * the first sample of a segment to an absolute date). hls.js reports the playing fragment with its
 * `programDateTime` (ms) and its `start` on the media timeline; the frame at `currentTime` was captured
 * `currentTime − start` seconds after the fragment's first frame. The countdown burned into the video was rendered
 * from that same wall time, so the page shows the countdown as of this instant to agree with the picture.
 */
export interface FragmentTiming {
  /** EXT-X-PROGRAM-DATE-TIME of the fragment, epoch ms. */
  programDateTimeMs: number;
  /** Fragment start on the media element's timeline, seconds. */
  startSec: number;
  durationSec: number;
}

/** Slack around the fragment when hls.js reports the fragment change a little before/after the playhead crosses. */
const EDGE_SLACK_SEC = 0.5;

/** Wall-clock ms of the frame at `currentTimeSec`, or null when the playhead is not inside `fragment`. */
export function frameWallTimeMs(fragment: FragmentTiming | null, currentTimeSec: number): number | null {
  if (!fragment || !Number.isFinite(fragment.programDateTimeMs) || !Number.isFinite(currentTimeSec)) return null;
  const into = currentTimeSec - fragment.startSec;
  if (into < -EDGE_SLACK_SEC || into > fragment.durationSec + EDGE_SLACK_SEC) return null;
  return fragment.programDateTimeMs + into * 1000;
}

/** Safari's native HLS: HTMLMediaElement.getStartDate() is the PDT of media time 0 (NaN without PDT). */
export function nativeFrameWallTimeMs(startDateMs: number, currentTimeSec: number): number | null {
  if (!Number.isFinite(startDateMs) || startDateMs <= 0 || !Number.isFinite(currentTimeSec)) return null;
  return startDateMs + currentTimeSec * 1000;
}

export type ClockSource = 'stream' | 'server' | 'local';

export interface ReferenceTime {
  source: ClockSource;
  atMs: number;
  /** How far the picture is behind real (server) time, when both are known. */
  videoDelayMs: number | null;
}

/** Beyond this the PDT is not the same clock as the schedule (encoder clock wrong, VOD replay); use server time. */
export const MAX_STREAM_SKEW_MS = 5 * 60_000;

/**
 * The instant the countdown is computed for: the frame's wall time while video plays (and it is plausible), else
 * the synced server clock, else the local clock until the first sync completes.
 */
export function referenceTime(input: {
  frameWallMs: number | null;
  serverNowMs: number | null;
  localNowMs: number;
}): ReferenceTime {
  const { frameWallMs, serverNowMs, localNowMs } = input;
  const realNow = serverNowMs ?? localNowMs;
  if (frameWallMs !== null && Math.abs(realNow - frameWallMs) <= MAX_STREAM_SKEW_MS) {
    return {
      source: 'stream',
      atMs: frameWallMs,
      videoDelayMs: serverNowMs === null ? null : serverNowMs - frameWallMs,
    };
  }
  if (serverNowMs !== null) return { source: 'server', atMs: serverNowMs, videoDelayMs: null };
  return { source: 'local', atMs: localNowMs, videoDelayMs: null };
}

/** ms until the reference clock crosses its next whole second (+2 ms so the new second has begun), for tick timers. */
export function msUntilNextSecond(atMs: number): number {
  const into = ((atMs % 1000) + 1000) % 1000;
  return 1000 - into + 2;
}
