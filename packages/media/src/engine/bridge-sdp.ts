/**
 * SDP for the testbed forwarding bridge (src/engine/bridge.ts). Pure functions over sdp-transform objects.
 *
 * The bridge's webrtcbin per endpoint is an offerer with one m-line per transceiver: a sendrecv audio and video
 * transceiver (the endpoint's own media arrives there) plus one sendonly transceiver per forwarded source. Jitsi
 * participants expect jicofo's shape instead (docs/jitsi-protocol.md §7–§8): BUNDLE `audio video`, one m-line per
 * media carrying every other endpoint's SSRC (cname/msid lines, FID groups) and the bridge's own `jvb` sources,
 * payload types 111 (opus), 100 (VP8) + 96 (RTX), optionally 107 (H264) + 99 (RTX), extmaps audio-level 1 and TWCC 5.
 * `toJitsiBridgeOffer` merges the webrtcbin offer into that shape; `toWebrtcbinAnswer` expands the participant's
 * answer back to webrtcbin's m-lines (the forwarded-source m-lines answered recvonly), the same trick as the
 * reference jitsi-features.js.
 */
import * as sdpTransform from 'sdp-transform';
import { URI_AUDIO_LEVEL, URI_TWCC } from './sdp.js';

export interface BridgeSourceSdp {
  owner: string;
  name: string;
  media: 'audio' | 'video';
  ssrc: number;
  rtxSsrc?: number | undefined;
  msid: string;
}

export interface JitsiBridgeOfferOptions {
  /** Sources of other endpoints forwarded to this endpoint (all announced on the merged m-lines). */
  sources: BridgeSourceSdp[];
  /** The bridge's own sources (owner `jvb`), never carrying media (jicofo always announces them). */
  jvb: { audio: number; video: number };
  /** `a=candidate:` values (without `a=`) gathered so far by the bridge's webrtcbin. */
  candidates: string[];
  gatheringComplete: boolean;
  /** Offer H264 (107) with RTX (99) after VP8. */
  h264: boolean;
  /** o= session version; grows with each re-offer. */
  version: number;
}

const H264_FMTP = 'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1';

/** webrtcbin offer → jicofo-shaped offer (see module comment). Throws if the offer lacks an audio or video m-line. */
export function toJitsiBridgeOffer(rawOffer: string, o: JitsiBridgeOfferOptions): string {
  const s = sdpTransform.parse(rawOffer);
  const out: sdpTransform.MediaDescription[] = [];
  for (const kind of ['audio', 'video'] as const) {
    const base = s.media.find((m) => m.type === kind);
    if (!base) throw new Error(`bridge offer has no ${kind} m-line (webrtcbin transceivers missing)`);
    const m: sdpTransform.MediaDescription = JSON.parse(JSON.stringify(base));
    m.mid = kind;
    m.port = 9;
    m.direction = 'sendrecv';
    delete m.bundleOnly;
    delete m.msid;
    delete m.framerate;
    const keep = kind === 'audio' ? [111] : o.h264 ? [100, 96, 107, 99] : [100, 96];
    m.rtp = m.rtp.filter((r) => keep.includes(r.payload));
    m.fmtp = (m.fmtp ?? []).filter((f) => keep.includes(f.payload));
    m.rtcpFb = (m.rtcpFb ?? []).filter((f) => keep.includes(Number(f.payload)));
    if (kind === 'video') {
      // webrtcbin adds RTX only for the first codec (96 → VP8); jicofo also offers 99 → H264.
      if (!m.rtp.some((r) => r.payload === 96)) {
        m.rtp.push({ payload: 96, codec: 'rtx', rate: 90000 });
        m.fmtp.push({ payload: 96, config: 'apt=100' });
      }
      if (o.h264) {
        if (!m.rtp.some((r) => r.payload === 107))
          throw new Error('bridge offer has no H264 (107) although h264 was requested');
        m.rtp.push({ payload: 99, codec: 'rtx', rate: 90000 });
        m.fmtp.push({ payload: 99, config: 'apt=107' });
        const f107 = m.fmtp.find((f) => f.payload === 107);
        if (f107) f107.config = H264_FMTP;
      }
    }
    m.payloads = m.rtp.map((r) => r.payload).join(' ');
    m.ext = (m.ext ?? []).filter((e) => (kind === 'audio' ? [URI_AUDIO_LEVEL, URI_TWCC] : [URI_TWCC]).includes(e.uri));
    m.ssrcs = [];
    m.ssrcGroups = [];
    for (const src of o.sources.filter((x) => x.media === kind)) {
      for (const ssrc of src.rtxSsrc ? [src.ssrc, src.rtxSsrc] : [src.ssrc]) {
        m.ssrcs.push(
          { id: ssrc, attribute: 'cname', value: src.owner },
          { id: ssrc, attribute: 'msid', value: src.msid },
        );
      }
      if (src.rtxSsrc) m.ssrcGroups.push({ semantics: 'FID', ssrcs: `${src.ssrc} ${src.rtxSsrc}` });
    }
    const jvb = o.jvb[kind];
    m.ssrcs.push(
      { id: jvb, attribute: 'cname', value: 'jvb' },
      { id: jvb, attribute: 'msid', value: `mixedmslabel mixedlabel${kind}0` },
    );
    m.candidates = o.candidates.map(parseCandidate);
    if (o.gatheringComplete) m.endOfCandidates = 'end-of-candidates';
    else delete m.endOfCandidates;
    out.push(m);
  }
  s.media = out;
  s.groups = [{ type: 'BUNDLE', mids: 'audio video' }];
  s.origin = { ...s.origin!, sessionVersion: o.version };
  return sdpTransform.write(s);
}

/**
 * The participant's answer (mids audio/video) → an answer for webrtcbin's own offer: per webrtcbin m-line the same mid,
 * the codecs of that m-line the participant accepted, ICE/DTLS of the participant; the participant's SSRCs only on the
 * first m-line of each kind (where its media arrives); further m-lines (forwarded sources) answered recvonly.
 */
export function toWebrtcbinAnswer(participantAnswer: string, rawOffer: string): string {
  const a = sdpTransform.parse(participantAnswer);
  const off = sdpTransform.parse(rawOffer);
  const byKind = { audio: mergedKind(a, 'audio'), video: mergedKind(a, 'video') };
  const session = {
    iceUfrag: a.iceUfrag,
    icePwd: a.icePwd,
    fingerprint: a.fingerprint,
    setup: a.setup,
  };
  const used = new Set<string>();
  const media = off.media.map((om) => {
    const src = byKind[om.type as 'audio' | 'video'];
    if (!src) throw new Error(`participant answer has no ${om.type} m-line`);
    const offered = new Set(om.rtp.map((r) => r.payload));
    const first = !used.has(om.type);
    used.add(om.type);
    const accepted = src.rtp.filter((r) => offered.has(r.payload));
    const pts = accepted.map((r) => r.payload);
    const m: sdpTransform.MediaDescription = {
      type: om.type,
      port: 9,
      protocol: src.protocol,
      payloads: pts.join(' '),
      connection: { version: 4, ip: '0.0.0.0' },
      rtp: accepted,
      fmtp: (src.fmtp ?? []).filter((f) => pts.includes(f.payload)),
      rtcpFb: (src.rtcpFb ?? []).filter((f) => pts.includes(Number(f.payload))),
      ...(src.ext ? { ext: src.ext } : {}),
      mid: String(om.mid),
      rtcpMux: 'rtcp-mux',
      iceUfrag: src.iceUfrag ?? session.iceUfrag!,
      icePwd: src.icePwd ?? session.icePwd!,
      ...((src.fingerprint ?? session.fingerprint) ? { fingerprint: src.fingerprint ?? session.fingerprint! } : {}),
      setup: src.setup ?? session.setup ?? 'active',
    };
    if (first) {
      m.direction = src.direction ?? 'sendrecv';
      if (src.ssrcs) m.ssrcs = src.ssrcs;
      if (src.ssrcGroups) m.ssrcGroups = src.ssrcGroups;
    } else {
      m.direction = om.direction === 'inactive' ? 'inactive' : 'recvonly';
    }
    if (!pts.length) {
      // The participant accepted none of this m-line's codecs (e.g. H264 leg to a VP8-only answer): reject the m-line.
      m.port = 0;
      m.rtp = om.rtp.slice(0, 1);
      m.payloads = String(om.rtp[0]?.payload ?? 0);
      m.direction = 'inactive';
    }
    return m;
  });
  a.media = media;
  a.groups = [
    {
      type: 'BUNDLE',
      mids: media
        .filter((m) => m.port !== 0)
        .map((m) => m.mid)
        .join(' '),
    },
  ];
  delete a.iceUfrag;
  delete a.icePwd;
  delete a.fingerprint;
  delete a.setup;
  return sdpTransform.write(a);
}

/**
 * The first m-line of a kind carrying the SSRCs and groups of every m-line of that kind: a participant may answer
 * with several video m-lines (camera + desktop), which Jingle merges into one content the same way.
 */
function mergedKind(
  a: sdpTransform.SessionDescription,
  kind: 'audio' | 'video',
): sdpTransform.MediaDescription | undefined {
  const all = a.media.filter((m) => m.type === kind);
  const first = all[0];
  if (!first || all.length === 1) return first;
  return {
    ...first,
    ssrcs: all.flatMap((m) => m.ssrcs ?? []),
    ssrcGroups: all.flatMap((m) => m.ssrcGroups ?? []),
  };
}

function parseCandidate(
  line: string,
): sdpTransform.MediaAttributes['candidates'] extends (infer C)[] | undefined ? C : never {
  const text = line.replace(/^a=/, '').replace(/^candidate:/, '');
  const parsed = sdpTransform.parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:${text}\r\n`).media[0]?.candidates?.[0];
  if (!parsed) throw new Error(`unparseable ICE candidate "${line}"`);
  return parsed;
}

/**
 * What a participant's signaling does on source-add/source-remove (docs/jitsi-protocol.md §10, mode A): the same
 * offer with the SSRC lines of the audio/video m-lines replaced by `sources` (the `jvb` ones kept), version bumped.
 */
export function withRemoteSources(offerSdp: string, sources: BridgeSourceSdp[], version: number): string {
  const s = sdpTransform.parse(offerSdp);
  for (const m of s.media) {
    const kind = m.type as 'audio' | 'video';
    const jvb = (m.ssrcs ?? []).filter((l) => l.attribute === 'cname' && l.value === 'jvb').map((l) => Number(l.id));
    m.ssrcs = (m.ssrcs ?? []).filter((l) => jvb.includes(Number(l.id)));
    m.ssrcGroups = [];
    for (const src of sources.filter((x) => x.media === kind)) {
      for (const ssrc of src.rtxSsrc ? [src.ssrc, src.rtxSsrc] : [src.ssrc]) {
        m.ssrcs.push(
          { id: ssrc, attribute: 'cname', value: src.owner },
          { id: ssrc, attribute: 'msid', value: src.msid },
        );
      }
      if (src.rtxSsrc) m.ssrcGroups.push({ semantics: 'FID', ssrcs: `${src.ssrc} ${src.rtxSsrc}` });
    }
  }
  s.origin = { ...s.origin!, sessionVersion: version };
  return sdpTransform.write(s);
}
