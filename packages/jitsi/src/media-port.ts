/**
 * The boundary between signaling (this package) and media (packages/media, a GStreamer engine process).
 * packages/jitsi never imports media code; packages/media satisfies this interface structurally and a composition
 * root (CLI, worker) connects the two. See docs/media-engine.md §6 and docs/jitsi-protocol.md §8–§10.
 */

export type MediaKind = 'audio' | 'video';
export type VideoType = 'camera' | 'desktop';

/** One of our own sources, chosen by signaling (SSRC picked to be unique in the conference, name `<ep>-a0|v0|v1`). */
export interface LocalSourceRequest {
  /** Source name, always prefixed with our endpoint id: `<ep>-a0`, `<ep>-v0`, `<ep>-v1` (screen share). */
  name: string;
  media: MediaKind;
  ssrc: number;
  /** `<stream> <track>` as in `a=msid`; LJM form `<ep>-<audio|video>-<idx>-1 <uuid>-1`. */
  msid: string;
  videoType?: VideoType;
}

/** What the engine actually sends for a requested source, after negotiation (RTX SSRC as the engine chose it). */
export interface LocalSourceDescription extends LocalSourceRequest {
  rtxSsrc?: number;
}

/** A remote source as signaled by jicofo (source-add / session-initiate) or the bridge (SSRC-rewriting maps). */
export interface RemoteSource {
  ssrc: number;
  rtxSsrc?: number;
  media: MediaKind;
  /** Endpoint id of the owner, or `jvb` for the bridge's own feedback sources. */
  owner: string;
  /** Source name, e.g. `831de82b-v0`; for bridge sources `jvb-a0`/`jvb-v0`. */
  name: string;
  videoType?: VideoType;
  msid?: string;
  /** Display name of the owner at the time the source was mapped, when known (for templates). */
  nick?: string;
}

export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

export interface OpenSessionParams {
  /** Jingle session id; one webrtcbin per sid. */
  sid: string;
  localSources: LocalSourceRequest[];
  iceServers: IceServer[];
}

export interface RemoteDescriptionParams {
  sid: string;
  /** A complete offer SDP built from the Jingle offer (every remote SSRC signaled with cname + msid). */
  sdp: string;
  /** All remote sources currently known for this session (the SSRC → owner/name map). */
  remoteSources: RemoteSource[];
}

export interface AnswerResult {
  sdp: string;
  localSources: LocalSourceDescription[];
}

export interface RemoteCandidateParams {
  sid: string;
  mid: string;
  mlineIndex: number;
  /** `candidate:...` attribute value (no `a=` prefix); empty string = end of candidates. */
  candidate: string;
}

export type MediaConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

export type MediaPortEvent =
  | { type: 'localCandidate'; sid: string; mid: string; mlineIndex: number; candidate: string }
  | { type: 'iceGatheringCompleted'; sid: string }
  | { type: 'connectionStateChanged'; sid: string; state: MediaConnectionState }
  /** The engine died or was restarted: signaling must ask focus for a new session (bridge-session restart="true"). */
  | { type: 'sessionLost'; sid: string; reason: string };

export interface MediaPort {
  openSession(params: OpenSessionParams): Promise<void>;
  /** Offer in, answer out. Called again (re-offer) whenever remote sources change. */
  applyRemoteOffer(params: RemoteDescriptionParams): Promise<AnswerResult>;
  addRemoteCandidate(params: RemoteCandidateParams): Promise<void>;
  closeSession(sid: string): Promise<void>;
  /** Subscribe to media events; returns an unsubscribe function. */
  subscribe(listener: (event: MediaPortEvent) => void): () => void;
}
