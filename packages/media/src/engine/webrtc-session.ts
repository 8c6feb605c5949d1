/**
 * One webrtcbin per Jingle sid (docs/media-engine.md §5, §6). Answerer role for the bridge's offers (the product);
 * offerer role for the bridge-like test peer (src/testing). §4 rules enforced here: no per-buffer JS (stats are read
 * from properties at 1 Hz), every handler wrapped, handlers disconnected and a drain before state changes, no null
 * arguments, every dynamic branch starts with a queue.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PipelineError } from '../errors.js';
import type { Logger } from '../events.js';
import {
  audioChainDescription,
  fileUri,
  formatOfCaps,
  rtpCaps,
  sourceDescription,
  videoChainDescription,
  type MediaFormat,
} from '../builders/send.js';
import { branchPlan, COUNTER_NAME } from '../builders/receive.js';
import { FileSource } from './file-source.js';
import { startSessionPlayout, type PlayoutSource } from '../playout/engine-playout.js';
import { PLAYOUT_SPLICE_DELAY_NS } from '../playout/playout-names.js';
import { CountdownSource } from '../countdown/countdown-source.js';
import type { CountdownStyleInput, CountdownTargetInput } from '../countdown/countdown-style.js';
import type {
  EngineEventData,
  EngineEventName,
  LocalSourceDescription,
  LocalSourceRequest,
  MediaKind,
  ReceiveSpecParsed,
  RemoteSource,
  SendSpecParsed,
  SourceStats,
  VideoCodec,
} from '../protocol/messages.js';
import {
  GATHERING_COMPLETE,
  Gst,
  GstController,
  GstWebRTC,
  ICE_STATES,
  gstPromise,
  parseBin,
  sessionDescription,
  structNumbers,
  type GObj,
} from './gi.js';
import { consoleLineLogger } from './line-logger.js';
import { fidGroups, filterOffer, midsOf, OfferError, URI_AUDIO_LEVEL, URI_TWCC, type FilteredOffer } from './sdp.js';

/** The countdown's logger: console lines like the rest of the engine (stdout is forwarded to the client's log). */
const countdownLogger = (sid: string): Logger => consoleLineLogger(sid, 'countdown');

export type Emit = <E extends EngineEventName>(event: E, data: EngineEventData<E>) => void;

export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly code: 'negotiation' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

interface SendLeg {
  media: MediaKind;
  ssrc: number;
  name: string;
  codec: VideoCodec | 'opus';
  pt: number;
  extmaps: Record<number, string>;
  tail: GObj;
  valve?: GObj;
  sinkPad: GObj;
  srcPad: GObj; // the `audio`/`video` element's src pad in the source bin
  chain?: GObj;
  /** Playout video leg: the chain gets the splice point for passthrough (builders `playoutSplice`). */
  playoutSplice?: boolean;
  format?: MediaFormat;
  capsHandler?: number;
  lastPli: number;
  lastFir: number;
  lastOctets: number;
  lastAt: number;
}

interface Branch {
  ssrc: number;
  media: MediaKind;
  owner?: string;
  name?: string;
  pad: GObj;
  bin: GObj;
  /** Set when the pad arrived before its SSRC was signalled: the branch hangs off a tee request pad of that pad. */
  teed?: { tee: GObj; teePad: GObj };
  counter: GObj | null;
  sharedReq?: { element: GObj; pad: GObj };
  lastFrames: number;
  lastFrameChangeAt: number;
  frozenSince: number | null;
  lastOctets: number;
  lastAt: number;
}

const FREEZE_MS = 2000;

/**
 * Upstream force-key-unit (gst-plugins-base video event layout). rtpsession sends a PLI for all-headers=false and a
 * FIR for true; PLI is what JVB sends and what the sender can count (recv-pli-count).
 */
export function requestKeyframe(pad: GObj): boolean {
  return Boolean(pad.sendEvent(keyframeRequestEvent()));
}

/** The upstream GstForceKeyUnit event of requestKeyframe (send it into a src pad, or push it from a sink pad). */
export function keyframeRequestEvent(): GObj {
  const s = Gst.Structure.newFromString('GstForceKeyUnit, all-headers=(boolean)false, count=(uint)0');
  return Gst.Event.newCustom(Gst.EventType.CUSTOM_UPSTREAM, s);
}
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface SessionOptions {
  sid: string;
  role: 'answerer' | 'offerer';
  send?: SendSpecParsed;
  receive: ReceiveSpecParsed;
  iceServers: { urls: string; username?: string; credential?: string }[];
  localSources: LocalSourceRequest[];
  firstCapsTimeoutMs: number;
  /** `realtime`: GstSystemClock REALTIME (wall ns = base time + running time); countdown/playout force it. */
  clock?: 'system' | 'realtime';
}

export class WebrtcSession {
  readonly sid: string;
  readonly pipeline: GObj;
  readonly webrtc: GObj;
  readonly #o: SessionOptions;
  readonly #emit: Emit;
  readonly #signals: [GObj, number][] = [];
  readonly #remote = new Map<number, RemoteSource>();
  readonly #branches = new Map<number, Branch>();
  /**
   * Pads of SSRCs that arrived before their source-add (JVB forwards before signaling catches up): held on a tee with
   * allow-not-linked (drops, never not-linked into rtpbin) until a re-offer signals them, then a branch attaches.
   */
  readonly #unsignalled = new Map<number, { pad: GObj; tee: GObj }>();
  readonly #legs: SendLeg[] = [];
  readonly #pendingCandidates: [number, string][] = [];
  readonly #eosWaiters = new Map<GObj, () => void>();
  readonly #files: FileSource[] = [];
  /** The countdown send source (send.source kind `countdown`), built with the send legs. */
  #countdown: CountdownSource | null = null;
  /** countdown.set before the send side exists (no offer yet): applied when it is built. */
  #countdownPending: { target?: CountdownTargetInput | null; style?: CountdownStyleInput } = {};
  /** Scheduled playout (send.source kind `playout`), built with the send legs. */
  #playout: PlayoutSource | null = null;
  #reportedBaseTime: bigint | null = null;
  #hasRemote = false;
  #mids: string[] = [];
  #sendBuilt = false;
  #precreated = false;
  #closed = false;
  #closing = false;
  #iceState = 'new';
  #shared: GObj | null = null;
  #bus: GObj;

  constructor(o: SessionOptions, emit: Emit) {
    this.#o = o;
    this.sid = o.sid;
    this.#emit = emit;
    this.#validateUserPipelines();
    this.pipeline = new Gst.Pipeline({ name: `session-${o.sid}` });
    this.webrtc = Gst.ElementFactory.make('webrtcbin', 'webrtc');
    this.webrtc.bundlePolicy = GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE;
    for (const s of o.iceServers) {
      const u = new URL(s.urls.replace(/^(stuns?|turns?):(?!\/\/)/, '$1://'));
      if (u.protocol.startsWith('stun')) this.webrtc.stunServer = `stun://${u.host}`;
      else if (u.protocol.startsWith('turn')) {
        const auth = s.username ? `${encodeURIComponent(s.username)}:${encodeURIComponent(s.credential ?? '')}@` : '';
        this.webrtc.emit('add-turn-server', `${u.protocol}//${auth}${u.host}${u.search}`);
      }
    }
    this.pipeline.add(this.webrtc);
    this.#connect(this.webrtc, 'on-ice-candidate', (mline: number, candidate: string) => {
      const data = { sid: this.sid, mid: this.#mids[mline] ?? String(mline), mlineIndex: mline, candidate };
      this.#emit('localCandidate', data);
    });
    this.#connect(this.webrtc, 'notify::ice-gathering-state', () => {
      if (this.webrtc.iceGatheringState === GATHERING_COMPLETE) this.#emit('iceGatheringCompleted', { sid: this.sid });
    });
    this.#connect(this.webrtc, 'notify::ice-connection-state', () => {
      const st = ICE_STATES[this.webrtc.iceConnectionState as number] ?? 'new';
      if (st === this.#iceState) return;
      this.#iceState = st;
      this.#emit('connectionStateChanged', {
        sid: this.sid,
        state: st as EngineEventData<'connectionStateChanged'>['state'],
      });
    });
    // RTX (§5): do-nack on every transceiver, including those created by set-remote-description.
    this.#connect(this.webrtc, 'on-new-transceiver', (tr: GObj) => {
      tr.doNack = true;
    });
    this.#connect(this.webrtc, 'pad-added', (pad: GObj) => this.#onPadAdded(pad));
    this.#connect(this.webrtc, 'pad-removed', (pad: GObj) => {
      for (const b of this.#branches.values()) if (b.pad === pad) void this.#removeBranch(b, 'pad-removed', false);
      for (const [ssrc, u] of this.#unsignalled) {
        if (u.pad !== pad) continue;
        this.#unsignalled.delete(ssrc);
        u.tee.setState(Gst.State.NULL);
        this.pipeline.remove(u.tee);
      }
    });
    this.#bus = this.pipeline.getBus();
    this.#bus.addSignalWatch();
    this.#connect(this.#bus, 'message', (msg: GObj) => this.#onBusMessage(msg));
    if (o.receive.mode === 'shared') {
      this.#shared = parseBin(o.receive.description, 'shared receive pipeline', false);
      this.pipeline.add(this.#shared);
    }
    // Countdown: clock time = wall-clock ns so running time maps to wall seconds (countdown/README.md). Before PLAYING.
    if (o.send?.source.kind === 'countdown' || o.send?.source.kind === 'playout' || o.clock === 'realtime')
      CountdownSource.useRealtimeClock(Gst, this.pipeline);
    this.pipeline.setState(Gst.State.PLAYING);
  }

  /** Parse user descriptions once at open so mistakes come back as typed errors, not as later bus errors. */
  #validateUserPipelines(): void {
    const { send, receive } = this.#o;
    if (send?.desktop?.kind === 'countdown') {
      throw new PipelineError(
        'syntax',
        'desktop send source: kind "countdown" is only supported as the main send source (send.source)',
      );
    }
    if (send?.source.kind === 'countdown') {
      // Builds (and drops) the bin once so a bad style (e.g. an unreadable logo) fails at open, not at the offer.
      new CountdownSource(
        { Gst, GstController },
        { style: send.source.style ?? {}, target: send.source.target },
      ).close();
    }
    if (send?.source.kind === 'pipeline') {
      const bin = parseBin(send.source.description, 'send pipeline', false);
      const named = ['audio', 'video'].filter((n) => bin.getByName(n));
      if (!named.length) {
        throw new PipelineError(
          'missing-named-element',
          'send pipeline: no element named "audio" or "video" — end each branch in e.g. `! queue name=video`',
          { description: send.source.description },
        );
      }
    }
    if (receive.mode === 'template') {
      for (const media of ['audio', 'video'] as const) {
        const t = receive[media];
        if (!t) continue;
        const vars = { participant_id: 'p', nick: 'n', source_name: 's', media_type: media };
        const plan = branchPlan({
          media,
          encodingName: media === 'video' ? 'VP8' : 'OPUS',
          spec: receive,
          vars,
          discard: false,
        });
        parseBin(plan.description, `receive template (${media})`);
      }
    }
    if (receive.mode === 'shared') {
      const bin = parseBin(receive.description, 'shared receive pipeline', false);
      if (!bin.getByName('audio') && !bin.getByName('video')) {
        throw new PipelineError(
          'missing-named-element',
          'shared receive pipeline: no element named "audio" or "video" with request sink pads (e.g. `compositor name=video`)',
          { description: receive.description },
        );
      }
    }
  }

  // ---------------- answerer ----------------

  async applyRemoteOffer(
    sdp: string,
    remoteSources: RemoteSource[],
  ): Promise<{ sdp: string; localSources: LocalSourceDescription[] }> {
    this.#assertOpen();
    let filtered: FilteredOffer;
    try {
      filtered = filterOffer(sdp, this.#o.send?.videoCodec ?? 'vp8', { desktopMline: this.#sendsDesktop() });
    } catch (err) {
      throw new SessionError(
        'negotiation',
        err instanceof OfferError ? err.message : `unparseable offer: ${String(err)}`,
      );
    }
    this.#remote.clear();
    for (const r of remoteSources) this.#remote.set(r.ssrc, r);
    if (!this.#sendBuilt) {
      this.#sendBuilt = true;
      this.#buildAnswererSend(filtered);
      await this.#waitForCaps(this.#o.firstCapsTimeoutMs);
    }
    if (!this.#precreated) {
      this.#precreated = true;
      this.#precreateRecvTransceivers(filtered);
    }
    await gstPromise((p) =>
      this.webrtc.emit('set-remote-description', sessionDescription('offer', filtered.sdp), p),
    ).catch((err: unknown) => {
      throw new SessionError('negotiation', `set-remote-description failed: ${String(err)}`);
    });
    this.#flushCandidates();
    const reply = await gstPromise((p) => this.webrtc.emit('create-answer', Gst.Structure.newEmpty('opts'), p));
    if (!reply) throw new SessionError('negotiation', 'create-answer returned no answer');
    const answer = reply.getValue('answer').getBoxed();
    await gstPromise((p) => this.webrtc.emit('set-local-description', answer, p));
    const text = String(answer.sdp.asText());
    this.#mids = midsOf(text);
    // Source removed by the re-offer (Jitsi source-remove): drop its branch without touching the others.
    for (const b of [...this.#branches.values()]) {
      if (!this.#remote.has(b.ssrc)) await this.#removeBranch(b, 'source-removed', true);
    }
    // Media that arrived before its source-add: attach the real branch now.
    for (const [ssrc, u] of [...this.#unsignalled]) {
      if (!this.#remote.has(ssrc)) continue;
      this.#unsignalled.delete(ssrc);
      this.#attachBranch(u.pad, u.tee);
    }
    const fid = fidGroups(text);
    const localSources = this.#legs.map((l): LocalSourceDescription => {
      const req = this.#o.localSources.find((s) => s.ssrc === l.ssrc);
      const rtx = fid.get(l.ssrc);
      return {
        ...(req ?? { name: l.name, media: l.media, ssrc: l.ssrc, msid: `${l.name} ${l.name}` }),
        ...(rtx ? { rtxSsrc: rtx } : {}),
      };
    });
    return { sdp: text, localSources };
  }

  #buildAnswererSend(f: FilteredOffer): void {
    const send = this.#o.send;
    if (!send) return;
    const audioReq = this.#o.localSources.find((s) => s.media === 'audio');
    // The send spec feeds our camera source; a desktop source (v1) needs its own spec (not built here).
    const videoReq = this.#o.localSources.find((s) => s.media === 'video' && s.videoType !== 'desktop');
    const want = { audio: !!(audioReq && f.audio), video: !!(videoReq && f.video) };
    if (!want.audio && !want.video) return;
    const bin =
      send.source.kind === 'countdown'
        ? this.#countdownBin()
        : parseBin(sourceDescription(send.source, want), 'send pipeline', false);
    const dynamic = send.source.kind === 'pipeline';
    if (send.source.kind === 'countdown') want.audio &&= !!this.#countdown?.hasAudio;
    if (dynamic) {
      // A user pipeline publishes what it names: no `audio` element → no audio source is sent.
      want.audio &&= !!bin.getByName('audio');
      want.video &&= !!bin.getByName('video');
    }
    if (send.source.kind !== 'countdown') this.pipeline.add(bin);
    if (want.video && videoReq && f.video) {
      this.#addLeg(bin, {
        media: 'video',
        ssrc: videoReq.ssrc,
        name: videoReq.name,
        codec: f.video.codec,
        pt: f.video.pt,
        extmaps: f.video.extmaps,
        dynamic,
        active: true,
        playoutSplice: send.source.kind === 'playout',
      });
    }
    if (want.audio && audioReq && f.audio) {
      this.#addLeg(bin, {
        media: 'audio',
        ssrc: audioReq.ssrc,
        name: audioReq.name,
        codec: 'opus',
        pt: f.audio.pt,
        extmaps: f.audio.extmaps,
        dynamic,
        active: true,
      });
    }
    bin.syncStateWithParent();
    this.#startFile(bin, send.source);
    this.#countdown?.start();
    if (send.source.kind === 'playout') {
      const vleg = this.#legs.find((l) => l.playoutSplice && l.chain);
      this.#playout = startSessionPlayout({
        sid: this.sid,
        bin,
        pipeline: this.pipeline,
        spec: send.source,
        emit: this.#emit,
        ...(vleg ? { encoded: { bin: vleg.chain, codec: vleg.codec as VideoCodec } } : {}),
      });
    }
    // Screen-share: its own source bin and leg (the desktop m-line of filterOffer); video only.
    const desktopReq = this.#o.localSources.find((s) => s.media === 'video' && s.videoType === 'desktop');
    if (this.#sendsDesktop() && desktopReq && send.desktop && f.video) {
      const dbin = parseBin(
        sourceDescription(send.desktop, { audio: false, video: true }),
        'desktop send pipeline',
        false,
      );
      this.pipeline.add(dbin);
      this.#addLeg(dbin, {
        media: 'video',
        ssrc: desktopReq.ssrc,
        name: desktopReq.name,
        codec: f.video.codec,
        pt: f.video.pt,
        extmaps: f.video.extmaps,
        dynamic: send.desktop.kind === 'pipeline',
        active: true,
      });
      dbin.syncStateWithParent();
      this.#startFile(dbin, send.desktop);
    }
  }

  /** Receive-only media: pre-create a recvonly transceiver with the TWCC extmap, or the answer has no TWCC (§5). */
  #precreateRecvTransceivers(f: FilteredOffer): void {
    for (const media of ['audio', 'video'] as const) {
      if (this.#legs.some((l) => l.media === media)) continue;
      const n = media === 'audio' ? f.audio : f.video;
      if (!n) continue;
      const enc = media === 'audio' ? 'OPUS' : f.video?.codec === 'h264' ? 'H264' : 'VP8';
      const twcc = Object.entries(n.extmaps).filter(([, u]) => u === URI_TWCC);
      const caps =
        `application/x-rtp,media=${media},encoding-name=${enc},payload=${n.pt},clock-rate=${media === 'audio' ? 48000 : 90000},` +
        `rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,rtcp-fb-transport-cc=(boolean)true` +
        twcc.map(([id, u]) => `,extmap-${id}=(string)${u}`).join('');
      const tr = this.webrtc.emit(
        'add-transceiver',
        GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY,
        Gst.Caps.fromString(caps),
      );
      if (tr) tr.doNack = true;
    }
  }

  /** A desktop (screen-share) source is declared and has a send spec. */
  #sendsDesktop(): boolean {
    return (
      !!this.#o.send?.desktop && this.#o.localSources.some((s) => s.media === 'video' && s.videoType === 'desktop')
    );
  }

  /** Builds the countdown source, adds its bin (ends in `queue name=video`, with beeps `queue name=audio`). */
  #countdownBin(): GObj {
    const src = this.#o.send?.source;
    if (src?.kind !== 'countdown') throw new SessionError('internal', 'no countdown send source');
    const pending = this.#countdownPending;
    this.#countdownPending = {};
    const cd = new CountdownSource(
      { Gst, GstController },
      {
        style: pending.style ?? src.style ?? {},
        target: pending.target !== undefined ? pending.target : src.target,
        logger: countdownLogger(this.sid),
      },
    );
    cd.on('failed', (err) => this.#emitError('countdown', err.message));
    this.#countdown = cd;
    this.pipeline.add(cd.bin);
    return cd.bin;
  }

  /** countdown.set: new target and/or style (style changes that alter the bin's shape throw restart-required). */
  setCountdown(p: { target?: CountdownTargetInput | null; style?: CountdownStyleInput }): void {
    this.#assertOpen();
    if (this.#o.send?.source.kind !== 'countdown') {
      throw new SessionError('internal', `session ${this.sid} sends no countdown source`);
    }
    const cd = this.#countdown;
    if (!cd) {
      // No offer yet: keep it for when the send side is built.
      if (p.target !== undefined) this.#countdownPending.target = p.target;
      if (p.style !== undefined) this.#countdownPending.style = p.style;
      return;
    }
    if (p.style !== undefined) cd.setStyle(p.style);
    if (p.target !== undefined) cd.setTarget(p.target);
  }

  /** The scheduled playout of this session (null until the offer built the send side, or not a playout). */
  get playout(): PlayoutSource | null {
    return this.#playout;
  }
  get sendsPlayout(): boolean {
    return this.#o.send?.source.kind === 'playout';
  }

  get sendsCountdown(): boolean {
    return this.#o.send?.source.kind === 'countdown';
  }

  #startFile(bin: GObj, source: SendSpecParsed['source']): void {
    if (source.kind !== 'file') return;
    const f = new FileSource(bin, fileUri(source.location), source.loop, (m) => this.#emitError('file', m));
    this.#files.push(f);
    f.start(this.pipeline);
  }

  // ---------------- offerer (test peer) ----------------

  async openOfferer(sources: { name: string; media: MediaKind; ssrc: number; active: boolean }[]): Promise<string> {
    const send = this.#o.send;
    if (!send) throw new SessionError('internal', 'offerer needs a send spec');
    let videoIndex = 0;
    for (const s of sources) {
      const source =
        send.source.kind === 'test' && s.media === 'video' && videoIndex++ > 0
          ? { ...send.source, pattern: 'ball' }
          : send.source;
      const countdown = source.kind === 'countdown';
      if (countdown && this.#countdown) {
        throw new SessionError('internal', 'offerer: a countdown source publishes one video (and beeps) source only');
      }
      const bin = countdown
        ? this.#countdownBin()
        : parseBin(
            sourceDescription(source, { audio: s.media === 'audio', video: s.media === 'video' }),
            'offerer source',
            false,
          );
      if (!countdown) this.pipeline.add(bin);
      const extmaps: Record<number, string> =
        s.media === 'audio' ? { 1: URI_AUDIO_LEVEL, 5: URI_TWCC } : { 5: URI_TWCC };
      this.#addLeg(bin, {
        media: s.media,
        ssrc: s.ssrc,
        name: s.name,
        codec: s.media === 'audio' ? 'opus' : send.videoCodec,
        pt: s.media === 'audio' ? 111 : send.videoCodec === 'vp8' ? 100 : 107,
        extmaps,
        dynamic: send.source.kind === 'pipeline',
        active: s.active,
      });
      bin.syncStateWithParent();
      this.#startFile(bin, source);
    }
    this.#countdown?.start();
    await this.#waitForCaps(this.#o.firstCapsTimeoutMs);
    const reply = await gstPromise((p) => this.webrtc.emit('create-offer', Gst.Structure.newEmpty('opts'), p));
    const offer = reply.getValue('offer').getBoxed();
    await gstPromise((p) => this.webrtc.emit('set-local-description', offer, p));
    const text = String(offer.sdp.asText());
    this.#mids = midsOf(text);
    return text;
  }

  async applyAnswer(sdp: string): Promise<void> {
    this.#assertOpen();
    await gstPromise((p) => this.webrtc.emit('set-remote-description', sessionDescription('answer', sdp), p)).catch(
      (err: unknown) => {
        throw new SessionError('negotiation', `set-remote-description(answer) failed: ${String(err)}`);
      },
    );
    this.#flushCandidates();
  }

  setSourceActive(name: string, active: boolean): void {
    const leg = this.#legs.find((l) => l.name === name);
    if (!leg?.valve) throw new SessionError('internal', `no send source named ${name}`);
    leg.valve.drop = !active;
  }

  /** Remote sources for the offerer role (it has no Jingle map): learned from the answer's SSRCs by the test peer. */
  setRemoteSources(sources: RemoteSource[]): void {
    for (const r of sources) this.#remote.set(r.ssrc, r);
  }

  // ---------------- shared ----------------

  addRemoteCandidate(mlineIndex: number, candidate: string): void {
    this.#assertOpen();
    if (!candidate) return; // end-of-candidates: nothing to tell webrtcbin
    const c = candidate.startsWith('a=') ? candidate.slice(2) : candidate;
    if (!this.#hasRemote) this.#pendingCandidates.push([mlineIndex, c]);
    else this.webrtc.emit('add-ice-candidate', mlineIndex, c);
  }

  #flushCandidates(): void {
    this.#hasRemote = true;
    for (const [m, c] of this.#pendingCandidates.splice(0)) this.webrtc.emit('add-ice-candidate', m, c);
  }

  #addLeg(
    bin: GObj,
    p: {
      media: MediaKind;
      ssrc: number;
      name: string;
      codec: VideoCodec | 'opus';
      pt: number;
      extmaps: Record<number, string>;
      dynamic: boolean;
      active: boolean;
      playoutSplice?: boolean;
    },
  ): void {
    const el = bin.getByName(p.media);
    const srcPad = el?.getStaticPad('src');
    if (!el || !srcPad) {
      throw new PipelineError(
        'missing-named-element',
        `send pipeline: no element named "${p.media}" with a static src pad — end the ${p.media} branch in \`! queue name=${p.media}\``,
        { media: p.media },
      );
    }
    const ghost = Gst.GhostPad.new(`out_${p.media}_${p.ssrc}`, srcPad);
    bin.addPad(ghost);
    const encodingName = p.codec === 'opus' ? 'OPUS' : p.codec === 'vp8' ? 'VP8' : 'H264';
    const tail = Gst.ElementFactory.make('capsfilter', null);
    tail.caps = Gst.Caps.fromString(
      rtpCaps({
        media: p.media,
        encodingName,
        pt: p.pt,
        clockRate: p.media === 'audio' ? 48000 : 90000,
        ssrc: p.ssrc,
        extmaps: p.extmaps,
      }),
    );
    this.pipeline.add(tail);
    let last = tail;
    let valve: GObj | undefined;
    if (this.#o.role === 'offerer') {
      valve = Gst.ElementFactory.make('valve', null);
      valve.dropMode = 1; // forward-sticky-events: caps (and so SSRC lines) reach webrtcbin while dropping
      valve.drop = !p.active;
      this.pipeline.add(valve);
      tail.link(valve);
      last = valve;
    }
    const sinkPad = this.webrtc.requestPadSimple('sink_%u');
    const linked = last.getStaticPad('src').link(sinkPad);
    if (linked !== Gst.PadLinkReturn.OK)
      throw new SessionError('internal', `cannot link ${p.media} to webrtcbin: ${linked}`);
    if (p.media === 'video' && sinkPad.transceiver) sinkPad.transceiver.doNack = true;
    tail.syncStateWithParent();
    valve?.syncStateWithParent();
    const leg: SendLeg = {
      media: p.media,
      ssrc: p.ssrc,
      name: p.name,
      codec: p.codec,
      pt: p.pt,
      extmaps: p.extmaps,
      tail,
      ...(valve ? { valve } : {}),
      sinkPad,
      srcPad: ghost,
      ...(p.playoutSplice ? { playoutSplice: true } : {}),
      lastPli: 0,
      lastFir: 0,
      lastOctets: 0,
      lastAt: Date.now(),
    };
    this.#legs.push(leg);
    if (!p.dynamic) this.#linkChain(leg, 'raw');
    else {
      // Raw or encoded is only known once the user pipeline negotiates: link on the first caps (one sync callback).
      leg.capsHandler = this.#connect(srcPad, 'notify::caps', () => {
        const caps = srcPad.getCurrentCaps();
        if (!caps) return;
        const fmt = formatOfCaps(String(caps.toString()));
        if (leg.chain) {
          if (fmt !== leg.format)
            this.#emitError(p.media, `send ${p.media} changed format ${leg.format} → ${fmt}: not supported`);
          return;
        }
        this.#linkChain(leg, fmt);
      });
    }
  }

  #linkChain(leg: SendLeg, fmt: MediaFormat): void {
    const enc = this.#o.send?.encoder;
    const d =
      leg.media === 'video'
        ? videoChainDescription({
            input: fmt,
            codec: leg.codec as VideoCodec,
            pt: leg.pt,
            ssrc: leg.ssrc,
            ...(enc ? { encoder: enc } : {}),
            ...(leg.playoutSplice ? { playoutSplice: { tsOffsetNs: PLAYOUT_SPLICE_DELAY_NS } } : {}),
          })
        : audioChainDescription({ input: fmt, pt: leg.pt, ssrc: leg.ssrc, ...(enc ? { encoder: enc } : {}) });
    const chain = parseBin(d.description, `${leg.media} encoder chain`);
    this.pipeline.add(chain);
    chain.getStaticPad('src').link(leg.tail.getStaticPad('sink'));
    chain.syncStateWithParent();
    const r = leg.srcPad.link(chain.getStaticPad('sink'));
    if (r !== Gst.PadLinkReturn.OK)
      this.#emitError(leg.media, `cannot link send ${leg.media} (${fmt}) to its encoder chain: ${r}`);
    leg.chain = chain;
    leg.format = fmt;
    console.log(
      `[${this.sid}] send ${leg.media} ssrc=${leg.ssrc} input=${fmt} ${'passthrough' in d && d.passthrough ? 'passthrough' : 'encode'}`,
    );
  }

  async #waitForCaps(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#legs.every((l) => l.sinkPad.getCurrentCaps())) return;
      await wait(30);
    }
    console.log(
      `[${this.sid}] send caps not ready after ${timeoutMs} ms; answering without SSRC lines for late sources`,
    );
  }

  #onPadAdded(pad: GObj): void {
    if (this.#closed || pad.direction !== Gst.PadDirection.SRC) return;
    this.#attachBranch(pad, null);
  }

  #attachBranch(pad: GObj, tee: GObj | null): void {
    const caps = pad.getCurrentCaps();
    const s = caps?.getStructure(0);
    if (!s) return;
    const media = String(s.getString('media')) as MediaKind;
    const encodingName = String(s.getString('encoding-name'));
    const ssrcR = s.getUint('ssrc');
    const ssrc = Number(Array.isArray(ssrcR) ? ssrcR[1] : ssrcR);
    const src = this.#remote.get(ssrc);
    if (this.#o.role === 'answerer' && !src) {
      console.log(`[${this.sid}] SSRC ${ssrc} not signalled (yet): held until a re-offer signals it`);
      const t = Gst.ElementFactory.make('tee', null);
      t.allowNotLinked = true;
      this.pipeline.add(t);
      t.syncStateWithParent();
      const r = pad.link(t.getStaticPad('sink'));
      if (r !== Gst.PadLinkReturn.OK) this.#emitError('receive', `cannot hold unsignalled pad ${pad.getName()}: ${r}`);
      this.#unsignalled.set(ssrc, { pad, tee: t });
      return;
    }
    const discard = this.#o.role === 'answerer' ? !src || src.owner === 'jvb' : false;
    const vars = {
      participant_id: src?.owner ?? `ssrc-${ssrc}`,
      nick: src?.nick ?? src?.owner ?? '',
      source_name: src?.name ?? `ssrc-${ssrc}`,
      media_type: media,
    };
    let plan = branchPlan({ media, encodingName, spec: this.#o.receive, vars, discard });
    let bin: GObj;
    try {
      bin = parseBin(plan.description, 'receive branch');
    } catch (err) {
      this.#emitError('receive', err instanceof Error ? err.message : String(err));
      plan = branchPlan({ media, encodingName, spec: this.#o.receive, vars, discard: true });
      bin = parseBin(plan.description, 'receive branch');
    }
    bin.messageForward = true; // lets removeBranch see the branch's own EOS
    this.pipeline.add(bin);
    bin.syncStateWithParent();
    const branch: Branch = {
      ssrc,
      media,
      ...(src ? { owner: src.owner, name: src.name } : {}),
      pad,
      bin,
      counter: bin.getByName(COUNTER_NAME),
      lastFrames: 0,
      lastFrameChangeAt: Date.now(),
      frozenSince: null,
      lastOctets: 0,
      lastAt: Date.now(),
    };
    if (plan.kind === 'shared' && this.#shared) {
      const target = this.#shared.getByName(media);
      const req = target?.requestPadSimple('sink_%u');
      if (req) {
        bin.getStaticPad('src').link(req);
        branch.sharedReq = { element: target, pad: req };
      } else this.#emitError('receive', `shared receive pipeline has no "${media}" element with request pads`);
    }
    let upstream = pad;
    if (tee) {
      upstream = tee.requestPadSimple('src_%u');
      branch.teed = { tee, teePad: upstream };
    }
    const r = upstream.link(bin.getStaticPad('sink'));
    if (r !== Gst.PadLinkReturn.OK)
      this.#emitError('receive', `cannot link remote pad ${pad.getName()} (ssrc ${ssrc}): ${r}`);
    this.#branches.set(ssrc, branch);
    // A branch joining mid-stream needs a keyframe now, not at the sender's next periodic one: an upstream
    // GstForceKeyUnit on the webrtcbin pad makes rtpsession send a PLI for this SSRC (what depayloaders do on loss).
    if (media === 'video' && !discard) requestKeyframe(pad);
    if (branch.counter) {
      const t0 = Date.now();
      const poll = setInterval(() => {
        try {
          const r = this.#branches.get(ssrc) === branch ? branch.counter.stats?.getUint64?.('rendered') : null;
          const n = Number(Array.isArray(r) ? r[1] : (r ?? 0));
          if (n > 0) this.#emit('firstFrameDecoded', { sid: this.sid, ssrc, msSincePad: Date.now() - t0 });
          if (n > 0 || r === null || Date.now() - t0 > 60_000) clearInterval(poll);
        } catch {
          clearInterval(poll);
        }
      }, 20);
    }
    this.#emit('remotePadAdded', {
      sid: this.sid,
      ssrc,
      media,
      caps: String(caps.toString()),
      ...(src ? { owner: src.owner, name: src.name } : {}),
      sink: plan.kind,
    });
  }

  /** §4.5: detach, EOS so recorders finalize, drain, then NULL and remove — the other branches keep running. */
  async #removeBranch(b: Branch, reason: string, eos: boolean, eosTimeoutMs = 1500): Promise<void> {
    if (!this.#branches.delete(b.ssrc)) return;
    const sink = b.bin.getStaticPad('sink');
    try {
      const peer = sink.getPeer();
      if (peer) peer.unlink(sink);
    } catch {
      // the webrtcbin pad may already be gone
    }
    // The webrtcbin pad outlives the source: webrtcbin emits no new pad-added if the same SSRC is announced again
    // (a participant re-adding a source, a bridge re-using an SSRC). Hold the pad like an unsignalled one — on a tee
    // with allow-not-linked, so rtpbin never sees not-linked — and the next re-offer that signals it attaches a new
    // branch (applyRemoteOffer).
    const hold = reason !== 'pad-removed' && !this.#closing;
    if (b.teed) {
      b.teed.tee.releaseRequestPad(b.teed.teePad);
      if (hold) this.#unsignalled.set(b.ssrc, { pad: b.pad, tee: b.teed.tee });
    } else if (hold) {
      const tee = Gst.ElementFactory.make('tee', null);
      tee.allowNotLinked = true;
      this.pipeline.add(tee);
      tee.syncStateWithParent();
      const r = b.pad.link(tee.getStaticPad('sink'));
      if (r !== Gst.PadLinkReturn.OK) this.#emitError('receive', `cannot hold removed pad of ssrc ${b.ssrc}: ${r}`);
      else this.#unsignalled.set(b.ssrc, { pad: b.pad, tee });
    }
    if (eos && b.counter !== null) {
      const done = new Promise<void>((r) => this.#eosWaiters.set(b.bin, r));
      sink.sendEvent(Gst.Event.newEos());
      await Promise.race([done, wait(eosTimeoutMs)]);
      this.#eosWaiters.delete(b.bin);
    }
    if (b.sharedReq) {
      const src = b.bin.getStaticPad('src');
      src.unlink(b.sharedReq.pad);
      b.sharedReq.element.releaseRequestPad(b.sharedReq.pad);
    }
    await wait(50);
    b.bin.setState(Gst.State.NULL);
    this.pipeline.remove(b.bin);
    this.#emit('remoteBranchRemoved', { sid: this.sid, ssrc: b.ssrc, reason });
  }

  #onBusMessage(msg: GObj): void {
    // The playout's talk branch: a broken file becomes a slate + playoutAlerted, not a session error.
    if (this.#playout?.handleBusMessage(msg)) return;
    // A message has exactly one type: compare with ===, never &. Extended types (decodebin3's STREAM_COLLECTION =
    // EXTENDED + 4, STREAMS_SELECTED = EXTENDED + 5) share low bits with WARNING and EOS, so `t & EOS` was true for them.
    const t = msg.type as number;
    const element = String(msg.src?.name ?? 'unknown');
    if (t === Gst.MessageType.ERROR) {
      const [err, debug] = msg.parseError();
      if (this.#closing) return; // branches being torn down report not-linked; not an error of the session
      this.#emit('busError', {
        sid: this.sid,
        element,
        message: String(err?.message ?? err),
        debug: String(debug ?? ''),
      });
    } else if (t === Gst.MessageType.WARNING) {
      const [err, debug] = msg.parseWarning();
      this.#emit('busWarning', {
        sid: this.sid,
        element,
        message: String(err?.message ?? err),
        debug: String(debug ?? ''),
      });
    } else if (t === Gst.MessageType.ELEMENT) {
      const s = msg.getStructure();
      if (s && s.getName() === 'GstBinForwarded') {
        const resolve = this.#eosWaiters.get(msg.src);
        if (resolve) {
          const inner = s.getValue('message')?.getBoxed?.();
          if (inner && (inner.type as number) === Gst.MessageType.EOS) resolve();
        }
      }
    } else if (t === Gst.MessageType.EOS) {
      this.#emit('eos', { sid: this.sid });
    }
  }

  /** ~1 Hz from the engine's heartbeat timer: properties only, no streaming-thread JS (§4.4). */
  tick(): void {
    if (this.#closed) return;
    const base = BigInt(this.pipeline.getBaseTime());
    if (base && base !== this.#reportedBaseTime) {
      this.#reportedBaseTime = base;
      const clock = this.pipeline.getClock();
      const realtime = !!clock && clock instanceof Gst.SystemClock && clock.clockType === Gst.ClockType.REALTIME;
      this.#emit('pipelineClock', { sid: this.sid, realtime, baseTimeNs: String(base) });
    }
    const now = Date.now();
    const rtpbin = this.webrtc.getByName('rtpbin');
    // RTPSession (the internal object) has get-source-by-ssrc; the GstRtpSession element does not.
    const session = rtpbin?.emit('get-internal-session', 0);
    const sourceStats = (ssrc: number): Record<string, number> => {
      const src = session?.emit('get-source-by-ssrc', ssrc);
      return src ? structNumbers(src.stats) : {};
    };
    const out: SourceStats[] = [];
    // rtpsession 1.22 counts a received PLI on our media source (recv-pli-count); a FIR names the media SSRC only in
    // its FCI and is not counted on any source (rtpsession.c process_feedback) — FIR-triggered keyframes are invisible.
    for (const l of this.#legs) {
      const st = sourceStats(l.ssrc);
      const octets = st['octets-sent'] ?? 0;
      const dt = Math.max(1, now - l.lastAt);
      const pli = st['recv-pli-count'] ?? 0;
      const fir = st['recv-fir-count'] ?? 0;
      if (pli > l.lastPli || fir > l.lastFir)
        this.#emit('keyframeRequested', { sid: this.sid, ssrc: l.ssrc, pli, fir });
      out.push({
        ssrc: l.ssrc,
        direction: 'outbound',
        media: l.media,
        name: l.name,
        bitrate: Math.max(0, Math.round(((octets - l.lastOctets) * 8000) / dt)),
        packets: st['packets-sent'] ?? 0,
        packetsLost: 0,
      });
      Object.assign(l, { lastPli: pli, lastFir: fir, lastOctets: octets, lastAt: now });
    }
    for (const b of this.#branches.values()) {
      const st = sourceStats(b.ssrc);
      const octets = st['octets-received'] ?? 0;
      const dt = Math.max(1, now - b.lastAt);
      let frames: number | undefined;
      if (b.counter) {
        const r = b.counter.stats?.getUint64?.('rendered');
        frames = Number(Array.isArray(r) ? r[1] : (r ?? 0));
        if (frames !== b.lastFrames) {
          b.lastFrames = frames;
          b.lastFrameChangeAt = now;
          if (b.frozenSince !== null) {
            this.#emit('freezeEnded', {
              sid: this.sid,
              ssrc: b.ssrc,
              ...(b.name ? { name: b.name } : {}),
              frozenMs: now - b.frozenSince,
            });
            b.frozenSince = null;
          }
        } else if (b.frozenSince === null && frames > 0 && now - b.lastFrameChangeAt >= FREEZE_MS) {
          b.frozenSince = b.lastFrameChangeAt;
          this.#emit('freezeStarted', { sid: this.sid, ssrc: b.ssrc, ...(b.name ? { name: b.name } : {}) });
        }
      }
      out.push({
        ssrc: b.ssrc,
        direction: 'inbound',
        media: b.media,
        ...(b.owner ? { owner: b.owner } : {}),
        ...(b.name ? { name: b.name } : {}),
        bitrate: Math.max(0, Math.round(((octets - b.lastOctets) * 8000) / dt)),
        packets: st['packets-received'] ?? 0,
        packetsLost: Math.max(0, st['packets-lost'] ?? 0),
        ...(frames !== undefined ? { framesDecoded: frames, frozen: b.frozenSince !== null } : {}),
      });
      b.lastOctets = octets;
      b.lastAt = now;
    }
    this.#emit('stats', { sid: this.sid, at: now, sources: out });
  }

  async close(eosTimeoutMs = 1500): Promise<boolean> {
    if (this.#closed || this.#closing) return true;
    this.#closing = true;
    let eos = true;
    for (const b of [...this.#branches.values()]) {
      await this.#removeBranch(b, 'session-closed', eosTimeoutMs > 0, eosTimeoutMs).catch(() => {
        eos = false;
      });
    }
    this.#closed = true;
    for (const f of this.#files.splice(0)) f.close();
    this.#countdown?.close();
    this.#playout?.close();
    for (const [obj, id] of this.#signals.splice(0)) {
      try {
        obj.disconnect(id);
      } catch {
        // object already finalized
      }
    }
    this.#bus.removeSignalWatch();
    await wait(50); // let queued cross-thread calls drain before the state change (§4.5)
    this.pipeline.setState(Gst.State.NULL);
    return eos;
  }

  get branchCount(): number {
    return this.#branches.size;
  }

  #assertOpen(): void {
    if (this.#closed) throw new SessionError('internal', `session ${this.sid} is closed`);
  }

  #connect(obj: GObj, signal: string, fn: (...args: any[]) => unknown): number {
    // §4.10: an exception in a signal handler quits the loop — wrap, report, carry on.
    const id = obj.connect(signal, (...args: any[]) => {
      try {
        return fn(...args);
      } catch (err) {
        this.#emitError(signal, err instanceof Error ? (err.stack ?? err.message) : String(err));
        return undefined;
      }
    });
    this.#signals.push([obj, id]);
    return id;
  }

  #emitError(element: string, message: string): void {
    this.#emit('busError', { sid: this.sid, element: `engine:${element}`, message, debug: '' });
  }
}
