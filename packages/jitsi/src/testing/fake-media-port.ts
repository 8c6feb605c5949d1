/**
 * FakeMediaPort: a MediaPort without GStreamer that answers each offer with a realistic answer derived from it
 * (same m-lines, mids and payload types, `setup:active`, own ICE credentials and DTLS fingerprint, a host candidate,
 * our sources with FID/RTX). It records every call so tests can assert what signaling asked of media.
 */
import { randomBytes, randomInt } from 'node:crypto';
import sdpTransform from 'sdp-transform';
import type {
  AnswerResult,
  LocalSourceDescription,
  LocalSourceRequest,
  MediaPort,
  MediaPortEvent,
  OpenSessionParams,
  RemoteCandidateParams,
  RemoteDescriptionParams,
} from '../media-port.js';

export interface FakeMediaPortOptions {
  /** Trickle a candidate after the answer (default true) in addition to the one in the answer SDP. */
  trickle?: boolean;
  /** Make applyRemoteOffer fail (tests the error path). */
  failOffers?: boolean;
}

interface FakeSession {
  sid: string;
  iceServers: OpenSessionParams['iceServers'];
  localSources: LocalSourceDescription[];
  offers: RemoteDescriptionParams[];
  candidates: RemoteCandidateParams[];
  ufrag: string;
  pwd: string;
  fingerprint: string;
}

export class FakeMediaPort implements MediaPort {
  readonly sessions = new Map<string, FakeSession>();
  readonly closedSessions: string[] = [];
  /** Every openSession call in order (sessions are deleted on close; this keeps the history). */
  readonly openedSessions: OpenSessionParams[] = [];
  readonly #listeners = new Set<(e: MediaPortEvent) => void>();
  readonly #options: FakeMediaPortOptions;

  constructor(options: FakeMediaPortOptions = {}) {
    this.#options = options;
  }

  async openSession(params: OpenSessionParams): Promise<void> {
    this.openedSessions.push({ ...params, iceServers: params.iceServers.map((x) => ({ ...x })) });
    this.sessions.set(params.sid, {
      sid: params.sid,
      iceServers: params.iceServers.map((x) => ({ ...x })),
      localSources: params.localSources.map((s: LocalSourceRequest) =>
        s.media === 'video' ? { ...s, rtxSsrc: randomInt(1, 0xffffffff) } : { ...s },
      ),
      offers: [],
      candidates: [],
      ufrag: randomBytes(3).toString('hex'),
      pwd: randomBytes(12).toString('hex'),
      fingerprint: [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'),
    });
  }

  async applyRemoteOffer(params: RemoteDescriptionParams): Promise<AnswerResult> {
    const s = this.sessions.get(params.sid);
    if (!s) throw new Error(`FakeMediaPort: no session ${params.sid}; call openSession first`);
    if (this.#options.failOffers) throw new Error('FakeMediaPort: configured to fail offers');
    s.offers.push(params);
    const offer = sdpTransform.parse(params.sdp);
    const answer: sdpTransform.SessionDescription = {
      version: 0,
      origin: { username: '-', sessionId: String(randomInt(1, 2 ** 31)), sessionVersion: s.offers.length, netType: 'IN', ipVer: 4, address: '127.0.0.1' },
      name: '-',
      timing: { start: 0, stop: 0 },
      media: [],
    };
    if (offer.groups) answer.groups = offer.groups.map((g) => ({ ...g }));
    answer.msidSemantic = { semantic: 'WMS', token: '*' };
    for (const m of offer.media) {
      const ours = s.localSources.filter((x) => x.media === m.type);
      const a: sdpTransform.MediaDescription = {
        type: m.type,
        port: 9,
        protocol: m.protocol,
        payloads: m.payloads,
        connection: { version: 4, ip: '0.0.0.0' },
        rtp: m.rtp.map((r) => ({ ...r })),
        fmtp: m.fmtp.map((f) => ({ ...f })),
        direction: 'sendrecv',
        iceUfrag: s.ufrag,
        icePwd: s.pwd,
        fingerprint: { type: 'sha-256', hash: s.fingerprint },
        setup: 'active',
        rtcpMux: 'rtcp-mux',
        candidates: [{ foundation: '1', component: 1, transport: 'udp', priority: 2122260223, ip: '127.0.0.1', port: 40000 + randomInt(0, 20000), type: 'host' }],
      };
      if (m.mid !== undefined) a.mid = m.mid;
      if (m.rtcpFb) a.rtcpFb = m.rtcpFb.map((f) => ({ ...f }));
      if (m.ext) a.ext = m.ext.map((e) => ({ ...e }));
      if (ours.length > 0) {
        a.ssrcs = [];
        a.ssrcGroups = [];
        for (const src of ours) {
          a.ssrcs.push({ id: src.ssrc, attribute: 'cname', value: 'stagecast' }, { id: src.ssrc, attribute: 'msid', value: src.msid });
          if (src.rtxSsrc) {
            a.ssrcs.push({ id: src.rtxSsrc, attribute: 'cname', value: 'stagecast' }, { id: src.rtxSsrc, attribute: 'msid', value: src.msid });
            a.ssrcGroups.push({ semantics: 'FID', ssrcs: `${src.ssrc} ${src.rtxSsrc}` });
          }
        }
      }
      answer.media.push(a);
    }
    const sdp = sdpTransform.write(answer);
    if (this.#options.trickle !== false) {
      setImmediate(() => {
        const mid = String(offer.media[0]?.mid ?? '0');
        this.#emit({ type: 'localCandidate', sid: params.sid, mid, mlineIndex: 0, candidate: `candidate:2 1 udp 1686052607 192.0.2.10 ${40000 + randomInt(0, 20000)} typ srflx raddr 127.0.0.1 rport 9 generation 0` });
        this.#emit({ type: 'iceGatheringCompleted', sid: params.sid });
        this.#emit({ type: 'connectionStateChanged', sid: params.sid, state: 'connected' });
      });
    }
    return { sdp, localSources: s.localSources.map((x) => ({ ...x })) };
  }

  async addRemoteCandidate(params: RemoteCandidateParams): Promise<void> {
    this.sessions.get(params.sid)?.candidates.push(params);
  }

  async closeSession(sid: string): Promise<void> {
    if (this.sessions.delete(sid)) this.closedSessions.push(sid);
  }

  subscribe(listener: (event: MediaPortEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Test helpers: pretend the engine died / ICE failed. */
  simulateSessionLost(sid: string, reason = 'engine crashed'): void {
    this.#emit({ type: 'sessionLost', sid, reason });
  }
  simulateIceFailure(sid: string): void {
    this.#emit({ type: 'connectionStateChanged', sid, state: 'failed' });
  }

  lastOffer(sid: string): RemoteDescriptionParams | undefined {
    return this.sessions.get(sid)?.offers.at(-1);
  }

  #emit(e: MediaPortEvent): void {
    for (const l of [...this.#listeners]) l(e);
  }
}
