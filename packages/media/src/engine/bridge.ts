/**
 * The media side of the testbed bridge: a small SFU inside one engine process, one GStreamer pipeline for all
 * endpoints (so forwarding is plain pad linking, no IPC).
 *
 * Per endpoint a webrtcbin OFFERER (ICE-controlling, DTLS actpass, like JVB) with a sendrecv audio and video
 * transceiver (the endpoint's own media arrives there) and one sendonly transceiver per forwarded source. Its offer is
 * merged into jicofo's shape by bridge-sdp.ts; the participant's answer is expanded back.
 *
 * Forwarding without transcoding: webrtcbin src pad (one per received SSRC) → queue → depay → pay (the sender's
 * SSRC and PT) → tee → per receiver: queue → capsfilter → that receiver's webrtcbin sink pad. Depay/pay gives clean
 * RTP with caps we control; the media is never decoded.
 *
 * Video forwarding per receiver follows what the receiver asked for (setForwardedVideo; the testbed derives it from the
 * receiver's ReceiverVideoConstraints like JVB): each video leg starts with a valve; a source switched on gets a
 * keyframe request at once (as JVB does), so the receiver can decode it without waiting for its next periodic one.
 *
 * Keyframe requests travel upstream as GstForceKeyUnit events: a PLI/FIR from a receiver makes its rtpsession push
 * the event up the receiver's sink pad (rtpfunnel routes it by SSRC), through capsfilter, queue, tee, payloader and
 * depayloader to the sender's webrtcbin src pad, where the sender's rtpsession turns it into a PLI to the sender
 * (the same path a depayloader's request-keyframe uses). No JS runs per request.
 *
 * Not done like JVB: no retransmission to receivers (forwarded legs have no NACK/RTX; the announced RTX SSRC is the
 * sender's, as in Jitsi, but never carries packets), no simulcast layers or bandwidth allocation (a source is either
 * forwarded whole or not at all), audio-level header
 * extensions are not forwarded (depay drops them), no SSRC rewriting.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { EngineEventData, EngineEventName, MediaKind } from '../protocol/messages.js';
import { toJitsiBridgeOffer, toWebrtcbinAnswer } from './bridge-sdp.js';
import {
  GATHERING_COMPLETE,
  Gst,
  GstWebRTC,
  ICE_STATES,
  gstPromise,
  parseBin,
  sessionDescription,
  structNumbers,
  type GObj,
} from './gi.js';
import { URI_AUDIO_LEVEL, URI_TWCC } from './sdp.js';
import { keyframeRequestEvent } from './webrtc-session.js';

function pushKeyframeRequest(sinkPad: GObj): boolean {
  return Boolean(sinkPad.pushEvent(keyframeRequestEvent()));
}

type Emit = <E extends EngineEventName>(event: E, data: EngineEventData<E>) => void;

export class BridgeFailure extends Error {
  override name = 'BridgeFailure';
  constructor(
    readonly code: 'bad-request' | 'unknown-session' | 'session-exists' | 'negotiation' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

export interface DeclaredSource {
  ssrc: number;
  rtxSsrc?: number | undefined;
  media: MediaKind;
  name: string;
  msid: string;
  videoType?: 'camera' | 'desktop' | undefined;
}
export interface BridgeSource extends DeclaredSource {
  owner: string;
}

interface Source extends BridgeSource {
  /** Forwarding stays inside one conference. */
  conference: string;
  /** Where forwarded legs attach; fed by the ingress bin once the sender's pad appears. */
  tee: GObj;
  ingress: GObj | null;
  /** Encoding of the sender's stream (from the participant's answer), decides depay/pay and leg caps. */
  encoding: 'OPUS' | 'VP8' | 'H264';
  /** PLI + FIR the bridge sent to the sender for this source (1 Hz). */
  keyframeRequests: number;
}

interface Leg {
  source: Source;
  teePad: GObj;
  bin: GObj;
  sinkPad: GObj;
}

interface Endpoint {
  id: string;
  conference: string;
  webrtc: GObj;
  h264: boolean;
  signals: [GObj, number][];
  candidates: string[];
  gatheringComplete: boolean;
  rawOffer: string | null;
  participantAnswer: string | null;
  /** Sources forwarded to this endpoint, by SSRC. */
  legs: Map<number, Leg>;
  /** Video source names this endpoint receives; null = all. */
  forwardVideo: Set<string> | null;
  /** webrtcbin sink pads of removed legs: their transceivers go inactive (webrtcbin 1.22 cannot remove them). */
  deadSinkPads: GObj[];
  /** Parked pads (unknown SSRCs) and ingress links. */
  parked: GObj[];
  version: number;
  /** Renegotiations are serialized per endpoint. */
  chain: Promise<unknown>;
  iceState: string;
  closed: boolean;
}

const PT = { OPUS: 111, VP8: 100, H264: 107 } as const;
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function randomSsrc(): number {
  return 1 + Math.floor(Math.random() * (2 ** 32 - 2));
}

function transceiverCaps(media: MediaKind, h264: boolean): string {
  const fb =
    'rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true,rtcp-fb-transport-cc=(boolean)true';
  if (media === 'audio') {
    return (
      `application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,encoding-params=(string)2,` +
      `minptime=(string)10,useinbandfec=(string)1,rtcp-fb-transport-cc=(boolean)true,` +
      `extmap-1=(string)${URI_AUDIO_LEVEL},extmap-5=(string)${URI_TWCC}`
    );
  }
  const vp8 = `application/x-rtp,media=video,encoding-name=VP8,payload=100,clock-rate=90000,${fb},extmap-5=(string)${URI_TWCC}`;
  const h = `application/x-rtp,media=video,encoding-name=H264,payload=107,clock-rate=90000,packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1,${fb},extmap-5=(string)${URI_TWCC}`;
  return h264 ? `${vp8};${h}` : vp8;
}

function legCaps(s: Source): string {
  const clock = s.media === 'audio' ? 48000 : 90000;
  const fb = s.media === 'video' ? ',rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true' : '';
  // No profile-level-id: rtph264pay writes the one of the sender's SPS, a fixed value would not intersect.
  const extra = s.encoding === 'H264' ? ',packetization-mode=(string)1' : '';
  const params = s.encoding === 'OPUS' ? ',encoding-params=(string)2' : '';
  return (
    `application/x-rtp,media=${s.media},encoding-name=${s.encoding},payload=${PT[s.encoding]},clock-rate=${clock}` +
    `${params}${extra},ssrc=(uint)${s.ssrc}${fb}`
  );
}

function ingressDescription(s: Source): string {
  const head = 'queue max-size-buffers=0 max-size-bytes=0 max-size-time=500000000';
  switch (s.encoding) {
    case 'OPUS':
      return `${head} ! rtpopusdepay ! rtpopuspay pt=111 ssrc=${s.ssrc}`;
    case 'VP8':
      return `${head} ! rtpvp8depay ! rtpvp8pay pt=100 ssrc=${s.ssrc} picture-id-mode=15-bit mtu=1200`;
    case 'H264':
      return `${head} ! rtph264depay ! rtph264pay pt=107 ssrc=${s.ssrc} config-interval=-1 aggregate-mode=zero-latency mtu=1200`;
  }
}

/** The encoding an endpoint sends for `media`: the first codec of its answer's m-line. */
function answerEncoding(answerSdp: string, media: MediaKind): Source['encoding'] | null {
  const lines = answerSdp.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(`m=${media} `));
  if (start < 0) return null;
  const pts = (lines[start] ?? '').split(' ').slice(3).map(Number);
  for (const pt of pts) {
    const rtpmap = lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
    const name = rtpmap?.split(' ')[1]?.split('/')[0]?.toUpperCase();
    if (name === 'OPUS' || name === 'VP8' || name === 'H264') return name;
  }
  return null;
}

export class ForwardingBridgeEngine {
  readonly pipeline: GObj;
  readonly #emit: Emit;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #sources = new Map<number, Source>();
  readonly #jvb = { audio: randomSsrc(), video: randomSsrc() };
  readonly #bus: GObj;
  readonly #busHandler: number;
  #closed = false;

  constructor(emit: Emit) {
    this.#emit = emit;
    this.pipeline = new Gst.Pipeline({ name: 'forwarding-bridge' });
    this.#bus = this.pipeline.getBus();
    this.#bus.addSignalWatch();
    this.#busHandler = this.#bus.connect('message', (msg: GObj) => {
      try {
        const t = msg.type as number;
        if (t !== Gst.MessageType.ERROR && t !== Gst.MessageType.WARNING) return;
        const [err, debug] = t === Gst.MessageType.ERROR ? msg.parseError() : msg.parseWarning();
        const ev = t === Gst.MessageType.ERROR ? 'busError' : 'busWarning';
        this.#emit(ev, {
          sid: 'bridge',
          element: String(msg.src?.name ?? 'unknown'),
          message: String(err?.message ?? err),
          debug: String(debug ?? ''),
        });
      } catch {
        // never let a bus handler throw (§4.10)
      }
    });
    this.pipeline.setState(Gst.State.PLAYING);
  }

  get endpointCount(): number {
    return this.#endpoints.size;
  }

  sources(): BridgeSource[] {
    return [...this.#sources.values()].map(publicSource);
  }

  async allocateEndpoint(
    id: string,
    opts: { h264: boolean; gatherTimeoutMs: number; conferenceId: string; forwardVideo?: string[] | null },
  ): Promise<{ offerSdp: string; sources: BridgeSource[] }> {
    this.#assertOpen();
    if (this.#endpoints.has(id))
      throw new BridgeFailure('session-exists', `endpoint ${id} is already allocated: removeEndpoint first`);
    const webrtc = Gst.ElementFactory.make('webrtcbin', `ep-${id.replace(/[^\w-]/g, '_')}`);
    webrtc.bundlePolicy = GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE;
    webrtc.latency = 100;
    const ep: Endpoint = {
      id,
      conference: opts.conferenceId,
      webrtc,
      h264: opts.h264,
      signals: [],
      candidates: [],
      gatheringComplete: false,
      rawOffer: null,
      participantAnswer: null,
      legs: new Map(),
      forwardVideo: opts.forwardVideo ? new Set(opts.forwardVideo) : null,
      deadSinkPads: [],
      parked: [],
      version: 1,
      chain: Promise.resolve(),
      iceState: 'new',
      closed: false,
    };
    this.#endpoints.set(id, ep);
    const on = (obj: GObj, signal: string, fn: (...a: any[]) => void) => {
      const hid = obj.connect(signal, (...a: any[]) => {
        try {
          fn(...a);
        } catch (err) {
          this.#emitError(id, signal, err);
        }
      });
      ep.signals.push([obj, hid]);
    };
    on(webrtc, 'on-ice-candidate', (mline: number, candidate: string) => {
      ep.candidates.push(candidate);
      this.#emit('bridgeLocalCandidate', {
        endpointId: id,
        mid: mline === 0 ? 'audio' : 'video',
        mlineIndex: 0,
        candidate,
      });
    });
    on(webrtc, 'notify::ice-gathering-state', () => {
      if (webrtc.iceGatheringState === GATHERING_COMPLETE) ep.gatheringComplete = true;
    });
    on(webrtc, 'notify::ice-connection-state', () => {
      const st = ICE_STATES[webrtc.iceConnectionState as number] ?? 'new';
      if (st === ep.iceState) return;
      ep.iceState = st;
      this.#emit('bridgeConnectionStateChanged', {
        endpointId: id,
        state: st as EngineEventData<'bridgeConnectionStateChanged'>['state'],
      });
    });
    on(webrtc, 'pad-added', (pad: GObj) => this.#onPadAdded(ep, pad));
    this.pipeline.add(webrtc);
    webrtc.syncStateWithParent();
    for (const media of ['audio', 'video'] as const) {
      const tr = webrtc.emit(
        'add-transceiver',
        GstWebRTC.WebRTCRTPTransceiverDirection.SENDRECV,
        Gst.Caps.fromString(transceiverCaps(media, opts.h264)),
      );
      // RTX from the participant (do-nack on the receiving transceiver, media-engine.md §5); none for audio.
      if (tr) tr.doNack = media === 'video';
    }
    for (const s of this.#sources.values()) if (s.owner !== id && this.#accepts(ep, s)) this.#addLeg(ep, s);
    await this.#createLocalOffer(ep);
    const deadline = Date.now() + opts.gatherTimeoutMs;
    while (!ep.gatheringComplete && Date.now() < deadline) await wait(20);
    return { offerSdp: this.#jitsiOffer(ep), sources: this.#offeredSources(ep) };
  }

  async acceptAnswer(id: string, answerSdp: string, declared: DeclaredSource[]): Promise<void> {
    const ep = this.#endpoint(id);
    if (!ep.rawOffer) throw new BridgeFailure('internal', `endpoint ${id} has no offer`);
    this.#validateDeclared(id, declared);
    // Register the sources (and their tees) before applying the answer: media and pad-added follow right after.
    const added: Source[] = [];
    for (const d of declared) {
      if (this.#sources.get(d.ssrc)?.owner === id) continue; // re-accept (its own source-add/-remove) keeps existing sources
      const encoding = answerEncoding(answerSdp, d.media) ?? (d.media === 'audio' ? 'OPUS' : 'VP8');
      const tee = Gst.ElementFactory.make('tee', null);
      tee.allowNotLinked = true;
      this.pipeline.add(tee);
      tee.syncStateWithParent();
      const s: Source = {
        ...d,
        owner: id,
        conference: ep.conference,
        tee,
        ingress: null,
        encoding,
        keyframeRequests: 0,
      };
      this.#sources.set(d.ssrc, s);
      added.push(s);
    }
    const previous = ep.participantAnswer;
    ep.participantAnswer = answerSdp;
    try {
      // A second accept (the participant's own source-add/-remove) finds webrtcbin in `stable`: re-offer locally first.
      if (previous) await this.#renegotiate(ep);
      else await this.#serial(ep, () => this.#setRemoteAnswer(ep));
    } catch (err) {
      ep.participantAnswer = previous;
      for (const s of added) {
        this.#sources.delete(s.ssrc);
        this.#disposeSource(s);
      }
      throw err;
    }
    // Legs added while the first offer was outstanding need a local re-negotiation now.
    if ([...ep.legs.values()].some((l) => !ep.rawOffer?.includes(`a=ssrc:${l.source.ssrc} `)))
      await this.#renegotiate(ep);
    // Sources no longer declared by this endpoint (its own source-remove) go away for everyone.
    const declaredSsrcs = new Set(declared.map((d) => d.ssrc));
    const removed = [...this.#sources.values()].filter((s) => s.owner === id && !declaredSsrcs.has(s.ssrc));
    const touched = new Set<Endpoint>();
    for (const s of removed) for (const other of this.#removeSource(s)) touched.add(other);
    for (const s of added) {
      for (const other of this.#endpoints.values()) {
        if (other === ep || other.closed || !this.#accepts(other, s)) continue;
        this.#addLeg(other, s);
        touched.add(other);
      }
    }
    await Promise.all([...touched].filter((o) => o.participantAnswer).map((o) => this.#renegotiate(o)));
    for (const s of removed) this.#emit('bridgeSourceRemoved', publicSource(s));
    for (const s of added) this.#emit('bridgeSourceAdded', publicSource(s));
  }

  addRemoteCandidate(id: string, mlineIndex: number, candidate: string): void {
    const ep = this.#endpoint(id);
    if (!candidate) return;
    // max-bundle: one transport, every candidate belongs to m-line 0.
    ep.webrtc.emit('add-ice-candidate', 0, candidate.replace(/^a=/, ''));
    void mlineIndex;
  }

  /**
   * Which video sources reach endpoint `id` from now on (null = all; names of sources not present yet apply when they
   * appear). Gates are valves on the legs, so nothing is renegotiated. Returns the names now forwarded.
   */
  setForwardedVideo(id: string, names: string[] | null): string[] {
    const ep = this.#endpoint(id);
    ep.forwardVideo = names ? new Set(names) : null;
    const forwarded: string[] = [];
    for (const leg of ep.legs.values()) {
      if (leg.source.media !== 'video') continue;
      const on = this.#forwards(ep, leg.source);
      if (on) forwarded.push(leg.source.name);
      const gate = leg.bin.getByName('gate');
      if (!gate || Boolean(gate.drop) === !on) continue;
      gate.drop = !on;
      // Switched on: the receiver needs a keyframe to start decoding; ask the sender now, as JVB does. Pushed from the
      // leg's sink pad (an upstream event is pushed, not sent, from a sink pad) through tee, payloader and depayloader
      // to the sender's session, which turns it into a PLI.
      if (on) pushKeyframeRequest(leg.bin.getStaticPad('sink'));
    }
    return forwarded;
  }

  /** A fresh offer with the current sources (for a focus that re-sends session-initiate, e.g. after a restart). */
  async reoffer(id: string): Promise<{ offerSdp: string; sources: BridgeSource[] }> {
    const ep = this.#endpoint(id);
    await this.#renegotiate(ep);
    return { offerSdp: this.#jitsiOffer(ep), sources: this.#offeredSources(ep) };
  }

  async removeEndpoint(id: string): Promise<BridgeSource[]> {
    const ep = this.#endpoints.get(id);
    if (!ep) return [];
    ep.closed = true;
    this.#endpoints.delete(id);
    const own = [...this.#sources.values()].filter((s) => s.owner === id);
    const touched = new Set<Endpoint>();
    for (const s of own) for (const other of this.#removeSource(s)) touched.add(other);
    for (const leg of [...ep.legs.values()]) this.#detachLeg(ep, leg, false);
    for (const [obj, hid] of ep.signals.splice(0)) {
      try {
        obj.disconnect(hid);
      } catch {
        // already gone
      }
    }
    await wait(50); // §4.5: let queued cross-thread calls drain before the state change
    ep.webrtc.setState(Gst.State.NULL);
    this.pipeline.remove(ep.webrtc);
    for (const p of ep.parked) {
      p.setState(Gst.State.NULL);
      this.pipeline.remove(p);
    }
    for (const s of own) this.#disposeSource(s);
    await Promise.all(
      [...touched].filter((o) => o.participantAnswer && !o.closed).map((o) => this.#renegotiate(o).catch(() => {})),
    );
    for (const s of own) this.#emit('bridgeSourceRemoved', publicSource(s));
    return own.map(publicSource);
  }

  /**
   * Everything at once: disconnect every handler first (a streaming thread waiting for the JS thread while the JS
   * thread waits in a state change is the §4.5 deadlock), drain, then the whole pipeline to NULL.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const ep of this.#endpoints.values()) {
      ep.closed = true;
      for (const [obj, hid] of ep.signals.splice(0)) {
        try {
          obj.disconnect(hid);
        } catch {
          // already gone
        }
      }
    }
    try {
      this.#bus.disconnect(this.#busHandler);
      this.#bus.removeSignalWatch();
    } catch {
      // ignore
    }
    await wait(50);
    this.pipeline.setState(Gst.State.NULL);
    this.#endpoints.clear();
    this.#sources.clear();
  }

  /**
   * 1 Hz, properties only (§4.4): keyframe requests forwarded upstream to each source's sender, read in the sender's
   * session as `sent-pli-count` + `sent-fir-count` of its SSRC (receivers' FIRs are not counted on any source by
   * rtpsession 1.22, PLIs are; what the bridge sends on is counted either way).
   */
  tick(): void {
    if (this.#closed) return;
    for (const s of this.#sources.values()) {
      if (s.media !== 'video') continue;
      const owner = this.#endpoints.get(s.owner);
      const session = owner?.webrtc.getByName('rtpbin')?.emit('get-internal-session', 0);
      const src = session?.emit('get-source-by-ssrc', s.ssrc);
      const st = src ? structNumbers(src.stats) : {};
      const requests = (st['sent-pli-count'] ?? 0) + (st['sent-fir-count'] ?? 0);
      if (requests > s.keyframeRequests) {
        s.keyframeRequests = requests;
        this.#emit('bridgeKeyframeRequested', { owner: s.owner, name: s.name, ssrc: s.ssrc, requests });
      }
    }
  }

  // ---------------- internals ----------------

  #forwards(ep: Endpoint, s: Source): boolean {
    return s.media !== 'video' || ep.forwardVideo === null || ep.forwardVideo.has(s.name);
  }

  #accepts(ep: Endpoint, s: Source): boolean {
    return ep.conference === s.conference && (s.encoding !== 'H264' || ep.h264);
  }

  #validateDeclared(id: string, declared: DeclaredSource[]): void {
    const names = new Set<string>();
    for (const d of declared) {
      const other = this.#sources.get(d.ssrc);
      if ((other && other.owner !== id) || d.ssrc === this.#jvb.audio || d.ssrc === this.#jvb.video) {
        throw new BridgeFailure(
          'bad-request',
          `SSRC ${d.ssrc} of ${id}/${d.name} is already used in the conference: pick another SSRC`,
        );
      }
      if (d.rtxSsrc !== undefined && this.#sources.has(d.rtxSsrc)) {
        throw new BridgeFailure('bad-request', `RTX SSRC ${d.rtxSsrc} of ${id}/${d.name} collides with a primary SSRC`);
      }
      const key = `${d.media}:${d.name}`;
      if (names.has(key)) throw new BridgeFailure('bad-request', `${id} declares ${d.media} source ${d.name} twice`);
      names.add(key);
    }
  }

  #offeredSources(ep: Endpoint): BridgeSource[] {
    return [
      ...[...ep.legs.values()].map((l) => publicSource(l.source)),
      { owner: 'jvb', name: 'jvb-a0', media: 'audio', ssrc: this.#jvb.audio, msid: 'mixedmslabel mixedlabelaudio0' },
      { owner: 'jvb', name: 'jvb-v0', media: 'video', ssrc: this.#jvb.video, msid: 'mixedmslabel mixedlabelvideo0' },
    ];
  }

  #jitsiOffer(ep: Endpoint): string {
    if (!ep.rawOffer) throw new BridgeFailure('internal', `endpoint ${ep.id} has no offer`);
    return toJitsiBridgeOffer(ep.rawOffer, {
      sources: [...ep.legs.values()].map((l) => l.source),
      jvb: this.#jvb,
      candidates: ep.candidates,
      gatheringComplete: ep.gatheringComplete,
      h264: ep.h264,
      version: ep.version,
    });
  }

  #addLeg(ep: Endpoint, s: Source): void {
    if (ep.legs.has(s.ssrc)) return;
    // Video legs start with a valve (setForwardedVideo); audio is always forwarded.
    const gate = s.media === 'video' ? `valve name=gate drop=${!this.#forwards(ep, s)} ! ` : '';
    const bin = parseBin(
      `${gate}queue max-size-buffers=0 max-size-bytes=0 max-size-time=500000000 leaky=downstream ! capsfilter caps="${legCaps(s)}"`,
      'bridge leg',
    );
    this.pipeline.add(bin);
    const sinkPad = ep.webrtc.requestPadSimple('sink_%u');
    const tr = sinkPad.transceiver;
    tr.direction = GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY;
    tr.doNack = false;
    tr.codecPreferences = Gst.Caps.fromString(legCaps(s));
    bin.getStaticPad('src').link(sinkPad);
    bin.syncStateWithParent();
    const teePad = s.tee.requestPadSimple('src_%u');
    teePad.link(bin.getStaticPad('sink'));
    ep.legs.set(s.ssrc, { source: s, teePad, bin, sinkPad });
  }

  /** Unlink a leg from its tee and drop it; its webrtcbin transceiver goes inactive at the next negotiation. */
  #detachLeg(ep: Endpoint, leg: Leg, keepTransceiver: boolean): void {
    ep.legs.delete(leg.source.ssrc);
    try {
      leg.teePad.unlink(leg.bin.getStaticPad('sink'));
      leg.source.tee.releaseRequestPad(leg.teePad);
    } catch {
      // tee already gone
    }
    try {
      leg.bin.getStaticPad('src').unlink(leg.sinkPad);
    } catch {
      // webrtcbin already gone
    }
    leg.bin.setState(Gst.State.NULL);
    this.pipeline.remove(leg.bin);
    if (keepTransceiver && leg.sinkPad.transceiver) {
      leg.sinkPad.transceiver.direction = GstWebRTC.WebRTCRTPTransceiverDirection.INACTIVE;
      ep.deadSinkPads.push(leg.sinkPad);
    }
  }

  /** Remove a source's legs from every receiver; returns the receivers that need a re-negotiation. */
  #removeSource(s: Source): Endpoint[] {
    this.#sources.delete(s.ssrc);
    const touched: Endpoint[] = [];
    for (const ep of this.#endpoints.values()) {
      const leg = ep.legs.get(s.ssrc);
      if (!leg) continue;
      this.#detachLeg(ep, leg, true);
      touched.push(ep);
    }
    if (this.#endpoints.has(s.owner)) this.#disposeSource(s);
    return touched;
  }

  #disposeSource(s: Source): void {
    const owner = this.#endpoints.get(s.owner);
    if (s.ingress && owner) {
      // The owner stays (its own source-remove): park its webrtcbin pad so rtpbin never sees not-linked.
      const sink = s.ingress.getStaticPad('sink');
      const pad = sink.getPeer();
      if (pad) {
        pad.unlink(sink);
        const park = parseBin('queue ! fakesink sync=false async=false', 'bridge park');
        this.pipeline.add(park);
        park.syncStateWithParent();
        pad.link(park.getStaticPad('sink'));
        owner.parked.push(park);
      }
    }
    for (const el of [s.ingress, s.tee]) {
      if (!el) continue;
      try {
        el.setState(Gst.State.NULL);
        this.pipeline.remove(el);
      } catch {
        // already removed
      }
    }
    s.ingress = null;
  }

  #onPadAdded(ep: Endpoint, pad: GObj): void {
    if (ep.closed || pad.direction !== Gst.PadDirection.SRC) return;
    console.log(`[bridge] ${ep.id} pad ${String(pad.getName())} ${String(pad.getCurrentCaps()?.toString() ?? '')}`);
    const st = pad.getCurrentCaps()?.getStructure(0);
    const ssrcR = st?.getUint('ssrc');
    const ssrc = Number(Array.isArray(ssrcR) ? ssrcR[1] : ssrcR);
    const s = this.#sources.get(ssrc);
    if (!s || s.owner !== ep.id || s.ingress) {
      // Unsignalled or foreign SSRC: park it so rtpbin never sees not-linked.
      const park = parseBin('queue ! fakesink sync=false async=false', 'bridge park');
      this.pipeline.add(park);
      park.syncStateWithParent();
      pad.link(park.getStaticPad('sink'));
      ep.parked.push(park);
      return;
    }
    const enc = String(st.getString('encoding-name')).toUpperCase();
    if (enc === 'OPUS' || enc === 'VP8' || enc === 'H264') s.encoding = enc;
    const ingress = parseBin(ingressDescription(s), 'bridge ingress');
    this.pipeline.add(ingress);
    ingress.getStaticPad('src').link(s.tee.getStaticPad('sink'));
    ingress.syncStateWithParent();
    const r = pad.link(ingress.getStaticPad('sink'));
    if (r !== Gst.PadLinkReturn.OK)
      this.#emitError(ep.id, 'pad-added', `cannot link ${ep.id}'s ssrc ${ssrc} into the bridge: ${r}`);
    s.ingress = ingress;
  }

  async #createLocalOffer(ep: Endpoint): Promise<void> {
    const reply = await gstPromise((p) => ep.webrtc.emit('create-offer', Gst.Structure.newEmpty('opts'), p));
    if (!reply) throw new BridgeFailure('negotiation', `webrtcbin created no offer for ${ep.id}`);
    const offer = reply.getValue('offer').getBoxed();
    await gstPromise((p) => ep.webrtc.emit('set-local-description', offer, p));
    ep.rawOffer = String(offer.sdp.asText());
  }

  async #setRemoteAnswer(ep: Endpoint): Promise<void> {
    if (!ep.rawOffer || !ep.participantAnswer) return;
    let answer: string;
    try {
      answer = toWebrtcbinAnswer(ep.participantAnswer, ep.rawOffer);
    } catch (err) {
      throw new BridgeFailure('negotiation', `answer of ${ep.id} does not fit the bridge offer: ${String(err)}`);
    }
    await gstPromise((p) => ep.webrtc.emit('set-remote-description', sessionDescription('answer', answer), p)).catch(
      (err: unknown) => {
        throw new BridgeFailure('negotiation', `bridge could not apply the answer of ${ep.id}: ${String(err)}`);
      },
    );
  }

  /** Local re-negotiation with the participant's last answer (Jitsi source-add needs no new answer from it). */
  #renegotiate(ep: Endpoint): Promise<void> {
    return this.#serial(ep, async () => {
      if (ep.closed) return;
      ep.version++;
      await this.#createLocalOffer(ep);
      await this.#setRemoteAnswer(ep);
    });
  }

  #serial<T>(ep: Endpoint, fn: () => Promise<T>): Promise<T> {
    const next = ep.chain.then(fn, fn);
    ep.chain = next.catch(() => {});
    return next;
  }

  #endpoint(id: string): Endpoint {
    this.#assertOpen();
    const ep = this.#endpoints.get(id);
    if (!ep) throw new BridgeFailure('unknown-session', `no bridge endpoint ${id}: call bridge.allocateEndpoint first`);
    return ep;
  }

  #assertOpen(): void {
    if (this.#closed) throw new BridgeFailure('internal', 'the bridge is closed');
  }

  #emitError(id: string, where: string, err: unknown): void {
    this.#emit('busError', {
      sid: `bridge:${id}`,
      element: `bridge:${where}`,
      message: err instanceof Error ? err.message : String(err),
      debug: '',
    });
  }
}

function publicSource(s: BridgeSource): BridgeSource {
  return {
    owner: s.owner,
    name: s.name,
    media: s.media,
    ssrc: s.ssrc,
    msid: s.msid,
    ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
    ...(s.videoType ? { videoType: s.videoType } : {}),
  };
}
