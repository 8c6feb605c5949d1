/**
 * The playout participant's state in its MUC presence (issue 8: the broadcast composite follows the stage):
 *
 *   <stagecast-playout xmlns="https://stagecast.dev/ns/playout" state="playing" talk="Opening"
 *                      starts-at="2026-11-21T14:00:00.000Z" since="2026-11-21T14:00:00.012Z"/>
 *
 * published by startPlayout on every state change and read by any broadcast in the same room (stage worker or
 * `stagecast playout` + `stagecast broadcast` from the CLI): the room itself is the channel, no database needed.
 * Jitsi clients ignore unknown presence children (see @stagecast/jitsi presence extensions).
 */
import { readPresenceExtension, type Occupant, type PresenceExtension } from '@stagecast/jitsi';
import { playoutStateSchema, type PlayoutState } from '@stagecast/media';
import { z } from 'zod';

export const PLAYOUT_PRESENCE_NAME = 'stagecast-playout';
export const PLAYOUT_PRESENCE_NS = 'https://stagecast.dev/ns/playout';

export interface PlayoutPresence {
  state: PlayoutState;
  /** The talk's title (countdown title), if any. */
  talk?: string;
  /** Effective start of the talk (wall ms): position 0 is (or was) shown then. */
  startsAtMs?: number;
  /** When the playout entered `state` (wall ms, the playout engine's clock). */
  sinceMs?: number;
}

/** A playout participant seen in the room. */
export interface RoomPlayout extends PlayoutPresence {
  endpointId: string;
}

const MAX_TALK = 200;

export function playoutPresenceExtension(p: PlayoutPresence): PresenceExtension {
  const attrs: Record<string, string> = { state: p.state };
  if (p.talk) attrs.talk = p.talk.slice(0, MAX_TALK);
  if (p.startsAtMs !== undefined && Number.isFinite(p.startsAtMs))
    attrs['starts-at'] = new Date(p.startsAtMs).toISOString();
  if (p.sinceMs !== undefined && Number.isFinite(p.sinceMs)) attrs.since = new Date(p.sinceMs).toISOString();
  return { name: PLAYOUT_PRESENCE_NAME, xmlns: PLAYOUT_PRESENCE_NS, attrs };
}

const attrsSchema = z.object({
  state: playoutStateSchema,
  talk: z.string().max(MAX_TALK).optional(),
  'starts-at': z.iso.datetime({ offset: true }).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});

/** The element's attributes → state; undefined for garbage (unknown state, bad time). */
export function parsePlayoutPresence(attrs: Readonly<Record<string, string>>): PlayoutPresence | undefined {
  const parsed = attrsSchema.safeParse(attrs);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  return {
    state: a.state,
    ...(a.talk ? { talk: a.talk } : {}),
    ...(a['starts-at'] ? { startsAtMs: Date.parse(a['starts-at']) } : {}),
    ...(a.since ? { sinceMs: Date.parse(a.since) } : {}),
  };
}

/** The occupant's playout state, or undefined when it is not a playout participant (or sends garbage). */
export function readPlayoutPresence(o: Pick<Occupant, 'presence'>): PlayoutPresence | undefined {
  const ext = readPresenceExtension(o, PLAYOUT_PRESENCE_NAME, PLAYOUT_PRESENCE_NS);
  return ext ? parsePlayoutPresence(ext.attrs ?? {}) : undefined;
}

/** Every playout participant among the occupants. */
export function roomPlayouts(occupants: readonly Pick<Occupant, 'nick' | 'presence'>[]): RoomPlayout[] {
  const out: RoomPlayout[] = [];
  for (const o of occupants) {
    const p = readPlayoutPresence(o);
    if (p) out.push({ endpointId: o.nick, ...p });
  }
  return out;
}
