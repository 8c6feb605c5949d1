/**
 * The broadcast composite inside the engine (issue 5): one pipeline with a REALTIME clock (so a segment's program
 * date-time is base time + running time), a live background that never stops, one compositor/audiomixer pad pair
 * per remote source (fed through intervideo/interaudio channels by the room's receive branches), the layout applied
 * as pad geometry, lower thirds, an optional countdown overlay, a slow per-participant gain control from `level`
 * messages, and the outputs. The encoder is created once and lives as long as the composite.
 *
 * §4 rules: no per-buffer JS (level/splitmux messages and 1 Hz property reads only), every handler wrapped, every
 * dynamic branch starts with a queue, sources are stopped (NULL) before they are unlinked.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { CountdownSource } from '../countdown/countdown-source.js';
import { escapeMarkup } from '../countdown/countdown-text.js';
import { Gst, objectNames, parseBin, structDoubles, toPipelineError, type GObj } from '../engine/gi.js';
import type { Emit } from '../engine/webrtc-session.js';
import { OutputManager } from '../outputs/output-manager.js';
import {
  audioSourceDescription,
  coreDescription,
  LOWER_THIRDS,
  lowerThirdPlacement,
  testFeedDescription,
  videoSourceDescription,
} from './descriptions.js';
import { computeLayout, type LayoutKind, type LayoutSource, type Tile } from './layout.js';
import type { CompositeStats, compositeRequestSchemas, compositeStartSchema } from './protocol.js';
import type { z } from 'zod';

type StartSpec = z.infer<typeof compositeStartSchema>;
type SourceSpec = z.infer<(typeof compositeRequestSchemas)['composite.setSources']>['sources'][number];
type CountdownSpec = z.infer<(typeof compositeRequestSchemas)['composite.countdown']>;
type FeedSpec = z.infer<(typeof compositeRequestSchemas)['composite.feedTest']>;

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface SourceBranch {
  spec: SourceSpec;
  bin: GObj;
  pad: GObj;
  /** Slow gain control state (audio). */
  gainDb: number;
}

export class CompositeFailure extends Error {
  constructor(
    readonly code: 'bad-request' | 'pipeline' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

function u64(v: any): number {
  return Number(Array.isArray(v) ? v[1] : (v ?? 0));
}

export class CompositePipeline {
  readonly pipeline: GObj;
  readonly outputs: OutputManager;
  readonly #spec: StartSpec;
  readonly #emit: Emit;
  readonly #bus: GObj;
  readonly #busHandler: number;
  readonly #sources = new Map<string, SourceBranch>();
  readonly #roster = new Map<string, SourceSpec>();
  readonly #removing = new Set<string>();
  readonly #feeds = new Map<string, GObj>();
  #layout: { kind: LayoutKind; pinned?: string | undefined; showNames: boolean };
  #effective: LayoutKind = 'slate';
  #dominant: string | undefined;
  #countdown: { source: CountdownSource; pads: GObj[]; placement: 'full' | 'corner' } | null = null;
  #closed = false;
  #last = { at: Date.now(), composed: 0, encoded: 0 };

  constructor(spec: StartSpec, emit: Emit) {
    this.#spec = spec;
    this.#emit = emit;
    this.#layout = { kind: spec.layout.kind, pinned: spec.layout.pinned, showNames: spec.layout.showNames ?? true };
    let p: GObj;
    const desc = coreDescription(spec);
    try {
      p = Gst.parseLaunch(desc);
    } catch (err) {
      throw toPipelineError(err, desc, 'composite pipeline');
    }
    p.name = 'composite';
    // Clock time = wall-clock ns (NTP-disciplined): PDT = base time + running time, exactly.
    CountdownSource.useRealtimeClock(Gst, p);
    this.pipeline = p;
    this.#bus = p.getBus();
    this.#bus.addSignalWatch();
    this.#busHandler = this.#bus.connect('message', (msg: GObj) => {
      try {
        this.#onMessage(msg);
      } catch (err) {
        console.error('composite bus handler failed', err);
      }
    });
    this.outputs = new OutputManager(
      {
        pipeline: p,
        fps: spec.canvas.fps,
        video: { keyframeSeconds: spec.video.keyframeSeconds, speedPreset: spec.video.speedPreset },
        baseTimeNs: () => this.baseTimeNs(),
      },
      emit,
    );
    this.setSlate(spec.slate);
    this.#apply();
  }

  /** PLAYING; resolves with the base time (wall ns of running time 0). */
  async play(): Promise<bigint> {
    this.pipeline.setState(Gst.State.PLAYING);
    for (let i = 0; i < 200; i++) {
      const b = this.baseTimeNs();
      if (b !== null) return b;
      await wait(25);
    }
    throw new CompositeFailure('pipeline', 'composite pipeline did not reach PLAYING within 5 s (see busError events)');
  }

  baseTimeNs(): bigint | null {
    const [, state] = this.pipeline.getState(0);
    if (state !== Gst.State.PLAYING) return null;
    const b = this.pipeline.getBaseTime();
    return typeof b === 'bigint' ? b : BigInt(Math.round(Number(b)));
  }

  get layoutKind(): LayoutKind {
    return this.#effective;
  }

  setSlate(s: { title?: string | undefined; subtitle?: string | undefined; background?: string | undefined }): void {
    if (s.title !== undefined) this.pipeline.getByName('slate_title').text = escapeMarkup(s.title);
    if (s.subtitle !== undefined) this.pipeline.getByName('slate_subtitle').text = escapeMarkup(s.subtitle);
    if (s.background !== undefined)
      this.pipeline.getByName('bg').foregroundColor = (0xff000000 | parseInt(s.background.slice(1), 16)) >>> 0;
  }

  setLayout(l: { kind: LayoutKind; pinned?: string | undefined; showNames?: boolean | undefined }): LayoutKind {
    this.#layout = { kind: l.kind, pinned: l.pinned, showNames: l.showNames ?? this.#layout.showNames };
    this.#apply();
    return this.#effective;
  }

  setSpeaker(endpointId: string): void {
    if (this.#dominant === endpointId) return;
    this.#dominant = endpointId;
    this.#apply();
  }

  /** The full roster: new sources get a branch, gone ones are removed, changed nick/mute updated; then re-layout. */
  async setSources(sources: SourceSpec[]): Promise<void> {
    const next = new Map(sources.map((s) => [s.name, s]));
    for (const [name] of this.#roster) if (!next.has(name)) this.#roster.delete(name);
    for (const s of sources) this.#roster.set(s.name, s);
    for (const [name, b] of [...this.#sources]) if (!next.has(name)) await this.#removeSource(b);
    for (const s of sources) {
      const b = this.#sources.get(s.name);
      if (!b) this.#addSource(s);
      else {
        b.spec = s;
        this.#mute(b);
      }
    }
    this.#apply();
  }

  #addSource(s: SourceSpec): void {
    const desc =
      s.media === 'video'
        ? videoSourceDescription({
            sourceName: s.name,
            timeoutNs: BigInt(Math.round(this.#spec.videoTimeoutSeconds * 1e9)),
          })
        : audioSourceDescription({ sourceName: s.name });
    const bin = parseBin(desc, `composite source ${s.name}`);
    bin.name = `src-${s.name}`;
    const mixer = this.pipeline.getByName(s.media === 'video' ? 'vmix' : 'amix');
    const pad = mixer.requestPadSimple('sink_%u');
    if (s.media === 'video') {
      pad.alpha = 0; // hidden until the layout places it
      pad.zorder = 1;
    }
    this.pipeline.add(bin);
    const r = bin.getStaticPad('src').link(pad);
    if (r !== Gst.PadLinkReturn.OK) {
      this.pipeline.remove(bin);
      mixer.releaseRequestPad(pad);
      throw new CompositeFailure('pipeline', `cannot link source ${s.name} to the ${s.media} mixer: ${r}`);
    }
    const branch: SourceBranch = { spec: s, bin, pad, gainDb: 0 };
    this.#sources.set(s.name, branch);
    this.#mute(branch);
    bin.syncStateWithParent();
  }

  #mute(b: SourceBranch): void {
    if (b.spec.media === 'audio') b.bin.getByName('gain').mute = b.spec.muted;
  }

  /** Names on the composed frame: one pooled textoverlay per labelled tile (the screen in screen-share has none). */
  #labels(tiles: readonly Tile[]): void {
    const labelled = this.#layout.showNames
      ? tiles.filter((t) => !(this.#effective === 'screen-share' && t.zorder === 1))
      : [];
    for (let i = 0; i < LOWER_THIRDS; i++) {
      const lt = this.pipeline.getByName(`lt${i}`);
      const tile = labelled[i];
      const b = tile ? this.#sources.get(tile.name) : undefined;
      if (!tile || !b) {
        lt.silent = true;
        continue;
      }
      const name = b.spec.nick ?? b.spec.owner;
      const place = lowerThirdPlacement(tile, this.#spec.canvas);
      lt.text = escapeMarkup(b.spec.videoType === 'desktop' ? `${name} (screen)` : name);
      lt.fontDesc = place.fontDesc;
      lt.deltax = place.deltax;
      lt.deltay = place.deltay;
      lt.silent = false;
    }
  }

  async #removeSource(b: SourceBranch): Promise<void> {
    if (this.#sources.get(b.spec.name) !== b) return;
    this.#sources.delete(b.spec.name);
    const key = `src-${b.spec.name}`;
    this.#removing.add(key);
    // Stop the source first (§4.5): an unlinked live source would post not-linked errors.
    b.bin.setState(Gst.State.NULL);
    const src = b.bin.getStaticPad('src');
    src.unlink(b.pad);
    this.pipeline.getByName(b.spec.media === 'video' ? 'vmix' : 'amix').releaseRequestPad(b.pad);
    this.pipeline.remove(b.bin);
    await wait(20);
    this.#removing.delete(key);
  }

  #videoSources(): LayoutSource[] {
    const out: LayoutSource[] = [];
    for (const b of this.#sources.values()) {
      if (b.spec.media !== 'video') continue;
      out.push({
        name: b.spec.name,
        owner: b.spec.owner,
        nick: b.spec.nick,
        videoType: b.spec.videoType,
        muted: b.spec.muted,
      });
    }
    return out;
  }

  /** Geometry → compositor pads; the slate text shows only when nothing covers it. */
  #apply(): void {
    if (this.#closed) return;
    const { canvas } = this.#spec;
    const r = computeLayout(
      { kind: this.#layout.kind, sources: this.#videoSources(), dominant: this.#dominant, pinned: this.#layout.pinned },
      canvas,
    );
    const byName = new Map<string, Tile>(r.tiles.map((t) => [t.name, t]));
    for (const b of this.#sources.values()) {
      if (b.spec.media !== 'video') continue;
      const t = byName.get(b.spec.name);
      if (t) {
        b.pad.xpos = t.x;
        b.pad.ypos = t.y;
        b.pad.width = t.width;
        b.pad.height = t.height;
        b.pad.zorder = t.zorder;
        b.pad.alpha = 1;
      } else b.pad.alpha = 0;
    }
    const slate = r.kind === 'slate';
    this.pipeline.getByName('slate_title').silent = !slate;
    this.pipeline.getByName('slate_subtitle').silent = !slate;
    this.#effective = r.kind;
    this.#labels(r.tiles);
    this.#emit('layoutApplied', { requested: this.#layout.kind, kind: r.kind, tiles: r.tiles });
  }

  // ---------------- countdown overlay ----------------

  setCountdown(c: CountdownSpec): void {
    if (!c.target) {
      this.#removeCountdown();
      return;
    }
    if (this.#countdown && this.#countdown.placement === c.placement && !c.style) {
      this.#countdown.source.setTarget(c.target);
      return;
    }
    this.#removeCountdown();
    const { width, height, fps } = this.#spec.canvas;
    const source = new CountdownSource(
      { Gst },
      { style: { ...(c.style ?? {}), width, height, fps }, target: c.target, name: 'countdown' },
    );
    source.exposePads();
    this.pipeline.add(source.bin);
    const pads: GObj[] = [];
    const vpad = this.pipeline.getByName('vmix').requestPadSimple('sink_%u');
    vpad.zorder = 100;
    if (c.placement === 'corner') {
      const w = Math.round(width / 3 / 2) * 2;
      const h = Math.round((w * height) / width / 2) * 2;
      vpad.xpos = width - w - Math.round(width / 40);
      vpad.ypos = Math.round(height / 40);
      vpad.width = w;
      vpad.height = h;
    } else {
      vpad.xpos = 0;
      vpad.ypos = 0;
      vpad.width = width;
      vpad.height = height;
    }
    source.bin.getStaticPad('video').link(vpad);
    pads.push(vpad);
    if (source.hasAudio) {
      const apad = this.pipeline.getByName('amix').requestPadSimple('sink_%u');
      source.bin.getStaticPad('audio').link(apad);
      pads.push(apad);
    }
    source.bin.syncStateWithParent();
    source.start();
    this.#countdown = { source, pads, placement: c.placement };
  }

  #removeCountdown(): void {
    const cd = this.#countdown;
    if (!cd) return;
    this.#countdown = null;
    this.#removing.add('countdown');
    cd.source.close();
    for (const pad of cd.pads) pad.getParent()?.releaseRequestPad(pad);
    setTimeout(() => this.#removing.delete('countdown'), 500);
  }

  // ---------------- test feeds (composite.feedTest) ----------------

  async feedTest(f: FeedSpec): Promise<void> {
    const key = `${f.name}/${f.media}`;
    const old = this.#feeds.get(key);
    if (old) {
      this.#feeds.delete(key);
      old.setState(Gst.State.NULL);
    }
    if (f.remove) return;
    const p = Gst.parseLaunch(testFeedDescription(f));
    p.name = `feed-${f.name}-${f.media}`;
    p.setState(Gst.State.PLAYING);
    this.#feeds.set(key, p);
  }

  // ---------------- bus, stats ----------------

  #onMessage(msg: GObj): void {
    if (this.outputs.handleMessage(msg)) return;
    const t = msg.type as number;
    if (t === Gst.MessageType.ELEMENT) {
      const s = msg.getStructure();
      if (s && String(s.getName()) === 'level') this.#onLevel(msg, s);
      return;
    }
    const names = objectNames(msg.src);
    const removing = [...this.#removing].some((k) => names.includes(k));
    if (t === Gst.MessageType.ERROR) {
      if (removing || this.#closed) return;
      const [err, debug] = msg.parseError();
      this.#emit('busError', {
        sid: 'composite',
        element: String(msg.src?.name ?? 'composite'),
        message: String(err?.message ?? err),
        debug: String(debug ?? ''),
      });
    } else if (t === Gst.MessageType.WARNING) {
      const [err, debug] = msg.parseWarning();
      this.#emit('busWarning', {
        sid: 'composite',
        element: String(msg.src?.name ?? 'composite'),
        message: String(err?.message ?? err),
        debug: String(debug ?? ''),
      });
    }
  }

  /**
   * Slow AGC: move each speaking participant's gain towards the target RMS, never boost silence. Far off (> 6 dB, a
   * new or very quiet/loud participant) 3 dB per 500 ms level message, so the mix settles within ~3 s; near the
   * target 1 dB per message, so speech dynamics are not flattened. Gain range −24 dB … +maxGainDb.
   */
  #onLevel(msg: GObj, s: GObj): void {
    if (!this.#spec.audio.normalize) return;
    const bin = objectNames(msg.src).find((n) => n.startsWith('src-'));
    const b = bin ? this.#sources.get(bin.slice(4)) : undefined;
    if (!b || b.spec.media !== 'audio') return;
    const values = structDoubles(s, 'rms').filter((v) => Number.isFinite(v));
    if (!values.length) return;
    const db = Math.max(...values);
    if (db < -50) return; // silence or noise floor: keep the gain
    const want = Math.min(this.#spec.audio.maxGainDb, Math.max(-24, this.#spec.audio.targetDb - db));
    const limit = Math.abs(want - b.gainDb) > 6 ? 3 : 1;
    const step = Math.max(-limit, Math.min(limit, want - b.gainDb));
    if (Math.abs(step) < 0.1) return;
    b.gainDb += step;
    b.bin.getByName('gain').volume = 10 ** (b.gainDb / 20);
  }

  stats(): CompositeStats {
    const now = Date.now();
    const dt = Math.max(1, now - this.#last.at);
    const count = (name: string) => u64(this.pipeline.getByName(name)?.stats?.getUint64?.('rendered'));
    const composed = count('composed_count');
    const encoded = count('encoded_count');
    const s: CompositeStats = {
      at: now,
      layout: this.#effective,
      sources: this.#sources.size,
      composedFps: Math.round(((composed - this.#last.composed) * 10000) / dt) / 10,
      encodedFps: Math.round(((encoded - this.#last.encoded) * 10000) / dt) / 10,
      // Frames still in flight through the encoder (zerolatency: ~1) are not drops.
      droppedFrames: Math.max(0, composed - encoded - 2),
      framesEncoded: encoded,
      outputs: this.outputs.stats(dt),
    };
    this.#last = { at: now, composed, encoded };
    return s;
  }

  tick(): void {
    if (this.#closed) return;
    this.#emit('compositeStats', this.stats());
  }

  /** EOS to the outputs (segments closed, recordings finalised), then stop everything. Idempotent. */
  async close(eosTimeoutMs: number): Promise<boolean> {
    if (this.#closed) return true;
    const eos = await this.outputs.close(eosTimeoutMs);
    this.#closed = true;
    this.#countdown?.source.close();
    for (const f of this.#feeds.values()) f.setState(Gst.State.NULL);
    this.#feeds.clear();
    this.#bus.disconnect(this.#busHandler);
    this.#bus.removeSignalWatch();
    await wait(50);
    this.pipeline.setState(Gst.State.NULL);
    return eos;
  }
}
