/**
 * Adapter from the testbed focus's `BridgeMediaBackend` (packages/jitsi/src/testing/bridge-media-backend.ts, mirrored
 * here structurally: this package never imports @stagecast/jitsi) to a ForwardingBridge. The focus builds its own
 * jicofo-shaped offer and only needs the bridge's transport (ICE ufrag/pwd, DTLS fingerprint, candidates); the
 * bridge needs an SDP answer, which this adapter synthesizes from the bridge's own offer, the endpoint's transport
 * (session-accept / transport-info) and its sources — the Colibri2 view JVB has of an endpoint.
 *
 * Composition root (testbed): `new TestFocus({ …, media: new ForwardingBridgeBackend(await createForwardingBridge()) })`.
 */
import * as sdpTransform from 'sdp-transform';
import type { BridgeDeclaredSource } from '../protocol/messages.js';
import type { AllocateEndpointOptions, ForwardingBridge } from './forwarding-bridge.js';

/** XEP-0176 candidate, shaped like packages/jitsi JingleCandidate. */
export interface BackendCandidate {
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
export interface BackendBridgeTransport {
  ufrag: string;
  pwd: string;
  fingerprint: { hash: string; value: string };
  candidates: BackendCandidate[];
}
export interface BackendEndpointTransport {
  ufrag?: string;
  pwd?: string;
  fingerprints: { hash: string; setup?: 'actpass' | 'active' | 'passive' | 'holdconn'; value: string }[];
  candidates: BackendCandidate[];
}
/** packages/jitsi RemoteSource (structural). */
export interface BackendSource {
  ssrc: number;
  rtxSsrc?: number;
  media: 'audio' | 'video';
  owner: string;
  name: string;
  videoType?: 'camera' | 'desktop';
  msid?: string;
}

interface EndpointState {
  key: string;
  offerSdp: string;
  transport?: BackendEndpointTransport;
  /** Video codec the endpoint answered with (from session-accept), so forwarding legs get the right caps. */
  videoCodec?: 'VP8' | 'H264';
  accepted: boolean;
  pendingCandidates: BackendCandidate[];
}

export class ForwardingBridgeBackend {
  readonly bridge: ForwardingBridge;
  readonly #opts: Omit<AllocateEndpointOptions, 'conferenceId'>;
  readonly #endpoints = new Map<string, EndpointState>();
  #next = 0;

  constructor(bridge: ForwardingBridge, opts: Omit<AllocateEndpointOptions, 'conferenceId'> = {}) {
    this.bridge = bridge;
    this.#opts = opts;
  }

  /** The bridge endpoint id used for (conference, endpoint) — bridge events carry it as `owner`. */
  bridgeEndpointId(conferenceId: string, endpointId: string): string | undefined {
    return this.#endpoints.get(`${conferenceId}\n${endpointId}`)?.key;
  }

  /** The bridge's jicofo-shaped offer for the endpoint (tests; the focus builds its own offer). */
  offerSdp(conferenceId: string, endpointId: string): string | undefined {
    return this.#endpoints.get(`${conferenceId}\n${endpointId}`)?.offerSdp;
  }

  async allocateEndpoint(p: { conferenceId: string; endpointId: string }): Promise<BackendBridgeTransport> {
    const id = `${p.conferenceId}\n${p.endpointId}`;
    if (this.#endpoints.has(id)) await this.releaseEndpoint(p);
    // Bridge endpoint ids are [\w.@-]{1,64}: the endpoint id where it fits, else a counter; unique per bridge.
    const base = /^[\w.@-]{1,48}$/.test(p.endpointId) ? p.endpointId : 'ep';
    const key = `${base}.${this.#next++}`;
    const { offerSdp } = await this.bridge.allocateEndpoint(key, { ...this.#opts, conferenceId: p.conferenceId });
    this.#endpoints.set(id, { key, offerSdp, accepted: false, pendingCandidates: [] });
    const s = sdpTransform.parse(offerSdp);
    const m = s.media[0];
    const ufrag = m?.iceUfrag ?? s.iceUfrag;
    const pwd = m?.icePwd ?? s.icePwd;
    const fp = m?.fingerprint ?? s.fingerprint;
    if (!ufrag || !pwd || !fp)
      throw new Error(`bridge offer for ${p.endpointId} lacks ICE credentials or a fingerprint`);
    return {
      ufrag,
      pwd,
      fingerprint: { hash: fp.type, value: fp.hash },
      candidates: (m?.candidates ?? []).map((c, i) => ({
        component: c.component,
        foundation: String(c.foundation),
        generation: c.generation ?? 0,
        id: `${key}-c${i}`,
        network: 0,
        ip: c.ip,
        port: c.port,
        priority: c.priority,
        protocol: c.transport.toLowerCase(),
        type: c.type as BackendCandidate['type'],
        ...(c.raddr ? { relAddr: c.raddr } : {}),
        ...(c.rport !== undefined ? { relPort: c.rport } : {}),
        ...(c.tcptype ? { tcptype: c.tcptype } : {}),
      })),
    };
  }

  async setRemoteTransport(p: {
    conferenceId: string;
    endpointId: string;
    transport: BackendEndpointTransport;
    /** The session-accept (packages/jitsi JingleMessage), read structurally for the answered video codec. */
    accept?: unknown;
  }): Promise<void> {
    const e = this.#state(p);
    const codec = answeredVideoCodec(p.accept);
    if (codec) e.videoCodec = codec;
    e.transport = { ...p.transport, candidates: [...p.transport.candidates] };
    e.pendingCandidates.push(...p.transport.candidates);
  }

  async addRemoteCandidates(p: {
    conferenceId: string;
    endpointId: string;
    candidates: BackendCandidate[];
  }): Promise<void> {
    const e = this.#state(p);
    if (!e.accepted) {
      e.pendingCandidates.push(...p.candidates);
      return;
    }
    for (const c of p.candidates) await this.bridge.addRemoteCandidate(e.key, candidateLine(c));
  }

  /** session-accept (and the endpoint's own source-add/-remove): apply the synthesized answer, then its candidates. */
  async setEndpointSources(p: { conferenceId: string; endpointId: string; sources: BackendSource[] }): Promise<void> {
    const e = this.#state(p);
    if (!e.transport)
      throw new Error(
        `setEndpointSources(${p.endpointId}) before setRemoteTransport: the focus must pass session-accept's transport first`,
      );
    const declared: BridgeDeclaredSource[] = p.sources.map((s) => ({
      ssrc: s.ssrc,
      media: s.media,
      name: s.name,
      msid: s.msid ?? `${s.name} ${s.name}`,
      ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
      ...(s.videoType ? { videoType: s.videoType } : {}),
    }));
    const answer = synthesizeAnswer(e.offerSdp, e.transport, declared, p.endpointId, e.videoCodec);
    await this.bridge.acceptAnswer(e.key, answer, declared);
    e.accepted = true;
    for (const c of e.pendingCandidates.splice(0)) await this.bridge.addRemoteCandidate(e.key, candidateLine(c));
  }

  async releaseEndpoint(p: { conferenceId: string; endpointId: string }): Promise<void> {
    const id = `${p.conferenceId}\n${p.endpointId}`;
    const e = this.#endpoints.get(id);
    if (!e) return;
    this.#endpoints.delete(id);
    await this.bridge.removeEndpoint(e.key);
  }

  async close(): Promise<void> {
    this.#endpoints.clear();
    await this.bridge.close();
  }

  #state(p: { conferenceId: string; endpointId: string }): EndpointState {
    const e = this.#endpoints.get(`${p.conferenceId}\n${p.endpointId}`);
    if (!e) throw new Error(`no bridge endpoint for ${p.endpointId} in ${p.conferenceId}: allocateEndpoint first`);
    return e;
  }
}

/** XEP-0176 candidate → `candidate:` attribute value. */
export function candidateLine(c: BackendCandidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.protocol.toUpperCase()} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`;
  if (c.relAddr !== undefined && c.relPort !== undefined) s += ` raddr ${c.relAddr} rport ${c.relPort}`;
  if (c.tcptype) s += ` tcptype ${c.tcptype}`;
  return `${s} generation ${c.generation}`;
}

/**
 * The answer a participant would have given to the bridge's own offer: same m-lines and codecs, the endpoint's ICE
 * and DTLS (setup from its fingerprint, default active), its sources as SSRC lines with FID groups, sendrecv where it
 * sends that media, recvonly otherwise.
 */
export function synthesizeAnswer(
  offerSdp: string,
  t: BackendEndpointTransport,
  sources: BridgeDeclaredSource[],
  cname: string,
  videoCodec: 'VP8' | 'H264' = 'VP8',
): string {
  const s = sdpTransform.parse(offerSdp);
  const first = videoCodec === 'H264' ? [107, 99] : [100, 96];
  const fp = t.fingerprints[0];
  if (!t.ufrag || !t.pwd || !fp) throw new Error('endpoint transport lacks ufrag/pwd/fingerprint');
  for (const m of s.media) {
    const mine = sources.filter((x) => x.media === m.type);
    m.direction = mine.length ? 'sendrecv' : 'recvonly';
    if (m.type === 'video') {
      // The answered codec first: the bridge reads the sender's encoding from it.
      const order = (pt: number) => (first.includes(pt) ? first.indexOf(pt) : 10 + pt);
      m.rtp.sort((a, b) => order(a.payload) - order(b.payload));
      m.payloads = m.rtp.map((r) => r.payload).join(' ');
    }
    m.iceUfrag = t.ufrag;
    m.icePwd = t.pwd;
    m.fingerprint = { type: fp.hash, hash: fp.value };
    m.setup = fp.setup && fp.setup !== 'actpass' ? fp.setup : 'active';
    delete m.candidates;
    delete m.endOfCandidates;
    delete m.iceOptions;
    m.ssrcs = [];
    m.ssrcGroups = [];
    for (const src of mine) {
      for (const ssrc of src.rtxSsrc ? [src.ssrc, src.rtxSsrc] : [src.ssrc]) {
        m.ssrcs.push({ id: ssrc, attribute: 'cname', value: cname }, { id: ssrc, attribute: 'msid', value: src.msid });
      }
      if (src.rtxSsrc) m.ssrcGroups.push({ semantics: 'FID', ssrcs: `${src.ssrc} ${src.rtxSsrc}` });
    }
  }
  delete s.iceUfrag;
  delete s.icePwd;
  delete s.fingerprint;
  return sdpTransform.write(s);
}

/** First video payload-type name of a session-accept (packages/jitsi JingleMessage shape), if VP8 or H264. */
function answeredVideoCodec(accept: unknown): 'VP8' | 'H264' | undefined {
  const contents = (accept as { contents?: unknown } | undefined)?.contents;
  if (!Array.isArray(contents)) return undefined;
  for (const c of contents as { description?: { media?: string; payloadTypes?: { name?: string }[] } }[]) {
    if (c.description?.media !== 'video') continue;
    const name = c.description.payloadTypes?.[0]?.name?.toUpperCase();
    if (name === 'VP8' || name === 'H264') return name;
  }
  return undefined;
}
