/** A closed HLS segment as the bitrate sees it. */
export interface ClosedSegment {
  bytes: number;
  seconds: number;
  atMs: number;
}

/** How far back segments count towards an HLS output's bitrate (several segments at the longest target, 6 s). */
export const SEGMENT_RATE_WINDOW_MS = 20_000;

/**
 * An HLS output's bitrate from its recent segments (bytes over media seconds). Its bytes grow only when a segment
 * closes, so a per-interval difference alternates between 0 and a burst, and a reader sampling in step with the
 * segment cadence (the stage worker's status, every few seconds) could see 0 for minutes — CI saw exactly that.
 */
export function segmentBitrate(recent: readonly ClosedSegment[], nowMs: number): number {
  const live = recent.filter((r) => nowMs - r.atMs <= SEGMENT_RATE_WINDOW_MS && r.seconds > 0);
  const seconds = live.reduce((a, r) => a + r.seconds, 0);
  return seconds > 0 ? Math.round((live.reduce((a, r) => a + r.bytes, 0) * 8) / seconds) : 0;
}
