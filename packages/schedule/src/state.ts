/**
 * What is on in one room at an instant: a pure function of (talks, instant), so every consumer (clock participant,
 * composite overlay, public page, scheduler) computes the same answer from the same schedule and clock.
 *
 * Rules (all on UTC instants; DST and day boundaries therefore need no special cases):
 * - A talk occupies the half-open interval [start, start + duration). At the exact start instant it is live; at its
 *   exact end instant it is not, so back-to-back talks hand over without a gap or overlap. Zero-length talks are
 *   never live (they can still be `next` and `previous`).
 * - Overlaps: when several talks are live, `now` is the one that started last (the schedule says the newer slot has
 *   the room; an overrunning predecessor does not block it); ties go to the lower guid. The others are `overlapping`.
 * - `next` is the talk with the earliest start strictly after the instant (ties: lower guid), even while one is live.
 * - `previous` is the talk that ended last at or before the instant.
 * - phase: `idle` (room has no talks), `live` (a talk is on), `finished` (all talks over), `countdown` (nothing on,
 *   next talk opens a session: nothing before it, or the gap before it ≥ `sessionGapMs`, e.g. overnight), `between`
 *   (a short gap between talks).
 */
import { formatInZone, isValidTimeZone } from './time.js';

export interface TimedTalk {
  guid: string;
  start: { epochMs: number };
  durationSeconds: number;
}

export type RoomPhase = 'idle' | 'countdown' | 'live' | 'between' | 'finished';

export interface RoomStateOptions {
  /** A gap at least this long before the next talk counts as a new session (`countdown`). Default 3 h. */
  sessionGapMs?: number;
  /** IANA zone for the `display` strings (the conference zone). */
  timeZone?: string;
}

export interface RoomState<T extends TimedTalk> {
  phase: RoomPhase;
  /** The instant asked about, epoch ms. */
  atMs: number;
  now: T | null;
  next: T | null;
  previous: T | null;
  /** Other talks live at the instant besides `now` (see the overlap rule). */
  overlapping: T[];
  /** Until `next` starts; null when there is no next talk. */
  timeUntilNextMs: number | null;
  nowElapsedMs: number | null;
  nowRemainingMs: number | null;
  /** Wall times in `options.timeZone`, when given. */
  display: { timeZone: string; at: string; nowEnds: string | null; nextStarts: string | null } | null;
}

export type InstantInput = Date | number;

export const DEFAULT_SESSION_GAP_MS = 3 * 3600_000;

function toMs(instant: InstantInput): number {
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (!Number.isFinite(ms))
    throw new TypeError(`instant must be a valid Date or finite epoch ms, got ${String(instant)}`);
  return ms;
}

const endMs = (t: TimedTalk): number => t.start.epochMs + t.durationSeconds * 1000;
const byGuid = (a: TimedTalk, b: TimedTalk): number => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0);

export function roomStateAt<T extends TimedTalk>(
  talks: readonly T[],
  instant: InstantInput,
  options: RoomStateOptions = {},
): RoomState<T> {
  const at = toMs(instant);
  const sessionGapMs = options.sessionGapMs ?? DEFAULT_SESSION_GAP_MS;
  if (!(sessionGapMs >= 0)) throw new TypeError('options.sessionGapMs must be a non-negative number of milliseconds');
  if (options.timeZone !== undefined && !isValidTimeZone(options.timeZone)) {
    throw new TypeError(`options.timeZone "${options.timeZone}" is not an IANA time zone (e.g. "Europe/Berlin")`);
  }

  const live: T[] = [];
  let next: T | null = null;
  let previous: T | null = null;
  for (const t of talks) {
    const s = t.start.epochMs;
    const e = endMs(t);
    if (s <= at && at < e) live.push(t);
    if (s > at && (next === null || s < next.start.epochMs || (s === next.start.epochMs && byGuid(t, next) < 0)))
      next = t;
    if (e <= at) {
      const pe = previous === null ? -Infinity : endMs(previous);
      if (e > pe || (e === pe && previous !== null && byGuid(t, previous) < 0)) previous = t;
    }
  }
  live.sort((a, b) => b.start.epochMs - a.start.epochMs || byGuid(a, b));
  const now = live[0] ?? null;

  let phase: RoomPhase;
  if (talks.length === 0) phase = 'idle';
  else if (now) phase = 'live';
  else if (!next) phase = 'finished';
  else if (!previous || next.start.epochMs - endMs(previous) >= sessionGapMs) phase = 'countdown';
  else phase = 'between';

  const tz = options.timeZone;
  return {
    phase,
    atMs: at,
    now,
    next,
    previous,
    overlapping: live.slice(1),
    timeUntilNextMs: next ? next.start.epochMs - at : null,
    nowElapsedMs: now ? at - now.start.epochMs : null,
    nowRemainingMs: now ? endMs(now) - at : null,
    display: tz
      ? {
          timeZone: tz,
          at: formatInZone(at, tz, true),
          nowEnds: now ? formatInZone(endMs(now), tz) : null,
          nextStarts: next ? formatInZone(next.start.epochMs, tz) : null,
        }
      : null,
  };
}

/**
 * The first instant after `instant` at which `roomStateAt` can return a different now/next/previous/phase (a talk
 * start or end), for schedulers that sleep until then. Null when nothing changes any more.
 */
export function nextTransitionAt(talks: readonly TimedTalk[], instant: InstantInput): number | null {
  const at = toMs(instant);
  let best: number | null = null;
  for (const t of talks) {
    for (const x of [t.start.epochMs, endMs(t)]) if (x > at && (best === null || x < best)) best = x;
  }
  return best;
}

/**
 * `HH:MM:SS` for a countdown. Rounds up to whole seconds, so "00:00:00" appears exactly when the talk starts and
 * each digit changes on a wall-clock second boundary relative to the start. Hours keep counting past 24 (no days);
 * negative values clamp to "00:00:00".
 */
export function formatCountdown(ms: number): string {
  if (Number.isNaN(ms)) throw new TypeError('formatCountdown: ms is NaN');
  if (ms === Infinity) throw new TypeError('formatCountdown: ms is Infinity');
  const total = ms <= 0 ? 0 : Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
