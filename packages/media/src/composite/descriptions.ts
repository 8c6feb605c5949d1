/**
 * gst-launch descriptions of the composite pipeline (pure, unit-tested; the engine parses them).
 *
 * Shape (docs/media-engine.md §7 "composite", "outputs"):
 *   background (live, never stops) ─┐
 *   per source: intervideosrc ! queue ! videoconvert ─┤ compositor ! lower thirds ! tee vraw ─ x264enc ! h264parse ! tee vout
 *   countdown bin (optional overlay) ┘
 *   silence (live) + per source: interaudiosrc ! queue ! level ! volume ─ audiomixer ! limiter ! avenc_aac ! tee aout
 * Decoded media reach the composite through in-process intervideo/interaudio channels named after the Jitsi source:
 * the room's Jingle sessions (their own pipelines) can come and go — joins, leaves, a bridge restart — while the
 * composite pipeline, its clock and its encoder run for the life of the job.
 */
import { h264Level } from '../hls/codecs.js';
import type { ReceiveSpec } from '../protocol/messages.js';
import type { CanvasSpec, SlateSpec } from './protocol.js';

export const CHANNEL_PREFIX = 'stagecast-';
/** Tiles that can carry a name (more tiles than this are shown unlabelled). */
export const LOWER_THIRDS = 9;
export const AUDIO_CAPS = 'audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved';

export function channelFor(sourceName: string): string {
  return `${CHANNEL_PREFIX}${sourceName.replace(/[^\w.@-]/g, '_')}`;
}

/**
 * The participant's receive spec that hands every decoded remote source to the composite (same engine process):
 * `{source_name}` is filled (sanitised) per source by the receive builder.
 */
export function compositeReceiveSpec(): ReceiveSpec {
  return {
    mode: 'template',
    video: `intervideosink channel=${CHANNEL_PREFIX}{source_name} sync=false`,
    audio: `audioconvert ! audioresample ! ${AUDIO_CAPS} ! interaudiosink channel=${CHANNEL_PREFIX}{source_name} sync=false`,
  };
}

/** 0xAARRGGBB for videotestsrc foreground-color. */
export function argb(hex: string): number {
  return (0xff000000 | parseInt(hex.slice(1), 16)) >>> 0;
}

export interface CoreSpec {
  canvas: CanvasSpec;
  slate: SlateSpec;
  video: { bitrate: number; keyframeSeconds: number; speedPreset: string; threads: number };
  audio: { bitrate: number };
}

export function x264Description(o: {
  bitrate: number;
  fps: number;
  keyframeSeconds: number;
  speedPreset: string;
  threads: number;
  name: string;
  width: number;
  height: number;
}): string {
  // bitrate in kbit/s; key-int-max = keyframeSeconds × fps (a backstop: the output manager forces key units on the
  // keyframe grid); zerolatency: no lookahead/B-frames (live). The level is pinned so master playlists can name it.
  const level = h264Level({ width: o.width, height: o.height, fps: o.fps, bitrate: o.bitrate });
  return (
    `x264enc name=${o.name} tune=zerolatency speed-preset=${o.speedPreset} bitrate=${Math.round(o.bitrate / 1000)} ` +
    `key-int-max=${Math.max(1, Math.round(o.keyframeSeconds * o.fps))} threads=${o.threads} ! video/x-h264,profile=high,level=(string)${level.level} ! h264parse config-interval=-1 ! ` +
    // Pinned: with only a counter downstream at first, h264parse may pick AVC and a later MPEG-TS branch cannot link.
    'video/x-h264,stream-format=byte-stream,alignment=au'
  );
}

/** The fixed part of the composite pipeline; dynamic sources and outputs attach to the named elements. */
export function coreDescription(s: CoreSpec): string {
  const { width: w, height: h, fps } = s.canvas;
  const raw = `video/x-raw,format=I420,width=${w},height=${h},framerate=${fps}/1,pixel-aspect-ratio=1/1`;
  const counter = (name: string) =>
    `queue leaky=downstream max-size-buffers=2 max-size-bytes=0 max-size-time=0 ! fakesink name=${name} sync=false async=false`;
  return [
    // The background is a live source: the compositor (and so the encoder) produce frames with nobody in the room.
    `videotestsrc name=bg is-live=true pattern=solid-color foreground-color=${argb(s.slate.background)} ! ${raw} ! ` +
      `textoverlay name=slate_title halignment=center valignment=center line-alignment=center auto-resize=false ` +
      `font-desc="DejaVu Sans Bold ${Math.round(h / 16)}" deltay=${-Math.round(h / 12)} ! ` +
      `textoverlay name=slate_subtitle halignment=center valignment=center line-alignment=center auto-resize=false ` +
      `font-desc="DejaVu Sans ${Math.round(h / 28)}" deltay=${Math.round(h / 14)} ! queue max-size-buffers=2 ! vmix.sink_0`,
    // latency: slack for sources added at run time (their first buffers are timestamped on arrival).
    // Lower thirds are drawn on the composed frame (constant size whatever the source resolution): a fixed pool of
    // textoverlays, silent (passthrough) until the layout gives one a tile.
    `compositor name=vmix background=black latency=100000000 sink_0::zorder=0 ! ${raw} ! ` +
      Array.from(
        { length: LOWER_THIRDS },
        (_, i) =>
          `textoverlay name=lt${i} silent=true halignment=left valignment=bottom xpad=0 ypad=0 auto-resize=false shaded-background=true wait-text=false ! `,
      ).join('') +
      `tee name=vraw`,
    `vraw. ! ${counter('composed_count')}`,
    // The encoder's input queue is leaky: a CPU spike drops composed frames (counted) instead of stalling the mix.
    `vraw. ! queue name=venc_in leaky=downstream max-size-buffers=3 max-size-bytes=0 max-size-time=0 ! ` +
      `${x264Description({ ...s.video, fps, width: w, height: h, name: 'venc' })} ! tee name=vout allow-not-linked=true`,
    `vout. ! ${counter('encoded_count')}`,
    // Silence keeps the mix (and AAC timestamps) running when everybody is muted.
    `audiotestsrc name=silence is-live=true wave=silence samplesperbuffer=960 ! ${AUDIO_CAPS} ! amix.sink_0`,
    // Limiter on the sum: normalised voices added together must not clip.
    `audiomixer name=amix latency=100000000 ! audioconvert ! audiodynamic mode=compressor characteristics=soft-knee threshold=0.7 ratio=0.25 ! ` +
      `audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! queue max-size-time=1000000000 max-size-buffers=0 max-size-bytes=0 ! ` +
      `avenc_aac bitrate=${s.audio.bitrate} ! aacparse ! tee name=aout allow-not-linked=true`,
  ].join('\n');
}

/** One remote video source: a live channel reader (black when the sender stops; the name stays on its tile). */
export function videoSourceDescription(o: { sourceName: string; timeoutNs: bigint }): string {
  return (
    `intervideosrc name=src channel=${channelFor(o.sourceName)} timeout=${o.timeoutNs} do-timestamp=true ! ` +
    `queue leaky=downstream max-size-buffers=2 max-size-bytes=0 max-size-time=0 ! videoconvert`
  );
}

export function audioSourceDescription(o: { sourceName: string }): string {
  return (
    `interaudiosrc name=src channel=${channelFor(o.sourceName)} do-timestamp=true ! ${AUDIO_CAPS} ! ` +
    `queue leaky=downstream max-size-time=300000000 max-size-buffers=0 max-size-bytes=0 ! audioconvert ! ` +
    `level name=level interval=500000000 post-messages=true ! volume name=gain`
  );
}

/** Test/bench feeder (composite.feedTest): what a decoded remote source looks like, without a room. */
export function testFeedDescription(o: {
  name: string;
  media: 'audio' | 'video';
  width: number;
  height: number;
  fps: number;
  pattern: string;
  frequency: number;
  levelDb?: number | undefined;
  clock: boolean;
}): string {
  if (o.media === 'audio') {
    // A sine's RMS is its amplitude / √2.
    const volume = o.levelDb === undefined ? 0.3 : Math.SQRT2 * 10 ** (o.levelDb / 20);
    return `audiotestsrc is-live=true wave=sine freq=${o.frequency} volume=${volume.toFixed(6)} ! audioconvert ! audioresample ! ${AUDIO_CAPS} ! interaudiosink channel=${channelFor(o.name)} sync=false`;
  }
  const overlay = o.clock
    ? ` ! clockoverlay time-format="%H:%M:%S" halignment=center valignment=center font-desc="DejaVu Sans Mono Bold ${Math.round(o.height / 8)}" shaded-background=true`
    : '';
  return (
    `videotestsrc is-live=true pattern=${o.pattern} ! video/x-raw,format=I420,width=${o.width},height=${o.height},framerate=${o.fps}/1${overlay} ! ` +
    `intervideosink channel=${channelFor(o.name)} sync=false`
  );
}

/** Lower third of a tile on the composed frame (textoverlay left/bottom alignment + pixel deltas). */
export function lowerThirdPlacement(
  tile: { x: number; y: number; width: number; height: number },
  canvas: { width: number; height: number },
): {
  deltax: number;
  deltay: number;
  fontDesc: string;
} {
  const margin = Math.max(4, Math.round(tile.height / 24));
  const size = Math.max(8, Math.min(Math.round(canvas.height / 30), Math.round(tile.height / 14)));
  return {
    deltax: tile.x + margin,
    deltay: -(canvas.height - (tile.y + tile.height) + margin),
    fontDesc: `DejaVu Sans Bold ${size}px`,
  };
}
