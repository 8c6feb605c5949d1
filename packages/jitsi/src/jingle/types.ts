/**
 * Typed model of the Jingle stanzas Jitsi uses (XEP-0166 core, XEP-0167 RTP, XEP-0176 ICE-UDP, XEP-0320 DTLS,
 * XEP-0338 grouping, XEP-0339 SSMA, XEP-0294 hdrext, XEP-0293 rtcp-fb, plus jitsi extensions). Mirrors what
 * lib-jitsi-meet `modules/sdp/SDP.ts` and jicofo `conference/source/*` read and write. See docs/jitsi-protocol.md §7–§10.
 * Produced by `parseJingle` and consumed by `buildJingle` (round-trip).
 */

/** XEP-0166 §7.2 actions plus the Jitsi `source-add`/`source-remove` (legacy `addsource`/`removesource` are normalised). */
export type JingleAction =
  | 'session-initiate'
  | 'session-accept'
  | 'session-terminate'
  | 'session-info'
  | 'transport-info'
  | 'transport-replace'
  | 'transport-accept'
  | 'transport-reject'
  | 'content-add'
  | 'content-accept'
  | 'content-modify'
  | 'content-reject'
  | 'content-remove'
  | 'description-info'
  | 'security-info'
  | 'source-add'
  | 'source-remove';

export const JINGLE_ACTIONS: readonly JingleAction[] = [
  'session-initiate',
  'session-accept',
  'session-terminate',
  'session-info',
  'transport-info',
  'transport-replace',
  'transport-accept',
  'transport-reject',
  'content-add',
  'content-accept',
  'content-modify',
  'content-reject',
  'content-remove',
  'description-info',
  'security-info',
  'source-add',
  'source-remove',
];

export type JingleCreator = 'initiator' | 'responder';
/** XEP-0166 §7.3; offer side: both → sendrecv, initiator → sendonly, responder → recvonly, none → inactive. */
export type JingleSenders = 'both' | 'initiator' | 'responder' | 'none';

/** XEP-0166 §7.4 reason conditions (kept as a string: peers may send any, we only switch on a few). */
export interface JingleReason {
  condition: string;
  text?: string;
}

export interface JingleParameter {
  /** Absent for a nameless fmtp value (LJM writes the bare value as `value`). */
  name?: string;
  value: string;
}

/** XEP-0293: `<rtcp-fb type subtype>` → `a=rtcp-fb:<pt> <type> [<subtype>]`. */
export interface JingleRtcpFb {
  type: string;
  subtype?: string;
}

export interface JinglePayloadType {
  id: number;
  name: string;
  clockrate?: number;
  channels?: number;
  maxptime?: number;
  ptime?: number;
  parameters: JingleParameter[];
  rtcpFbs: JingleRtcpFb[];
}

/** XEP-0294: `<rtp-hdrext id uri [senders]>` → `a=extmap:<id>[/<direction>] <uri>`. */
export interface JingleHeaderExtension {
  id: number;
  uri: string;
  senders?: JingleSenders;
}

/** XEP-0339 `<source>` with the jitsi attributes (`name`, `videoType`) and `<ssrc-info owner>`. */
export interface JingleSource {
  ssrc: number;
  /** Source name, e.g. `831de82b-v0`; mandatory for jicofo since 2024-01. */
  name?: string;
  /** `camera` | `desktop` as sent; other values are kept verbatim. */
  videoType?: string;
  /** `<ssrc-info xmlns="http://jitsi.org/jitmeet" owner>`: endpoint id, `jvb`, or (older jicofo) a full occupant JID. */
  owner?: string;
  /** `<parameter name="msid" value="<stream> <track>">`. */
  msid?: string;
  /** `<parameter name="cname">` when a peer sends one (jicofo does not). */
  cname?: string;
}

export interface JingleSsrcGroup {
  /** `FID` (RTX pairing) or `SIM` (simulcast layers); others kept verbatim. */
  semantics: string;
  ssrcs: number[];
}

export interface JingleDescription {
  media: string;
  maxptime?: number;
  payloadTypes: JinglePayloadType[];
  /** Description-level `<rtcp-fb>` (applies to every payload type: `a=rtcp-fb:*`). */
  rtcpFbs: JingleRtcpFb[];
  headerExtensions: JingleHeaderExtension[];
  rtcpMux: boolean;
  extmapAllowMixed: boolean;
  sources: JingleSource[];
  ssrcGroups: JingleSsrcGroup[];
}

/** XEP-0320 `<fingerprint hash setup>`. */
export interface JingleFingerprint {
  hash: string;
  setup?: 'actpass' | 'active' | 'passive' | 'holdconn';
  value: string;
}

/** XEP-0176 §5 `<candidate>`. */
export interface JingleCandidate {
  component: number;
  foundation: string;
  generation: number;
  id?: string;
  network?: number;
  ip: string;
  port: number;
  priority: number;
  protocol: string;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  relAddr?: string;
  relPort?: number;
  tcptype?: string;
}

export interface JingleTransport {
  ufrag?: string;
  pwd?: string;
  fingerprints: JingleFingerprint[];
  candidates: JingleCandidate[];
  /** `<web-socket xmlns="http://jitsi.org/protocol/colibri" url>`: several are normal (jbg/gst-meet#87). */
  webSockets: string[];
  rtcpMux: boolean;
}

export interface JingleContent {
  name: string;
  creator: JingleCreator;
  senders: JingleSenders;
  description?: JingleDescription;
  transport?: JingleTransport;
}

/** XEP-0338 `<group semantics="BUNDLE">`. */
export interface JingleGroup {
  semantics: string;
  contents: string[];
}

/** One JSON-encoded source (jicofo `Source.kt` compact form): `s` ssrc, `n` name, `m` msid, `v:"d"` desktop. */
export interface JsonSource {
  ssrc: number;
  name?: string;
  msid?: string;
  videoType?: 'camera' | 'desktop';
}

/** Per owner: `[videoSources, videoGroups, audioSources, audioGroups?]` (jicofo `EndpointSourceSet.kt`). */
export interface JsonOwnerSources {
  video: JsonSource[];
  videoGroups: JingleSsrcGroup[];
  audio: JsonSource[];
  audioGroups: JingleSsrcGroup[];
}

/** `<json-message xmlns="http://jitsi.org/jitmeet">{"sources":{owner:[…]}}` decoded; keys are owners as sent. */
export type JsonSources = Record<string, JsonOwnerSources>;

export interface JingleMessage {
  action: JingleAction;
  sid: string;
  initiator?: string;
  responder?: string;
  contents: JingleContent[];
  /** BUNDLE (and any other) groups. */
  groups: JingleGroup[];
  /** `<bridge-session xmlns="http://jitsi.org/protocol/focus" id>`: keep it, restarts need it (§7, §14). */
  bridgeSessionId?: string;
  /** `restart="true"` on our session-terminate asks jicofo for a new session (§14). */
  bridgeSessionRestart?: boolean;
  /** `ice-restart="true"` (2026 in-place ICE restart request in session-info). */
  bridgeSessionIceRestart?: boolean;
  bridgeSessionRegion?: string;
  reason?: JingleReason;
  /** Decoded `<json-message>` sources (json-encoded-sources feature, §10). */
  jsonSources?: JsonSources;
  /** `<startmuted xmlns="http://jitsi.org/jitmeet/start-muted" audio video>`. */
  startMuted?: { audio: boolean; video: boolean };
  /** Legacy `<ice-state xmlns="http://jitsi.org/protocol/focus">` in session-info. */
  iceState?: string;
}
