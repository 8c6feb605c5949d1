/**
 * Channel messages of the broadcast composite and its outputs (issue 5). Spread into protocol/messages.ts's
 * requestSchemas/resultSchemas/eventSchemas, so EngineClient.request('composite.start', …) is typed and both sides
 * validate. Pure zod; no GStreamer.
 */
import { z } from 'zod';
import { countdownTargetSchema } from '../countdown/countdown-style.js';
import { parseSrtUri } from '../outputs/srt-uri.js';
import { layoutKindSchema } from './layout.js';

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colours are #rrggbb');
const idSchema = z.string().regex(/^[\w.-]{1,64}$/, 'output ids are 1–64 word characters, dots or -');

export const canvasSchema = z.object({
  width: z.number().int().min(160).max(3840).multipleOf(2).default(1280),
  height: z.number().int().min(120).max(2160).multipleOf(2).default(720),
  fps: z.number().int().min(1).max(60).default(30),
});
export type CanvasSpec = z.infer<typeof canvasSchema>;

export const slateSchema = z.object({
  /** Shown large on the slate (room or event name). */
  title: z.string().max(200).default(''),
  subtitle: z.string().max(200).default('Starting soon'),
  background: hexColor.default('#101820'),
});
export type SlateSpec = z.infer<typeof slateSchema>;

export const videoEncoderSchema = z.object({
  /** x264 bitrate in bit/s (default 2.5 Mb/s for 720p30). */
  bitrate: z.number().int().min(100_000).max(50_000_000).default(2_500_000),
  /**
   * Keyframe grid in seconds: the encoders get a forced key unit at every multiple of this running time (and
   * key-int-max = this × fps as a backstop), so HLS segments cut there. HLS segmentSeconds must be a multiple of it.
   */
  keyframeSeconds: z.number().min(0.5).max(10).default(1),
  speedPreset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
  /** x264 threads (0 = auto). */
  threads: z.number().int().min(0).max(16).default(0),
});

export const audioMixSchema = z.object({
  /** Per-participant slow gain control towards this RMS level (dBFS); false = plain mix. */
  normalize: z.boolean().default(true),
  targetDb: z.number().min(-40).max(-6).default(-20),
  /** Maximum boost applied to a quiet participant (dB). */
  maxGainDb: z.number().min(0).max(30).default(12),
  bitrate: z.number().int().min(32_000).max(320_000).default(128_000),
});

export const compositeSourceSchema = z.object({
  /** Jitsi source name (`<ep>-v0`, `<ep>-a0`); also the engine-internal channel name of its decoded media. */
  name: z.string().regex(/^[\w.@-]{1,64}$/, 'source names are word characters, dots, @ or -'),
  owner: z.string().min(1),
  nick: z.string().max(120).optional(),
  media: z.enum(['audio', 'video']),
  videoType: z.enum(['camera', 'desktop']).default('camera'),
  muted: z.boolean().default(false),
});
export type CompositeSource = z.input<typeof compositeSourceSchema>;

export const layoutSetSchema = z.object({
  kind: layoutKindSchema,
  /** `single`: endpoint id or source name. */
  pinned: z.string().optional(),
  /** Lower thirds with participant names. */
  showNames: z.boolean().optional(),
});
export type LayoutSet = z.input<typeof layoutSetSchema>;

export const compositeStartSchema = z.object({
  canvas: canvasSchema.default({ width: 1280, height: 720, fps: 30 }),
  slate: slateSchema.default({ title: '', subtitle: 'Starting soon', background: '#101820' }),
  layout: layoutSetSchema.default({ kind: 'grid' }),
  video: videoEncoderSchema.default({ bitrate: 2_500_000, keyframeSeconds: 1, speedPreset: 'veryfast', threads: 0 }),
  audio: audioMixSchema.default({ normalize: true, targetDb: -20, maxGainDb: 12, bitrate: 128_000 }),
  /** Seconds a silent video source keeps its last frame before it shows black + name (intervideosrc timeout). */
  videoTimeoutSeconds: z.number().min(0.2).max(10).default(1),
});
export type CompositeStart = z.input<typeof compositeStartSchema>;

export const reconnectSchema = z.object({
  initialDelayMs: z.number().int().min(100).default(1000),
  maxDelayMs: z.number().int().min(100).default(30_000),
});

export const renditionSchema = z.object({
  width: z.number().int().min(160).max(3840).multipleOf(2),
  height: z.number().int().min(120).max(2160).multipleOf(2),
  bitrate: z.number().int().min(100_000).max(50_000_000),
});
export type Rendition = z.infer<typeof renditionSchema>;

export const outputSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    id: idSchema,
    kind: z.literal('hls'),
    /** Segments are written here (`<prefix>-%05d.ts`); the client-side HlsPublisher writes the playlists. */
    directory: z.string().min(1),
    segmentSeconds: z.number().min(0.5).max(10).default(1),
    /** Segment file prefix; make it unique per engine start so a restarted engine never overwrites segments. */
    prefix: z
      .string()
      .regex(/^[\w-]{1,64}$/)
      .default('seg'),
    /** A lower rendition for an ABR ladder: its own scaler + encoder (absent: the main encoder). */
    rendition: renditionSchema.optional(),
  }),
  z.object({
    id: idSchema,
    kind: z.literal('rtmp'),
    /** rtmp://host[:port]/app — the stream key separately (it is redacted in logs and events). */
    url: z.string().regex(/^rtmps?:\/\/[^\s]+$/, 'an rtmp:// or rtmps:// URL'),
    streamKey: z.string().optional(),
    reconnect: reconnectSchema.default({ initialDelayMs: 1000, maxDelayMs: 30_000 }),
  }),
  z.object({
    id: idSchema,
    kind: z.literal('srt'),
    /** `srt://host:port` (caller) or `srt://:port?mode=listener` (listener). MPEG-TS payload. See outputs/srt-uri.ts. */
    uri: z.string().superRefine((uri, ctx) => {
      try {
        parseSrtUri(uri);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      }
    }),
    latencyMs: z.number().int().min(20).max(8000).default(200),
    passphrase: z.string().min(10).max(79).optional(),
    reconnect: reconnectSchema.default({ initialDelayMs: 1000, maxDelayMs: 30_000 }),
  }),
  z.object({
    id: idSchema,
    kind: z.literal('file'),
    path: z.string().min(1),
    /** mp4 is fragmented (playable even if the job dies) and finalised on EOS; mkv survives anything. */
    format: z.enum(['mp4', 'mkv']).default('mkv'),
  }),
]);
export type OutputSpec = z.input<typeof outputSpecSchema>;
export type OutputSpecParsed = z.infer<typeof outputSpecSchema>;
export type OutputKind = OutputSpecParsed['kind'];

export const countdownOverlaySchema = z.object({
  /** null: remove the overlay. */
  target: countdownTargetSchema.nullable(),
  /** Countdown style overrides (validated by the countdown source; width/height/fps default to the canvas). */
  style: z.record(z.string(), z.unknown()).optional(),
  /** `full`: the countdown covers the frame; `corner`: a quarter-size inset top right. */
  placement: z.enum(['full', 'corner']).default('full'),
});

const outputStateSchema = z.enum(['running', 'reconnecting', 'failed', 'stopped']);
export type OutputState = z.infer<typeof outputStateSchema>;

export const outputStatsSchema = z.object({
  id: z.string(),
  kind: z.enum(['hls', 'rtmp', 'srt', 'file']),
  state: outputStateSchema,
  /** Bytes written/sent so far and the rate over the last tick. */
  bytes: z.number(),
  bitrate: z.number(),
  reconnects: z.number(),
});
export type OutputStats = z.infer<typeof outputStatsSchema>;

export const compositeStatsSchema = z.object({
  at: z.number(),
  layout: layoutKindSchema,
  sources: z.number(),
  /** Frames out of the compositor and out of the encoder over the last tick, per second. */
  composedFps: z.number(),
  encodedFps: z.number(),
  /** Composed frames that never reached the encoder (its leaky input queue), cumulative. */
  droppedFrames: z.number(),
  framesEncoded: z.number(),
  outputs: z.array(outputStatsSchema),
});
export type CompositeStats = z.infer<typeof compositeStatsSchema>;

const tileSchema = z.object({
  name: z.string(),
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
  zorder: z.number(),
});

export const compositeRequestSchemas = {
  'composite.start': compositeStartSchema,
  /** The full roster of remote sources (from signaling, not from pads: the bridge sends nothing we did not ask for). */
  'composite.setSources': z.object({ sources: z.array(compositeSourceSchema).max(200) }),
  /** Hysteresis-filtered dominant speaker (endpoint id). */
  'composite.setSpeaker': z.object({ endpointId: z.string().min(1) }),
  'layout.set': layoutSetSchema,
  'composite.setSlate': slateSchema.partial(),
  'composite.countdown': countdownOverlaySchema,
  'composite.stats': z.object({}),
  'composite.stop': z.object({ eosTimeoutMs: z.number().int().nonnegative().default(5000) }),
  /**
   * Test/bench hook: a local test pattern (+ tone) published on the channel of a source name, as if decoded from the
   * bridge (timeoverlay=true burns the pipeline running time in, clock=true the wall clock).
   */
  'composite.feedTest': z.object({
    name: z.string().regex(/^[\w.@-]{1,64}$/),
    media: z.enum(['audio', 'video']),
    width: z.number().int().positive().default(640),
    height: z.number().int().positive().default(360),
    fps: z.number().int().positive().default(30),
    pattern: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default('smpte'),
    frequency: z.number().positive().default(440),
    /** Audio: RMS level of the tone in dBFS (absent: −13.5 dBFS, volume 0.3). */
    levelDb: z.number().min(-80).max(-3).optional(),
    clock: z.boolean().default(false),
    remove: z.boolean().default(false),
  }),
  'output.start': outputSpecSchema,
  'output.stop': z.object({ id: idSchema, eosTimeoutMs: z.number().int().nonnegative().default(5000) }),
} as const;

export const compositeResultSchemas = {
  'composite.start': z.object({ baseTimeNs: z.string() }),
  'composite.setSources': z.object({}),
  'composite.setSpeaker': z.object({}),
  'layout.set': z.object({ kind: layoutKindSchema }),
  'composite.setSlate': z.object({}),
  'composite.countdown': z.object({}),
  'composite.stats': compositeStatsSchema,
  'composite.stop': z.object({ eos: z.boolean() }),
  'composite.feedTest': z.object({}),
  'output.start': z.object({}),
  'output.stop': z.object({ eos: z.boolean() }),
} as const;

export const compositeEventSchemas = {
  /** A HLS segment file is complete. programDateTime = wall time of its first frame (REALTIME pipeline clock). */
  segmentClosed: z.object({
    outputId: z.string(),
    path: z.string(),
    durationSeconds: z.number(),
    programDateTime: z.string(),
    bytes: z.number(),
  }),
  outputStateChanged: z.object({
    outputId: z.string(),
    kind: z.enum(['hls', 'rtmp', 'srt', 'file']),
    state: outputStateSchema,
    message: z.string().optional(),
    attempt: z.number().optional(),
    retryInMs: z.number().optional(),
  }),
  /** The layout in effect changed (requested kind, sources, speaker): tiles drive the bridge constraints. */
  layoutApplied: z.object({ requested: layoutKindSchema, kind: layoutKindSchema, tiles: z.array(tileSchema) }),
  compositeStats: compositeStatsSchema,
} as const;
