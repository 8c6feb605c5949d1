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
 * JS is the control plane only: it builds/tears down branches, flips pad alpha at the end (polled every 100 ms, the
 * last frame is held by `repeat-after-eos` meanwhile) and emits state events. Runs in the engine process; GI modules
 * are injected and stay `any` here (docs/media-engine.md §4.8).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { CountdownSource } from '../countdown/countdown-source.js';
import { escapeMarkup } from '../countdown/countdown-text.js';
import { silentLogger, type Logger } from '../events.js';
import { PlayoutError } from './errors.js';
import { endedEarly, effectiveStart, planStart, positionAt } from './playout-plan.js';
import type { LatePolicy, PlayoutAction, PlayoutSource as PlayoutSpec, PlayoutState, PlayoutStatus } from './playout-spec.js';

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
  alert(d: { reason: 'file-error' | 'file-ended-early' | 'countdown-failed' | 'preroll-late'; message: string }): void;
}

interface BranchPad {
  media: 'video' | 'audio';
  aggPad: any;
  ghost: any;
  decPad: any;
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
    if (!this.#compositor) throw new PlayoutError('bad-spec', 'playout bin has no compositor: build it with playoutSkeletonDescription');
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
      this.#countdown.setTarget({ startsAt: plan.switchAtMs, title: s.countdown.title, speakers: s.countdown.speakers });
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
        if (st === 'paused') throw PlayoutError.invalidAction('start now', st, 'use resume (continue) or restart (from 0)');
        const b = this.#branch;
        if (st === 'scheduled' && b && b.switchAtMs <= now + margin) break; // starts within the margin anyway
        this.#countdown?.setTarget({ startsAt: now + margin, title: s.countdown.title, speakers: s.countdown.speakers });
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
        this.#countdown?.setTarget({ startsAt: now + margin, title: s.countdown.title, speakers: s.countdown.speakers });
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
    else if (b && this.#state === 'playing') positionMs = this.#clampPos(positionAt(now, b.switchAtMs, b.fromMs), b.durationMs);
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
    if (t & Gst.MessageType.EOS) return true;
    if (owner.closing || this.#retired.has(owner)) return (t & Gst.MessageType.ERROR) !== 0 || (t & Gst.MessageType.WARNING) !== 0;
    if (t & Gst.MessageType.ERROR) {
      const [err, debug] = msg.parseError();
      const message = `talk file ${this.#spec.location} failed at run time: ${String(err?.message ?? err)}`;
      this.#log.error({ element: String(src?.getName?.() ?? '?'), debug: String(debug ?? '') }, message);
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
      this.#log.error({ err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, `playout ${what} failed`);
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
    this.#playTimer = setTimeout(
      () => this.#safe('switch', () => this.#onSwitched()),
      Math.max(0, switchAtMs - now),
    );
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
  }

  #openBranch(switchAtMs: number, fromMs: number): void {
    const Gst = this.#Gst;
    const base = BigInt(this.#pipeline.getBaseTime());
    const n = this.#n++;
    const bin = new Gst.Bin({ name: `playout_file_${n}` });
    const dec = Gst.ElementFactory.make('uridecodebin3', `playout_dec_${n}`);
    dec.uri = uriOf(this.#spec.location);
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
    };
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
    const chain = Gst.parseBinFromDescription(
      media === 'video'
        ? `queue max-size-buffers=8 max-size-bytes=0 max-size-time=0 ! videoconvert ! videoscale add-borders=true ! ` +
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
      aggPad.repeatAfterEos = true; // hold the last frame until JS switches to what comes after
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
    if (b.durationMs === null && b.pads.length) {
      const r = b.dec.queryDuration(this.#Gst.Format.TIME);
      const ok = Array.isArray(r) ? r[0] : r !== null;
      const d = Array.isArray(r) ? r[1] : r;
      if (ok && d !== undefined && d !== null && BigInt(d) > 0n) this.#durationMs = b.durationMs = Number(BigInt(d) / MS);
    }
    if (this.#state !== 'playing' || !b.pads.length) return;
    const video = b.pads.find((p) => p.media === 'video') ?? b.pads[0]!;
    const eos =
      typeof video.aggPad.isEos === 'function'
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

  #fail(reason: 'file-error' | 'file-ended-early', message: string): void {
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
    for (const p of b.pads) {
      if (p.media === 'video') p.aggPad.alpha = 0;
      p.aggPad.sendEvent(Gst.Event.newFlushStart());
    }
    setTimeout(
      () =>
        this.#safe('retire', () => {
          for (const p of b.pads) {
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
