/**
 * Output branches of the composite (issue 5), pure descriptions. Every output hangs off the shared encoders
 * (`vout`/`aout` tees, or a rendition's own encoder) behind a leaky queue, so a slow output drops its own data and
 * never stalls the encoder or the other outputs.
 *
 * Network outputs (RTMP, SRT) fail by nature: in one pipeline a sink's flow error climbs through tee into the encoder
 * and stops everything (checked: rtmp2sink to a refused port ends the whole gst-launch). So they run in their own
 * pipeline, fed by MPEG-TS over loopback UDP from the composite (udpsink never propagates errors), and are restarted
 * with backoff on their own; the composite and the other outputs never notice.
 */
import type { OutputSpecParsed, Rendition } from '../composite/protocol.js';
import { x264Description } from '../composite/descriptions.js';
import { parseSrtUri, srtSinkUri } from './srt-uri.js';

const leaky = (seconds: number) =>
  `queue leaky=downstream max-size-time=${Math.round(seconds * 1e9)} max-size-buffers=0 max-size-bytes=0`;

/** Full RTMP location; the key is appended as the last path segment (YouTube/Twitch style). */
export function rtmpLocation(url: string, streamKey?: string): string {
  const base = url.replace(/\/+$/, '');
  return streamKey ? `${base}/${streamKey}` : base;
}

/** For logs and events: the stream key (last path segment when given separately) and query secrets hidden. */
export function redactUrl(url: string, streamKey?: string): string {
  let out = url.replace(/([?&](?:token|pwd|key|passphrase|streamid)=)[^&]*/gi, '$1[redacted]');
  if (streamKey) out = out.split(streamKey).join('[redacted]');
  return out;
}

/** Escapes a property value for gst-launch syntax (double-quoted). */
export function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The extra encoder of a lower rendition (ABR ladder): scaled from the composed raw video (`vraw` tee). */
export function renditionEncoderDescription(
  r: Rendition,
  o: { fps: number; keyframeSeconds: number; speedPreset: string; name: string },
): string {
  return (
    `${leaky(0.2)} name=in ! videoscale ! video/x-raw,width=${r.width},height=${r.height} ! ` +
    `${x264Description({ bitrate: r.bitrate, fps: o.fps, keyframeSeconds: o.keyframeSeconds, speedPreset: o.speedPreset, threads: 0, name: o.name, width: r.width, height: r.height })}`
  );
}

/**
 * In-pipeline branch of a local output, as a bin with two ghost sink pads `video` and `audio`
 * (each: leaky queue → muxer pad).
 */
export function localBranchDescription(
  spec: Extract<OutputSpecParsed, { kind: 'hls' | 'file' }>,
  o: { fileName?: string; fps?: number } = {},
): string {
  // mp4mux/matroskamux take AVC (length-prefixed), the shared encoder tee carries byte-stream: h264parse converts.
  const inputs = `${leaky(2)} name=video ! h264parse ! mux.video_0\n${leaky(2)} name=audio ! mux.audio_0`;
  if (spec.kind === 'hls') {
    const location = `${spec.directory.replace(/\/+$/, '')}/${spec.prefix}-%05d.ts`;
    // The encoders put a keyframe on every multiple of keyframeSeconds of running time (OutputManager's grid), and
    // segmentSeconds is a multiple of it: splitmuxsink closes a fragment when the next GOP would push it past
    // max-size-time. 1.5 frames of slack: a grid keyframe that slipped a frame (leaky encoder input under load)
    // still cuts on time, and a short first GOP (output joined mid-grid) plus a full one still exceeds it.
    // No send-keyframe-requests: its requests (fragment start + max-size-time) would fall off the grid.
    const slackNs = (1.5 / (o.fps ?? 30)) * 1e9;
    return (
      `${leaky(2)} name=video ! mux.video\n${leaky(2)} name=audio ! mux.audio_0\n` +
      `splitmuxsink name=mux muxer-factory=mpegtsmux ` +
      `max-size-time=${Math.round(spec.segmentSeconds * 1e9 + slackNs)} location=${quote(location)}`
    );
  }
  const muxer = spec.format === 'mp4' ? 'mp4mux fragment-duration=2000 streamable=false' : 'matroskamux';
  return `${inputs}\n${muxer} name=mux ! filesink name=sink location=${quote(o.fileName ?? spec.path)} sync=false async=false`;
}

/** The composite side of the network outputs: one MPEG-TS mux, datagrams to every network output's local port. */
export function networkFeedDescription(): string {
  return `${leaky(2)} name=video ! mux.sink_256\n${leaky(2)} name=audio ! mux.sink_257\nmpegtsmux name=mux alignment=7 ! multiudpsink name=udp sync=false async=false buffer-size=4194304`;
}

/** The separate pipeline of one network output, reading the loopback MPEG-TS feed on `port`. */
export function networkOutputDescription(
  spec: Extract<OutputSpecParsed, { kind: 'rtmp' | 'srt' }>,
  port: number,
): string {
  const src = `udpsrc name=src address=127.0.0.1 port=${port} buffer-size=4194304 caps="video/mpegts,systemstream=(boolean)true,packetsize=(int)188"`;
  if (spec.kind === 'srt') {
    const t = parseSrtUri(spec.uri);
    // The URI's own latency wins over the spec's default; a passphrase given separately wins over the URI's.
    const uri = srtSinkUri(t, {
      ...(t.params.latency ? {} : { latencyMs: spec.latencyMs }),
      ...(spec.passphrase ? { passphrase: spec.passphrase } : {}),
    });
    // wait-for-connection=false: a listener with nobody connected (or a caller still connecting) drops data instead of
    // blocking the loopback feed.
    return `${src} ! ${leaky(2)} ! srtsink name=sink uri=${quote(uri)} wait-for-connection=false sync=false async=false`;
  }
  const location = rtmpLocation(spec.url, spec.streamKey);
  return (
    `${src} ! tsdemux name=demux\n` +
    `demux. ! queue ! h264parse ! ${leaky(2)} ! flv.video\n` +
    `demux. ! queue ! aacparse ! ${leaky(2)} ! flv.audio\n` +
    `flvmux name=flv streamable=true ! rtmp2sink name=sink location=${quote(location)} sync=false async=false`
  );
}
