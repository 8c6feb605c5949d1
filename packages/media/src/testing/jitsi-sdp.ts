/**
 * Turns a webrtcbin offer (one m-line per send source) into the shape a Jingle → SDP translation of a Jitsi
 * conference produces (docs/jitsi-protocol.md §7–§8): mids `audio`/`video`, one m-line per media carrying every
 * signalled SSRC (with cname/msid and FID groups) plus the bridge's own `jvb` sources, BUNDLE `audio video`.
 * And back: the participant's answer expanded to the offerer's m-lines. The same trick as the reference
 * jitsi-features.js (merged m-lines for the answerer, expanded answer for the offerer).
 */
import * as sdpTransform from 'sdp-transform';

export interface PeerSource {
  name: string;
  media: 'audio' | 'video';
  ssrc: number;
  owner: string;
}

export interface JitsiOfferOptions {
  sources: PeerSource[];
  /** Names of the sources the participant is told about (source-add = a later call with more names). */
  signalled: ReadonlySet<string>;
  /** Bridge-owned sources announced on each m-line (owner `jvb`), they never carry media. */
  jvb: { audio: number; video: number };
  /** SDP session version (o= line); must grow with each re-offer. */
  version: number;
}

export function toJitsiOffer(offerSdp: string, o: JitsiOfferOptions): { sdp: string; rtxOf: Map<number, number> } {
  const s = sdpTransform.parse(offerSdp);
  const bySsrc = new Map(o.sources.map((x) => [x.ssrc, x]));
  const rtxOf = new Map<number, number>();
  for (const m of s.media)
    for (const g of m.ssrcGroups ?? []) {
      const [p, r] = g.ssrcs.split(' ').map(Number);
      if (g.semantics === 'FID' && p && r) rtxOf.set(p, r);
    }
  const firstAudio = s.media.find((m) => m.type === 'audio');
  const firstVideo = s.media.find((m) => m.type === 'video');
  const out: sdpTransform.MediaDescription[] = [];
  for (const [kind, base] of [
    ['audio', firstAudio],
    ['video', firstVideo],
  ] as const) {
    if (!base) continue;
    const m: sdpTransform.MediaDescription = JSON.parse(JSON.stringify(base));
    m.mid = kind;
    m.direction = 'sendrecv';
    delete m.msid;
    m.ssrcs = [];
    m.ssrcGroups = [];
    for (const src of o.sources.filter((x) => x.media === kind && o.signalled.has(x.name))) {
      const rtx = rtxOf.get(src.ssrc);
      const msid = `${src.owner}-${kind}-0 ${src.name}`;
      for (const ssrc of rtx ? [src.ssrc, rtx] : [src.ssrc]) {
        m.ssrcs.push({ id: ssrc, attribute: 'cname', value: src.owner }, { id: ssrc, attribute: 'msid', value: msid });
      }
      if (rtx) m.ssrcGroups.push({ semantics: 'FID', ssrcs: `${src.ssrc} ${rtx}` });
    }
    const jvb = o.jvb[kind];
    m.ssrcs.push(
      { id: jvb, attribute: 'cname', value: 'jvb' },
      { id: jvb, attribute: 'msid', value: `mixedmslabel mixedlabel${kind}0` },
    );
    out.push(m);
  }
  void bySsrc;
  s.media = out;
  s.groups = [{ type: 'BUNDLE', mids: out.map((m) => m.mid).join(' ') }];
  s.origin = { ...s.origin!, sessionVersion: o.version };
  return { sdp: sdpTransform.write(s), rtxOf };
}

/** The participant's answer (mids audio/video) → an answer for the offerer's original m-lines. */
export function fromJitsiAnswer(answerSdp: string, offerSdp: string): string {
  const a = sdpTransform.parse(answerSdp);
  const off = sdpTransform.parse(offerSdp);
  const byKind = { audio: a.media.find((m) => m.type === 'audio'), video: a.media.find((m) => m.type === 'video') };
  const used = new Set<string>();
  a.media = off.media.map((om) => {
    const src = byKind[om.type as 'audio' | 'video'];
    if (!src) throw new Error(`answer has no ${om.type} m-line`);
    const m: sdpTransform.MediaDescription = JSON.parse(JSON.stringify(src));
    m.mid = om.mid;
    if (used.has(om.type)) {
      // A further send-only source of the offerer: the participant only receives on it.
      delete m.ssrcs;
      delete m.ssrcGroups;
      m.direction = 'recvonly';
    }
    used.add(om.type);
    return m;
  });
  a.groups = [{ type: 'BUNDLE', mids: a.media.map((m) => m.mid).join(' ') }];
  return sdpTransform.write(a);
}
