/**
 * Remote source bookkeeping: the SSRC → (owner, source name, videoType, RTX) map that both the re-offer SDP and the
 * MediaPort routing are built from (docs/jitsi-protocol.md §8, §10).
 *
 * Mode A: session-initiate / source-add / source-remove in XML or JSON form (jicofo `conference/source/*`,
 * LJM `JingleSessionPC.ts` `addRemoteStream`/`removeRemoteStream`). Mode B (ssrc-rewriting-1): the bridge's
 * VideoSourcesMap/AudioSourcesMap (first complete, later deltas, slots remapped any time; LJM `processSourceMap`).
 * Every mutation returns a diff so the client re-offers only when the set of signalled SSRCs changed.
 */
import type { MediaKind, RemoteSource, VideoType } from '../media-port.js';
import type { AudioSourceMapping, VideoSourceMapping } from '../colibri/messages.js';
import type { JingleMessage, JingleSource, JingleSsrcGroup, JsonOwnerSources, JsonSource } from './types.js';

/** Sources and groups of one media kind, in Jingle shape (owner normalised, RTX as FID members). */
export interface MediaSources {
  sources: JingleSource[];
  groups: JingleSsrcGroup[];
}
export type RemoteSourceSet = Record<MediaKind, MediaSources>;

export interface SourceRemap {
  previous: RemoteSource;
  current: RemoteSource;
}

export interface SourceMapDiff {
  added: RemoteSource[];
  removed: RemoteSource[];
  /** Same SSRC, new owner/name/videoType/RTX (mode B slots; or a re-used SSRC in mode A). */
  remapped: SourceRemap[];
  /** True when the signalled SSRC set changed (added, removed, or an RTX pairing changed): re-offer to the engine. */
  needsReoffer: boolean;
}

export interface SourceMapOptions {
  /** Our endpoint id: sources claiming it are never treated as remote. */
  ownEndpointId?: string;
}

/** Owner of the bridge's own feedback sources. */
export const BRIDGE_OWNER = 'jvb';

interface Entry {
  source: RemoteSource;
  /** Fixed at first insertion so the SDP line for a slot never changes on remap (mode B). */
  cname: string;
  /** msid as signalled, or synthesised once. */
  msid: string;
}

/** Owner as endpoint id: old jicofo sent the full occupant JID (`room@muc/ep`): take the part after `/` (§10). */
export function normaliseOwner(owner: string | undefined, name: string | undefined): string | undefined {
  if (owner) {
    const slash = owner.lastIndexOf('/');
    const ep = slash >= 0 ? owner.slice(slash + 1) : owner;
    return ep || undefined;
  }
  // No ssrc-info: source names are `<ep>-<a|v><n>` (mandatory since jicofo 2024-01), so the prefix is the owner.
  const m = name ? /^(.+)-[av]\d+$/.exec(name) : null;
  return m?.[1];
}

/** Synthetic audio-translation sources (`<ep>-a0.<lang>`, jicofo a595d0bc5): not media we route; ignored. */
export function isSyntheticSource(name: string | undefined): boolean {
  return name !== undefined && /-a\d+\.[^.\s]+$/.test(name);
}

export function toVideoType(raw: string | undefined): VideoType | undefined {
  if (raw === undefined) return undefined;
  const v = raw.toLowerCase();
  if (v === 'camera') return 'camera';
  if (v === 'desktop' || v === 'desktop_high_fps') return 'desktop';
  return undefined;
}

const TOKEN = /^[\x21-\x7e]+$/;
const LINE_SAFE = /^[^\r\n\0]+$/;

/** Owner, name and cname become SDP tokens and msid an SDP value: refuse anything that could inject SDP lines. */
function isSafe(owner: string, name: string | undefined, msid: string | undefined, cname: string | undefined): boolean {
  return (
    TOKEN.test(owner) &&
    (name === undefined || TOKEN.test(name)) &&
    (msid === undefined || LINE_SAFE.test(msid)) &&
    (cname === undefined || TOKEN.test(cname))
  );
}

function sameSource(a: RemoteSource, b: RemoteSource): boolean {
  return (
    a.owner === b.owner &&
    a.name === b.name &&
    a.videoType === b.videoType &&
    a.rtxSsrc === b.rtxSsrc &&
    a.media === b.media &&
    a.msid === b.msid
  );
}

function emptyDiff(): SourceMapDiff {
  return { added: [], removed: [], remapped: [], needsReoffer: false };
}

interface Candidate {
  ssrc: number;
  media: MediaKind;
  owner?: string;
  name?: string;
  videoType?: string;
  msid?: string;
  cname?: string;
}

export class SourceMap {
  /** Keyed by primary SSRC. */
  readonly #entries = new Map<number, Entry>();
  /** RTX SSRC → primary SSRC. */
  readonly #rtxToPrimary = new Map<number, number>();
  /** SIM groups (rare for receivers: jicofo strips simulcast), kept only for the SDP. */
  #simGroups: { media: MediaKind; ssrcs: number[] }[] = [];
  readonly #own: string | undefined;

  constructor(options: SourceMapOptions = {}) {
    this.#own = options.ownEndpointId;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** All remote sources (bridge-owned included: route those to a fakesink). */
  sources(): RemoteSource[] {
    return [...this.#entries.values()].map((e) => ({ ...e.source }));
  }

  /** Looks up by primary or RTX SSRC. */
  get(ssrc: number): RemoteSource | undefined {
    const e = this.#entries.get(ssrc) ?? this.#entries.get(this.#rtxToPrimary.get(ssrc) ?? -1);
    return e ? { ...e.source } : undefined;
  }

  clear(): SourceMapDiff {
    const diff = emptyDiff();
    diff.removed = this.sources();
    diff.needsReoffer = diff.removed.length > 0;
    this.#entries.clear();
    this.#rtxToPrimary.clear();
    this.#simGroups = [];
    return diff;
  }

  /** session-initiate (or a fresh offer after restart): replaces the whole map with the offer's sources. */
  applyOffer(msg: JingleMessage): SourceMapDiff {
    const before = new Map([...this.#entries].map(([k, v]) => [k, v.source]));
    this.#entries.clear();
    this.#rtxToPrimary.clear();
    this.#simGroups = [];
    this.#addFromMessage(msg, emptyDiff());
    // Express the replacement as a diff against the previous state.
    const diff = emptyDiff();
    for (const [ssrc, prev] of before) {
      const cur = this.#entries.get(ssrc);
      if (!cur) diff.removed.push(prev);
      else if (!sameSource(prev, cur.source)) diff.remapped.push({ previous: prev, current: { ...cur.source } });
    }
    for (const [ssrc, cur] of this.#entries) if (!before.has(ssrc)) diff.added.push({ ...cur.source });
    return finish(diff);
  }

  /** `source-add` (XML `<source>`/`<ssrc-group>` and/or `<json-message>`). */
  applySourceAdd(msg: JingleMessage): SourceMapDiff {
    return finish(this.#addFromMessage(msg, emptyDiff()));
  }

  /** `source-remove`: same shape as source-add, matched by SSRC (owner and name are not trusted). */
  applySourceRemove(msg: JingleMessage): SourceMapDiff {
    const diff = emptyDiff();
    const ssrcs: number[] = [];
    for (const c of msg.contents) for (const s of c.description?.sources ?? []) ssrcs.push(s.ssrc);
    for (const set of Object.values(msg.jsonSources ?? {})) {
      for (const s of [...set.video, ...set.audio]) ssrcs.push(s.ssrc);
    }
    for (const ssrc of ssrcs) this.#removeSsrc(ssrc, diff);
    return finish(diff);
  }

  /** An occupant left: drop all its sources even without a source-remove (jitsi/jicofo#719). */
  removeOwner(endpointId: string): SourceMapDiff {
    const diff = emptyDiff();
    for (const [ssrc, e] of [...this.#entries]) if (e.source.owner === endpointId) this.#removeSsrc(ssrc, diff);
    return finish(diff);
  }

  /** Mode B `VideoSourcesMap`: each mapping sets one slot; unmentioned slots keep their mapping (deltas). */
  applyVideoSourcesMap(mappings: readonly VideoSourceMapping[]): SourceMapDiff {
    const diff = emptyDiff();
    for (const m of mappings) {
      const src: RemoteSource = {
        ssrc: m.ssrc,
        media: 'video',
        owner: normaliseOwner(m.owner, m.source) ?? m.owner,
        name: m.source,
      };
      if (m.rtx !== undefined && m.rtx > 0) src.rtxSsrc = m.rtx;
      const vt = toVideoType(m.videoType);
      if (vt) src.videoType = vt;
      this.#setSlot(src, diff);
    }
    return finish(diff);
  }

  /** Mode B `AudioSourcesMap`. */
  applyAudioSourcesMap(mappings: readonly AudioSourceMapping[]): SourceMapDiff {
    const diff = emptyDiff();
    for (const m of mappings) {
      this.#setSlot(
        { ssrc: m.ssrc, media: 'audio', owner: normaliseOwner(m.owner, m.source) ?? m.owner, name: m.source },
        diff,
      );
    }
    return finish(diff);
  }

  /** Jingle-shaped snapshot for `jingleToSdp` (each source with cname + msid, FID and SIM groups). */
  toSourceSet(): RemoteSourceSet {
    const set: RemoteSourceSet = { audio: { sources: [], groups: [] }, video: { sources: [], groups: [] } };
    for (const [ssrc, e] of this.#entries) {
      const s = e.source;
      const media = set[s.media];
      const base: Omit<JingleSource, 'ssrc'> = { name: s.name, owner: s.owner, msid: e.msid, cname: e.cname };
      if (s.videoType) base.videoType = s.videoType;
      media.sources.push({ ssrc, ...base });
      if (s.rtxSsrc !== undefined) {
        media.sources.push({ ssrc: s.rtxSsrc, ...base });
        media.groups.push({ semantics: 'FID', ssrcs: [ssrc, s.rtxSsrc] });
      }
    }
    for (const g of this.#simGroups) set[g.media].groups.push({ semantics: 'SIM', ssrcs: [...g.ssrcs] });
    return set;
  }

  #setSlot(src: RemoteSource, diff: SourceMapDiff): void {
    if (this.#own !== undefined && src.owner === this.#own) return;
    if (!isSafe(src.owner, src.name, undefined, undefined)) return;
    const existing = this.#entries.get(src.ssrc);
    if (existing) {
      if (sameSource(existing.source, src)) return;
      const previous = existing.source;
      if (previous.rtxSsrc !== undefined) this.#rtxToPrimary.delete(previous.rtxSsrc);
      existing.source = src;
      if (src.rtxSsrc !== undefined) this.#rtxToPrimary.set(src.rtxSsrc, src.ssrc);
      diff.remapped.push({ previous, current: { ...src } });
      if (previous.rtxSsrc !== src.rtxSsrc || previous.media !== src.media) diff.needsReoffer = true;
      return;
    }
    this.#insert(src, `${src.media}-slot-${src.ssrc}`, `${src.media}-slot-${src.ssrc} ${src.media}-slot-${src.ssrc}`);
    diff.added.push({ ...src });
  }

  #insert(src: RemoteSource, cname: string, msid: string): void {
    this.#entries.set(src.ssrc, { source: src, cname, msid });
    if (src.rtxSsrc !== undefined) this.#rtxToPrimary.set(src.rtxSsrc, src.ssrc);
  }

  #removeSsrc(ssrc: number, diff: SourceMapDiff): void {
    const e = this.#entries.get(ssrc);
    if (e) {
      this.#entries.delete(ssrc);
      if (e.source.rtxSsrc !== undefined) this.#rtxToPrimary.delete(e.source.rtxSsrc);
      this.#simGroups = this.#simGroups.filter((g) => !g.ssrcs.includes(ssrc));
      diff.removed.push({ ...e.source });
      return;
    }
    const primary = this.#rtxToPrimary.get(ssrc);
    const p = primary !== undefined ? this.#entries.get(primary) : undefined;
    if (p) {
      // Only the RTX SSRC went away: keep the source, drop its pairing.
      const previous = { ...p.source };
      delete p.source.rtxSsrc;
      this.#rtxToPrimary.delete(ssrc);
      diff.remapped.push({ previous, current: { ...p.source } });
      diff.needsReoffer = true;
    }
  }

  #addFromMessage(msg: JingleMessage, diff: SourceMapDiff): SourceMapDiff {
    for (const c of msg.contents) {
      const d = c.description;
      if (!d || (d.media !== 'audio' && d.media !== 'video')) continue;
      const media = d.media;
      this.#addGroup(
        d.sources.map((s) => ({ ...s, media })),
        d.ssrcGroups,
        media,
        diff,
      );
    }
    for (const [owner, set] of Object.entries(msg.jsonSources ?? {})) this.#addJsonOwner(owner, set, diff);
    return diff;
  }

  #addJsonOwner(owner: string, set: JsonOwnerSources, diff: SourceMapDiff): void {
    const conv = (s: JsonSource, media: MediaKind): Candidate => {
      const c: Candidate = { ssrc: s.ssrc, media, owner };
      if (s.name !== undefined) c.name = s.name;
      if (s.msid !== undefined) c.msid = s.msid;
      if (s.videoType !== undefined) c.videoType = s.videoType;
      return c;
    };
    this.#addGroup(
      set.video.map((s) => conv(s, 'video')),
      set.videoGroups,
      'video',
      diff,
    );
    this.#addGroup(
      set.audio.map((s) => conv(s, 'audio')),
      set.audioGroups,
      'audio',
      diff,
    );
  }

  #addGroup(candidates: Candidate[], groups: JingleSsrcGroup[], media: MediaKind, diff: SourceMapDiff): void {
    const byssrc = new Map(candidates.map((c) => [c.ssrc, c]));
    const rtxOf = new Map<number, number>();
    const secondaries = new Set<number>();
    for (const g of groups) {
      const [primary, second] = g.ssrcs;
      if (g.semantics === 'FID' && g.ssrcs.length === 2 && primary !== undefined && second !== undefined) {
        rtxOf.set(primary, second);
        secondaries.add(second);
      }
    }
    for (const c of candidates) {
      if (secondaries.has(c.ssrc)) continue;
      if (isSyntheticSource(c.name)) continue;
      const owner = normaliseOwner(c.owner, c.name);
      if (owner === undefined) continue; // cannot attribute it: ignore rather than mis-route (§10).
      if (!isSafe(owner, c.name, c.msid, c.cname)) continue;
      if (this.#own !== undefined && owner === this.#own) continue;
      const src: RemoteSource = { ssrc: c.ssrc, media, owner, name: c.name ?? `${owner}-${media[0] ?? 'x'}-${c.ssrc}` };
      const rtx = rtxOf.get(c.ssrc);
      if (rtx !== undefined && rtx !== c.ssrc) src.rtxSsrc = rtx;
      if (media === 'video') {
        const vt = toVideoType(c.videoType) ?? (owner === BRIDGE_OWNER ? undefined : 'camera');
        if (vt) src.videoType = vt;
      }
      if (c.msid !== undefined) src.msid = c.msid;
      const msid = c.msid ?? `${owner} ${src.name}`;
      const cname = c.cname ?? owner;
      const existing = this.#entries.get(c.ssrc);
      if (existing) {
        if (sameSource(existing.source, src)) continue;
        const previous = existing.source;
        if (previous.rtxSsrc !== undefined) this.#rtxToPrimary.delete(previous.rtxSsrc);
        this.#insert(src, cname, msid);
        diff.remapped.push({ previous, current: { ...src } });
        diff.needsReoffer = true;
        continue;
      }
      this.#insert(src, cname, msid);
      diff.added.push({ ...src });
    }
    // A FID group can arrive for a source signalled earlier (its secondary source element alone in this message).
    for (const [primary, rtx] of rtxOf) {
      if (byssrc.has(primary)) continue;
      const e = this.#entries.get(primary);
      if (e && e.source.rtxSsrc !== rtx) {
        const previous = { ...e.source };
        e.source.rtxSsrc = rtx;
        this.#rtxToPrimary.set(rtx, primary);
        diff.remapped.push({ previous, current: { ...e.source } });
        diff.needsReoffer = true;
      }
    }
    for (const g of groups) {
      if (g.semantics !== 'SIM') continue;
      const members = g.ssrcs.filter((s) => this.#entries.has(s));
      if (members.length >= 2) this.#simGroups.push({ media, ssrcs: members });
    }
  }
}

function finish(diff: SourceMapDiff): SourceMapDiff {
  diff.needsReoffer ||= diff.added.length > 0 || diff.removed.length > 0;
  return diff;
}
