/**
 * Scheduled playout (issue 8) inside a session pipeline that runs on a REALTIME system clock (wall ns = base_time +
 * running time, the countdown's clock). Layers on one `compositor` (zorder): countdown bin (0), slate (1), talk
 * file (2); audio on one `audiomixer` (live silence + the talk's audio + optional countdown beeps).
 *
 * Frame-exact start without per-frame JS: the talk is a `uridecodebin3` branch opened ahead of time whose
 * compositor/audiomixer sink pads get a pad offset of (T − base_time), so the file's running time 0 (or, after a
 * seek, its segment start) lands on the wall instant T. The branch is not live: it decodes its first frames, hands
 * the first one to the compositor and blocks there (the aggregator keeps a buffer whose time has not come). The
 * compositor draws a pad only once it has a frame covering the output frame, so the output frame whose interval
 * contains T is the first to show the talk, opaque above the countdown: the "switch" is decided by timestamps inside
 * GStreamer, not by a JS timer. Audio and video share the offset, so audio starts in sync. The encoder and payloader
 * downstream never change: no renegotiation, same SSRCs.
 *
 * End without JS timing: once the talk plays, the layer that comes after it (slate / next countdown / black) is
 * prepared beneath the opaque talk; the talk's compositor pad does not repeat its last frame after EOS, so the first
 * output frame after the talk's last frame shows what comes after. JS notices the EOS later (100 ms poll) and only
 * updates state.
 *
 * Passthrough (spec `mode`): when the file's video is already in the session's codec, its encoded frames (demuxed and
 * parsed, not decoded) are spliced into the send chain's funnel in front of the payloader (same payloader, SSRC and
 * session), paced by a clocksync whose sink pad carries the same offset (frame 0 at T). The encoder stops at T and
 * resumes at the talk's end by segment clipping: a SEGMENT event injected at the encoder's sink pad with `stop` at T
 * (GstVideoEncoder drops frames outside its input segment), later one whose `start` is the first compositor frame at
 * or after the end, followed by an upstream GstForceKeyUnit (all-headers) so the encoder resumes with a keyframe.
 *
 * JS is the control plane only: it builds/tears down branches, sets pad properties and segment gates ahead of time,
 * and emits state events. Runs in the engine process; GI modules are injected and stay `any` here
 * (docs/media-engine.md §4.8).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { CountdownSource } from '../countdown/countdown-source.js';
import { escapeMarkup } from '../countdown/countdown-text.js';
import { silentLogger, type Logger } from '../events.js';
import { PlayoutError } from './errors.js';
import {
  PLAYOUT_ENCODER,
  PLAYOUT_ENCODER_SYNC,
  PLAYOUT_FUNNEL,
  PLAYOUT_GATE,
  PLAYOUT_PAY,
  PLAYOUT_SPLICE_DELAY_NS,
} from './playout-names.js';
import { endedEarly, effectiveStart, planStart, positionAt } from './playout-plan.js';
import type {
  LatePolicy,
  PlayoutAction,
  PlayoutAlertReason,
  PlayoutModeChosen,
  PlayoutSource as PlayoutSpec,
  PlayoutState,
  PlayoutStatus,
} from './playout-spec.js';

export const PLAYOUT_COMPOSITOR = 'stagecast_playout_compositor';
export const PLAYOUT_MIXER = 'stagecast_playout_mixer';

const MS = 1_000_000n;
const Z_COUNTDOWN = 0;
const Z_SLATE = 1;
const Z_FILE = 2;

/** Static part of the playout bin (the engine's send-pipeline convention: elements named `video` / `audio`). */
export function playoutSkeletonDescription(spec: PlayoutSpec, want: { audio: boolean; video: boolean }): string {
  const parts: string[] = [];
  if (want.video) {
    parts.push(
      `compositor name=${PLAYOUT_COMPOSITOR} background=black start-time-selection=first ! ` +
        `video/x-raw,format=I420,width=${spec.width},height=${spec.height},framerate=${spec.fps}/1,pixel-aspect-ratio=1/1 ! ` +
        'queue name=video max-size-buffers=3 max-size-bytes=0 max-size-time=0',
    );
  }
  if (want.audio) {
    parts.push(
      `audiomixer name=${PLAYOUT_MIXER} start-time-selection=first ! ` +
        'audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved ! ' +
        'queue name=audio max-size-time=200000000 max-size-buffers=0 max-size-bytes=0',
    );
  }
  return parts.join('  ');
}

export interface PlayoutGi {
  Gst: any;
  GstController?: any;
}

/** What the playout reports; the engine turns these into channel events carrying the session id. */
export interface PlayoutSink {
  stateChanged(d: { state: PlayoutState; reason: string; positionMs: number | null; atMs: number }): void;
  lateStart(d: { policy: LatePolicy; lateMs: number; positionMs: number; switchAtMs: number }): void;
  alert(d: { reason: PlayoutAlertReason; message: string }): void;
  /** Once per talk branch: passthrough or transcode, and why. */
  modeChosen?(d: PlayoutModeChosen): void;
}

/** The session's send chain the playout may splice into (built by videoChainDescription with `playoutSplice`). */
export interface PlayoutEncodedPath {
  /** Bin (or pipeline) containing the chain's PLAYOUT_ENCODER, PLAYOUT_ENCODER_SYNC and PLAYOUT_FUNNEL elements. */
  bin: any;
  codec: 'vp8' | 'h264';
}

interface BranchPad {
  media: 'video' | 'audio';
  /** Compositor/audiomixer pad, or (passthrough video) the send chain's funnel pad. */
  aggPad: any;
  ghost: any;
  decPad: any;
  passthrough?: boolean;
  /** Passthrough: the clocksync pacing the encoded frames (flushed on retire). */
  sync?: any;
  /** Passthrough: ghost pads across the bins (playout bin → send chain bin) and the pad the outer one links to. */
  cross?: { outer: any; inner: any | null; innerParent: any | null; target: any };
}

interface Branch {
  n: number;
  bin: any;
  dec: any;
  switchAtMs: number;
  fromMs: number;
  offsetNs: bigint;
  pads: BranchPad[];
  handlers: [any, number][];
  seekTimer?: ReturnType<typeof setTimeout>;
  seeked: boolean;
  durationMs: number | null;
  closing: boolean;
  hidden: boolean;
  /** Passthrough wanted for this branch (decided at open; the video pad may still fall back to transcode). */
  wantPassthrough: boolean;
  /** Video is spliced encoded: the encoder is gated (stopped at T, reopened at the end). */
  passthrough: boolean;
  durationNs: bigint | null;
  /** Running time at which the encoder resumes (null: not armed yet, it stays stopped from T). */
  reopenRtNs: bigint | null;
  afterTimer?: ReturnType<typeof setTimeout>;
  /**
   * Passthrough ordering holds (blocking probes, removed by JS): the file's first frame waits until the encoder has
   * pushed its last frame before T; the encoder's first frame after the talk waits until the file's EOS went out.
   * Two streaming threads feed the funnel, so timestamps alone cannot order them on a loaded host.
   */
  fileHold?: { pad: any; id: number };
  /** Running time of one encoder frame (the payloader's last before T): a point of the encoder's frame grid. */
  gridRtNs?: bigint | null;
  encHold?: { pad: any; id: number };
  holdPoll?: ReturnType<typeof setInterval>;
}

function uriOf(location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : `file://${location}`;
}
function argb(hex: string): number {
  return (0xff000000 | parseInt(hex.slice(1), 16)) >>> 0;
}

export interface PlayoutSourceOptions {
  gi: PlayoutGi;
  /** The bin built from playoutSkeletonDescription, already in `pipeline` (PLAYING). */
  bin: any;
  pipeline: any;
  spec: PlayoutSpec;
  sink: PlayoutSink;
  logger?: Logger;
  /** The send chain to splice into for passthrough; absent: transcode only (`mode: "passthrough"` is then an error). */
  encoded?: PlayoutEncodedPath;
}

export class PlayoutSource {
  readonly #Gst: any;
  readonly #gi: PlayoutGi;
  readonly #bin: any;
  readonly #pipeline: any;
  readonly #spec: PlayoutSpec;
  readonly #sink: PlayoutSink;
  readonly #log: Logger;
  readonly #compositor: any;
  readonly #mixer: any;
  #countdown: CountdownSource | null = null;
  #countdownPad: any = null;
  #slatePad: any = null;
  #slateText: any = null;
  #branch: Branch | null = null;
  /** Branches being torn down: their bus messages (not-linked, flushing) are ours to swallow. */
  readonly #retired = new Set<Branch>();
  #n = 0;
  #state: PlayoutState = 'scheduled';
  #pausedAtMs: number | null = null;
  /** Last known duration of the talk file (kept while paused/ended, when no branch exists). */
  #durationMs: number | null = null;
  #openTimer: ReturnType<typeof setTimeout> | undefined;
  #playTimer: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly #encoded: { codec: 'vp8' | 'h264'; encoder: any; encSync: any; funnel: any; pay: any; gate: any } | null;
  /** The encoder's input segment as upstream sent it (gates are built from it, so running times never change). */
  #encSeg0: any = null;

  constructor(o: PlayoutSourceOptions) {
    this.#gi = o.gi;
    this.#Gst = o.gi.Gst;
    this.#bin = o.bin;
    this.#pipeline = o.pipeline;
    this.#spec = o.spec;
    this.#sink = o.sink;
    this.#log = (o.logger ?? silentLogger).child({ module: 'playout' });
    this.#compositor = o.bin.getByName(PLAYOUT_COMPOSITOR);
    this.#mixer = o.bin.getByName(PLAYOUT_MIXER);
    if (!this.#compositor)
      throw new PlayoutError('bad-spec', 'playout bin has no compositor: build it with playoutSkeletonDescription');
    const e = o.encoded;
    const encoder = e?.bin.getByName(PLAYOUT_ENCODER);
    const encSync = e?.bin.getByName(PLAYOUT_ENCODER_SYNC);
    const funnel = e?.bin.getByName(PLAYOUT_FUNNEL);
    const pay = e?.bin.getByName(PLAYOUT_PAY);
    const gate = e?.bin.getByName(PLAYOUT_GATE);
    this.#encoded =
      e && encoder && encSync && funnel && pay && gate ? { codec: e.codec, encoder, encSync, funnel, pay, gate } : null;
    if (this.#spec.mode === 'passthrough' && !this.#encoded) {
      throw new PlayoutError(
        'passthrough-unavailable',
        'playout mode "passthrough" needs a send chain the file can be spliced into (a VP8 or H.264 session encoder ' +
          'built with playoutSplice); use mode "auto" or "transcode" here',
      );
    }
  }

  get state(): PlayoutState {
    return this.#state;
  }

  /** Builds the countdown, slate and silence layers and applies the schedule (or the restored hold state). */
  start(): void {
    const Gst = this.#Gst;
    const s = this.#spec;
    const clock = this.#pipeline.getClock();
    if (!(clock instanceof Gst.SystemClock) || clock.clockType !== Gst.ClockType.REALTIME) {
      throw new PlayoutError(
        'gstreamer',
        'playout needs the session pipeline on a REALTIME system clock (wall time = base time + running time); ' +
          'the engine sets it for playout sessions before PLAYING',
      );
    }
    // Countdown (zorder 0): the issue-6 bin, frame-accurate on the same clock.
    const cd = new CountdownSource(this.#gi, {
      style: { ...s.countdown.style, width: s.width, height: s.height, fps: s.fps },
      target: { startsAt: s.startsAt, title: s.countdown.title, speakers: s.countdown.speakers },
      name: 'playout_countdown',
      logger: this.#log,
    });
    cd.on('failed', (err) => this.#sink.alert({ reason: 'countdown-failed', message: err.message }));
    cd.exposePads();
    this.#bin.add(cd.bin);
    this.#countdownPad = this.#layerPad(Z_COUNTDOWN, 1);
    cd.bin.getStaticPad('video').link(this.#countdownPad);
    if (cd.hasAudio && this.#mixer) cd.bin.getStaticPad('audio').link(this.#mixer.requestPadSimple('sink_%u'));
    cd.bin.syncStateWithParent();
    cd.start();
    this.#countdown = cd;
    // Slate (zorder 1): a solid background with one line of text, hidden (alpha 0) until needed.
    const sl = s.slate;
    const pt = Math.max(6, Math.round(((sl.sizePct / 100) * s.height * 0.75) as number));
    // Not ghosting unlinked pads: a ghosted (linked) text_sink would make textoverlay wait for text forever.
    const slate = Gst.parseBinFromDescription(
      `videotestsrc is-live=true pattern=solid-color foreground-color=${argb(sl.background)} ! ` +
        `video/x-raw,format=I420,width=${s.width},height=${s.height},framerate=${s.fps}/1,pixel-aspect-ratio=1/1 ! ` +
        `textoverlay name=playout_slate_text wait-text=false auto-resize=false halignment=center valignment=center ` +
        `wrap-mode=word draw-shadow=false color=${argb(sl.textColor)} font-desc="${sl.fontFamily} Bold ${pt}" ! ` +
        'queue name=playout_slate_out max-size-buffers=2',
      false,
    );
    slate.name = 'playout_slate';
    slate.addPad(Gst.GhostPad.new('src', slate.getByName('playout_slate_out').getStaticPad('src')));
    this.#bin.add(slate);
    this.#slateText = slate.getByName('playout_slate_text');
    this.#slatePad = this.#layerPad(Z_SLATE, 0);
    slate.getStaticPad('src').link(this.#slatePad);
    slate.syncStateWithParent();
    // Silence keeps the audio track running (and the mixer live) when no talk plays.
    if (this.#mixer) {
      const silence = Gst.parseBinFromDescription(
        'audiotestsrc is-live=true wave=silence samplesperbuffer=960 ! ' +
          'audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved ! queue max-size-time=100000000',
        true,
      );
      silence.name = 'playout_silence';
      this.#bin.add(silence);
      silence.getStaticPad('src').link(this.#mixer.requestPadSimple('sink_%u'));
      silence.syncStateWithParent();
    }
    this.#poll = setInterval(() => this.#safe('poll', () => this.#tick()), 100);

    const hold = s.hold;
    if (hold?.state === 'paused') {
      this.#pausedAtMs = hold.positionMs;
      this.#showSlate(sl.pausedText);
      this.#setState('paused', 'restored', hold.positionMs);
      return;
    }
    if (hold?.state === 'ended') {
      this.#showAfter();
      this.#setState('ended', 'restored', null);
      return;
    }
    if (hold?.state === 'stopped') {
      if (s.muteVideoAfterEnd) this.#showBlack();
      else this.#showSlate(sl.stoppedText);
      this.#setState('stopped', 'restored', null);
      return;
    }
    const now = this.#nowMs();
    const plan = planStart({
      startsAtMs: s.startsAt,
      nowMs: now,
      policy: s.latePolicy,
      startMarginMs: s.startMarginMs,
      openAheadMs: s.openAheadMs,
    });
    if (plan.late) {
      this.#log.warn(
        { lateMs: plan.late.lateMs, policy: plan.late.policy, positionMs: plan.positionMs },
        'playout started after its scheduled time',
      );
      this.#sink.lateStart({
        policy: plan.late.policy,
        lateMs: plan.late.lateMs,
        positionMs: plan.positionMs,
        switchAtMs: plan.switchAtMs,
      });
      this.#countdown.setTarget({
        startsAt: plan.switchAtMs,
        title: s.countdown.title,
        speakers: s.countdown.speakers,
      });
    }
    this.#schedule(plan.switchAtMs, plan.positionMs, plan.late ? `late-${plan.late.policy}` : 'scheduled');
  }

  control(action: PlayoutAction): PlayoutStatus & { sid: string } {
    if (this.#closed) throw new PlayoutError('closed', 'playout is closed');
    const now = this.#nowMs();
    const s = this.#spec;
    const margin = s.startMarginMs;
    const st = this.#state;
    switch (action) {
      case 'startNow': {
        if (st === 'playing') break; // already on air
        if (st === 'paused')
          throw PlayoutError.invalidAction('start now', st, 'use resume (continue) or restart (from 0)');
        const b = this.#branch;
        if (st === 'scheduled' && b && b.switchAtMs <= now + margin) break; // starts within the margin anyway
        this.#countdown?.setTarget({
          startsAt: now + margin,
          title: s.countdown.title,
          speakers: s.countdown.speakers,
        });
        this.#showCountdown();
        this.#schedule(now + margin, 0, 'start-now');
        break;
      }
      case 'pause': {
        const b = this.#branch;
        if (st !== 'playing' || !b) throw PlayoutError.invalidAction('pause', st, 'pause works while a talk plays');
        const pos = this.#clampPos(positionAt(now, b.switchAtMs, b.fromMs), b.durationMs);
        this.#pausedAtMs = pos;
        this.#showSlate(s.slate.pausedText);
        this.#retire(b);
        this.#clearTimers();
        this.#setState('paused', 'paused', pos);
        break;
      }
      case 'resume': {
        if (st !== 'paused' || this.#pausedAtMs === null)
          throw PlayoutError.invalidAction('resume', st, 'resume continues a paused talk; use startNow or restart');
        this.#schedule(now + margin, this.#pausedAtMs, 'resume');
        this.#pausedAtMs = null;
        break;
      }
      case 'skip': {
        if (st !== 'scheduled' && st !== 'playing' && st !== 'paused')
          throw PlayoutError.invalidAction('skip', st, 'nothing is scheduled or playing; use restart to play again');
        this.#finish('ended', 'skipped');
        break;
      }
      case 'stop': {
        if (st === 'stopped') break;
        this.#stopBranch();
        if (s.muteVideoAfterEnd) this.#showBlack();
        else this.#showSlate(s.slate.stoppedText);
        this.#setState('stopped', 'stopped', null);
        break;
      }
      case 'restart': {
        this.#pausedAtMs = null;
        this.#countdown?.setTarget({
          startsAt: now + margin,
          title: s.countdown.title,
          speakers: s.countdown.speakers,
        });
        this.#showCountdown();
        this.#schedule(now + margin, 0, 'restart');
        break;
      }
    }
    return this.status();
  }

  status(): PlayoutStatus & { sid: string } {
    const now = this.#nowMs();
    const b = this.#branch;
    let positionMs: number | null = null;
    if (this.#state === 'paused') positionMs = this.#pausedAtMs;
    else if (b && this.#state === 'playing')
      positionMs = this.#clampPos(positionAt(now, b.switchAtMs, b.fromMs), b.durationMs);
    else if (b && this.#state === 'scheduled') positionMs = b.fromMs;
    return {
      sid: '',
      state: this.#state,
      positionMs,
      durationMs: b?.durationMs ?? this.#durationMs,
      switchAtMs: b ? b.switchAtMs : null,
      switchPositionMs: b ? b.fromMs : null,
      effectiveStartMs: b ? effectiveStart(b.switchAtMs, b.fromMs) : null,
    };
  }

  /** Bus messages from the talk branch (errors: corrupt or unreadable file). Returns true when handled here. */
  handleBusMessage(msg: any): boolean {
    const Gst = this.#Gst;
    const src = msg.src;
    const owner = [this.#branch, ...this.#retired].find(
      (b) => b && src && (src === b.bin || (typeof src.hasAsAncestor === 'function' && src.hasAsAncestor(b.bin))),
    );
    if (!owner) return false;
    const t = msg.type as number;
    // decodebin3 posts its own EOS when its streams end: the talk's end is seen on the aggregator pads instead.
    if (t === Gst.MessageType.EOS) return true;
    if (owner.closing || this.#retired.has(owner)) return t === Gst.MessageType.ERROR || t === Gst.MessageType.WARNING;
    if (t === Gst.MessageType.ERROR) {
      const [err, debug] = msg.parseError();
      const message = `talk file ${this.#spec.location} failed at run time: ${String(err?.message ?? err)}`;
      this.#log.error({ element: String(src?.name ?? '?'), debug: String(debug ?? '') }, message);
      this.#fail('file-error', message);
      return true;
    }
    return false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimers();
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    this.#countdown?.close();
    if (this.#branch) {
      // The session sets the whole pipeline to NULL next: only disconnect our handlers (§4.5).
      for (const [obj, id] of this.#branch.handlers.splice(0)) obj.disconnect(id);
      if (this.#branch.seekTimer) clearTimeout(this.#branch.seekTimer);
    }
  }

  // ---------------- internals ----------------

  #nowMs(): number {
    const clock = this.#pipeline.getClock();
    return Number(BigInt(clock.getTime()) / MS);
  }

  #safe(what: string, fn: () => void): void {
    // §4.10: an exception in a timer ends the engine process.
    try {
      fn();
    } catch (err) {
      this.#log.error(
        { err: err instanceof Error ? (err.stack ?? err.message) : String(err) },
        `playout ${what} failed`,
      );
    }
  }

  #layerPad(zorder: number, alpha: number): any {
    const pad = this.#compositor.requestPadSimple('sink_%u');
    pad.zorder = zorder;
    pad.alpha = alpha;
    return pad;
  }

  #setState(state: PlayoutState, reason: string, positionMs: number | null): void {
    // Emitted even when the state repeats (a restart while scheduled moves the switch time).
    this.#state = state;
    this.#log.info({ state, reason, positionMs }, 'playout state');
    this.#sink.stateChanged({ state, reason, positionMs, atMs: this.#nowMs() });
  }

  #clampPos(pos: number, duration: number | null): number {
    return duration !== null ? Math.min(pos, duration) : pos;
  }

  #clearTimers(): void {
    if (this.#branch?.afterTimer) clearTimeout(this.#branch.afterTimer);
    if (this.#openTimer) clearTimeout(this.#openTimer);
    if (this.#playTimer) clearTimeout(this.#playTimer);
    this.#openTimer = undefined;
    this.#playTimer = undefined;
  }

  #showCountdown(): void {
    if (this.#countdownPad) this.#countdownPad.alpha = 1;
    if (this.#slatePad) this.#slatePad.alpha = 0;
  }
  #showSlate(text: string): void {
    if (this.#slateText) this.#slateText.text = escapeMarkup(text); // textoverlay text is Pango markup
    if (this.#slatePad) this.#slatePad.alpha = 1;
    if (this.#countdownPad) this.#countdownPad.alpha = 0; // hidden under the opaque slate anyway
  }
  #showBlack(): void {
    if (this.#countdownPad) this.#countdownPad.alpha = 0;
    if (this.#slatePad) this.#slatePad.alpha = 0;
  }
  #showAfter(): void {
    // Muted after the talk (participant: SourceInfo muted): send black, the live speaker takes over.
    if (this.#spec.muteVideoAfterEnd) return this.#showBlack();
    const a = this.#spec.after;
    if (a.kind === 'slate') this.#showSlate(a.text);
    else if (a.kind === 'black') this.#showBlack();
    else {
      this.#countdown?.setTarget({ startsAt: a.startsAt, title: a.title, speakers: a.speakers });
      this.#showCountdown();
    }
  }

  /** New talk branch whose first frame (position fromMs) is shown at wall time switchAtMs. */
  #schedule(switchAtMs: number, fromMs: number, reason: string): void {
    this.#stopBranch();
    const now = this.#nowMs();
    const openAt = switchAtMs - this.#spec.openAheadMs;
    if (openAt > now) {
      this.#openTimer = setTimeout(() => this.#safe('open', () => this.#openBranch(switchAtMs, fromMs)), openAt - now);
      this.#log.info({ openInMs: openAt - now }, 'playout: file opens later');
    } else {
      this.#openBranch(switchAtMs, fromMs);
    }
    this.#playTimer = setTimeout(() => this.#safe('switch', () => this.#onSwitched()), Math.max(0, switchAtMs - now));
    this.#setState('scheduled', reason, fromMs);
  }

  /** JS learns about the switch (the media switched on its own at the frame's running time). */
  #onSwitched(): void {
    const b = this.#branch;
    if (!b || this.#state !== 'scheduled') return;
    if (b.pads.length === 0) {
      this.#sink.alert({
        reason: 'preroll-late',
        message: `talk file ${this.#spec.location} was not prerolled at its start time: frames before it is ready are skipped to stay on schedule`,
      });
    }
    this.#setState('playing', 'switched', b.fromMs);
    // The talk now covers the frame (its first frame was due at T): prepare what comes after beneath it, so the talk's
    // EOS (no repeat-after-eos) reveals it on the next output frame without JS. A short delay keeps a slightly early
    // timer from showing it over the countdown's last frames.
    b.afterTimer = setTimeout(
      () => this.#safe('after', () => b === this.#branch && this.#state === 'playing' && this.#showAfter()),
      200,
    );
  }

  #openBranch(switchAtMs: number, fromMs: number): void {
    const Gst = this.#Gst;
    const base = BigInt(this.#pipeline.getBaseTime());
    const n = this.#n++;
    const bin = new Gst.Bin({ name: `playout_file_${n}` });
    const dec = Gst.ElementFactory.make('uridecodebin3', `playout_dec_${n}`);
    dec.uri = uriOf(this.#spec.location);
    const enc = this.#encoded;
    const wantPassthrough = !!enc && this.#spec.mode !== 'transcode' && fromMs === 0;
    // Stop decoding at the session's codec: such a video stream comes out demuxed + parsed; others are decoded.
    if (wantPassthrough) dec.caps = Gst.Caps.fromString(`video/x-${enc.codec};video/x-raw(ANY);audio/x-raw(ANY)`);
    bin.add(dec);
    const b: Branch = {
      n,
      bin,
      dec,
      switchAtMs,
      fromMs,
      // Running time of the branch's first frame; after a flushing seek the segment starts at running time 0 too.
      offsetNs: BigInt(switchAtMs) * MS - base,
      pads: [],
      handlers: [],
      seeked: fromMs === 0,
      durationMs: null,
      closing: false,
      hidden: false,
      wantPassthrough,
      passthrough: false,
      durationNs: null,
      reopenRtNs: null,
    };
    if (!wantPassthrough) {
      const reason = !enc ? 'no-encoded-path' : this.#spec.mode === 'transcode' ? 'requested' : 'seek';
      const why =
        reason === 'no-encoded-path'
          ? 'the send chain has no splice point (not a VP8/H.264 playout session)'
          : reason === 'requested'
            ? 'mode "transcode" requested'
            : `the talk starts at ${fromMs} ms (join-in/resume): a passthrough start must be a keyframe, so a seek transcodes to stay frame-exact`;
      this.#modeChosen({ mode: 'transcode', reason, fileCodec: null, message: why });
    }
    const id = dec.connect('pad-added', (pad: any) => {
      try {
        this.#onDecodedPad(b, pad);
      } catch (err) {
        const message = `talk file ${this.#spec.location}: linking its decoded ${String(pad?.getName?.())} failed (${String(err)})`;
        this.#log.error({ err: String(err) }, message);
        setTimeout(() => this.#safe('fail', () => b === this.#branch && this.#fail('file-error', message)), 0);
      }
    });
    b.handlers.push([dec, id]);
    this.#branch = b;
    this.#bin.add(bin);
    bin.syncStateWithParent();
    this.#log.info({ switchAtMs, fromMs, offsetNs: String(b.offsetNs), n }, 'playout: talk branch opened');
  }

  /** decodebin3 pad (streaming thread, one call per stream): chain → aggregator pad with the branch's offset. */
  #onDecodedPad(b: Branch, pad: any): void {
    const Gst = this.#Gst;
    if (b.closing) return;
    const name = String(pad.getName());
    const media = name.startsWith('video') ? 'video' : name.startsWith('audio') ? 'audio' : null;
    if (!media || b.pads.some((p) => p.media === media)) return; // other streams stay unlinked (decodebin3 allows it)
    const agg = media === 'video' ? this.#compositor : this.#spec.audio ? this.#mixer : null;
    if (!agg) return; // audio: false → the room hears silence (the mixer's live silence keeps the track running)
    const s = this.#spec;
    let decode = '';
    if (media === 'video' && b.wantPassthrough) {
      const d = this.#decideVideo(b, pad);
      if (d === 'fail') return;
      if (d === 'passthrough') return this.#linkPassthrough(b, pad);
      decode = d; // the stream comes out encoded (decodebin3 caps): decode it here
    }
    const chain = Gst.parseBinFromDescription(
      media === 'video'
        ? `queue max-size-buffers=8 max-size-bytes=0 max-size-time=0 ! ${decode}videoconvert ! videoscale add-borders=true ! ` +
            `capsfilter caps="video/x-raw,format=I420,width=${s.width},height=${s.height},pixel-aspect-ratio=1/1"`
        : 'queue max-size-time=1000000000 max-size-buffers=0 max-size-bytes=0 ! audioconvert ! audioresample ! ' +
            'capsfilter caps="audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved"',
      true,
    );
    b.bin.add(chain);
    const ghost = Gst.GhostPad.new(`out_${media}`, chain.getStaticPad('src'));
    ghost.setActive(true);
    b.bin.addPad(ghost);
    const aggPad = agg.requestPadSimple('sink_%u');
    if (media === 'video') {
      aggPad.zorder = Z_FILE;
      aggPad.alpha = 1;
      // At EOS the pad stops being drawn: the layer prepared beneath (what comes after) shows on the next frame.
      aggPad.repeatAfterEos = false;
    }
    // Sink-pad offset: applied to the segment before the aggregator maps buffers to running time.
    aggPad.setOffset(b.offsetNs);
    const r1 = ghost.link(aggPad);
    chain.syncStateWithParent();
    const r2 = pad.link(chain.getStaticPad('sink'));
    if (r1 !== Gst.PadLinkReturn.OK || r2 !== Gst.PadLinkReturn.OK) {
      this.#log.error({ media, r1, r2 }, 'playout: cannot link the talk branch');
    }
    b.pads.push({ media, aggPad, ghost, decPad: pad });
    if (!b.seeked && !b.seekTimer) {
      // Join-in / resume: one flushing, accurate seek once decodebin3 exposed its streams (all pads get the new
      // segment; the frames already queued at position 0 are flushed out of the aggregator pads).
      b.seekTimer = setTimeout(() => this.#safe('seek', () => this.#seek(b)), 150);
    }
  }

  #modeChosen(d: Omit<PlayoutModeChosen, 'requested' | 'sessionCodec'>): void {
    const full: PlayoutModeChosen = { requested: this.#spec.mode, sessionCodec: this.#encoded?.codec ?? null, ...d };
    this.#log.info(full, `playout: ${d.mode} (${d.reason}): ${d.message}`);
    this.#sink.modeChosen?.(full);
  }

  /**
   * Passthrough or not for the talk's video stream (its caps as demuxed). Returns `passthrough`, a decoder for an
   * encoded stream that must be transcoded after all, `''` for a stream decodebin3 already decodes, or `fail`
   * (mode "passthrough" with a file that cannot be spliced: typed error as alert, error slate).
   */
  #decideVideo(b: Branch, pad: any): 'passthrough' | 'fail' | string {
    const Gst = this.#Gst;
    const enc = this.#encoded!;
    const caps = pad.getStream?.()?.getCaps?.() ?? pad.getCurrentCaps?.();
    const st = caps?.getStructure?.(0);
    const capsName = st ? String(st.getName()) : null;
    const intOf = (f: string): number | null => {
      const r = st?.getInt?.(f);
      const ok = Array.isArray(r) ? r[0] : r !== null && r !== undefined;
      return ok ? Number(Array.isArray(r) ? r[1] : r) : null;
    };
    const profile = st?.getString?.('profile') ? String(st.getString('profile')) : null;
    const width = intOf('width');
    const height = intOf('height');
    const want = `video/x-${enc.codec}`;
    const forced = this.#spec.mode === 'passthrough';
    const fileCodec = capsName;
    // Only a stream in the session's codec comes out encoded (decodebin3 caps); others are decoded already.
    const decoder = capsName !== want ? '' : enc.codec === 'h264' ? 'h264parse ! avdec_h264 ! ' : 'vp8dec ! ';
    const fallback = (reason: string, message: string): 'fail' | string => {
      if (forced) {
        const err = new PlayoutError(
          'passthrough-unavailable',
          `talk file ${this.#spec.location}: passthrough impossible: ${message}; use mode "auto" or "transcode", or ` +
            `re-encode the file as ${enc.codec === 'vp8' ? 'VP8' : 'constrained-baseline H.264'}${reason === 'size-mismatch' ? '' : ''}`,
        );
        this.#log.error({ reason }, err.message);
        setTimeout(
          () => this.#safe('fail', () => b === this.#branch && this.#fail('passthrough-unavailable', err.message)),
          0,
        );
        return 'fail';
      }
      this.#modeChosen({ mode: 'transcode', reason, fileCodec, message });
      return decoder;
    };
    if (capsName !== want) {
      return fallback('codec-mismatch', `the file's video is ${capsName ?? 'unknown'}, the session negotiated ${want}`);
    }
    if (enc.codec === 'h264' && profile !== null && profile !== 'constrained-baseline' && profile !== 'baseline') {
      return fallback(
        'profile-mismatch',
        `the file's H.264 profile is ${profile}; the session negotiated constrained-baseline`,
      );
    }
    if (this.#nowMs() > b.switchAtMs - 150) {
      // Too close to T: the encoder could not be stopped before the file's first frame is due.
      this.#modeChosen({
        mode: 'transcode',
        reason: 'preroll-late',
        fileCodec,
        message: 'the file was opened too close to its start time',
      });
      return decoder;
    }
    if ((width !== null && width !== this.#spec.width) || (height !== null && height !== this.#spec.height)) {
      const message = `the file is ${width}x${height}, the playout ${this.#spec.width}x${this.#spec.height}`;
      if (!forced) {
        this.#modeChosen({ mode: 'transcode', reason: 'size-mismatch', fileCodec, message });
        return decoder;
      }
      this.#log.warn(
        { width, height },
        `playout: passthrough with a different size (${message}): receivers switch at the talk's first keyframe`,
      );
    }
    void Gst;
    this.#modeChosen({
      mode: 'passthrough',
      reason: forced ? 'requested' : 'codec-match',
      fileCodec,
      message: `the file's ${want} frames are sent as they are (no decode/encode during the talk)`,
    });
    return 'passthrough';
  }

  /** Encoded video → clocksync (frame 0 at T) → the send chain's funnel; the encoder stops at T. */
  #linkPassthrough(b: Branch, pad: any): void {
    const Gst = this.#Gst;
    const enc = this.#encoded!;
    const parse = enc.codec === 'h264' ? 'h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! ' : '';
    const chain = Gst.parseBinFromDescription(
      `queue max-size-buffers=8 max-size-bytes=0 max-size-time=0 ! ${parse}clocksync name=playout_pt_sync_${b.n} sync=true`,
      true,
    );
    b.bin.add(chain);
    const sync = chain.getByName(`playout_pt_sync_${b.n}`);
    // clocksync waits for running time + its upstream latency + ts-offset: the encoder's clocksync has the live
    // compositor path upstream, this one a file (latency 0), so add the encoder path's latency here.
    const q = Gst.Query.newLatency();
    let upstreamNs = 0n;
    if (enc.encSync.getStaticPad('sink').peerQuery(q)) {
      const r = q.parseLatency();
      upstreamNs = BigInt(Array.isArray(r) ? (r[1] ?? 0) : 0);
    }
    sync.tsOffset = BigInt(PLAYOUT_SPLICE_DELAY_NS) + upstreamNs;
    sync.getStaticPad('sink').setOffset(b.offsetNs);
    const holdPad = sync.getStaticPad('sink');
    b.fileHold = {
      pad: holdPad,
      id: holdPad.addProbe(Gst.PadProbeType.BLOCK | Gst.PadProbeType.BUFFER, () => Gst.PadProbeReturn.OK),
    };
    const ghost = Gst.GhostPad.new('out_video', chain.getStaticPad('src'));
    ghost.setActive(true);
    b.bin.addPad(ghost);
    const fpad = enc.funnel.requestPadSimple('sink_%u');
    // The funnel lives in the send chain's bin: ghost pads out of the playout bin and into the chain's bin.
    const outer = Gst.GhostPad.new(`playout_pt_${b.n}`, ghost);
    outer.setActive(true);
    this.#bin.addPad(outer);
    const innerParent = enc.funnel.getParent();
    let inner: any = null;
    if (innerParent && innerParent !== this.#pipeline) {
      inner = Gst.GhostPad.new(`playout_pt_in_${b.n}`, fpad);
      inner.setActive(true);
      innerParent.addPad(inner);
    }
    const target = inner ?? fpad;
    // The encoder drops every frame from T on (segment stop); the file's frames take over at T.
    b.passthrough = true;
    this.#armStop(b);
    const r1 = outer.link(target);
    chain.syncStateWithParent();
    const r2 = pad.link(chain.getStaticPad('sink'));
    if (r1 !== Gst.PadLinkReturn.OK || r2 !== Gst.PadLinkReturn.OK) {
      this.#log.error({ r1, r2 }, 'playout: cannot link the passthrough branch');
    }
    this.#log.info(
      { upstreamLatencyNs: String(upstreamNs), tsOffsetNs: String(sync.tsOffset) },
      'playout: passthrough branch linked',
    );
    b.holdPoll = setInterval(() => this.#safe('hold', () => this.#pollHolds(b)), 10);
    b.pads.push({
      media: 'video',
      aggPad: fpad,
      ghost,
      decPad: pad,
      passthrough: true,
      sync,
      cross: { outer, inner, innerParent: inner ? innerParent : null, target },
    });
  }

  /**
   * Stop the encoder at T. Its upstream segment must be known (gates are built from it, and an upstream segment sent
   * after ours would replace it): right after the pipeline starts it may not be there yet, so retry until it is.
   */
  #armStop(b: Branch): void {
    if (b.closing) return;
    if (!this.#encSeg0 && !this.#encSinkPad().getStickyEvent(this.#Gst.EventType.SEGMENT, 0)) {
      if (this.#nowMs() > b.switchAtMs) {
        this.#log.error({}, 'playout: the encoder never started before T; passthrough frames overlap encoder frames');
        return;
      }
      setTimeout(() => this.#safe('gate', () => this.#armStop(b)), 20);
      return;
    }
    this.#gateStopAt(BigInt(b.switchAtMs) * MS - BigInt(this.#pipeline.getBaseTime()));
  }

  /** Running time (ns) of the last frame the payloader sent (its `stats`, in RTP clock units), or null. */
  #payloaderRt(): bigint | null {
    const st = this.#encoded!.pay.stats;
    const r = st?.getUint64?.('running-time');
    const c = st?.getUint?.('clock-rate');
    const ok = Array.isArray(r) ? r[0] : r !== null && r !== undefined;
    const v = Array.isArray(r) ? r[1] : r;
    const rate = Number(Array.isArray(c) ? c[1] : (c ?? 90000)) || 90000;
    if (!ok || v === undefined || v === null) return null;
    return (BigInt(v) * 1_000_000_000n) / BigInt(rate);
  }

  #releaseHold(h: { pad: any; id: number } | undefined): void {
    if (h) h.pad.removeProbe(h.id);
  }

  /** 100 Hz while a passthrough branch holds a frame: release each hold once its condition is met. */
  #pollHolds(b: Branch): void {
    const base = BigInt(this.#pipeline.getBaseTime());
    const nowRt = BigInt(this.#nowMs()) * MS - base;
    const tRt = BigInt(b.switchAtMs) * MS - base;
    if (b.fileHold && nowRt >= tRt) {
      // The encoder's last frame before T starts less than one frame before T (it is clipped to end at T).
      const pushed = this.#payloaderRt();
      const frameNs = BigInt(Math.round(1e9 / this.#spec.fps));
      // Safety: an encoder stalled for 2 s must not keep the talk from starting.
      if ((pushed !== null && pushed >= tRt - frameNs - 1_000_000n) || nowRt > tRt + 2_000_000_000n) {
        this.#releaseHold(b.fileHold);
        b.fileHold = undefined;
        b.gridRtNs = pushed;
        this.#log.info(
          { encoderPushedRtNs: String(pushed), lateMs: Number(nowRt - tRt) / 1e6 },
          'playout: talk frames released (encoder is past T)',
        );
      }
    }
    // Only now (no encoder frame from before T in flight any more): the end gate and the encoder's hold.
    if (!b.fileHold && b.reopenRtNs === null) this.#armReopen(b);
    if (b.encHold) {
      const fp = b.pads.find((p) => p.passthrough);
      const eos = !!fp?.aggPad.getStickyEvent(this.#Gst.EventType.EOS, 0);
      if (eos || (b.reopenRtNs !== null && nowRt > b.reopenRtNs + 2_000_000_000n)) {
        this.#releaseHold(b.encHold);
        b.encHold = undefined;
        this.#log.info({ eos }, 'playout: encoder frames released (the talk has ended)');
      }
    }
    if (!b.fileHold && !b.encHold && b.reopenRtNs !== null && b.holdPoll) {
      clearInterval(b.holdPoll);
      b.holdPoll = undefined;
    }
  }

  // ---- encoder gates (passthrough): SEGMENT events at the encoder's sink pad, built from its upstream segment ----

  /** Where gate events go in (PLAYOUT_GATE's sink pad): they travel in-band to the encoder (see playout-names). */
  #gatePad(): any {
    return this.#encoded!.gate.getStaticPad('sink');
  }

  #encSinkPad(): any {
    return this.#encoded!.encoder.getStaticPad('sink');
  }

  #baseSegment(): any {
    if (!this.#encSeg0) {
      const ev = this.#encSinkPad().getStickyEvent(this.#Gst.EventType.SEGMENT, 0);
      if (!ev) throw new PlayoutError('gstreamer', 'the playout encoder has no segment yet');
      this.#encSeg0 = ev.parseSegment().copy();
    }
    return this.#encSeg0.copy();
  }

  #sendSegment(seg: any, what: string): void {
    const ok = this.#gatePad().sendEvent(this.#Gst.Event.newSegment(seg));
    this.#log.info(
      { start: String(seg.start), stop: String(seg.stop), base: String(seg.base), ok: Boolean(ok) },
      `playout: encoder gate ${what}`,
    );
  }

  /** Frames from running time `rtNs` on are dropped (those starting before it pass, clipped). */
  #gateStopAt(rtNs: bigint): void {
    const seg = this.#baseSegment();
    seg.stop = BigInt(seg.positionFromRunningTime(this.#Gst.Format.TIME, rtNs < 0n ? 0n : rtNs));
    this.#sendSegment(seg, 'stop');
  }

  /** Frames before running time `rtNs` are dropped; running times stay as they were (start and base move together). */
  #gateStartAt(rtNs: bigint): void {
    const Gst = this.#Gst;
    const seg0 = this.#baseSegment();
    const pos = BigInt(seg0.positionFromRunningTime(Gst.Format.TIME, rtNs));
    const d = pos - BigInt(seg0.start);
    const seg = seg0.copy();
    seg.start = pos;
    seg.position = pos;
    seg.time = BigInt(seg0.time) + d;
    seg.base = BigInt(seg0.base) + d;
    seg.stop = BigInt('18446744073709551615');
    this.#sendSegment(seg, 'start');
    this.#forceKeyUnit();
  }

  /** Back to the upstream segment (nothing dropped) and a keyframe on the next frame. */
  #gateOpen(keyframe: boolean): void {
    const seg = this.#baseSegment();
    seg.stop = BigInt('18446744073709551615');
    this.#sendSegment(seg, 'open');
    if (keyframe) this.#forceKeyUnit();
  }

  /**
   * Upstream GstForceKeyUnit (all headers, running time NONE) into the encoder's src pad: the next frame it accepts
   * (the first one the gate segment lets through) becomes a keyframe. Not downstream through the gate queue: that
   * queue is leaky, and when it overflows (a loaded host) it drops its oldest item — a non-sticky event included —
   * so the request could vanish and receivers got delta frames decoded against the talk until the next periodic
   * keyframe (seen once in CI: 54 frames). An upstream event is handled at once, under the object lock only.
   */
  #forceKeyUnit(): void {
    const Gst = this.#Gst;
    const none = '18446744073709551615';
    const st = Gst.Structure.newFromString(
      `GstForceKeyUnit, running-time=(guint64)${none}, all-headers=(boolean)true, count=(uint)0`,
    );
    const ok = this.#encoded!.encoder.getStaticPad('src').sendEvent(Gst.Event.newCustom(Gst.EventType.CUSTOM_UPSTREAM, st));
    this.#log.info({ ok: Boolean(ok) }, 'playout: encoder keyframe forced');
  }

  /**
   * After T, once the encoder pushed its last frame before T: arm the encoder's return at the talk's end (its running time from the duration), on the first
   * compositor frame at or after it; a keyframe is forced there.
   */
  #armReopen(b: Branch): void {
    if (b.reopenRtNs !== null || b.closing) return;
    if (b.durationNs === null) this.#queryDuration(b);
    if (b.durationNs === null) return; // the 100 ms tick retries
    const endRt = b.offsetNs + b.durationNs - BigInt(b.fromMs) * MS;
    const dur = 1e9 / this.#spec.fps;
    let at = endRt + BigInt(Math.round(dur)) - 1n; // fallback: frames ending after the end pass
    if (b.gridRtNs !== null && b.gridRtNs !== undefined) {
      // The encoder's frames sit on the compositor's output grid (one point: its last frame before T, as the
      // payloader saw it, ±11 µs in RTP units): gate 50 µs after the first grid point at or after the end, so
      // that frame passes (clipped by 50 µs) and the one before it, which still overlaps the talk, does not.
      const k = Math.ceil(Number(endRt - b.gridRtNs) / dur - 1e-6);
      at = b.gridRtNs + BigInt(Math.round(k * dur)) + 50_000n;
    } else {
      this.#log.warn({}, 'playout: encoder frame grid unknown; the encoder resumes one frame after the end');
    }
    b.reopenRtNs = at;
    // Hold the encoder's first frame after the talk until the file's last frame went out (see Branch.encHold).
    const Gst = this.#Gst;
    const hp = this.#encoded!.encSync.getStaticPad('sink');
    b.encHold = {
      pad: hp,
      id: hp.addProbe(Gst.PadProbeType.BLOCK | Gst.PadProbeType.BUFFER, () => Gst.PadProbeReturn.OK),
    };
    this.#gateStartAt(at);
    this.#log.info(
      { endRtNs: String(endRt), reopenRtNs: String(at) },
      'playout: encoder returns at the end of the talk',
    );
  }

  #queryDuration(b: Branch): void {
    const r = b.dec.queryDuration(this.#Gst.Format.TIME);
    const ok = Array.isArray(r) ? r[0] : r !== null;
    const d = Array.isArray(r) ? r[1] : r;
    if (ok && d !== undefined && d !== null && BigInt(d) > 0n) {
      b.durationNs = BigInt(d);
      this.#durationMs = b.durationMs = Number(BigInt(d) / MS);
    }
  }

  #seek(b: Branch): void {
    const Gst = this.#Gst;
    if (b.closing || b.seeked) return;
    b.seeked = true;
    const target = b.pads.find((p) => p.media === 'video') ?? b.pads[0];
    if (!target) return;
    const ev = Gst.Event.newSeek(
      1.0,
      Gst.Format.TIME,
      Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
      Gst.SeekType.SET,
      BigInt(b.fromMs) * MS,
      Gst.SeekType.NONE,
      -1n,
    );
    const ok = target.decPad.sendEvent(ev);
    this.#log.info({ positionMs: b.fromMs, ok: Boolean(ok) }, 'playout: seek');
    if (!ok) this.#fail('file-error', `talk file ${this.#spec.location} cannot seek to ${b.fromMs} ms`);
  }

  /** 10 Hz: duration once known, end of the talk (aggregator pad consumed its EOS). */
  #tick(): void {
    const b = this.#branch;
    if (!b || b.closing) return;
    if (b.durationMs === null && b.pads.length) this.#queryDuration(b);
    if (this.#state !== 'playing' || !b.pads.length) return;
    const video = b.pads.find((p) => p.media === 'video') ?? b.pads[0]!;
    const eos =
      typeof video.aggPad.isEos === 'function' && !video.passthrough
        ? Boolean(video.aggPad.isEos())
        : Boolean(video.aggPad.getStickyEvent?.(this.#Gst.EventType.EOS, 0));
    if (!eos) return;
    const pos = positionAt(this.#nowMs(), b.switchAtMs, b.fromMs);
    if (endedEarly(pos, b.durationMs)) {
      this.#fail(
        'file-ended-early',
        `talk file ${this.#spec.location} ended at ${(pos / 1000).toFixed(1)} s of ${((b.durationMs ?? 0) / 1000).toFixed(1)} s: ` +
          'it is truncated or corrupt; re-upload it',
      );
      return;
    }
    this.#finish('ended', 'end-of-file');
  }

  #fail(reason: 'file-error' | 'file-ended-early' | 'passthrough-unavailable', message: string): void {
    this.#stopBranch();
    this.#showSlate(this.#spec.slate.errorText);
    this.#sink.alert({ reason, message });
    this.#setState('failed', reason, null);
  }

  #finish(state: 'ended', reason: string): void {
    this.#stopBranch();
    this.#showAfter();
    this.#setState(state, reason, null);
  }

  #stopBranch(): void {
    this.#clearTimers();
    if (this.#branch) this.#retire(this.#branch);
    this.#branch = null;
  }

  /** A passthrough branch ends before its armed end (pause, skip, stop, failure, restart): the encoder resumes now. */
  #reopenEarly(b: Branch): void {
    const nowRt = BigInt(this.#nowMs()) * MS - BigInt(this.#pipeline.getBaseTime());
    if (b.reopenRtNs !== null && nowRt >= b.reopenRtNs) return; // ended: the encoder is back already
    const stoppedAlready = nowRt >= BigInt(b.switchAtMs) * MS - BigInt(this.#pipeline.getBaseTime());
    this.#gateOpen(stoppedAlready);
  }

  /**
   * Take a talk branch out (§4.5): hide it, disconnect our handler, flush its aggregator pads so a streaming thread
   * blocked on a future buffer returns, then (off that thread) release the pads and set the branch to NULL.
   */
  #retire(b: Branch): void {
    if (b.closing) return;
    b.closing = true;
    if (this.#branch === b) this.#branch = null;
    this.#retired.add(b);
    const Gst = this.#Gst;
    if (b.seekTimer) clearTimeout(b.seekTimer);
    for (const [obj, id] of b.handlers.splice(0)) obj.disconnect(id);
    if (b.afterTimer) clearTimeout(b.afterTimer);
    if (b.holdPoll) clearInterval(b.holdPoll);
    // Probes go before any unlink/flush/state change (§4.5); the encoder's hold is released here, the file's below.
    this.#releaseHold(b.encHold);
    b.encHold = undefined;
    for (const p of b.pads) {
      if (p.passthrough) {
        // Never flush the funnel (the flush would reach the payloader): unlink first, then unblock our clocksync.
        if (p.cross) p.cross.outer.unlink(p.cross.target);
        this.#releaseHold(b.fileHold);
        b.fileHold = undefined;
        p.sync?.getStaticPad('sink').sendEvent(Gst.Event.newFlushStart());
        continue;
      }
      if (p.media === 'video') p.aggPad.alpha = 0;
      p.aggPad.sendEvent(Gst.Event.newFlushStart());
    }
    if (b.passthrough) this.#safe('gate', () => this.#reopenEarly(b));
    setTimeout(
      () =>
        this.#safe('retire', () => {
          for (const p of b.pads) {
            if (p.passthrough) {
              if (p.cross) {
                this.#bin.removePad(p.cross.outer);
                if (p.cross.inner) p.cross.innerParent.removePad(p.cross.inner);
              }
              this.#encoded?.funnel.releaseRequestPad(p.aggPad);
              continue;
            }
            p.ghost.unlink(p.aggPad);
            (p.media === 'video' ? this.#compositor : this.#mixer)?.releaseRequestPad(p.aggPad);
          }
          b.bin.setState(Gst.State.NULL);
          this.#bin.remove(b.bin);
          setTimeout(() => this.#retired.delete(b), 2000);
        }),
      50,
    );
  }
}
