/**
 * Pure scheduling decisions of the playout (no GStreamer): when the talk's first frame is shown and from which media
 * position, given the schedule, the wall clock now and the late-start policy. Unit-tested with plain numbers.
 */
import type { LatePolicy } from './playout-spec.js';

export interface StartPlan {
  /** Wall time (epoch ms) of the first frame shown. */
  switchAtMs: number;
  /** Media position (ms) of that frame. */
  positionMs: number;
  /** Set when the job came after T: how late, and what the policy decided. */
  late: { lateMs: number; policy: LatePolicy } | null;
  /** The file should be opened now (false: open at switchAtMs − openAheadMs). */
  openNow: boolean;
}

export interface PlanInput {
  startsAtMs: number;
  nowMs: number;
  policy: LatePolicy;
  startMarginMs: number;
  openAheadMs: number;
}

/**
 * Before T with enough time to open and preroll: switch exactly at T from position 0. Otherwise (late, or too
 * close to T to preroll in time) the first frame is shown at now + margin, from position 0 (`from-start`) or from
 * the position the schedule implies at that instant (`join-in`, rounded up to a whole second of the talk).
 *
 * "Too close" uses a third of the margin: a file that prerolls late still starts on time because the compositor
 * drops frames whose time has passed, so only a start already in the past needs the policy.
 */
export function planStart(p: PlanInput): StartPlan {
  const lead = p.startsAtMs - p.nowMs;
  if (lead >= p.startMarginMs / 3) {
    return { switchAtMs: p.startsAtMs, positionMs: 0, late: null, openNow: lead <= p.openAheadMs };
  }
  const earliest = p.nowMs + p.startMarginMs;
  const lateMs = Math.max(0, p.nowMs - p.startsAtMs);
  if (p.policy === 'join-in') {
    // Land on a whole second of the talk: that is a frame boundary at every integer frame rate, so the accurate seek
    // starts exactly on a frame and frame n is shown at T + n/fps (an arbitrary ms position would be clipped into
    // the middle of a frame, shifting the whole talk by up to one frame).
    const positionMs = Math.max(0, Math.ceil((earliest - p.startsAtMs) / 1000) * 1000);
    return { switchAtMs: p.startsAtMs + positionMs, positionMs, late: { lateMs, policy: p.policy }, openNow: true };
  }
  return { switchAtMs: earliest, positionMs: 0, late: { lateMs, policy: p.policy }, openNow: true };
}

/** Position (ms) shown at wall time `atMs` by a branch whose first frame (position `fromMs`) is shown at `switchAtMs`. */
export function positionAt(atMs: number, switchAtMs: number, fromMs: number): number {
  return fromMs + Math.max(0, atMs - switchAtMs);
}

/** The wall time at which position 0 is (or would have been) shown: the talk's effective start. */
export function effectiveStart(switchAtMs: number, fromMs: number): number {
  return switchAtMs - fromMs;
}

/** Ended before the container's declared duration (truncated or corrupt file), with a tolerance for rounding. */
export function endedEarly(positionMs: number, durationMs: number | null, toleranceMs = 1500): boolean {
  return durationMs !== null && durationMs > 0 && positionMs < durationMs - toleranceMs;
}
