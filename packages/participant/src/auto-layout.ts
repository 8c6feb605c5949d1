/**
 * The broadcast's `auto` layout ("follow the stage", issue 8): a pure decision from what the room says — the playout
 * participants' presence (playout-presence.ts), the composite's video sources and the dominant speaker — to one of
 * the composite's concrete layouts:
 *
 * - a playout participant is `playing` or `paused` → `single` pinned to it: the talk full frame;
 * - it is `scheduled` and its start is less than `leadMs` away (and at most `startGraceMs` past) → the same, early:
 *   the playout's own video switches from the countdown to the talk on the frame whose wall time is T
 *   (packages/media playout), so taking the stage a little before T puts that exact frame on air instead of cutting
 *   in after the state change has travelled through presence;
 * - it `ended` less than `tailMs` ago → still the playout: its talk's last frames reach the composite after the
 *   presence that says it ended (jitter buffer, decoding), so switching at once would cut them;
 * - otherwise a shared screen (not the playout's) → `screen-share`; else `speaker` (Q&A after a talk), featuring the
 *   dominant speaker unless that is a playout participant (its talk audio made it dominant), else the first unmuted
 *   camera of a person.
 *
 * No I/O and no clock of its own (`nowMs` is an input), so every rule is unit-tested; BroadcastHandle re-evaluates on
 * presence/roster/speaker changes and at `recheckAtMs`.
 */
import type { RoomPlayout } from './playout-presence.js';

export type AutoLayout = { kind: 'single'; pinned: string } | { kind: 'screen-share' } | { kind: 'speaker' };

export type AutoLayoutReason =
  'talk-playing' | 'talk-paused' | 'talk-starting' | 'talk-ending' | 'screen-shared' | 'speaker';

export interface AutoLayoutSource {
  owner: string;
  videoType: 'camera' | 'desktop';
  muted: boolean;
}

export interface AutoLayoutInput {
  playouts: readonly RoomPlayout[];
  /** The composite's video sources (roster order). */
  sources: readonly AutoLayoutSource[];
  /** Hysteresis-filtered dominant speaker (endpoint id). */
  dominant?: string | undefined;
  nowMs: number;
}

export interface AutoLayoutOptions {
  /** Take the stage this long before a scheduled talk's start (default 2000 ms). */
  leadMs?: number;
  /** A talk still `scheduled` this long after its start no longer holds the stage (default 5000 ms). */
  startGraceMs?: number;
  /** Keep the stage this long after a talk `ended` (default 1000 ms; 0 = switch at once). */
  tailMs?: number;
}

export interface AutoLayoutDecision {
  layout: AutoLayout;
  reason: AutoLayoutReason;
  /** The playout on stage, or (speaker/screen-share) the playout whose talk is over, when there is one. */
  playout?: RoomPlayout;
  /** Endpoint to feature in speaker/screen-share (never a playout participant); undefined = the composite's choice. */
  speaker?: string;
  /** The decision can change by time alone at this instant (a scheduled start's lead or grace): re-evaluate then. */
  recheckAtMs?: number;
  /** One line for logs and operators. */
  message: string;
}

export const DEFAULT_AUTO_LEAD_MS = 2000;
export const DEFAULT_AUTO_START_GRACE_MS = 5000;

export const DEFAULT_AUTO_TAIL_MS = 1000;

const RANK: Partial<Record<RoomPlayout['state'], number>> = { playing: 4, paused: 3, scheduled: 2, ended: 1 };

function talkName(p: RoomPlayout): string {
  return p.talk ? `"${p.talk}"` : `of ${p.endpointId}`;
}

export function decideAutoLayout(input: AutoLayoutInput, o: AutoLayoutOptions = {}): AutoLayoutDecision {
  const leadMs = o.leadMs ?? DEFAULT_AUTO_LEAD_MS;
  const graceMs = o.startGraceMs ?? DEFAULT_AUTO_START_GRACE_MS;
  const tailMs = o.tailMs ?? DEFAULT_AUTO_TAIL_MS;
  const { nowMs } = input;
  const video = input.sources;
  const hasCamera = (ep: string, unmutedOnly: boolean) =>
    video.some((s) => s.owner === ep && s.videoType === 'camera' && (!unmutedOnly || !s.muted));
  const playoutIds = new Set(input.playouts.map((p) => p.endpointId));

  // Which playouts hold the stage now, and when a scheduled one will take or lose it.
  const onStage: RoomPlayout[] = [];
  let recheckAtMs: number | undefined;
  const recheck = (t: number) => {
    if (t > nowMs && (recheckAtMs === undefined || t < recheckAtMs)) recheckAtMs = t;
  };
  for (const p of input.playouts) {
    if (p.state === 'playing' || p.state === 'paused') {
      if (hasCamera(p.endpointId, false)) onStage.push(p);
    } else if (p.state === 'scheduled' && p.startsAtMs !== undefined) {
      const from = p.startsAtMs - leadMs;
      const until = p.startsAtMs + graceMs;
      recheck(from);
      recheck(until);
      if (nowMs >= from && nowMs < until && hasCamera(p.endpointId, true)) onStage.push(p);
    } else if (p.state === 'ended' && p.sinceMs !== undefined && tailMs > 0) {
      const until = p.sinceMs + tailMs;
      recheck(until);
      if (nowMs < until && hasCamera(p.endpointId, false)) onStage.push(p);
    }
  }
  const withRecheck = (d: AutoLayoutDecision): AutoLayoutDecision =>
    recheckAtMs !== undefined ? { ...d, recheckAtMs } : d;

  if (onStage.length) {
    // Several playouts (unusual): playing before paused before starting before ending; then the latest start; then the id.
    onStage.sort(
      (a, b) =>
        (RANK[b.state] ?? 0) - (RANK[a.state] ?? 0) ||
        (b.startsAtMs ?? 0) - (a.startsAtMs ?? 0) ||
        a.endpointId.localeCompare(b.endpointId),
    );
    const p = onStage[0]!;
    const reason: AutoLayoutReason =
      p.state === 'playing'
        ? 'talk-playing'
        : p.state === 'paused'
          ? 'talk-paused'
          : p.state === 'ended'
            ? 'talk-ending'
            : 'talk-starting';
    const message = {
      'talk-playing': () => `talk ${talkName(p)} is playing: stage (playout full frame)`,
      'talk-paused': () => `talk ${talkName(p)} is paused: stage kept (playout full frame)`,
      'talk-ending': () => `talk ${talkName(p)} ended: stage held ${tailMs} ms so its last frames are on air`,
      'talk-starting': () =>
        `talk ${talkName(p)} starts at ${new Date(p.startsAtMs!).toISOString()}: stage taken ${leadMs} ms ahead so its first frame is on air`,
    }[reason as 'talk-playing' | 'talk-paused' | 'talk-ending' | 'talk-starting']();
    return withRecheck({ layout: { kind: 'single', pinned: p.endpointId }, reason, playout: p, message });
  }

  // Not on stage: the people. The dominant speaker unless that is a playout participant.
  const people = video.filter((s) => !playoutIds.has(s.owner));
  const dominant =
    input.dominant !== undefined && !playoutIds.has(input.dominant) && hasCamera(input.dominant, false)
      ? input.dominant
      : undefined;
  const speaker =
    dominant ??
    people.find((s) => s.videoType === 'camera' && !s.muted)?.owner ??
    people.find((s) => s.videoType === 'camera')?.owner;
  // The most relevant playout for the message: the one whose talk just ended, else any.
  const last = [...input.playouts].sort((a, b) => (b.startsAtMs ?? 0) - (a.startsAtMs ?? 0))[0];
  const after =
    last && (last.state === 'ended' || last.state === 'stopped' || last.state === 'failed')
      ? `talk ${talkName(last)} ${last.state}; `
      : '';
  const extra = { ...(last ? { playout: last } : {}), ...(speaker ? { speaker } : {}) };
  const screen = people.find((s) => s.videoType === 'desktop' && !s.muted);
  if (screen) {
    return withRecheck({
      layout: { kind: 'screen-share' },
      reason: 'screen-shared',
      ...extra,
      message: `${after}no talk playing and ${screen.owner} shares a screen: screen-share`,
    });
  }
  return withRecheck({
    layout: { kind: 'speaker' },
    reason: 'speaker',
    ...extra,
    message: `${after}no talk playing, no screen shared: speaker layout${after ? ' (Q&A)' : ''}`,
  });
}

export function sameAutoLayout(a: AutoLayout | undefined, b: AutoLayout | undefined): boolean {
  if (!a || !b) return a === b;
  return a.kind === b.kind && (a.kind !== 'single' || (b.kind === 'single' && a.pinned === b.pinned));
}
