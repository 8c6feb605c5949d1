/**
 * Jingle offer (session-initiate, plus the accumulated remote sources) → SDP offer for webrtcbin, built as
 * sdp-transform objects (docs/jitsi-protocol.md §8; LJM `modules/sdp/SDP.ts` `jingle2media`, `SDPUtil.ts`).
 *
 * Stagecast rules: one m-line per Jingle content, BUNDLE, rtcp-mux; payload types filtered to what the engine uses
 * (opus; VP8 + RTX; optionally H264 + RTX) so AV1/VP9/RED/telephone-event never reach webrtcbin (jbg/gst-meet#105);
 * every remote SSRC signalled with cname + msid (webrtcbin maps SSRC → m-line from them); demux is by SSRC.
 */
import sdpTransform, { type MediaAttributes, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { JingleError } from '../errors.js';
import type { MediaKind, RemoteCandidateParams, RemoteSource } from '../media-port.js';
import { SourceMap, type RemoteSourceSet } from './source-map.js';
import type {
  JingleCandidate,
  JingleContent,
  JingleHeaderExtension,
  JingleMessage,
  JingleParameter,
  JinglePayloadType,
  JingleSenders,
  JingleTransport,
} from './types.js';

/** Header extensions kept in the offer (§8): audio level, transport-cc, abs-send-time, sdes:mid. */
export const KEPT_HEADER_EXTENSIONS: readonly string[] = [
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'urn:ietf:params:rtp-hdrext:sdes:mid',
];

export interface JingleToSdpOptions {
  /** Also offer H264 (+ its RTX) to the engine. Default false: VP8 only. */
  h264?: boolean;
  /** Remote sources to signal (e.g. `SourceMap.toSourceSet()`); default: the sources of `offer` itself. */
  sources?: RemoteSourceSet;
  /** SDP `o=` session version; increase it on every re-offer (RFC 3264 §8). Default 1. */
  sessionVersion?: number;
}

export interface JingleToSdpResult {
  sdp: string;
  /** Sources signalled in `sdp` (primary SSRC, RTX folded into `rtxSsrc`): the SSRC → owner/name map for MediaPort. */
  remoteSources: RemoteSource[];
  /** m-line mids in order (= Jingle content names). */
  mids: string[];
}

const DIRECTION: Record<JingleSenders, NonNullable<MediaAttributes['direction']>> = {
  both: 'sendrecv',
  initiator: 'sendonly',
  responder: 'recvonly',
  none: 'inactive',
};

/** RFC 8285 §5 direction of an extmap, from the offerer's point of view. */
const EXT_DIRECTION: Record<JingleSenders, string | undefined> = {
  both: undefined,
  initiator: 'sendonly',
  responder: 'recvonly',
  none: 'inactive',
};

export function jingleToSdp(offer: JingleMessage, options: JingleToSdpOptions = {}): JingleToSdpResult {
  assertSdpSafe(offer);
  const sources = options.sources ?? offerSources(offer);
  const rtpContents = offer.contents.filter(
    (c): c is JingleContent & { description: NonNullable<JingleContent['description']> } =>
      c.description !== undefined && (c.description.media === 'audio' || c.description.media === 'video'),
  );
  if (rtpContents.length === 0) {
    throw new JingleError('no-usable-codec', 'The offer has no audio or video content; nothing to receive or send.');
  }
  const sharedTransport = rtpContents.find((c) => c.transport?.ufrag && c.transport.pwd)?.transport;
  if (!sharedTransport) {
    throw new JingleError(
      'malformed',
      'The offer carries no ICE ufrag/pwd; the bridge cannot be reached. Report the deployment.',
    );
  }

  const media: MediaDescription[] = [];
  const remoteSources: RemoteSource[] = [];
  const mids: string[] = [];
  const seenMedia = new Set<MediaKind>();
  for (const content of rtpContents) {
    const kind = content.description.media as MediaKind;
    const transport = content.transport?.ufrag && content.transport.pwd ? content.transport : sharedTransport;
    // All remote sources of a kind go on the first m-line of that kind (webrtcbin: one src pad per SSRC).
    const withSources = !seenMedia.has(kind);
    seenMedia.add(kind);
    media.push(buildMedia(content, kind, transport, withSources ? sources[kind] : undefined, options));
    mids.push(content.name);
    if (withSources) {
      const set = new SourceMap();
      // Re-derive RemoteSource objects from the (already normalised) set so the result matches the SDP exactly.
      set.applySourceAdd({
        action: 'source-add',
        sid: offer.sid,
        groups: [],
        contents: [
          {
            name: content.name,
            creator: 'initiator',
            senders: 'both',
            description: {
              ...emptyDescription(kind),
              sources: sources[kind].sources,
              ssrcGroups: sources[kind].groups,
            },
          },
        ],
      });
      remoteSources.push(...set.sources());
    }
  }

  const bundle = offer.groups.find((g) => g.semantics === 'BUNDLE');
  const bundleMids = bundle ? bundle.contents.filter((m) => mids.includes(m)) : [];
  const session: SessionDescription = {
    version: 0,
    origin: {
      username: '-',
      sessionId: sessionIdFor(offer.sid),
      sessionVersion: options.sessionVersion ?? 1,
      netType: 'IN',
      ipVer: 4,
      address: '127.0.0.1',
    },
    name: '-',
    timing: { start: 0, stop: 0 },
    // JVB always bundles (rfc5888 is assumed since 2022): bundle everything even if the group is missing.
    groups: [{ type: 'BUNDLE', mids: (bundleMids.length > 0 ? bundleMids : mids).join(' ') }],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media,
  };
  return { sdp: sdpTransform.write(session), remoteSources, mids };
}

const TOKEN = /^[\x21-\x7e]+$/;
const LINE_SAFE = /^[^\r\n\0]*$/;

/**
 * Every peer-supplied string that ends up in the SDP must not be able to inject lines (CR/LF) or split a token
 * (whitespace): an attribute value like `ufrag="x&#10;a=…"` would otherwise rewrite the offer given to webrtcbin.
 */
function assertSdpSafe(offer: JingleMessage): void {
  const token = (v: string | undefined, what: string) => {
    if (v !== undefined && !TOKEN.test(v)) throw unsafe(what, v);
  };
  const line = (v: string | undefined, what: string) => {
    if (v !== undefined && !LINE_SAFE.test(v)) throw unsafe(what, v);
  };
  for (const c of offer.contents) {
    token(c.name, 'content name');
    const d = c.description;
    if (d) {
      token(d.media, 'media');
      for (const pt of d.payloadTypes) {
        token(pt.name || undefined, 'payload-type name');
        for (const p of pt.parameters) {
          token(p.name, 'parameter name');
          line(p.value, 'parameter value');
        }
        for (const fb of pt.rtcpFbs) {
          token(fb.type, 'rtcp-fb type');
          token(fb.subtype, 'rtcp-fb subtype');
        }
      }
      for (const fb of d.rtcpFbs) {
        token(fb.type, 'rtcp-fb type');
        token(fb.subtype, 'rtcp-fb subtype');
      }
      for (const h of d.headerExtensions) token(h.uri, 'rtp-hdrext uri');
      for (const s of d.sources) {
        line(s.msid, 'msid');
        token(s.cname, 'cname');
        token(s.owner, 'owner');
      }
    }
    const t = c.transport;
    if (t) {
      token(t.ufrag, 'ufrag');
      token(t.pwd, 'pwd');
      for (const f of t.fingerprints) {
        token(f.hash, 'fingerprint hash');
        token(f.value, 'fingerprint');
      }
      for (const cand of t.candidates) {
        for (const v of [cand.foundation, cand.ip, cand.protocol, cand.relAddr, cand.tcptype]) token(v, 'candidate');
      }
    }
  }
  for (const [owner, set] of Object.entries(offer.jsonSources ?? {})) {
    token(owner, 'json source owner');
    for (const s of [...set.video, ...set.audio]) line(s.msid, 'msid');
  }
}

function unsafe(what: string, value: string): JingleError {
  return new JingleError(
    'malformed',
    `Malformed Jingle: ${what} "${value.slice(0, 40)}" contains characters that are not allowed in SDP. The offer was rejected.`,
  );
}

function emptyDescription(media: MediaKind) {
  return {
    media,
    payloadTypes: [],
    rtcpFbs: [],
    headerExtensions: [],
    rtcpMux: true,
    extmapAllowMixed: false,
  };
}

/** The offer's own sources (XML and JSON), normalised by the same rules as the running source map. */
export function offerSources(offer: JingleMessage): RemoteSourceSet {
  const map = new SourceMap();
  map.applyOffer(offer);
  return map.toSourceSet();
}

/** Deterministic numeric SDP session id from the Jingle sid (FNV-1a, 32 bit): stable across re-offers. */
function sessionIdFor(sid: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < sid.length; i++) {
    h ^= sid.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return String(h);
}

function buildMedia(
  content: JingleContent & { description: NonNullable<JingleContent['description']> },
  kind: MediaKind,
  transport: JingleTransport,
  sources: RemoteSourceSet[MediaKind] | undefined,
  options: JingleToSdpOptions,
): MediaDescription {
  const d = content.description;
  const pts = selectPayloadTypes(d.payloadTypes, kind, options);
  if (pts.length === 0) {
    const offered = d.payloadTypes.map((p) => `${p.name || '?'}/${p.id}`).join(', ') || 'none';
    throw new JingleError(
      'no-usable-codec',
      `The ${kind} content offers no codec Stagecast can use (offered: ${offered}; needed: ${kind === 'audio' ? 'opus' : 'VP8'}). Enable it in jicofo's codec config.`,
    );
  }
  const m: MediaDescription = {
    type: kind,
    port: 9,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: pts.map((p) => p.id).join(' '),
    connection: { version: 4, ip: '0.0.0.0' },
    rtp: [],
    fmtp: [],
    rtcpFb: [],
    mid: content.name,
    direction: DIRECTION[content.senders],
  };
  if (transport.ufrag) m.iceUfrag = transport.ufrag;
  if (transport.pwd) m.icePwd = transport.pwd;
  const fp = transport.fingerprints[0];
  if (fp) {
    m.fingerprint = { type: fp.hash, hash: fp.value };
    m.setup = fp.setup ?? 'actpass';
  }
  if (d.rtcpMux || transport.rtcpMux) m.rtcpMux = 'rtcp-mux';
  if (d.maxptime !== undefined) m.maxptime = d.maxptime;
  if (d.extmapAllowMixed) m.extmapAllowMixed = 'extmap-allow-mixed';

  const exts = d.headerExtensions.filter((h) => KEPT_HEADER_EXTENSIONS.includes(h.uri));
  if (exts.length > 0) m.ext = exts.map(toExtmap);

  for (const pt of pts) {
    m.rtp.push({
      payload: pt.id,
      codec: pt.name,
      rate: pt.clockrate,
      encoding: pt.channels !== undefined && pt.channels !== 1 ? pt.channels : undefined,
    });
    const config = fmtpConfig(pt.parameters);
    if (config) m.fmtp.push({ payload: pt.id, config });
    for (const fb of pt.rtcpFbs) m.rtcpFb?.push({ payload: pt.id, type: fb.type, subtype: fb.subtype });
  }
  for (const fb of d.rtcpFbs) m.rtcpFb?.push({ payload: '*', type: fb.type, subtype: fb.subtype });
  stripUndefined(m.rtp);
  stripUndefined(m.rtcpFb ?? []);

  if (sources && sources.sources.length > 0) {
    m.ssrcs = [];
    for (const s of sources.sources) {
      m.ssrcs.push({ id: s.ssrc, attribute: 'cname', value: s.cname ?? s.owner ?? 'unknown' });
      m.ssrcs.push({ id: s.ssrc, attribute: 'msid', value: s.msid ?? `${s.owner ?? 'unknown'} ${s.name ?? s.ssrc}` });
    }
    const known = new Set(sources.sources.map((s) => s.ssrc));
    const groups = sources.groups.filter((g) => g.ssrcs.every((s) => known.has(s)));
    if (groups.length > 0) m.ssrcGroups = groups.map((g) => ({ semantics: g.semantics, ssrcs: g.ssrcs.join(' ') }));
  }
  const candidates = transport.candidates.map(candidateToSdp);
  if (candidates.length > 0) m.candidates = candidates;
  if (m.rtcpFb?.length === 0) delete m.rtcpFb;
  return m;
}

function toExtmap(h: JingleHeaderExtension): NonNullable<MediaAttributes['ext']>[number] {
  const dir = h.senders ? EXT_DIRECTION[h.senders] : undefined;
  return dir ? { value: h.id, direction: dir, uri: h.uri } : { value: h.id, uri: h.uri };
}

function stripUndefined(items: object[]): void {
  for (const item of items) {
    for (const [k, v] of Object.entries(item)) if (v === undefined) delete (item as Record<string, unknown>)[k];
  }
}

/**
 * Payload types the engine handles: opus for audio; VP8 and (optionally) H264 for video, each with the RTX payload
 * type whose `apt` points at it. Order is the offer's. Everything else (AV1 41/42, VP9 101/97, RED 112,
 * telephone-event 126, unknown) is dropped.
 */
export function selectPayloadTypes(
  pts: readonly JinglePayloadType[],
  kind: MediaKind,
  options: Pick<JingleToSdpOptions, 'h264'> = {},
): JinglePayloadType[] {
  const wanted = kind === 'audio' ? ['opus'] : options.h264 ? ['vp8', 'h264'] : ['vp8'];
  const primaries = new Set(pts.filter((p) => wanted.includes(p.name.toLowerCase())).map((p) => p.id));
  return pts.filter((p) => {
    if (primaries.has(p.id)) return true;
    if (p.name.toLowerCase() !== 'rtx') return false;
    const apt = p.parameters.find((x) => x.name === 'apt')?.value;
    return apt !== undefined && /^\d+$/.test(apt) && primaries.has(Number(apt));
  });
}

/** `<parameter>`s → fmtp config: `name=value;…`; a nameless parameter is a bare value; stray `;` trimmed (jicofo H264). */
export function fmtpConfig(params: readonly JingleParameter[]): string {
  const parts: string[] = [];
  for (const p of params) {
    const raw = p.name ? `${p.name}=${p.value}` : p.value;
    for (const piece of raw.split(';')) {
      const t = piece.trim();
      if (t) parts.push(t);
    }
  }
  return parts.join(';');
}

/** Jingle `<candidate>` → sdp-transform candidate (XEP-0176 §5 ⇄ RFC 8839 §5.1). */
export function candidateToSdp(c: JingleCandidate): NonNullable<MediaAttributes['candidates']>[number] {
  const out: NonNullable<MediaAttributes['candidates']>[number] = {
    foundation: c.foundation,
    component: c.component,
    transport: c.protocol,
    priority: c.priority,
    ip: c.ip,
    port: c.port,
    type: c.type,
  };
  if (c.relAddr !== undefined) out.raddr = c.relAddr;
  if (c.relPort !== undefined) out.rport = c.relPort;
  if (c.tcptype !== undefined) out.tcptype = c.tcptype;
  out.generation = c.generation;
  return out;
}

/**
 * Candidates of a Jingle `transport-info` (or an offer) as MediaPort `addRemoteCandidate` inputs. `mids` are those of
 * the SDP given to the engine; a content without an m-line (e.g. `data`) maps to the first, bundled one.
 */
export function remoteCandidates(msg: JingleMessage, mids: readonly string[]): Omit<RemoteCandidateParams, 'sid'>[] {
  const out: Omit<RemoteCandidateParams, 'sid'>[] = [];
  const first = mids[0];
  if (first === undefined) return out;
  for (const c of msg.contents) {
    const index = mids.indexOf(c.name);
    const mid = index >= 0 ? c.name : first;
    for (const cand of c.transport?.candidates ?? []) {
      if (
        [cand.foundation, cand.ip, cand.protocol, cand.relAddr, cand.tcptype].some(
          (v) => v !== undefined && !TOKEN.test(v),
        )
      ) {
        continue; // would not survive as an SDP attribute; never hand it to the engine
      }
      out.push({ mid, mlineIndex: index >= 0 ? index : 0, candidate: candidateAttribute(cand) });
    }
  }
  return out;
}

/** RFC 8839 §5.1 candidate attribute value (no `a=`), the form webrtcbin's add-ice-candidate takes. */
export function candidateAttribute(c: JingleCandidate): string {
  const parts = [
    `candidate:${c.foundation}`,
    String(c.component),
    c.protocol,
    String(c.priority),
    c.ip,
    String(c.port),
    'typ',
    c.type,
  ];
  if (c.relAddr !== undefined && c.relPort !== undefined) parts.push('raddr', c.relAddr, 'rport', String(c.relPort));
  if (c.tcptype !== undefined) parts.push('tcptype', c.tcptype);
  parts.push('generation', String(c.generation));
  return parts.join(' ');
}
