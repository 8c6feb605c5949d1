/**
 * session-initiate shaped like jicofo's (docs/jitsi-protocol.md §7; jicofo `jicofo-common/src/main/resources/
 * reference.conf` codec defaults, `conference/source/*` for the source forms): BUNDLE, rtcp-mux, ICE + DTLS actpass,
 * the default payload types with rtcp-fb, header extensions, the bridge's own `jvb` sources, other participants'
 * sources (XML or JSON), several `<web-socket>` elements and a `<bridge-session id>`.
 */
import type { EndpointSourceSet } from '../jingle/validate-sources.js';
import type {
  JingleContent,
  JingleDescription,
  JingleMessage,
  JinglePayloadType,
  JingleSource,
  JingleSsrcGroup,
  JsonOwnerSources,
  JsonSources,
} from '../jingle/types.js';
import type { BridgeEndpointTransport } from './bridge-media-backend.js';

export const FEATURE = {
  audio: 'urn:xmpp:jingle:apps:rtp:audio',
  video: 'urn:xmpp:jingle:apps:rtp:video',
  rtx: 'urn:ietf:rfc:4588',
  tcc: 'http://jitsi.org/tcc',
  remb: 'http://jitsi.org/remb',
  json: 'http://jitsi.org/json-encoded-sources',
  rewriting: 'http://jitsi.org/ssrc-rewriting-1',
} as const;

const fb = (type: string, subtype?: string) => (subtype === undefined ? { type } : { type, subtype });

function videoFeedback(features: ReadonlySet<string>) {
  const list = [fb('ccm', 'fir'), fb('nack'), fb('nack', 'pli')];
  if (features.has(FEATURE.tcc)) list.push(fb('transport-cc'));
  else if (features.has(FEATURE.remb)) list.push(fb('goog-remb'));
  return list;
}

export function audioPayloadTypes(features: ReadonlySet<string>): JinglePayloadType[] {
  return [
    {
      id: 111,
      name: 'opus',
      clockrate: 48000,
      channels: 2,
      parameters: [
        { name: 'minptime', value: '10' },
        { name: 'useinbandfec', value: '1' },
      ],
      rtcpFbs: features.has(FEATURE.tcc) ? [fb('transport-cc')] : [],
    },
    { id: 126, name: 'telephone-event', clockrate: 8000, parameters: [], rtcpFbs: [] },
  ];
}

export function videoPayloadTypes(features: ReadonlySet<string>): JinglePayloadType[] {
  const rtx = features.has(FEATURE.rtx);
  const primary = (id: number, name: string, parameters: JinglePayloadType['parameters'] = []): JinglePayloadType => ({
    id,
    name,
    clockrate: 90000,
    parameters,
    rtcpFbs: videoFeedback(features),
  });
  const rtxPt = (id: number, apt: number): JinglePayloadType => ({
    id,
    name: 'rtx',
    clockrate: 90000,
    parameters: [{ name: 'apt', value: String(apt) }],
    rtcpFbs: [],
  });
  const list: JinglePayloadType[] = [primary(41, 'AV1')];
  if (rtx) list.push(rtxPt(42, 41));
  list.push(primary(100, 'VP8'));
  if (rtx) list.push(rtxPt(96, 100));
  list.push(primary(101, 'VP9'));
  if (rtx) list.push(rtxPt(97, 101));
  // jicofo writes the H264 fmtp as one parameter whose value carries the rest after `;`.
  list.push(primary(107, 'H264', [{ name: 'profile-level-id', value: '42e01f;level-asymmetry-allowed=1;packetization-mode=1' }]));
  if (rtx) list.push(rtxPt(99, 107));
  return list;
}

/** One remote participant's sources as they appear in an offer / source-add. */
export interface OwnedSources {
  owner: string;
  set: EndpointSourceSet;
}

export function xmlSourcesFor(media: 'audio' | 'video', owned: readonly OwnedSources[]): { sources: JingleSource[]; groups: JingleSsrcGroup[] } {
  const sources: JingleSource[] = [];
  const groups: JingleSsrcGroup[] = [];
  for (const o of owned) {
    for (const s of o.set.sources.filter((x) => x.media === media)) {
      const src: JingleSource = { ssrc: s.ssrc, owner: o.owner };
      if (s.name !== undefined) src.name = s.name;
      if (s.msid !== undefined) src.msid = s.msid;
      if (s.videoType !== undefined) src.videoType = s.videoType;
      sources.push(src);
    }
    for (const g of o.set.groups.filter((x) => x.media === media)) groups.push({ semantics: g.semantics, ssrcs: [...g.ssrcs] });
  }
  return { sources, groups };
}

export function jsonSourcesFor(owned: readonly OwnedSources[]): JsonSources {
  const out: JsonSources = {};
  for (const o of owned) {
    const entry: JsonOwnerSources = { video: [], videoGroups: [], audio: [], audioGroups: [] };
    for (const s of o.set.sources) {
      const js: JsonOwnerSources['video'][number] = { ssrc: s.ssrc };
      if (s.name !== undefined) js.name = s.name;
      if (s.msid !== undefined) js.msid = s.msid;
      if (s.videoType === 'desktop') js.videoType = 'desktop';
      (s.media === 'video' ? entry.video : entry.audio).push(js);
    }
    for (const g of o.set.groups) {
      (g.media === 'video' ? entry.videoGroups : entry.audioGroups).push({ semantics: g.semantics, ssrcs: [...g.ssrcs] });
    }
    out[o.owner] = entry;
  }
  return out;
}

export interface OfferParams {
  sid: string;
  initiator: string;
  features: ReadonlySet<string>;
  transport: BridgeEndpointTransport;
  webSockets: readonly string[];
  bridgeSessionId: string;
  /** Bridge feedback sources (owner `jvb`). */
  jvbSsrcs: { audio: number; video: number };
  /** Other participants' sources (ignored in SSRC-rewriting mode). */
  others: readonly OwnedSources[];
  rewriting: boolean;
  startMuted?: { audio: boolean; video: boolean };
}

export function buildOffer(p: OfferParams): JingleMessage {
  const useJson = p.features.has(FEATURE.json) && !p.rewriting;
  const others = p.rewriting ? [] : p.others;
  const contents: JingleContent[] = [];
  for (const media of ['audio', 'video'] as const) {
    if (!p.features.has(media === 'audio' ? FEATURE.audio : FEATURE.video)) continue;
    const jvb: JingleSource = {
      ssrc: p.jvbSsrcs[media],
      name: `jvb-${media[0]}0`,
      owner: 'jvb',
      msid: `mixedmslabel mixedlabel${media}0`,
    };
    const remote = useJson ? { sources: [], groups: [] } : xmlSourcesFor(media, others);
    const tcc = p.features.has(FEATURE.tcc);
    const description: JingleDescription = {
      media,
      payloadTypes: media === 'audio' ? audioPayloadTypes(p.features) : videoPayloadTypes(p.features),
      rtcpFbs: [],
      headerExtensions:
        media === 'audio'
          ? [
              { id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' },
              ...(tcc ? [{ id: 5, uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' }] : []),
              { id: 10, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
            ]
          : [
              { id: 3, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
              ...(tcc ? [{ id: 5, uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' }] : []),
              { id: 10, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
              { id: 11, uri: 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension' },
            ],
      rtcpMux: true,
      extmapAllowMixed: true,
      sources: [jvb, ...remote.sources],
      ssrcGroups: remote.groups,
    };
    if (media === 'audio') description.maxptime = 60;
    contents.push({
      name: media,
      creator: 'initiator',
      senders: 'both',
      description,
      transport: {
        ufrag: p.transport.ufrag,
        pwd: p.transport.pwd,
        fingerprints: [{ hash: p.transport.fingerprint.hash, value: p.transport.fingerprint.value, setup: 'actpass' }],
        candidates: p.transport.candidates.map((c) => ({ ...c })),
        webSockets: [...p.webSockets],
        rtcpMux: true,
      },
    });
  }
  const msg: JingleMessage = {
    action: 'session-initiate',
    sid: p.sid,
    initiator: p.initiator,
    contents,
    groups: [{ semantics: 'BUNDLE', contents: contents.map((c) => c.name) }],
    bridgeSessionId: p.bridgeSessionId,
    bridgeSessionRegion: 'stagecast-test',
  };
  if (useJson && others.length > 0) msg.jsonSources = jsonSourcesFor(others);
  if (p.startMuted) msg.startMuted = p.startMuted;
  return msg;
}
