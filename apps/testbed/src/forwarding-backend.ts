/**
 * BridgeMediaBackend (packages/jitsi testing: what the test focus calls where jicofo calls JVB over Colibri2) on top of
 * the media package's ForwardingBridge (a webrtcbin SFU in its own engine process), so real RTP flows between testbed
 * participants. allocate → the bridge's ICE/DTLS go into the focus's offer; session-accept → the participant's answer
 * (rebuilt as SDP) and its sources go to the bridge; transport-info → remote candidates; leave → endpoint removed.
 */
import type { Logger, RemoteSource } from '@stagecast/jitsi';
import type { BridgeEndpointTransport, BridgeMediaBackend, EndpointTransport, JingleCandidate, JingleMessage } from '@stagecast/jitsi/testing';
import type { BridgeDeclaredSource } from '@stagecast/media';
import type { ForwardingBridge } from '@stagecast/media/testing';
import * as sdpTransform from 'sdp-transform';
import { acceptToAnswerSdp, candidateFromSdp, candidateToSdp } from './accept-to-sdp.js';

interface EndpointState {
  conferenceId: string;
  /** Candidates the offer carried, as SDP lines; late ones are those not in it. */
  offered?: Set<string>;
  /** Bridge candidates seen while allocateEndpoint was still gathering. */
  early: string[];
  transport?: EndpointTransport;
  accept?: JingleMessage;
  accepted: boolean;
}

type CandidateListener = (p: { conferenceId: string; endpointId: string; candidates: JingleCandidate[] }) => void;

type SdpCandidate = NonNullable<sdpTransform.MediaAttributes['candidates']>[number];

function parseCandidateLine(line: string): SdpCandidate | undefined {
  return sdpTransform.parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=${line}\r\n`).media[0]?.candidates?.[0];
}

/** webrtcbin's `candidate:…` line → our canonical SDP form (same as offer candidates), or undefined. */
function normaliseCandidate(line: string): string | undefined {
  const c = line.trim().replace(/^a=/, '');
  const parsed = c.startsWith('candidate:') ? parseCandidateLine(c) : undefined;
  return parsed ? candidateToSdp(candidateFromSdp(parsed, 'o')) : undefined;
}

export class ForwardingBridgeBackend implements BridgeMediaBackend {
  readonly #bridge: ForwardingBridge;
  readonly #log: Logger | undefined;
  readonly #endpoints = new Map<string, EndpointState>();
  /** Offer H264 as well as VP8 (the bridge forwards H264 only to endpoints that accepted it). */
  readonly #h264: boolean;
  readonly #gatherTimeoutMs: number;
  readonly #candidateListeners = new Set<CandidateListener>();
  readonly #offBridge: () => void;
  #candidateSeq = 0;

  constructor(bridge: ForwardingBridge, options: { h264?: boolean; logger?: Logger; gatherTimeoutMs?: number } = {}) {
    this.#bridge = bridge;
    this.#h264 = options.h264 ?? true;
    this.#log = options.logger;
    // Late candidates reach the participant as transport-info (onLocalCandidates): the offer need not wait long.
    this.#gatherTimeoutMs = options.gatherTimeoutMs ?? 250;
    const onCandidate = (d: { endpointId: string; candidate: string }) => this.#onBridgeCandidate(d.endpointId, d.candidate);
    bridge.on('bridgeLocalCandidate', onCandidate);
    this.#offBridge = () => bridge.off('bridgeLocalCandidate', onCandidate);
  }

  /** Bridge candidates gathered after the offer was built; the test focus sends them as transport-info. */
  onLocalCandidates(listener: CandidateListener): () => void {
    this.#candidateListeners.add(listener);
    return () => void this.#candidateListeners.delete(listener);
  }

  #onBridgeCandidate(endpointId: string, line: string): void {
    const ep = this.#endpoints.get(this.#key(endpointId));
    const c = normaliseCandidate(line);
    if (!ep || !c) return;
    if (!ep.offered) ep.early.push(c);
    else this.#emitLate(endpointId, ep, [c]);
  }

  #emitLate(endpointId: string, ep: EndpointState, lines: string[]): void {
    const candidates: JingleCandidate[] = [];
    for (const l of lines) {
      if (ep.offered?.has(l)) continue;
      ep.offered?.add(l);
      const parsed = parseCandidateLine(l);
      if (parsed) candidates.push(candidateFromSdp(parsed, `${endpointId}l${this.#candidateSeq++}`));
    }
    if (!candidates.length || this.#endpoints.get(this.#key(endpointId)) !== ep) return;
    for (const listener of [...this.#candidateListeners]) listener({ conferenceId: ep.conferenceId, endpointId, candidates });
  }

  /** The bridge serves one conference per engine in the testbed; endpoint ids are unique per conference. */
  #key(endpointId: string): string {
    return endpointId;
  }

  async allocateEndpoint(p: { conferenceId: string; endpointId: string }): Promise<BridgeEndpointTransport> {
    // A re-invite after a restart request: the focus released the endpoint first, but be safe.
    await this.#bridge.removeEndpoint(p.endpointId).catch(() => []);
    const state: EndpointState = { conferenceId: p.conferenceId, early: [], accepted: false };
    this.#endpoints.set(this.#key(p.endpointId), state);
    // Per-conference forwarding: two rooms of one testbed never see each other's media.
    const { offerSdp } = await this.#bridge.allocateEndpoint(p.endpointId, {
      h264: this.#h264,
      conferenceId: p.conferenceId,
      gatherTimeoutMs: this.#gatherTimeoutMs,
      // Like JVB: no video until the endpoint's ReceiverVideoConstraints (the test bridge then calls setForwardedVideo).
      forwardVideo: [],
    });
    const sdp = sdpTransform.parse(offerSdp);
    const m = sdp.media[0];
    state.offered = new Set((m?.candidates ?? []).map((c) => candidateToSdp(candidateFromSdp(c, 'o'))));
    // Gathered during allocate but not in the offer: late candidates (the focus queues them until its offer is acked).
    const early = state.early.splice(0);
    setImmediate(() => this.#emitLate(p.endpointId, state, early));
    const ufrag = m?.iceUfrag ?? sdp.iceUfrag;
    const pwd = m?.icePwd ?? sdp.icePwd;
    const fp = m?.fingerprint ?? sdp.fingerprint;
    if (!m || !ufrag || !pwd || !fp) throw new Error(`bridge offer for ${p.endpointId} lacks ICE/DTLS parameters`);
    return {
      ufrag,
      pwd,
      fingerprint: { hash: fp.type, value: fp.hash },
      candidates: (m.candidates ?? []).map((c, i) => candidateFromSdp(c, `${p.endpointId}c${i}`)),
    };
  }

  /** The test bridge's decision from the endpoint's ReceiverVideoConstraints: which video sources it receives. */
  async setForwardedVideo(p: { conferenceId: string; endpointId: string; sources: string[] }): Promise<void> {
    const ep = this.#endpoints.get(this.#key(p.endpointId));
    if (!ep || ep.conferenceId !== p.conferenceId) return; // released meanwhile
    await this.#bridge.setForwardedVideo(p.endpointId, p.sources).catch((err: unknown) => {
      // The endpoint can be removed while the request is in flight (leave, restart): nothing to forward to then.
      if (this.#endpoints.get(this.#key(p.endpointId)) === ep) throw err;
    });
  }

  async setRemoteTransport(p: { conferenceId: string; endpointId: string; transport: EndpointTransport; accept?: JingleMessage }): Promise<void> {
    const ep = this.#endpoints.get(this.#key(p.endpointId));
    if (!ep) throw new Error(`endpoint ${p.endpointId} was not allocated`);
    if (!p.accept) throw new Error('the forwarding backend needs the session-accept (a test focus that passes `accept`)');
    ep.transport = p.transport;
    ep.accept = p.accept;
  }

  async addRemoteCandidates(p: { conferenceId: string; endpointId: string; candidates: JingleCandidate[] }): Promise<void> {
    const ep = this.#endpoints.get(this.#key(p.endpointId));
    if (!ep) return;
    if (!ep.accepted) {
      ep.transport?.candidates.push(...p.candidates);
      return;
    }
    for (const c of p.candidates) await this.#bridge.addRemoteCandidate(p.endpointId, candidateToSdp(c));
  }

  async setEndpointSources(p: { conferenceId: string; endpointId: string; sources: RemoteSource[] }): Promise<void> {
    const ep = this.#endpoints.get(this.#key(p.endpointId));
    if (!ep?.accept || !ep.transport) return;
    const declared: BridgeDeclaredSource[] = p.sources.map((s) => ({
      ssrc: s.ssrc,
      media: s.media,
      name: s.name,
      msid: s.msid ?? `${s.name} ${s.name}`,
      ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
      ...(s.videoType ? { videoType: s.videoType } : {}),
    }));
    await this.#bridge.acceptAnswer(p.endpointId, acceptToAnswerSdp(ep.accept, p.sources), declared);
    if (!ep.accepted) {
      ep.accepted = true;
      for (const c of ep.transport.candidates) await this.#bridge.addRemoteCandidate(p.endpointId, candidateToSdp(c));
    }
    this.#log?.debug({ endpointId: p.endpointId, sources: declared.map((s) => s.name) }, 'bridge accepted endpoint');
  }

  async releaseEndpoint(p: { conferenceId: string; endpointId: string }): Promise<void> {
    this.#endpoints.delete(this.#key(p.endpointId));
    if (this.#bridge.engine.state !== 'running') return;
    await this.#bridge.removeEndpoint(p.endpointId);
  }

  async close(): Promise<void> {
    this.#offBridge();
    this.#candidateListeners.clear();
    this.#endpoints.clear();
  }
}
