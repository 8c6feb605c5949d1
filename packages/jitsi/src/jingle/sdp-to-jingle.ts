/**
 * webrtcbin's answer SDP + our chosen sources → `session-accept` (docs/jitsi-protocol.md §8, §9; LJM
 * `modules/sdp/SDP.ts` `toJingle`/`transportToJingle`), plus the other stanzas we originate from SDP data:
 * `transport-info` (trickle), `source-add`/`source-remove` for our own sources, and candidate SDP ⇄ Jingle.
 *
 * Our `<source>` elements come from LocalSourceDescription (SSRCs we chose and set on the payloaders), never from
 * SSRC lines parsed back out of webrtcbin's SDP; only the RTX SSRC may be read from its `a=ssrc-group:FID`.
 */
import sdpTransform, { type MediaDescription, type SessionDescription } from 'sdp-transform';
import { JingleError } from '../errors.js';
import type { LocalSourceDescription, MediaKind } from '../media-port.js';
import { jingleMalformed } from '../xml/parse.js';
import { candidateAttribute } from './jingle-to-sdp.js';
import type {
  JingleCandidate,
  JingleContent,
  JingleDescription,
  JingleFingerprint,
  JingleMessage,
  JingleParameter,
  JinglePayloadType,
  JingleRtcpFb,
  JingleSource,
  JingleSsrcGroup,
  JingleTransport,
} from './types.js';

export interface SessionAcceptParams {
  /** The session-initiate being answered (sid, initiator, content names, offered payload types). */
  offer: JingleMessage;
  /** webrtcbin's local description (answer), ideally after ICE gathering so it carries candidates. */
  answerSdp: string;
  /** Our sources as the engine sends them (empty = receive-only: "Session accepted with no sources"). */
  localSources: readonly LocalSourceDescription[];
  /** Our full JID. */
  responder: string;
}

type SdpCandidate = NonNullable<MediaDescription['candidates']>[number];
const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);

function parseSdp(sdp: string): SessionDescription {
  if (typeof sdp !== 'string' || !sdp.includes('m=')) {
    throw new JingleError(
      'media-failed',
      'The media engine returned an answer SDP without m-lines; it cannot be sent to focus.',
    );
  }
  try {
    return sdpTransform.parse(sdp);
  } catch (err) {
    throw new JingleError('media-failed', 'The media engine returned an unparsable answer SDP.', { cause: err });
  }
}

/** Builds the session-accept JingleMessage; pass it to `buildJingle` for the XML. */
export function sdpToSessionAccept(params: SessionAcceptParams): JingleMessage {
  const { offer } = params;
  const session = parseSdp(params.answerSdp);
  const contents: JingleContent[] = [];
  const mids: string[] = [];
  session.media.forEach((m, index) => {
    const kind = m.type;
    if (kind !== 'audio' && kind !== 'video') return;
    // port 0 without bundle-only = rejected m-line (RFC 8843 §6.1); port 0 with bundle-only is a bundled m-line.
    if (m.port === 0 && m.bundleOnly !== 'bundle-only' && !hasInvalid(m, 'bundle-only')) return;
    const offered = findOfferContent(offer, m.mid, kind, index);
    if (!offered?.description) return;
    const name = offered.name;
    if (mids.includes(name)) return;
    const description = answerDescription(m, session, offered.description, params.localSources);
    contents.push({
      name,
      creator: 'responder',
      senders: 'both',
      description,
      transport: answerTransport(m, session),
    });
    mids.push(name);
  });
  if (contents.length === 0) {
    throw new JingleError(
      'media-failed',
      'The answer SDP accepts none of the offered contents; check the engine codecs.',
    );
  }
  // With BUNDLE all contents share one transport: fill in what webrtcbin wrote only on the first m-line.
  const shared = contents.find((c) => c.transport?.ufrag)?.transport;
  for (const c of contents) {
    if (!shared || !c.transport) continue;
    c.transport.ufrag ??= shared.ufrag;
    c.transport.pwd ??= shared.pwd;
    if (c.transport.fingerprints.length === 0) c.transport.fingerprints = shared.fingerprints.map((f) => ({ ...f }));
  }
  if (!shared?.pwd || shared.fingerprints.length === 0) {
    throw new JingleError(
      'media-failed',
      'The answer SDP has no ICE credentials or DTLS fingerprint; the engine answer is incomplete.',
    );
  }
  const bundle = session.groups?.find((g) => g.type === 'BUNDLE');
  const answerMids = bundle ? String(bundle.mids).split(' ') : [];
  const bundled = answerMids.length > 0 ? mids.filter((n) => answerMids.includes(n)) : mids;
  const msg: JingleMessage = {
    action: 'session-accept',
    sid: offer.sid,
    responder: params.responder,
    contents,
    groups: [{ semantics: 'BUNDLE', contents: bundled.length > 0 ? bundled : mids }],
  };
  if (offer.initiator) msg.initiator = offer.initiator;
  return msg;
}

function hasInvalid(m: MediaDescription, value: string): boolean {
  return (m.invalid ?? []).some((i) => i.value === value);
}

function findOfferContent(
  offer: JingleMessage,
  mid: string | undefined,
  kind: MediaKind,
  index: number,
): JingleContent | undefined {
  const rtp = offer.contents.filter((c) => c.description !== undefined);
  return (
    (mid !== undefined ? offer.contents.find((c) => c.name === String(mid)) : undefined) ??
    rtp.filter((c) => c.description?.media === kind)[0] ??
    rtp[index]
  );
}

function answerDescription(
  m: MediaDescription,
  session: SessionDescription,
  offered: JingleDescription,
  localSources: readonly LocalSourceDescription[],
): JingleDescription {
  const kind = m.type as MediaKind;
  const offeredById = new Map(offered.payloadTypes.map((p) => [p.id, p]));
  const payloadTypes: JinglePayloadType[] = [];
  const ids = String(m.payloads ?? '')
    .split(' ')
    .filter((p) => /^\d+$/.test(p))
    .map(Number);
  for (const id of ids) {
    const o = offeredById.get(id);
    // The answer must be a subset with the same ids (§9): anything else the engine invented is dropped.
    if (!o) continue;
    const rtp = m.rtp.find((r) => r.payload === id);
    if (rtp && rtp.codec.toLowerCase() !== o.name.toLowerCase()) continue;
    const fmtp = m.fmtp.find((f) => f.payload === id);
    const pt: JinglePayloadType = {
      id,
      name: o.name,
      parameters: fmtp ? fmtpToParameters(fmtp.config) : o.parameters.map((p) => ({ ...p })),
      rtcpFbs: (m.rtcpFb ?? [])
        .filter((fb) => String(fb.payload) === String(id))
        .map((fb): JingleRtcpFb => (fb.subtype ? { type: fb.type, subtype: fb.subtype } : { type: fb.type })),
    };
    if (o.clockrate !== undefined) pt.clockrate = o.clockrate;
    if (o.channels !== undefined) pt.channels = o.channels;
    payloadTypes.push(pt);
  }
  if (payloadTypes.length === 0) {
    throw new JingleError('no-usable-codec', `The engine's ${kind} answer shares no payload type with the offer.`);
  }
  const offeredExt = new Map(offered.headerExtensions.map((h) => [h.uri, h.id]));
  const desc: JingleDescription = {
    media: kind,
    payloadTypes,
    rtcpFbs: (m.rtcpFb ?? [])
      .filter((fb) => fb.payload === '*')
      .map((fb): JingleRtcpFb => (fb.subtype ? { type: fb.type, subtype: fb.subtype } : { type: fb.type })),
    // Same id as offered, or JVB would read the wrong extension.
    headerExtensions: (m.ext ?? [])
      .filter((e) => offeredExt.get(e.uri) === e.value)
      .map((e) => ({ id: e.value, uri: e.uri })),
    rtcpMux: m.rtcpMux === 'rtcp-mux' || hasInvalid(m, 'rtcp-mux-only'),
    extmapAllowMixed: m.extmapAllowMixed !== undefined || session.extmapAllowMixed !== undefined,
    sources: [],
    ssrcGroups: [],
  };
  // All m-lines of this kind merge into this content (§8): webrtcbin sends one source per m-line, so a screen share
  // (`<ep>-v1`) rides on an extra `video-desktop` m-line; its sources and FID groups belong to the `video` content.
  const sameKind = session.media.filter((x) => x.type === kind && !(x.port === 0 && x.bundleOnly !== 'bundle-only' && !hasInvalid(x, 'bundle-only')));
  const sends = (x: MediaDescription) => x.direction === undefined || x.direction === 'sendrecv' || x.direction === 'sendonly';
  const sending = sends(m) || sameKind.some(sends);
  if (sending) {
    const ours = localSources.filter((s) => s.media === kind);
    const { sources, groups } = localSourceElements(ours, sameKind.flatMap((x) => x.ssrcGroups ?? []));
    desc.sources = sources;
    desc.ssrcGroups = groups;
  }
  return desc;
}

/** `a=fmtp` config → `<parameter>`s (`name=value`; a bare token is a nameless value). */
export function fmtpToParameters(config: string): JingleParameter[] {
  const out: JingleParameter[] = [];
  for (const piece of config.split(';')) {
    const t = piece.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    out.push(eq > 0 ? { name: t.slice(0, eq).trim(), value: t.slice(eq + 1).trim() } : { value: t });
  }
  return out;
}

/**
 * Our sources as Jingle elements (§9): every source named, video sources typed, msid on every SSRC, RTX as a second
 * `<source>` with the same name/msid plus a 2-member FID group (jicofo `ValidatingConferenceSourceMap`).
 * `answerGroups` is consulted for the RTX SSRC when the engine did not report it.
 */
export function localSourceElements(
  sources: readonly LocalSourceDescription[],
  answerGroups: readonly { semantics: string; ssrcs: string | number }[] = [],
): { sources: JingleSource[]; groups: JingleSsrcGroup[] } {
  const out: JingleSource[] = [];
  const groups: JingleSsrcGroup[] = [];
  for (const s of sources) {
    const base: Omit<JingleSource, 'ssrc'> = { name: s.name, msid: s.msid };
    if (s.media === 'video') base.videoType = s.videoType ?? 'camera';
    out.push({ ssrc: s.ssrc, ...base });
    const rtx = s.rtxSsrc ?? rtxFromGroups(s.ssrc, answerGroups);
    if (rtx !== undefined && rtx !== s.ssrc) {
      out.push({ ssrc: rtx, ...base });
      groups.push({ semantics: 'FID', ssrcs: [s.ssrc, rtx] });
    }
  }
  return { sources: out, groups };
}

function rtxFromGroups(
  ssrc: number,
  groups: readonly { semantics: string; ssrcs: string | number }[],
): number | undefined {
  for (const g of groups) {
    if (g.semantics !== 'FID') continue;
    const [a, b] = String(g.ssrcs).trim().split(/\s+/).map(Number);
    if (a === ssrc && b !== undefined && Number.isInteger(b) && b > 0) return b;
  }
  return undefined;
}

function answerTransport(m: MediaDescription, session: SessionDescription): JingleTransport {
  // LJM repeats <rtcp-mux/> in the transport (`transportToJingle`).
  const rtcpMux = m.rtcpMux === 'rtcp-mux' || hasInvalid(m, 'rtcp-mux-only');
  const t: JingleTransport = { fingerprints: [], candidates: [], webSockets: [], rtcpMux };
  const ufrag = m.iceUfrag ?? session.iceUfrag;
  const pwd = m.icePwd ?? session.icePwd;
  if (ufrag) t.ufrag = ufrag;
  if (pwd) t.pwd = pwd;
  const fp = m.fingerprint ?? session.fingerprint;
  if (fp) {
    const f: JingleFingerprint = { hash: fp.type, value: fp.hash, setup: answerSetup(m.setup ?? session.setup) };
    t.fingerprints.push(f);
  }
  for (const c of m.candidates ?? []) {
    const jc = sdpCandidateToJingle(c);
    if (jc) t.candidates.push(jc);
  }
  return t;
}

/** webrtcbin answers `active`; JVB is then the DTLS server. `actpass` in an answer is invalid: treat as active. */
function answerSetup(setup: string | undefined): JingleFingerprint['setup'] {
  return setup === 'passive' ? 'passive' : 'active';
}

/** sdp-transform candidate → Jingle candidate; undefined for types Jingle cannot express. */
function sdpCandidateToJingle(c: SdpCandidate): JingleCandidate | undefined {
  const type = String(c.type).toLowerCase();
  if (!CANDIDATE_TYPES.has(type)) return undefined;
  const protocol = String(c.transport).toLowerCase();
  const out: JingleCandidate = {
    component: Number(c.component),
    foundation: String(c.foundation),
    generation: c.generation !== undefined ? Number(c.generation) : 0,
    id: candidateId(c),
    ip: String(c.ip),
    port: Number(c.port),
    priority: Number(c.priority),
    protocol,
    type: type as JingleCandidate['type'],
  };
  const networkId = (c as { 'network-id'?: number })['network-id'];
  if (networkId !== undefined) out.network = Number(networkId);
  if (c.raddr !== undefined) out.relAddr = String(c.raddr);
  if (c.rport !== undefined) out.relPort = Number(c.rport);
  if (c.tcptype !== undefined) out.tcptype = String(c.tcptype);
  return out;
}

/** Deterministic XEP-0176 candidate id (unique per foundation/component/address). */
function candidateId(c: SdpCandidate): string {
  const key = `${c.foundation}|${c.component}|${c.transport}|${c.ip}|${c.port}|${c.type}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * SDP candidate attribute (`candidate:…`, with or without `a=`) → Jingle candidate (RFC 8839 §5.1 → XEP-0176 §5).
 * Throws JingleError('malformed') for an unparsable line; an empty string (end of candidates) is not a candidate.
 */
export function candidateFromSdp(attribute: string): JingleCandidate {
  const line = attribute.trim().replace(/^a=/, '');
  if (!line.startsWith('candidate:')) throw jingleMalformed(`"${line.slice(0, 40)}" is not a candidate attribute`);
  let parsed: SdpCandidate | undefined;
  try {
    // A lone attribute parses at session level; sdp-transform's types only declare candidates on media.
    parsed = (sdpTransform.parse(`a=${line}\r\n`) as { candidates?: SdpCandidate[] }).candidates?.[0];
  } catch (err) {
    throw jingleMalformed('candidate attribute could not be parsed', err);
  }
  const c = parsed ? sdpCandidateToJingle(parsed) : undefined;
  if (!c || !Number.isInteger(c.port) || !Number.isInteger(c.component) || !Number.isInteger(c.priority)) {
    throw jingleMalformed(`candidate attribute "${line.slice(0, 60)}" is not a valid ICE candidate`);
  }
  return c;
}

/** Jingle candidate → SDP candidate attribute value (no `a=` prefix), as webrtcbin's add-ice-candidate expects. */
export const candidateToSdpAttribute = candidateAttribute;

export interface TransportInfoParams {
  sid: string;
  initiator?: string;
  /** Content (= mid) the candidates belong to; with BUNDLE the first content carries them. */
  contentName: string;
  ufrag: string;
  pwd: string;
  candidates: readonly JingleCandidate[];
}

/** Trickle ICE (§9): `transport-info` with our ufrag/pwd and new candidates; jicofo forwards it to the bridge. */
export function transportInfo(params: TransportInfoParams): JingleMessage {
  const msg: JingleMessage = {
    action: 'transport-info',
    sid: params.sid,
    groups: [],
    contents: [
      {
        name: params.contentName,
        creator: 'responder',
        senders: 'both',
        transport: {
          ufrag: params.ufrag,
          pwd: params.pwd,
          fingerprints: [],
          candidates: params.candidates.map((c) => ({ ...c })),
          webSockets: [],
          rtcpMux: false,
        },
      },
    ],
  };
  if (params.initiator) msg.initiator = params.initiator;
  return msg;
}

export interface SourceChangeParams {
  sid: string;
  initiator?: string;
  sources: readonly LocalSourceDescription[];
  /** Session content names per media (default `audio`/`video`). */
  contentNames?: Partial<Record<MediaKind, string>>;
}

/** Our own `source-add` / `source-remove` to focus (§10): same `<source>`/FID form as in session-accept. */
export function sourceChange(action: 'source-add' | 'source-remove', params: SourceChangeParams): JingleMessage {
  const contents: JingleContent[] = [];
  for (const media of ['audio', 'video'] as const) {
    const ours = params.sources.filter((s) => s.media === media);
    if (ours.length === 0) continue;
    const { sources, groups } = localSourceElements(ours);
    contents.push({
      name: params.contentNames?.[media] ?? media,
      creator: 'responder',
      senders: 'both',
      description: {
        media,
        payloadTypes: [],
        rtcpFbs: [],
        headerExtensions: [],
        rtcpMux: false,
        extmapAllowMixed: false,
        sources,
        ssrcGroups: groups,
      },
    });
  }
  const msg: JingleMessage = { action, sid: params.sid, contents, groups: [] };
  if (params.initiator) msg.initiator = params.initiator;
  return msg;
}
