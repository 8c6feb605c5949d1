/**
 * The media half of the test bridge, behind a small interface so the signaling testbed (test focus + test bridge)
 * can run without media (SignalingOnlyBackend) or with a real forwarding backend (GStreamer, added by packages/media
 * engineers later). The test focus calls it exactly where jicofo would call JVB over Colibri2:
 * allocate → (offer sent) → setRemoteTransport (session-accept) → addRemoteCandidates (transport-info) →
 * setEndpointSources (accept/source-add/remove) → releaseEndpoint (leave/terminate).
 */
import { randomBytes } from 'node:crypto';
import type { JingleCandidate, JingleFingerprint, JingleMessage } from '../jingle/types.js';
import type { RemoteSource } from '../media-port.js';

/** What the bridge puts into the offer's `<transport>` for one endpoint. */
export interface BridgeEndpointTransport {
  ufrag: string;
  pwd: string;
  fingerprint: { hash: string; value: string };
  candidates: JingleCandidate[];
}

/** The endpoint's side as taken from its session-accept / transport-info. */
export interface EndpointTransport {
  ufrag?: string;
  pwd?: string;
  fingerprints: JingleFingerprint[];
  candidates: JingleCandidate[];
}

export interface BridgeMediaBackend {
  allocateEndpoint(params: { conferenceId: string; endpointId: string }): Promise<BridgeEndpointTransport>;
  /** `accept` is the whole session-accept (codecs, header extensions) for backends that need more than ICE/DTLS. */
  setRemoteTransport(params: { conferenceId: string; endpointId: string; transport: EndpointTransport; accept?: JingleMessage }): Promise<void>;
  addRemoteCandidates(params: { conferenceId: string; endpointId: string; candidates: JingleCandidate[] }): Promise<void>;
  /** The endpoint's own (sending) sources; the backend forwards them to every other endpoint of the conference. */
  setEndpointSources(params: { conferenceId: string; endpointId: string; sources: RemoteSource[] }): Promise<void>;
  releaseEndpoint(params: { conferenceId: string; endpointId: string }): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: bridge candidates gathered after allocateEndpoint returned. The focus forwards them to the endpoint as
   * `transport-info` (jitsi-protocol.md §9 trickle; jicofo does the same with JVB's), so the offer need not wait for
   * gathering. Returns an unsubscribe function.
   */
  onLocalCandidates?(listener: (params: { conferenceId: string; endpointId: string; candidates: JingleCandidate[] }) => void): () => void;
}

const ICE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/';
function iceString(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ICE_CHARS[b % ICE_CHARS.length];
  return s;
}

/** RFC 8839 §5.4: ufrag ≥ 4, pwd ≥ 22 ice-chars; RFC 8122 fingerprint: upper-case hex pairs. */
export function randomBridgeTransport(host = '127.0.0.1', port = 10000): BridgeEndpointTransport {
  const fp = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return {
    ufrag: iceString(8),
    pwd: iceString(24),
    fingerprint: { hash: 'sha-256', value: fp },
    candidates: [
      {
        component: 1,
        foundation: '1',
        generation: 0,
        id: iceString(10),
        network: 0,
        ip: host,
        port,
        priority: 2130706431,
        protocol: 'udp',
        type: 'host',
      },
    ],
  };
}

/** Well-formed but media-less bridge: ICE/DTLS parameters are random, nothing is forwarded. */
export class SignalingOnlyBackend implements BridgeMediaBackend {
  readonly transports = new Map<string, EndpointTransport>();
  readonly sources = new Map<string, RemoteSource[]>();
  async allocateEndpoint(): Promise<BridgeEndpointTransport> {
    return randomBridgeTransport();
  }
  async setRemoteTransport(p: { conferenceId: string; endpointId: string; transport: EndpointTransport }): Promise<void> {
    this.transports.set(`${p.conferenceId}/${p.endpointId}`, p.transport);
  }
  async addRemoteCandidates(p: { conferenceId: string; endpointId: string; candidates: JingleCandidate[] }): Promise<void> {
    const t = this.transports.get(`${p.conferenceId}/${p.endpointId}`);
    if (t) t.candidates.push(...p.candidates);
  }
  async setEndpointSources(p: { conferenceId: string; endpointId: string; sources: RemoteSource[] }): Promise<void> {
    this.sources.set(`${p.conferenceId}/${p.endpointId}`, p.sources);
  }
  async releaseEndpoint(p: { conferenceId: string; endpointId: string }): Promise<void> {
    this.transports.delete(`${p.conferenceId}/${p.endpointId}`);
    this.sources.delete(`${p.conferenceId}/${p.endpointId}`);
  }
  async close(): Promise<void> {}
}
