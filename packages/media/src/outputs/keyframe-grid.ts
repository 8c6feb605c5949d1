/**
 * Keyframes on a fixed running-time grid for every encoder of the composite (issue 5: "1 s segments for real").
 *
 * x264's key-int-max counts frames, so with frames dropped before the encoder (leaky input under load) its GOPs drift
 * off the wall-clock grid, and splitmuxsink's own requests (send-keyframe-requests) form a chain that a single lost
 * request turns into key-int-max-long segments. Instead, a JS timer (4 Hz, never per buffer: media-engine.md §4.4)
 * sends each encoder an upstream GstForceKeyUnit event with the running time of every grid point (k × interval),
 * ~3 s ahead. GstVideoEncoder queues such events sorted by running time and makes the first frame at or after
 * each point a keyframe, so every encoder — the main one and ABR renditions — cuts at the same instants and the
 * renditions' segments align.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { GObj } from '../engine/gi.js';

export interface KeyframeGridOptions {
  Gst: any;
  /** Grid step in seconds (the composite's video.keyframeSeconds). */
  intervalSeconds: number;
  /** Current pipeline running time in ns, null before PLAYING. */
  runningTimeNs(): number | null;
  /** How far ahead events are queued (default 3 s: covers a JS thread stalled by a loaded machine). */
  leadMs?: number;
  tickMs?: number;
}

export class KeyframeGrid {
  readonly #o: Required<KeyframeGridOptions>;
  readonly #step: number;
  readonly #encoders = new Set<GObj>();
  /** Grid points already sent (running time ns), oldest first; kept while still in the future. */
  #sent: number[] = [];
  #next: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  requests = 0;

  constructor(o: KeyframeGridOptions) {
    this.#o = { leadMs: 3000, tickMs: 250, ...o };
    this.#step = Math.round(o.intervalSeconds * 1e9);
  }

  /** Adds an encoder (its src pad receives the events); it also gets the grid points already queued ahead. */
  add(encoder: GObj): void {
    this.#encoders.add(encoder);
    const now = this.#o.runningTimeNs();
    for (const t of this.#sent) if (now === null || t > now) this.#send(encoder, t);
    if (!this.#timer) {
      this.#timer = setInterval(() => {
        try {
          this.tick();
        } catch (err) {
          console.error('keyframe grid tick failed', err);
        }
      }, this.#o.tickMs);
      this.#timer.unref?.();
    }
    this.tick();
  }

  remove(encoder: GObj): void {
    this.#encoders.delete(encoder);
  }

  tick(): void {
    const now = this.#o.runningTimeNs();
    if (now === null || !this.#encoders.size) return;
    // Never requests for the past (the encoder would key the next frame, off the grid).
    this.#next ??= Math.ceil((now + 1) / this.#step) * this.#step;
    if (this.#next <= now) this.#next = Math.ceil((now + 1) / this.#step) * this.#step;
    const horizon = now + this.#o.leadMs * 1e6;
    while (this.#next <= horizon) {
      for (const e of this.#encoders) this.#send(e, this.#next);
      this.#sent.push(this.#next);
      this.#next += this.#step;
    }
    this.#sent = this.#sent.filter((t) => t > now);
  }

  #send(encoder: GObj, runningTimeNs: number): void {
    const { Gst } = this.#o;
    const s = Gst.Structure.newFromString(
      `GstForceKeyUnit, running-time=(guint64)${Math.round(runningTimeNs)}, all-headers=(boolean)true, count=(uint)0`,
    );
    encoder.getStaticPad('src').sendEvent(Gst.Event.newCustom(Gst.EventType.CUSTOM_UPSTREAM, s));
    this.requests++;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#encoders.clear();
  }
}
