/**
 * `startBroadcast()`: the broadcast job of issue 5 — a receive-only participant whose engine composites the room
 * (packages/media composite) and pushes it to HLS (local directory and/or origin PUT/DELETE with PROGRAM-DATE-TIME),
 * RTMP, SRT and a recording. Used by `stagecast broadcast` and the stage worker's 'broadcast' role.
 *
 * - Roster from signaling (source-add/-remove + presence mute/nick), not from media pads: the bridge forwards only
 *   what we ask for, and we ask (ReceiverVideoConstraints per source, docs/jitsi-protocol.md §11) from the layout.
 * - Dominant speaker with hysteresis (SpeakerTracker) → speaker/screen-share layouts.
 * - Layout `auto` ("follow the stage", issue 8): the playout participants' presence (playout-presence.ts), the
 *   roster and the speaker decide between the talk full frame, screen-share and speaker (auto-layout.ts); re-decided
 *   on every presence/roster/speaker change and at the scheduled start. Only `layout.set` on the running composite:
 *   the encoder and the outputs never restart. An explicit layout from the operator turns auto off.
 * - One encoder per engine for the life of the job; only an engine crash restarts it (participant supervision): the
 *   composite and outputs are rebuilt on the new engine and the next HLS segment carries EXT-X-DISCONTINUITY.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger, Occupant, RemoteSource } from '@stagecast/jitsi';
import { silentLogger } from '@stagecast/jitsi';
import {
  AAC_LC_CODEC,
  compositeReceiveSpec,
  compositeStartSchema,
  compositeVideoCodec,
  renderMasterPlaylist,
  constraintsForTiles,
  OFFSCREEN_PREVIEW_HEIGHT,
  HlsPublisher,
  OriginUploader,
  redactUrl,
  SpeakerTracker,
  type CompositeSource,
  type CompositeStart,
  type CompositeStats,
  type EngineClient,
  type EngineEventData,
  type HlsPublisherStats,
  type LayoutKind,
  type LayoutSet,
  type OutputSpec,
  type Rendition,
  type SpeakerTrackerOptions,
} from '@stagecast/media';
import { z } from 'zod';
import { decideAutoLayout, sameAutoLayout, type AutoLayout, type AutoLayoutDecision, type AutoLayoutOptions, type AutoLayoutReason } from './auto-layout.js';
import { ParticipantError } from './errors.js';
import { TypedEmitter } from './events.js';
import { startParticipant, type MeetingOptions, type ParticipantHandle, type StartParticipantOptions } from './participant.js';
import { roomPlayouts, type RoomPlayout } from './playout-presence.js';

const originSchema = z.object({
  /** e.g. http://127.0.0.1:8088/hls/<slug>/ — playlists and segments are PUT below it, expired segments DELETEd. */
  baseUrl: z.url(),
  /** e.g. Authorization for a CDN ingest; never logged. */
  headers: z.record(z.string(), z.string()).optional(),
});

export const broadcastOutputsSchema = z
  .object({
    hls: z
      .object({
        /** Local directory for segments and playlists (also the staging area for origin uploads). */
        directory: z.string().min(1),
        origin: originSchema.optional(),
        segmentSeconds: z.number().min(1).max(6).default(1),
        windowSize: z.number().int().min(3).max(100).optional(),
        /** Also keep event.m3u8 with every segment (VOD after the event). */
        eventPlaylist: z.boolean().default(false),
        /**
         * EXT-X-DISCONTINUITY-SEQUENCE of this run. A run that takes over a playlist another run wrote (a job taken over
         * after a worker died) must pass a higher one than that run reached; media sequence numbers continue from the
         * clock by themselves (HlsPublisher `sequenceEpoch`).
         */
        discontinuitySequence: z.number().int().min(0).max(10_000_000).default(0),
        /** Extra lower renditions (ABR ladder); each in `<directory>/r<n>/`, with master.m3u8 at the top. */
        renditions: z.array(z.object({ width: z.number().int(), height: z.number().int(), bitrate: z.number().int() })).max(3).default([]),
      })
      .optional(),
    rtmp: z.array(z.object({ url: z.string().regex(/^rtmps?:\/\//), streamKey: z.string().optional() })).default([]),
    srt: z.array(z.object({ uri: z.string().startsWith('srt://'), latencyMs: z.number().int().optional(), passphrase: z.string().optional() })).default([]),
    record: z.object({ path: z.string().min(1), format: z.enum(['mp4', 'mkv']).default('mkv') }).optional(),
  })
  .refine((o) => o.hls || o.rtmp.length || o.srt.length || o.record, 'give at least one output (hls, rtmp, srt or record)');
export type BroadcastOutputs = z.input<typeof broadcastOutputsSchema>;

/** What the operator chose: one of the composite's layouts, or `auto` (follow the stage, auto-layout.ts). */
export type BroadcastLayout = LayoutSet | { kind: 'auto'; showNames?: boolean | undefined };

export interface BroadcastOptions {
  meeting: MeetingOptions;
  outputs: BroadcastOutputs;
  /** Canvas, slate, initial layout (also `auto`), encoder and audio settings (defaults: 1280×720@30, 2.5 Mb/s, grid). */
  composite?: Omit<CompositeStart, 'layout'> & { layout?: BroadcastLayout };
  /** Timing of the `auto` layout (lead before a scheduled talk, grace after it). */
  auto?: AutoLayoutOptions;
  speaker?: SpeakerTrackerOptions;
  /**
   * Height at which sources not on screen are still received, so a layout switch shows them at once (default 180, the
   * smallest simulcast layer; 0 = receive only what is shown, saving ~100–200 kb/s per off-screen source).
   */
  offscreenPreviewHeight?: number;
  engine?: StartParticipantOptions['engine'];
  logger?: Logger;
  signal?: AbortSignal;
}

export interface BroadcastStats {
  composite: CompositeStats | null;
  hls: HlsPublisherStats[];
  engineRestarts: number;
  /** The operator's layout (`auto` or a composite layout); always set by BroadcastHandle. */
  layout?: BroadcastLayout['kind'];
  /** In `auto`: what it decided and why (null otherwise); always set by BroadcastHandle. */
  auto?: Pick<AutoLayoutDecision, 'layout' | 'reason' | 'message'> | null;
}

/** `auto` changed the composite's layout (also logged at info). */
export interface AutoLayoutSwitch {
  /** null: auto was (re)started. */
  from: AutoLayout | null;
  to: AutoLayout;
  reason: AutoLayoutReason;
  message: string;
  /** The playout participant involved (on stage, or whose talk just ended). */
  playout?: RoomPlayout;
  atMs: number;
}

export type BroadcastEvents = {
  layoutApplied: [EngineEventData<'layoutApplied'>];
  autoLayoutSwitched: [AutoLayoutSwitch];
  segmentPublished: [{ rendition: number; uri: string; durationSeconds: number; programDateTime: Date; discontinuity: boolean }];
  outputStateChanged: [EngineEventData<'outputStateChanged'>];
  statsUpdated: [BroadcastStats];
  /** The engine died and was replaced; the composite and outputs were rebuilt (HLS got one discontinuity). */
  engineRestarted: [{ reason: string }];
  left: [{ kind: 'requested' } | { kind: 'failed'; error: Error }];
};

interface HlsRendition {
  index: number;
  outputId: string;
  directory: string;
  publisher: HlsPublisher;
  rendition?: Rendition;
  /** Next segment starts a new encoder (engine restart). */
  discontinuity: boolean;
}

export class BroadcastHandle extends TypedEmitter<BroadcastEvents> {
  readonly participant: ParticipantHandle;
  readonly #o: BroadcastOptions;
  readonly #outputs: z.infer<typeof broadcastOutputsSchema>;
  readonly #log: Logger;
  readonly #hls: HlsRendition[] = [];
  readonly #tracker: SpeakerTracker;
  #layout: BroadcastLayout;
  readonly #offscreenHeight: number;
  /** Last `auto` decision (null when auto is off or restarting). */
  #auto: AutoLayoutDecision | null = null;
  #autoTimer: ReturnType<typeof setTimeout> | undefined;
  /** Hysteresis-filtered dominant speaker, and the one the engine was last told. */
  #dominant: string | undefined;
  #engineSpeaker: string | undefined;
  /** Last roster pushed to the engine. */
  #roster: CompositeSource[] = [];
  #slate: { title?: string; subtitle?: string } = {};
  #countdown: Parameters<BroadcastHandle['setCountdown']> | null = null;
  #remote: RemoteSource[] = [];
  #lastStats: CompositeStats | null = null;
  #restarts = 0;
  #rosterChain: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  readonly #offs: (() => void)[] = [];

  /** @internal use startBroadcast() */
  constructor(participant: ParticipantHandle, o: BroadcastOptions, outputs: z.infer<typeof broadcastOutputsSchema>, log: Logger) {
    super(log);
    this.participant = participant;
    this.#o = o;
    this.#outputs = outputs;
    this.#log = log;
    this.#layout = o.composite?.layout ?? { kind: 'grid' };
    this.#offscreenHeight = o.offscreenPreviewHeight ?? OFFSCREEN_PREVIEW_HEIGHT;
    this.#tracker = new SpeakerTracker((ep) => {
      this.#dominant = ep;
      if (this.#layout.kind === 'auto') this.#evaluateAuto();
      else this.#syncSpeaker();
    }, o.speaker);
  }

  #engine(): EngineClient | undefined {
    const e = this.participant.engine;
    return e?.state === 'running' ? e : undefined;
  }

  get stats(): BroadcastStats {
    const a = this.#auto;
    return {
      composite: this.#lastStats,
      hls: this.#hls.map((h) => h.publisher.stats),
      engineRestarts: this.#restarts,
      layout: this.#layout.kind,
      auto: a ? { layout: a.layout, reason: a.reason, message: a.message } : null,
    };
  }

  /** The operator's layout (`auto` or a composite layout). */
  get layout(): BroadcastLayout {
    return this.#layout;
  }

  get hlsPlaylists(): string[] {
    return this.#hls.map((h) => join(h.directory, 'index.m3u8'));
  }

  /** @internal */
  async init(): Promise<void> {
    const hls = this.#outputs.hls;
    if (hls) {
      const ladder: (Rendition | undefined)[] = [undefined, ...hls.renditions];
      // One epoch for every rendition of this run: a later run into the same playlists (a takeover) numbers above it.
      const sequenceEpoch = new Date();
      for (const [index, rendition] of ladder.entries()) {
        const directory = index === 0 ? hls.directory : join(hls.directory, `r${index}`);
        await mkdir(directory, { recursive: true });
        const origin = hls.origin
          ? { baseUrl: index === 0 ? hls.origin.baseUrl : new URL(`r${index}/`, hls.origin.baseUrl.replace(/\/?$/, '/')).toString(), ...(hls.origin.headers ? { headers: hls.origin.headers } : {}) }
          : undefined;
        const publisher = new HlsPublisher({
          directory,
          targetDurationSeconds: Math.ceil(hls.segmentSeconds),
          eventPlaylist: hls.eventPlaylist,
          sequenceEpoch,
          firstDiscontinuitySequence: hls.discontinuitySequence,
          ...(hls.windowSize ? { windowSize: hls.windowSize } : {}),
          ...(origin ? { origin } : {}),
          logger: this.#log.child({ module: 'hls', rendition: index }),
        });
        this.#hls.push({ index, outputId: `hls${index}`, directory, publisher, ...(rendition ? { rendition } : {}), discontinuity: false });
      }
      if (hls.renditions.length) await this.#writeMaster(hls);
    }
    const j = this.participant.jitsi;
    if (j) {
      const onSources = (s: RemoteSource[]) => {
        this.#remote = s;
        this.#pushRoster();
      };
      const onOccupant = () => this.#pushRoster();
      const onLeft = (o: Occupant) => {
        this.#tracker.forget(o.nick);
        if (this.#dominant === o.nick) this.#dominant = this.#tracker.current;
        if (this.#engineSpeaker === o.nick) this.#engineSpeaker = undefined;
        this.#pushRoster();
      };
      const onSpeaker = (ep: string) => this.#tracker.observe(ep);
      j.on('remoteSourcesChanged', onSources);
      j.on('occupantUpdated', onOccupant);
      j.on('occupantJoined', onOccupant);
      j.on('occupantLeft', onLeft);
      j.on('dominantSpeakerChanged', onSpeaker);
      this.#offs.push(() => {
        j.off('remoteSourcesChanged', onSources);
        j.off('occupantUpdated', onOccupant);
        j.off('occupantJoined', onOccupant);
        j.off('occupantLeft', onLeft);
        j.off('dominantSpeakerChanged', onSpeaker);
      });
    }
    this.#offs.push(
      this.participant.on('engineRestarted', (r) => void this.#onEngineRestarted(r.reason)),
      this.participant.on('left', (reason) => {
        void this.close().then(() => this.safeEmit('left', reason.kind === 'failed' ? { kind: 'failed', error: reason.error } : { kind: 'requested' }));
      }),
    );
    await this.#setupEngine();
  }

  async #writeMaster(hls: NonNullable<z.infer<typeof broadcastOutputsSchema>['hls']>): Promise<void> {
    // Same defaults as the engine; CODECS = what the encoders write (level pinned from size/fps/bitrate, profile from the preset).
    const { canvas, video, audio } = compositeStartSchema.parse(this.#o.composite ?? {});
    const variant = (uri: string, r: { width: number; height: number; bitrate: number }) => ({
      uri,
      width: r.width,
      height: r.height,
      fps: canvas.fps,
      videoBitrate: r.bitrate,
      audioBitrate: audio.bitrate,
      codecs: `${compositeVideoCodec({ ...r, fps: canvas.fps, speedPreset: video.speedPreset })},${AAC_LC_CODEC}`,
    });
    const text = renderMasterPlaylist([
      variant('index.m3u8', { width: canvas.width, height: canvas.height, bitrate: video.bitrate }),
      ...hls.renditions.map((r, i) => variant(`r${i + 1}/index.m3u8`, r)),
    ]);
    await writeFile(join(hls.directory, 'master.m3u8'), text);
    if (hls.origin) {
      const up = new OriginUploader({ ...hls.origin, logger: this.#log });
      up.putPlaylist('master.m3u8', text);
      await up.flush(10_000);
      await up.close();
    }
  }

  /** Composite + outputs on the current engine (at start and after an engine restart). */
  async #setupEngine(): Promise<void> {
    const engine = this.#engine();
    if (!engine) throw new ParticipantError('engine-start-failed', 'the media engine is not running: cannot start the composite');
    const onSegment = (d: EngineEventData<'segmentClosed'>) => this.#onSegment(d);
    const onLayout = (d: EngineEventData<'layoutApplied'>) => this.#onLayout(d);
    const onOutput = (d: EngineEventData<'outputStateChanged'>) => {
      this.#log.info({ output: d.outputId, state: d.state, message: d.message, attempt: d.attempt }, 'output state');
      this.safeEmit('outputStateChanged', d);
    };
    const onStats = (s: CompositeStats) => {
      this.#lastStats = s;
      this.safeEmit('statsUpdated', this.stats);
    };
    engine.on('segmentClosed', onSegment).on('layoutApplied', onLayout).on('outputStateChanged', onOutput).on('compositeStats', onStats);
    this.#offs.push(() => {
      engine.off('segmentClosed', onSegment).off('layoutApplied', onLayout).off('outputStateChanged', onOutput).off('compositeStats', onStats);
    });
    this.#engineSpeaker = undefined;
    await engine.request('composite.start', { ...this.#o.composite, layout: this.#concreteLayout(), slate: { ...this.#o.composite?.slate, ...this.#slate } });
    // Unique per engine start: a restarted engine never overwrites segments still listed in the playlist.
    const prefix = `s${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const specs: OutputSpec[] = [];
    const hls = this.#outputs.hls;
    for (const h of this.#hls) {
      specs.push({ id: h.outputId, kind: 'hls', directory: h.directory, prefix, segmentSeconds: hls?.segmentSeconds ?? 1, ...(h.rendition ? { rendition: h.rendition } : {}) });
    }
    this.#outputs.rtmp.forEach((r, i) => specs.push({ id: `rtmp${i}`, kind: 'rtmp', url: r.url, ...(r.streamKey ? { streamKey: r.streamKey } : {}) }));
    this.#outputs.srt.forEach((s, i) => specs.push({ id: `srt${i}`, kind: 'srt', uri: s.uri, ...(s.latencyMs ? { latencyMs: s.latencyMs } : {}), ...(s.passphrase ? { passphrase: s.passphrase } : {}) }));
    if (this.#outputs.record) {
      const r = this.#outputs.record;
      // After an engine restart the recording continues in a new file next to the first.
      const path = this.#restarts ? r.path.replace(/(\.\w+)?$/, (ext) => `.${this.#restarts}${ext || `.${r.format}`}`) : r.path;
      specs.push({ id: 'record', kind: 'file', path, format: r.format });
    }
    for (const spec of specs) {
      await engine.request('output.start', spec).catch((err: unknown) => {
        const target = spec.kind === 'rtmp' ? redactUrl(`${spec.url}/${spec.streamKey ?? ''}`, spec.streamKey) : spec.id;
        throw new ParticipantError('bad-pipeline', `output ${spec.id} (${target}) could not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      });
    }
    if (this.#countdown) await this.setCountdown(...this.#countdown);
    this.#pushRoster();
  }

  async #onEngineRestarted(reason: string): Promise<void> {
    this.#restarts++;
    for (const h of this.#hls) h.discontinuity = true;
    try {
      await this.#setupEngine();
      this.safeEmit('engineRestarted', { reason });
    } catch (err) {
      this.#log.error({ err: err instanceof Error ? err.message : String(err) }, 'composite could not be rebuilt on the new engine');
    }
  }

  #onSegment(d: EngineEventData<'segmentClosed'>): void {
    const h = this.#hls.find((x) => x.outputId === d.outputId);
    if (!h) return;
    const discontinuity = h.discontinuity;
    h.discontinuity = false;
    const seg = { path: d.path, durationSeconds: d.durationSeconds, programDateTime: new Date(d.programDateTime) };
    void h.publisher.addSegment(seg, discontinuity).then(
      () => this.safeEmit('segmentPublished', { rendition: h.index, uri: d.path.split('/').pop() ?? d.path, durationSeconds: d.durationSeconds, programDateTime: seg.programDateTime, discontinuity }),
      (err: unknown) => this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'writing the playlist failed'),
    );
  }

  /** Per-source heights from the tiles; everything not shown as a small preview (ready for the next switch) or off. */
  #onLayout(d: EngineEventData<'layoutApplied'>): void {
    const c = constraintsForTiles(d.tiles, this.#offscreenHeight);
    this.participant.jitsi?.setReceiverConstraints({
      lastN: -1,
      defaultConstraints: c.defaultConstraints,
      constraints: c.constraints,
      selectedSources: c.onStageSources,
      onStageSources: c.onStageSources,
    });
    this.safeEmit('layoutApplied', d);
  }

  /** Roster from signaling + presence → the engine (serialised: each call carries the full list). */
  #pushRoster(): void {
    const occupants = new Map((this.participant.jitsi?.occupants ?? []).map((o) => [o.nick, o]));
    const sources: CompositeSource[] = [];
    for (const s of this.#remote) {
      if (s.owner === 'jvb' || !/^[\w.@-]{1,64}$/.test(s.name)) continue;
      const occ = occupants.get(s.owner);
      const info = occ?.sourceInfo[s.name];
      sources.push({
        name: s.name,
        owner: s.owner,
        media: s.media,
        videoType: s.videoType === 'desktop' || info?.videoType === 'desktop' ? 'desktop' : 'camera',
        muted: info?.muted ?? false,
        ...(occ?.displayName ? { nick: occ.displayName.slice(0, 120) } : {}),
      });
    }
    this.#roster = sources;
    this.#rosterChain = this.#rosterChain.then(() => this.#engine()?.request('composite.setSources', { sources }).catch((err: unknown) => this.#log.warn({ err: String(err) }, 'composite.setSources failed')));
    // After the roster in the chain: a pinned playout source exists in the engine before the layout names it.
    if (this.#layout.kind === 'auto') this.#evaluateAuto();
    else this.#syncSpeaker();
  }

  /** The composite layout to request now (the operator's, or auto's current decision). */
  #concreteLayout(): LayoutSet {
    const l = this.#layout;
    if (l.kind !== 'auto') return l;
    const d = this.#auto ?? this.#decide();
    return { ...d.layout, ...(l.showNames !== undefined ? { showNames: l.showNames } : {}) };
  }

  #decide(): AutoLayoutDecision {
    return decideAutoLayout(
      {
        playouts: roomPlayouts(this.participant.jitsi?.occupants ?? []),
        sources: this.#roster.filter((s) => s.media === 'video').map((s) => ({ owner: s.owner, videoType: s.videoType ?? 'camera', muted: s.muted ?? false })),
        dominant: this.#dominant,
        nowMs: Date.now(),
      },
      this.#o.auto,
    );
  }

  /**
   * `auto`: decide again; on a new layout, log, emit autoLayoutSwitched and `layout.set` (queued after the roster).
   * Resolves with what the composite shows once that request was answered (undefined when nothing changed).
   */
  #evaluateAuto(): Promise<LayoutKind> | undefined {
    if (this.#layout.kind !== 'auto' || this.#closing) return undefined;
    const d = this.#decide();
    this.#scheduleRecheck(d.recheckAtMs);
    const prev = this.#auto;
    this.#auto = d;
    let applied: Promise<LayoutKind> | undefined;
    if (!prev || !sameAutoLayout(prev.layout, d.layout)) {
      const sw: AutoLayoutSwitch = { from: prev?.layout ?? null, to: d.layout, reason: d.reason, message: d.message, atMs: Date.now(), ...(d.playout ? { playout: d.playout } : {}) };
      this.#log.info({ from: sw.from, to: sw.to, reason: sw.reason, playout: d.playout?.endpointId }, `auto layout: ${d.message}`);
      const layout = this.#concreteLayout();
      const next = this.#rosterChain.then(async () => {
        const e = this.#engine();
        return e ? (await e.request('layout.set', layout)).kind : 'slate';
      });
      this.#rosterChain = next.catch((err: unknown) => this.#log.warn({ err: String(err) }, 'auto layout: layout.set failed'));
      applied = next;
      this.safeEmit('autoLayoutSwitched', sw);
    } else if (prev.reason !== d.reason) {
      this.#log.debug({ reason: d.reason }, `auto layout: ${d.message}`);
    }
    this.#syncSpeaker();
    return applied;
  }

  #scheduleRecheck(atMs: number | undefined): void {
    if (this.#autoTimer) clearTimeout(this.#autoTimer);
    this.#autoTimer = undefined;
    if (atMs === undefined || this.#closing) return;
    this.#autoTimer = setTimeout(
      () => {
        this.#autoTimer = undefined;
        this.#evaluateAuto();
      },
      Math.max(0, atMs - Date.now()) + 10,
    );
  }

  /** The engine's featured speaker: the dominant one, or in `auto` the person auto picked (never the playout). */
  #syncSpeaker(): void {
    const want = this.#layout.kind === 'auto' ? (this.#auto?.speaker ?? this.#dominant) : this.#dominant;
    const e = this.#engine();
    if (!want || want === this.#engineSpeaker || !e) return;
    this.#engineSpeaker = want;
    this.#rosterChain = this.#rosterChain.then(() => e.request('composite.setSpeaker', { endpointId: want }).catch(() => {}));
  }

  /**
   * Switch layout at run time (grid, speaker, screen-share, single with `pinned`, slate, or `auto` to follow the
   * stage). An explicit layout turns auto off until `auto` is chosen again. Returns what the composite shows.
   */
  async setLayout(l: BroadcastLayout): Promise<LayoutKind> {
    this.#layout = l;
    if (l.kind === 'auto') {
      this.#auto = null; // a fresh decision, announced as a switch from null
      return (await this.#evaluateAuto()) ?? 'slate';
    }
    this.#scheduleRecheck(undefined);
    this.#auto = null;
    this.#syncSpeaker();
    const e = this.#engine();
    if (!e) return 'slate';
    return (await e.request('layout.set', l)).kind;
  }

  async setSlate(s: { title?: string; subtitle?: string }): Promise<void> {
    this.#slate = { ...this.#slate, ...s };
    await this.#engine()?.request('composite.setSlate', s);
  }

  /** Countdown overlay to the next talk (null removes it). */
  async setCountdown(target: { startsAt: number | string; title?: string; speakers?: string[] } | null, o: { placement?: 'full' | 'corner'; style?: Record<string, unknown> } = {}): Promise<void> {
    this.#countdown = target ? [target, o] : null;
    await this.#engine()?.request('composite.countdown', { target, ...(o.placement ? { placement: o.placement } : {}), ...(o.style ? { style: o.style } : {}) });
  }

  /** Engine EOS (last segment closed, recording finalised), leave the room, ENDLIST + flush uploads. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#tracker.close();
      this.#scheduleRecheck(undefined);
      await this.participant.close();
      await this.#rosterChain.catch(() => {});
      for (const off of this.#offs.splice(0)) off();
      for (const h of this.#hls) await h.publisher.close().catch((err: unknown) => this.#log.warn({ err: String(err) }, 'closing the HLS publisher failed'));
    })();
    return this.#closing;
  }
}

/**
 * Joins `meeting` as a receive-only participant (display name default "Stagecast broadcast"), starts the composite
 * and the outputs; resolves once everything runs. Reject reasons: ParticipantError (`join-failed`, `bad-pipeline`,
 * `engine-start-failed`, `invalid-options`, `aborted`).
 */
export async function startBroadcast(options: BroadcastOptions): Promise<BroadcastHandle> {
  const log = (options.logger ?? silentLogger).child({ module: 'broadcast' });
  const preview = options.offscreenPreviewHeight;
  if (preview !== undefined && !(Number.isInteger(preview) && preview >= 0 && preview <= 2160)) {
    throw new ParticipantError('invalid-options', `offscreenPreviewHeight must be a whole number of pixels from 0 (off) to 2160, got ${preview}`);
  }
  const parsed = broadcastOutputsSchema.safeParse(options.outputs);
  if (!parsed.success) {
    throw new ParticipantError('invalid-options', `broadcast outputs are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'outputs'}: ${i.message}`).join('; ')}`);
  }
  const participant = await startParticipant({
    meeting: { displayName: 'Stagecast broadcast', ...options.meeting },
    media: { receive: compositeReceiveSpec() },
    // Until the first layout is applied (at once when the composite starts): modest default.
    receiveVideo: { maxHeight: 360 },
    ...(options.engine ? { engine: options.engine } : {}),
    logger: options.logger ?? silentLogger,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const handle = new BroadcastHandle(participant, options, parsed.data, log);
  try {
    await handle.init();
  } catch (err) {
    await handle.close();
    throw err instanceof ParticipantError ? err : new ParticipantError('engine-start-failed', `the composite could not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return handle;
}
