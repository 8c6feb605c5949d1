/**
 * Frame-accurate countdown video source (issue 6, "The clock").
 *
 * Time base: the pipeline clock is a GstSystemClock of type REALTIME, so clock time = wall-clock ns and
 * running_time = wall_ns − base_time (explicit mapping, no free-running counter). Once the pipeline plays, a 1 Hz-ish
 * JS feeder (never per frame: docs/media-engine.md §4.4) pushes one `text/x-raw,format=pango-markup` buffer per wall
 * second into textoverlay's `text_sink`, timestamped with the running time at which that second starts and a 1 s
 * duration, a few seconds ahead. textoverlay (wait-text=true) pops a text buffer once its end ≤ the video frame's
 * running time, so the new value appears on the first frame whose PTS reaches the second (gstbasetextoverlay.c,
 * video_chain). Optional beeps: audiotestsrc → volume driven by a GstController step control source whose points are
 * set ahead from JS, also without per-buffer JS.
 *
 * Runs inside the engine process (node-gtk, CommonJS entry: §4.1). GI modules are injected and kept `any` here.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { closeSync, openSync, readSync } from 'node:fs';
import { silentLogger, TypedEmitter, type Logger } from '../events.js';
import { countdownSecondText } from './countdown-text.js';
import {
  countdownStyleSchema,
  countdownTargetSchema,
  type CountdownStyle,
  type CountdownStyleInput,
  type CountdownTarget,
  type CountdownTargetInput,
} from './countdown-style.js';
import { CountdownError } from './errors.js';

const SEC = 1_000_000_000n;

/** node-gtk modules, injected by the engine (`gi.require('Gst', '1.0')`, `gi.require('GstController', '1.0')`). */
export interface CountdownGi {
  Gst: any;
  /** Needed only when beeps are enabled. */
  GstController?: any;
}

export interface CountdownSourceOptions {
  style?: CountdownStyleInput;
  target?: CountdownTargetInput | null;
  /** How far ahead text buffers are pushed (default 3000 ms). Must exceed the worst JS-thread stall. */
  leadMs?: number;
  /** Feeder period (default 250 ms; the work per tick is a clock read unless a second is due). */
  tickMs?: number;
  /** Bin name (default "countdown"). */
  name?: string;
  logger?: Logger;
}

export type CountdownSourceEvents = {
  /** The source cannot keep frame accuracy (wrong clock, GStreamer refused a buffer); it stopped feeding. */
  failed: [CountdownError];
  /** The pipeline's base time was first seen or changed (PAUSED→PLAYING); wall_ns = baseTimeNs + running time. */
  baseTimeChanged: [baseTimeNs: bigint];
};

export interface CountdownSourceStats {
  baseTimeNs: bigint | null;
  pushedSeconds: number;
  /** Wall second (epoch s) of the last text buffer pushed. */
  lastPushedSecond: number | null;
  flushes: number;
  beepsScheduled: number;
}

function argb(hex: string): number {
  return (0xff000000 | parseInt(hex.slice(1), 16)) >>> 0;
}

function parseOrThrow<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } },
  value: unknown,
  reason: 'bad-style' | 'bad-target',
): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const what = reason === 'bad-style' ? 'style' : 'target';
    throw new CountdownError(reason, `countdown ${what} is invalid: ${r.error.message}`);
  }
  return r.data;
}

/** PNG width/height from the IHDR chunk (to keep the logo's aspect ratio; gdkpixbufoverlay does not). */
function pngSize(path: string): { width: number; height: number } | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(24);
    if (readSync(fd, b, 0, 24, 0) < 24) return null;
    if (b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') return null;
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  } catch (err) {
    throw new CountdownError(
      'logo-missing',
      `countdown logo ${path} cannot be read (${String(err)}): fix style.logo.path`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** gst-launch description of the bin (pure; exported for tests and for engines that prefer descriptions). */
export function countdownBinDescription(style: CountdownStyle): string {
  const { width: w, height: h, fps } = style;
  const margin = Math.round((style.marginPct / 100) * h);
  const parts: string[] = [];
  let chain =
    `videotestsrc name=bg is-live=true pattern=solid-color foreground-color=${argb(style.background)} ! ` +
    `video/x-raw,format=I420,width=${w},height=${h},framerate=${fps}/1,pixel-aspect-ratio=1/1 ! `;
  if (style.logo) {
    const lh = Math.max(2, Math.round((style.logo.heightPct / 100) * h));
    const size = pngSize(style.logo.path);
    const lw = size ? Math.max(2, Math.round((lh * size.width) / size.height)) : 0;
    const right = style.logo.position.endsWith('right');
    const bottom = style.logo.position.startsWith('bottom');
    const loc = `"${style.logo.path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    chain +=
      `gdkpixbufoverlay name=logo location=${loc} overlay-height=${lh} overlay-width=${lw} ` +
      `offset-x=${right ? -margin : margin} offset-y=${bottom ? -margin : margin} ! `;
  }
  const common = `wait-text=true auto-resize=false wrap-mode=none draw-shadow=false draw-outline=${style.outline}`;
  chain += `textoverlay name=main ${common} halignment=center valignment=center line-alignment=center ! `;
  if (style.showClock) {
    const clockRight = !(style.logo && style.logo.position === 'top-right');
    chain +=
      `textoverlay name=clock ${common} halignment=${clockRight ? 'right' : 'left'} valignment=top ` +
      `xpad=${margin} ypad=${margin} ! `;
  }
  // Ends in elements named video/audio: the engine's send-pipeline convention (`! queue name=video`).
  chain += 'queue name=video max-size-buffers=2 max-size-bytes=0 max-size-time=0';
  parts.push(chain);
  const textCaps = 'caps="text/x-raw,format=(string)pango-markup"';
  parts.push(`appsrc name=main_text is-live=true format=time ${textCaps} ! main.text_sink`);
  if (style.showClock) parts.push(`appsrc name=clock_text is-live=true format=time ${textCaps} ! clock.text_sink`);
  if (style.beeps.enabled) {
    parts.push(
      `audiotestsrc name=beep is-live=true wave=sine freq=${style.beeps.frequencyHz} samplesperbuffer=480 ! ` +
        'audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved ! volume name=beep_volume volume=0 ! ' +
        'queue name=audio max-size-buffers=4 max-size-bytes=0 max-size-time=0',
    );
  }
  return parts.join('\n');
}

export class CountdownSource extends TypedEmitter<CountdownSourceEvents> {
  /**
   * The bin. Its last elements are named `video` (I420 width×height@fps) and, with beeps, `audio` (S16LE 48 kHz
   * mono), like a user send pipeline, so the engine's send path can ghost and link them; or call exposePads().
   */
  readonly bin: any;
  readonly #Gst: any;
  readonly #GstController: any;
  readonly #log: Logger;
  readonly #leadNs: bigint;
  readonly #tickMs: number;
  #style: CountdownStyle;
  #target: CountdownTarget | null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #failed = false;
  #base: bigint | null = null;
  #nextSec: bigint | null = null;
  #clockChecked = false;
  #beepSource: any = null;
  #beepUntilSec: bigint | null = null;
  #stats = { pushedSeconds: 0, lastPushedSecond: null as number | null, flushes: 0, beepsScheduled: 0 };

  /**
   * Make `pipeline` use a REALTIME system clock (clock time = wall-clock ns, disciplined by NTP). Call before the
   * pipeline goes to PLAYING; the whole pipeline shares it (RTP timestamps only need a monotonic-enough clock).
   */
  static useRealtimeClock(Gst: any, pipeline: any): any {
    const clock = new Gst.SystemClock({ clockType: Gst.ClockType.REALTIME });
    pipeline.useClock(clock);
    return clock;
  }

  constructor(gi: CountdownGi, opts: CountdownSourceOptions = {}) {
    const log = (opts.logger ?? silentLogger).child({ module: 'countdown' });
    super((event, err) => log.error({ err: String(err), event }, 'countdown listener threw'));
    this.#log = log;
    this.#Gst = gi.Gst;
    this.#GstController = gi.GstController;
    const leadMs = opts.leadMs ?? 3000;
    if (!Number.isInteger(leadMs) || leadMs < 1500 || leadMs > 30_000) {
      throw new CountdownError('bad-style', `countdown leadMs must be an integer 1500..30000, got ${leadMs}`);
    }
    this.#leadNs = BigInt(leadMs) * 1_000_000n;
    this.#tickMs = opts.tickMs ?? 250;
    if (!Number.isInteger(this.#tickMs) || this.#tickMs < 20 || this.#tickMs > 1000) {
      throw new CountdownError('bad-style', `countdown tickMs must be an integer 20..1000, got ${this.#tickMs}`);
    }
    this.#style = parseOrThrow(countdownStyleSchema, opts.style ?? {}, 'bad-style');
    this.#target = opts.target ? parseOrThrow(countdownTargetSchema, opts.target, 'bad-target') : null;
    if (this.#style.beeps.enabled && !this.#GstController) {
      throw new CountdownError(
        'bad-style',
        "countdown beeps need the GstController module: pass { Gst, GstController: gi.require('GstController', '1.0') }",
      );
    }
    const description = countdownBinDescription(this.#style);
    let bin: any;
    try {
      bin = this.#Gst.parseBinFromDescription(description, false);
    } catch (err) {
      throw new CountdownError('gstreamer', `countdown bin could not be built: ${String(err)}`, { cause: err });
    }
    bin.name = opts.name ?? 'countdown';
    if (this.#style.beeps.enabled) this.#setupBeeps(bin.getByName('beep_volume'));
    this.bin = bin;
  }

  get style(): CountdownStyle {
    return this.#style;
  }
  get target(): CountdownTarget | null {
    return this.#target;
  }
  get hasAudio(): boolean {
    return this.#style.beeps.enabled;
  }
  /** Add ghost src pads `video` (and `audio` with beeps) for standalone use. Not with the engine's own ghosting. */
  exposePads(): void {
    for (const name of this.hasAudio ? ['video', 'audio'] : ['video']) {
      if (this.bin.getStaticPad(name)) continue;
      this.bin.addPad(this.#Gst.GhostPad.new(name, this.bin.getByName(name).getStaticPad('src')));
    }
  }

  stats(): CountdownSourceStats {
    return { baseTimeNs: this.#base, ...this.#stats };
  }

  /**
   * Start the feeder. The bin must be in a pipeline that uses a REALTIME clock (see useRealtimeClock); feeding begins
   * as soon as the pipeline has a base time (PLAYING), so calling this before or after setState(PLAYING) both work.
   */
  start(): void {
    if (this.#closed) throw new CountdownError('closed', 'countdown source is closed: create a new one');
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    this.#tick();
  }

  /** New next talk (or null: "no upcoming talk"). Applied from the current second on (queued text is flushed). */
  setTarget(target: CountdownTargetInput | null): void {
    if (this.#closed) throw new CountdownError('closed', 'countdown source is closed: create a new one');
    this.#target = target ? parseOrThrow(countdownTargetSchema, target, 'bad-target') : null;
    this.#resync();
  }

  /**
   * Change colours, fonts, sizes, labels, time zone, beep timing or the logo file at run time. Resolution, frame
   * rate, adding/removing the logo or clock, and enabling/disabling beeps change the bin's shape: build a new source.
   */
  setStyle(input: CountdownStyleInput): void {
    if (this.#closed) throw new CountdownError('closed', 'countdown source is closed: create a new one');
    const next = parseOrThrow(countdownStyleSchema, input, 'bad-style');
    const prev = this.#style;
    const shape = (s: CountdownStyle) =>
      [
        s.width,
        s.height,
        s.fps,
        s.showClock,
        s.beeps.enabled,
        Boolean(s.logo),
        s.logo?.position,
        s.logo?.heightPct,
      ].join();
    if (shape(prev) !== shape(next)) {
      throw new CountdownError(
        'restart-required',
        'countdown: width/height/fps, showClock, beeps.enabled and logo presence/position/size are fixed per source; ' +
          'close this source and create a new one with the new style',
      );
    }
    this.#style = next;
    this.bin.getByName('bg').foregroundColor = argb(next.background);
    for (const name of ['main', 'clock']) {
      const el = this.bin.getByName(name);
      if (el) el.drawOutline = next.outline;
    }
    if (next.logo && next.logo.path !== prev.logo?.path) {
      pngSize(next.logo.path);
      this.bin.getByName('logo').location = next.logo.path;
    }
    if (next.beeps.enabled) this.bin.getByName('beep').freq = next.beeps.frequencyHz;
    this.#resync();
  }

  /**
   * Stop feeding and take the bin out of its pipeline (§4.5: nothing of ours runs on streaming threads — no probes,
   * no appsrc signals — so there is nothing to drain before the state change). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const parent = this.bin.getParent();
    if (!parent) return;
    try {
      const pads: any[] = [];
      this.bin.foreachSrcPad((_el: any, pad: any) => {
        pads.push(pad);
        return true;
      });
      for (const pad of pads) {
        const peer = pad.getPeer();
        if (peer) pad.unlink(peer);
      }
      this.bin.setState(this.#Gst.State.NULL);
      parent.remove(this.bin);
    } catch (err) {
      this.#log.warn({ err: String(err) }, 'countdown bin removal failed');
    }
  }

  #fail(err: CountdownError): void {
    if (this.#failed) return;
    this.#failed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#log.error({ reason: err.reason }, err.message);
    this.safeEmit('failed', err);
  }

  /** One feeder step. Exceptions must not escape a timer (§4.10: they end the process). */
  #tick(): void {
    try {
      if (this.#closed || this.#failed) return;
      // The top-level pipeline owns base time and clock (a bin added later inherits them, but read the source).
      let top = this.bin;
      for (let p = top.getParent(); p; p = p.getParent()) top = p;
      const base: bigint = top.getBaseTime();
      const clock = top.getClock();
      if (!clock || !base) return; // not PLAYING yet
      if (!this.#clockChecked) {
        const Gst = this.#Gst;
        if (!(clock instanceof Gst.SystemClock) || clock.clockType !== Gst.ClockType.REALTIME) {
          this.#fail(
            CountdownError.clockNotRealtime(`${clock.constructor?.name ?? 'unknown'}(type ${clock.clockType})`),
          );
          return;
        }
        this.#clockChecked = true;
      }
      if (base !== this.#base) {
        const first = this.#base === null;
        this.#base = base;
        if (!first) this.#flush();
        this.#nextSec = null;
        this.#beepUntilSec = null;
        this.#log.info({ baseTimeNs: String(base) }, 'countdown base time');
        this.safeEmit('baseTimeChanged', base);
      }
      const now: bigint = clock.getTime();
      const nowSec = now / SEC;
      // After a stall longer than the lead, skip the seconds that are already over.
      if (this.#nextSec === null || this.#nextSec < nowSec) this.#nextSec = nowSec;
      const horizon = now + this.#leadNs;
      while (this.#nextSec * SEC < horizon) {
        this.#pushSecond(this.#nextSec, base);
        this.#nextSec += 1n;
      }
      if (this.#beepSource) this.#scheduleBeeps(nowSec, horizon / SEC, base);
    } catch (err) {
      this.#fail(
        err instanceof CountdownError
          ? err
          : new CountdownError('gstreamer', `countdown feeder failed: ${String(err)}`, { cause: err }),
      );
    }
  }

  #pushSecond(sec: bigint, base: bigint): void {
    let start = sec * SEC - base;
    const end = start + SEC;
    if (end <= 0n) return;
    if (start < 0n) start = 0n; // the second in which the pipeline started: cover only its remainder
    const text = countdownSecondText(this.#target, Number(sec) * 1000, this.#style);
    this.#pushText('main_text', text.main, start, end - start);
    if (this.#style.showClock) this.#pushText('clock_text', text.clock, start, end - start);
    this.#stats.pushedSeconds++;
    this.#stats.lastPushedSecond = Number(sec);
  }

  #pushText(name: string, markup: string, pts: bigint, duration: bigint): void {
    // newMemdup copies into GStreamer-owned memory: nothing pins the JS Buffer (§4.9).
    const buf = this.#Gst.Buffer.newMemdup(Buffer.from(markup, 'utf8'));
    buf.pts = pts;
    buf.duration = duration;
    const ret = this.bin.getByName(name).emit('push-buffer', buf);
    // FLUSHING while the pipeline is stopping is expected; anything else is a real problem.
    if (ret !== this.#Gst.FlowReturn.OK && ret !== this.#Gst.FlowReturn.FLUSHING) {
      this.#log.warn({ ret, name }, 'countdown text buffer refused');
    }
  }

  /** Drop queued (future) text so a new target/style shows from the current second, then refill immediately. */
  #flush(): void {
    const Gst = this.#Gst;
    for (const name of ['main_text', 'clock_text']) {
      const src = this.bin.getByName(name);
      if (!src) continue;
      src.sendEvent(Gst.Event.newFlushStart());
      src.sendEvent(Gst.Event.newFlushStop(false));
    }
    if (this.#beepSource) {
      this.#beepSource.unsetAll();
      this.#beepSource.set(0n, 0);
    }
    this.#stats.flushes++;
  }

  #resync(): void {
    if (this.#base === null || this.#closed || this.#failed) return;
    this.#flush();
    this.#nextSec = null;
    this.#beepUntilSec = null;
    this.#tick();
  }

  #setupBeeps(volume: any): void {
    const C = this.#GstController;
    const cs = new C.InterpolationControlSource();
    cs.mode = C.InterpolationMode.NONE; // step function: exact on/off edges
    cs.set(0n, 0);
    volume.addControlBinding(C.DirectControlBinding.newAbsolute(volume, 'volume', cs));
    this.#beepSource = cs;
  }

  /** Control points for beeps in wall seconds (nowSec, untilSec]; stream time = running time for live sources. */
  #scheduleBeeps(nowSec: bigint, untilSec: bigint, base: bigint): void {
    const target = this.#target;
    const b = this.#style.beeps;
    let from = this.#beepUntilSec === null ? nowSec : this.#beepUntilSec + 1n;
    if (from <= nowSec) from = nowSec;
    for (let s = from; s <= untilSec; s++) {
      this.#beepUntilSec = s;
      if (!target) continue;
      const ms = Number(s) * 1000;
      const left = Math.ceil((target.startsAt - ms) / 1000);
      const prevLeft = Math.ceil((target.startsAt - (ms - 1000)) / 1000);
      let durMs = 0;
      if (left >= 1 && left <= b.lastSeconds) durMs = b.durationMs;
      else if (left <= 0 && prevLeft >= 1) durMs = b.finalDurationMs;
      if (!durMs) continue;
      const at = s * SEC - base;
      if (at < 0n) continue;
      this.#beepSource.set(at, b.volume);
      this.#beepSource.set(at + BigInt(durMs) * 1_000_000n, 0);
      this.#stats.beepsScheduled++;
    }
  }
}
