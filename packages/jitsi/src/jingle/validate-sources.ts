/**
 * Source validation as jicofo does it (`conference/source/ValidatingConferenceSourceMap.kt`, docs/jitsi-protocol.md §9):
 * used by our own session-accept/source-add as a self-check, and by the strict test focus so it rejects exactly what
 * jicofo would reject (bad-request). Rules:
 * - SSRC in 1…2³²−1 and unique in the conference; msid not used by another endpoint;
 * - ≤ maxSsrcs sources and ≤ maxGroups groups per endpoint; groups reference only signalled SSRCs;
 * - FID groups have exactly 2 SSRCs; every grouped source has an msid, shared by the whole group;
 * - per media, each (SIM/FID-extended) group of sources has a unique msid;
 * - since jicofo 2024-01: every source has a `name`; (Stagecast rule, §9) every video source has a `videoType`.
 */
import { JingleError } from '../errors.js';
import type { MediaKind } from '../media-port.js';
import type { JingleMessage, JingleSource, JingleSsrcGroup } from './types.js';

export type EndpointSource = JingleSource & { media: MediaKind };
export type EndpointGroup = JingleSsrcGroup & { media: MediaKind };
export interface EndpointSourceSet {
  sources: EndpointSource[];
  groups: EndpointGroup[];
}

export type SourceViolation =
  | 'invalid-ssrc'
  | 'ssrc-in-use'
  | 'msid-conflict'
  | 'too-many-sources'
  | 'too-many-groups'
  | 'group-unknown-source'
  | 'invalid-fid-group'
  | 'msid-missing'
  | 'group-msid-mismatch'
  | 'name-missing'
  | 'video-type-missing'
  | 'source-does-not-exist'
  | 'group-does-not-exist';

/** A jicofo-style rejection: `violation` names the rule; the message says what was wrong. */
export class SourceValidationError extends JingleError {
  override name = 'SourceValidationError';
  constructor(
    readonly violation: SourceViolation,
    detail: string,
  ) {
    super('malformed', `Sources rejected (${violation}): ${detail}. jicofo answers this with bad-request.`);
  }
}

export interface SourceLimits {
  /** jicofo `conference.max-ssrcs-per-user` (default 20). */
  maxSsrcs?: number;
  /** jicofo `conference.max-ssrc-groups-per-user` (default 20). */
  maxGroups?: number;
  /** Require `name` on every source and `videoType` on video sources (jicofo ≥ 2024-01 / Stagecast). Default true. */
  requireNames?: boolean;
}

/** Sources of a session-accept / source-add / source-remove (XML contents and `<json-message>`), keyed by media. */
export function endpointSourceSetFromJingle(msg: JingleMessage): EndpointSourceSet {
  const set: EndpointSourceSet = { sources: [], groups: [] };
  for (const c of msg.contents) {
    const d = c.description;
    if (!d || (d.media !== 'audio' && d.media !== 'video')) continue;
    const media = d.media;
    for (const s of d.sources) set.sources.push({ ...s, media });
    for (const g of d.ssrcGroups) set.groups.push({ semantics: g.semantics, ssrcs: [...g.ssrcs], media });
  }
  for (const owner of Object.values(msg.jsonSources ?? {})) {
    for (const [media, sources, groups] of [
      ['video', owner.video, owner.videoGroups],
      ['audio', owner.audio, owner.audioGroups],
    ] as const) {
      for (const s of sources) {
        const src: EndpointSource = { ssrc: s.ssrc, media };
        if (s.name !== undefined) src.name = s.name;
        if (s.msid !== undefined) src.msid = s.msid;
        if (s.videoType !== undefined) src.videoType = s.videoType;
        set.sources.push(src);
      }
      for (const g of groups) set.groups.push({ semantics: g.semantics, ssrcs: [...g.ssrcs], media });
    }
  }
  return set;
}

const groupKey = (g: EndpointGroup) => `${g.media}|${g.semantics}|${g.ssrcs.join(',')}`;

/** Internal consistency of one endpoint's complete source set (jicofo `validateEndpointSourceSet`). */
export function validateEndpointSourceSet(set: EndpointSourceSet, limits: SourceLimits = {}): void {
  const maxSsrcs = limits.maxSsrcs ?? 20;
  const maxGroups = limits.maxGroups ?? 20;
  if (set.sources.length > maxSsrcs)
    throw new SourceValidationError('too-many-sources', `${set.sources.length} > ${maxSsrcs}`);
  if (set.groups.length > maxGroups)
    throw new SourceValidationError('too-many-groups', `${set.groups.length} > ${maxGroups}`);
  const bySsrc = new Map<number, EndpointSource>();
  for (const s of set.sources) {
    if (!Number.isInteger(s.ssrc) || s.ssrc <= 0 || s.ssrc > 0xffffffff) {
      throw new SourceValidationError('invalid-ssrc', `ssrc ${s.ssrc}`);
    }
    if (bySsrc.has(s.ssrc)) throw new SourceValidationError('ssrc-in-use', `ssrc ${s.ssrc} signalled twice`);
    bySsrc.set(s.ssrc, s);
    if (limits.requireNames !== false) {
      if (!s.name) throw new SourceValidationError('name-missing', `ssrc ${s.ssrc} has no source name`);
      if (s.media === 'video' && !s.videoType) {
        throw new SourceValidationError('video-type-missing', `video ssrc ${s.ssrc} has no videoType`);
      }
    }
  }
  for (const g of set.groups) {
    if (g.semantics === 'FID' && g.ssrcs.length !== 2) {
      throw new SourceValidationError(
        'invalid-fid-group',
        `FID group [${g.ssrcs.join(' ')}] must have exactly 2 SSRCs`,
      );
    }
    let msid: string | undefined;
    for (const ssrc of g.ssrcs) {
      const s = bySsrc.get(ssrc);
      if (!s)
        throw new SourceValidationError('group-unknown-source', `group [${g.ssrcs.join(' ')}] references ${ssrc}`);
      if (!s.msid) throw new SourceValidationError('msid-missing', `grouped ssrc ${ssrc} has no msid`);
      msid ??= s.msid;
      if (s.msid !== msid) throw new SourceValidationError('group-msid-mismatch', `group [${g.ssrcs.join(' ')}]`);
    }
  }
  // Per media: sources of one SIM group (plus their FID partners), or one FID group, form one "stream" and share an
  // msid; different streams must not share one (audio and video may).
  for (const media of ['audio', 'video'] as const) {
    const streamOf = (ssrc: number): string => {
      const sim = set.groups.find((g) => g.media === media && g.semantics === 'SIM' && g.ssrcs.includes(ssrc));
      if (sim) return groupKey(sim);
      const fid = set.groups.find((g) => g.media === media && g.semantics === 'FID' && g.ssrcs.includes(ssrc));
      if (fid) {
        const primary = fid.ssrcs[0];
        const sim2 = set.groups.find(
          (g) => g.media === media && g.semantics === 'SIM' && primary !== undefined && g.ssrcs.includes(primary),
        );
        return groupKey(sim2 ?? fid);
      }
      return `single|${ssrc}`;
    };
    const msidByStream = new Map<string, string>();
    for (const s of set.sources) {
      if (s.media !== media || !s.msid) continue;
      const key = streamOf(s.ssrc);
      if (!msidByStream.has(key)) msidByStream.set(key, s.msid);
    }
    const seen = new Set<string>();
    for (const msid of msidByStream.values()) {
      if (seen.has(msid))
        throw new SourceValidationError('msid-conflict', `msid "${msid}" used by two ${media} streams`);
      seen.add(msid);
    }
  }
}

/**
 * Conference-wide registry with jicofo's add/remove semantics: atomic (a rejected change leaves the state untouched),
 * SSRCs unique across endpoints, msids not shared between endpoints, duplicate/empty groups ignored on add,
 * removal by SSRC only (groups containing a removed SSRC go too).
 */
export class ConferenceSourceRegistry {
  readonly #byOwner = new Map<string, EndpointSourceSet>();
  readonly #limits: SourceLimits;

  constructor(limits: SourceLimits = {}) {
    this.#limits = limits;
  }

  get(owner: string): EndpointSourceSet | undefined {
    const set = this.#byOwner.get(owner);
    return set ? { sources: set.sources.map((s) => ({ ...s })), groups: set.groups.map((g) => ({ ...g })) } : undefined;
  }

  owners(): string[] {
    return [...this.#byOwner.keys()];
  }

  /** Validates and adds; returns the accepted part (duplicate/empty groups dropped). Throws SourceValidationError. */
  tryToAdd(owner: string, add: EndpointSourceSet): EndpointSourceSet {
    const existing = this.#byOwner.get(owner) ?? { sources: [], groups: [] };
    for (const s of add.sources) {
      for (const [other, set] of this.#byOwner) {
        if (set.sources.some((x) => x.ssrc === s.ssrc)) {
          throw new SourceValidationError(
            'ssrc-in-use',
            `ssrc ${s.ssrc} already used by ${other === owner ? 'this endpoint' : 'another endpoint'}`,
          );
        }
        if (other !== owner && s.msid && set.sources.some((x) => x.msid === s.msid)) {
          throw new SourceValidationError('msid-conflict', `msid "${s.msid}" already used by another endpoint`);
        }
      }
    }
    const existingKeys = new Set(existing.groups.map(groupKey));
    const groups = add.groups.filter((g) => g.ssrcs.length > 0 && !existingKeys.has(groupKey(g)));
    const result: EndpointSourceSet = {
      sources: [...existing.sources, ...add.sources],
      groups: [...existing.groups, ...groups],
    };
    validateEndpointSourceSet(result, this.#limits);
    this.#byOwner.set(owner, result);
    return { sources: add.sources.map((s) => ({ ...s })), groups };
  }

  /** Removes by SSRC (parameters not compared, as jicofo); unknown SSRCs or groups are rejected. */
  tryToRemove(owner: string, remove: EndpointSourceSet): EndpointSourceSet {
    if (remove.sources.length === 0 && remove.groups.length === 0) return { sources: [], groups: [] };
    const existing = this.#byOwner.get(owner);
    if (!existing || existing.sources.length === 0) {
      throw new SourceValidationError('source-does-not-exist', `endpoint ${owner} has no sources`);
    }
    const removed: EndpointSource[] = [];
    for (const s of remove.sources) {
      const found = existing.sources.find((x) => x.ssrc === s.ssrc);
      if (!found) throw new SourceValidationError('source-does-not-exist', `ssrc ${s.ssrc}`);
      removed.push(found);
    }
    const existingKeys = new Set(existing.groups.map(groupKey));
    for (const g of remove.groups) {
      if (!existingKeys.has(groupKey(g)))
        throw new SourceValidationError('group-does-not-exist', `[${g.ssrcs.join(' ')}]`);
    }
    const removedSsrcs = new Set(removed.map((s) => s.ssrc));
    const removeKeys = new Set(remove.groups.map(groupKey));
    const removedGroups = existing.groups.filter(
      (g) => removeKeys.has(groupKey(g)) || g.ssrcs.some((ssrc) => removedSsrcs.has(ssrc)),
    );
    const result: EndpointSourceSet = {
      sources: existing.sources.filter((s) => !removedSsrcs.has(s.ssrc)),
      groups: existing.groups.filter((g) => !removedGroups.includes(g)),
    };
    validateEndpointSourceSet(result, this.#limits);
    if (result.sources.length === 0 && result.groups.length === 0) this.#byOwner.delete(owner);
    else this.#byOwner.set(owner, result);
    return { sources: removed, groups: removedGroups };
  }

  /** An endpoint left: all its sources go. */
  removeOwner(owner: string): EndpointSourceSet | undefined {
    const set = this.#byOwner.get(owner);
    this.#byOwner.delete(owner);
    return set;
  }
}
