/**
 * Send-side pipeline descriptions (docs/media-engine.md §7). Pure: typed specs in, gst-launch strings out; the engine
 * parses them into bins. A source description exposes elements named `video` and/or `audio` (gst-meet's
 * --send-pipeline convention); an encoder chain turns whatever those carry into RTP for webrtcbin:
 * raw → our real-time encoder; already encoded in the negotiated codec → payloaded as is (no transcode);
 * encoded in another codec → decoded and re-encoded.
 */
import type { EncoderSettings, SendSourceParsed, VideoCodec } from '../protocol/messages.js';
import { encoderSettingsSchema } from '../protocol/messages.js';
import { FILE_CONCAT } from '../engine/file-source-names.js';
import { URI_AUDIO_LEVEL } from '../engine/sdp.js';
import { playoutSkeletonDescription } from '../playout/playout-source.js';
import {
  PLAYOUT_ENCODER,
  PLAYOUT_ENCODER_SYNC,
  PLAYOUT_FUNNEL,
  PLAYOUT_GATE,
  PLAYOUT_PAY,
} from '../playout/playout-names.js';

export type MediaFormat = 'raw' | 'vp8' | 'h264' | 'opus' | 'other';

/** Quote a value for gst-launch (double quotes, backslash-escaped). */
export function gstQuote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `file://` URI of a file source location (absolute path or any URI uridecodebin3 understands). */
export function fileUri(location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : `file://${location}`;
}

/** Built-in sources decode to raw (`video`/`audio` carry video/x-raw and audio/x-raw). */
export function sourceDescription(src: SendSourceParsed, want: { audio: boolean; video: boolean }): string {
  const parts: string[] = [];
  switch (src.kind) {
    case 'test': {
      if (want.video && src.video) {
        parts.push(
          `videotestsrc is-live=true pattern=${src.pattern} ! ` +
            `video/x-raw,width=${src.width},height=${src.height},framerate=${src.framerate}/1 ! queue name=video`,
        );
      }
      if (want.audio && src.audio) {
        parts.push(
          `audiotestsrc is-live=true wave=sine freq=${src.frequency} volume=0.3 ! ` +
            `audio/x-raw,rate=48000,channels=2 ! queue name=audio`,
        );
      }
      break;
    }
    case 'file': {
      // Decoders are added by the engine (engine/file-source.ts: concat per media for seamless looping, a pad
      // offset + clocksync for real-time pacing); this is the static part they feed.
      if (want.video && src.video) {
        parts.push(`concat name=${FILE_CONCAT.video} ! queue ! clocksync ! videoconvert ! queue name=video`);
      }
      if (want.audio && src.audio) {
        parts.push(
          `concat name=${FILE_CONCAT.audio} ! queue ! clocksync ! audioconvert ! audioresample ! queue name=audio`,
        );
      }
      break;
    }
    case 'srt': {
      // MPEG-TS over SRT (OBS "srt://host:port?mode=caller", ffmpeg -f mpegts srt://…). Listener by default.
      parts.push(`srtsrc uri=${gstQuote(src.uri)} latency=${src.latencyMs} ! queue ! decodebin name=dec`);
      parts.push(...decodedOutputs(want));
      break;
    }
    case 'rtmp': {
      // rtmp2src pulls (plays) a stream; OBS/ffmpeg publish to an RTMP server such as nginx-rtmp, we pull from it.
      parts.push(`rtmp2src location=${gstQuote(src.url)} ! queue ! decodebin name=dec`);
      parts.push(...decodedOutputs(want));
      break;
    }
    case 'pipeline':
      return src.description;
    case 'playout':
      // Static part only (compositor + audiomixer ending in `video`/`audio`); the engine's PlayoutSource adds the
      // countdown, slate and talk branches (engine-side, timed by pad offsets on a REALTIME clock).
      return playoutSkeletonDescription(src, want);
    case 'countdown':
      // Not a description: the engine builds a CountdownSource (frame-accurate feeder, realtime clock).
      throw new Error('sourceDescription: countdown sources are built by the engine (CountdownSource), not parsed');
  }
  return parts.join('  ');
}

function decodedOutputs(want: { audio: boolean; video: boolean }): string[] {
  const p: string[] = [];
  if (want.video) p.push(`dec. ! video/x-raw ! queue ! videoconvert ! queue name=video`);
  if (want.audio) p.push(`dec. ! audio/x-raw ! queue ! audioconvert ! audioresample ! queue name=audio`);
  return p;
}

/** Classify the caps string a `video`/`audio` element produced. */
export function formatOfCaps(caps: string): MediaFormat {
  const name = caps.split(/[,;\s]/)[0] ?? '';
  if (name === 'video/x-raw' || name === 'audio/x-raw') return 'raw';
  if (name === 'video/x-vp8') return 'vp8';
  if (name === 'video/x-h264') return 'h264';
  if (name === 'audio/x-opus') return 'opus';
  return 'other';
}

export interface VideoChainParams {
  input: MediaFormat;
  codec: VideoCodec;
  pt: number;
  ssrc: number;
  encoder?: EncoderSettings;
  /**
   * Scheduled playout (playout/README.md "Passthrough"): name the encoder, pace its output with a clocksync and put a
   * funnel before the payloader, so the playout can splice the talk file's own encoded frames into the same
   * payloader/SSRC. `tsOffsetNs`: both the encoder output and the spliced file are released at running time + this.
   */
  playoutSplice?: { tsOffsetNs: number };
}

/** raw/encoded video → RTP payloader (no capsfilter/tail: the engine links to the negotiated RTP caps). */
export function videoChainDescription(p: VideoChainParams): {
  description: string;
  transcode: boolean;
  passthrough: boolean;
} {
  const enc = encoderSettingsSchema.parse(p.encoder ?? {});
  const payName = p.playoutSplice ? `name=${PLAYOUT_PAY} ` : '';
  const pay =
    p.codec === 'vp8'
      ? `rtpvp8pay ${payName}pt=${p.pt} ssrc=${p.ssrc} picture-id-mode=15-bit mtu=1200`
      : `rtph264pay ${payName}pt=${p.pt} ssrc=${p.ssrc} config-interval=-1 aggregate-mode=zero-latency mtu=1200`;
  if (p.input === p.codec) {
    const parse = p.codec === 'h264' ? 'h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! ' : '';
    return { description: `queue ! ${parse}${pay}`, transcode: false, passthrough: true };
  }
  const raw = [
    'videoconvert',
    'videoscale',
    'videorate',
    `video/x-raw,format=I420${enc.width ? `,width=${enc.width}` : ''}${enc.height ? `,height=${enc.height}` : ''}${
      enc.framerate ? `,framerate=${enc.framerate}/1` : ''
    }`,
  ].join(' ! ');
  const splice = p.playoutSplice;
  const encName = splice ? `name=${PLAYOUT_ENCODER} ` : '';
  const encoder =
    p.codec === 'vp8'
      ? `vp8enc ${encName}deadline=1 cpu-used=8 end-usage=cbr target-bitrate=${enc.videoBitrate} keyframe-max-dist=${enc.keyframeInterval} ` +
        `lag-in-frames=0 error-resilient=partitions threads=2`
      : `x264enc ${encName}tune=zerolatency speed-preset=ultrafast bitrate=${Math.round(enc.videoBitrate / 1000)} ` +
        `key-int-max=${enc.keyframeInterval} ! video/x-h264,profile=constrained-baseline ! h264parse` +
        (splice ? ' ! video/x-h264,stream-format=byte-stream,alignment=au' : '');
  const decode = p.input === 'raw' ? '' : 'decodebin ! ';
  const spliced = splice
    ? ` ! clocksync name=${PLAYOUT_ENCODER_SYNC} sync=true ts-offset=${Math.round(splice.tsOffsetNs)} ! ` +
      `funnel name=${PLAYOUT_FUNNEL} forward-sticky-events=true`
    : '';
  // Playout: the compositor already delivers constant-rate frames; no videorate, which would reinterpret the
  // segments the playout injects at the named input queue (encoder gates).
  const splicedRaw = raw.replace('videorate ! ', '');
  return {
    description: splice
      ? `queue name=${PLAYOUT_GATE} max-size-buffers=3 leaky=downstream ! ${decode}${splicedRaw} ! ${encoder}${spliced} ! ${pay}`
      : `queue max-size-buffers=3 leaky=downstream ! ${decode}${raw} ! ${encoder}${spliced} ! ${pay}`,
    transcode: p.input !== 'raw',
    passthrough: false,
  };
}

export interface AudioChainParams {
  input: MediaFormat;
  pt: number;
  ssrc: number;
  encoder?: EncoderSettings;
}

/**
 * raw/opus audio → rtpopuspay. `level audio-level-meta=true` attaches GstAudioLevelMeta, which survives opusenc and
 * is written by rtphdrextclientaudiolevel (checked with real packets: builders/send.integration.test.ts).
 * Opus passthrough has no raw samples, hence no audio level (Jitsi's dominant-speaker detection then ignores us).
 */
export function audioChainDescription(p: AudioChainParams): { description: string; passthrough: boolean } {
  const enc = encoderSettingsSchema.parse(p.encoder ?? {});
  const pay = `rtpopuspay pt=${p.pt} ssrc=${p.ssrc}`;
  if (p.input === 'opus') return { description: `queue ! opusparse ! ${pay}`, passthrough: true };
  const decode = p.input === 'raw' ? '' : 'decodebin ! ';
  return {
    description:
      `queue max-size-time=200000000 leaky=downstream ! ${decode}audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! ` +
      `level audio-level-meta=true post-messages=false interval=20000000 ! ` +
      `opusenc bitrate=${enc.audioBitrate} frame-size=20 inband-fec=true ! ${pay}`,
    passthrough: false,
  };
}

/**
 * RTP caps for the capsfilter between payloader and webrtcbin; the extmap fields make the payloader write the header
 * extensions with the offer's ids. The audio-level extension rewrites its field to `<"", uri, "vad=on">`, so the
 * filter must carry that array form or negotiation fails (observed with 1.22).
 */
export function rtpCaps(p: {
  media: 'audio' | 'video';
  encodingName: string;
  pt: number;
  clockRate: number;
  ssrc?: number;
  extmaps: Record<number, string>;
}): string {
  const f = [
    `application/x-rtp`,
    `media=${p.media}`,
    `encoding-name=${p.encodingName}`,
    `payload=${p.pt}`,
    `clock-rate=${p.clockRate}`,
  ];
  if (p.ssrc !== undefined) f.push(`ssrc=(uint)${p.ssrc}`);
  for (const [id, uri] of Object.entries(p.extmaps)) {
    if (uri === URI_AUDIO_LEVEL) f.push(`extmap-${id}=(string)<"",${uri},"vad=on">`);
    else f.push(`extmap-${id}=(string)${uri}`);
  }
  return f.join(',');
}
