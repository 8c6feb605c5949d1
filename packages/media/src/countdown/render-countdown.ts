/**
 * Standalone countdown renderer (tests and bench): one pipeline with a REALTIME clock, the countdown bin, and a sink
 * (Matroska H.264 with 10 µs timestamps, VP8 as the clock participant would publish it, or a synced fakesink).
 * Prints JSON lines on stdout: `playing {baseTimeNs}`, `done {baseTimeNs, cpuPct, rssMaxBytes, …}` or `error`.
 * Started only through render-countdown.cts (CommonJS: docs/media-engine.md §4.1).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { GLib, Gst } from '../engine/gi.js';
import { CountdownSource } from './countdown-source.js';
import {
  countdownStyleSchema,
  countdownTargetSchema,
  type CountdownStyle,
  type CountdownTarget,
} from './countdown-style.js';
import { CountdownError } from './errors.js';

export const renderSpecSchema = z
  .object({
    /** Output file; null = no file (vp8 → RTP payloader → fakesink, none → fakesink). */
    out: z.string().min(1).nullable().default(null),
    encode: z.enum(['x264', 'vp8', 'none']).default('x264'),
    durationMs: z.number().int().min(500).max(3_600_000),
    style: z.unknown().default({}),
    target: z.unknown().nullable().default(null),
    leadMs: z.number().int().optional(),
    /** Run-time changes (exercise setTarget/setStyle): applied `afterMs` after PLAYING. */
    changes: z
      .array(
        z
          .object({ afterMs: z.number().int().min(0), target: z.unknown().optional(), style: z.unknown().optional() })
          .strict(),
      )
      .default([]),
    eosTimeoutMs: z.number().int().min(100).default(10_000),
    /** false only to exercise the source's clock guard (it must refuse a non-REALTIME pipeline clock). */
    realtimeClock: z.boolean().default(true),
  })
  .strict();
export type RenderSpec = z.input<typeof renderSpecSchema>;

const print = (event: string, data: Record<string, unknown>) =>
  process.stdout.write(JSON.stringify({ event, ...data }, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) + '\n');

function q(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function sinkDescription(spec: z.output<typeof renderSpecSchema>, fps: number, audio: boolean): string {
  const vq = 'queue name=vq max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000';
  const aq = 'queue name=aq max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000';
  if (spec.encode === 'x264') {
    if (!spec.out) throw new Error('encode=x264 needs an output file (out)');
    // 10 µs timecodes (clusters ≤ 300 ms keep the 16-bit relative block timecodes in range): PTS survive the file.
    return [
      `${vq} ! videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${fps} ! h264parse ! mux.`,
      `matroskamux name=mux timecodescale=10000 max-cluster-duration=300000000 ! filesink location=${q(spec.out)}`,
      ...(audio ? [`${aq} ! audioconvert ! audio/x-raw,format=S16LE ! mux.`] : []),
    ].join('\n');
  }
  if (spec.encode === 'vp8') {
    const enc = `${vq} ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=60 target-bitrate=1500000 end-usage=cbr`;
    return [
      spec.out
        ? `${enc} ! webmmux name=mux ! filesink location=${q(spec.out)}`
        : `${enc} ! rtpvp8pay pt=100 picture-id-mode=15-bit ! fakesink sync=false`,
      ...(audio ? [`${aq} ! opusenc ! ${spec.out ? 'mux.' : 'fakesink sync=false'}`] : []),
    ].join('\n');
  }
  return [`${vq} ! fakesink sync=true`, ...(audio ? [`${aq} ! fakesink sync=true`] : [])].join('\n');
}

export function runCountdownRender(argv: string[]): void {
  const raw = argv[0];
  if (!raw) {
    console.error('usage: render-countdown \'{"durationMs":6000,"out":"/tmp/c.mkv","target":{…},"style":{…}}\'');
    process.exit(2);
  }
  let spec: z.output<typeof renderSpecSchema>;
  let style: CountdownStyle;
  let target: CountdownTarget | null;
  try {
    spec = renderSpecSchema.parse(JSON.parse(raw));
    const st = countdownStyleSchema.safeParse(spec.style);
    if (!st.success) throw new CountdownError('bad-style', `countdown style is invalid: ${st.error.message}`);
    style = st.data;
    const tg = spec.target === null ? null : countdownTargetSchema.safeParse(spec.target);
    if (tg && !tg.success) throw new CountdownError('bad-target', `countdown target is invalid: ${tg.error.message}`);
    target = tg ? tg.data : null;
  } catch (err) {
    print('error', { reason: err instanceof CountdownError ? err.reason : 'bad-spec', message: String(err) });
    process.exit(2);
  }
  const req = createRequire(import.meta.url);
  const GstController = style.beeps.enabled ? req('node-gtk').require('GstController', '1.0') : undefined;

  const loop = new GLib.MainLoop(null, false);
  const pipeline = new Gst.Pipeline({ name: 'countdown-render' });
  if (spec.realtimeClock) CountdownSource.useRealtimeClock(Gst, pipeline);
  const source = new CountdownSource(
    { Gst, GstController },
    { style, target, ...(spec.leadMs !== undefined ? { leadMs: spec.leadMs } : {}) },
  );
  source.exposePads();
  pipeline.add(source.bin);
  const sink: any = Gst.parseBinFromDescription(sinkDescription(spec, style.fps, source.hasAudio), false);
  sink.addPad(Gst.GhostPad.new('video_sink', sink.getByName('vq').getStaticPad('sink')));
  if (source.hasAudio) sink.addPad(Gst.GhostPad.new('audio_sink', sink.getByName('aq').getStaticPad('sink')));
  pipeline.add(sink);
  const link = (from: string, to: string) => {
    const r = source.bin.getStaticPad(from).link(sink.getStaticPad(to));
    if (r !== Gst.PadLinkReturn.OK) throw new Error(`linking countdown ${from} → ${to} failed (${r})`);
  };
  link('video', 'video_sink');
  if (source.hasAudio) link('audio', 'audio_sink');

  let exitCode = 0;
  let playingAt: { cpu: NodeJS.CpuUsage; t: number } | null = null;
  let rssMax = 0;
  let eosSent = false;
  let finished = false;
  const finish = (eos: boolean) => {
    if (finished) return;
    finished = true;
    const cpu = playingAt ? process.cpuUsage(playingAt.cpu) : null;
    const wallMs = playingAt ? Date.now() - playingAt.t : 0;
    source.close();
    pipeline.setState(Gst.State.NULL);
    print('done', {
      eos,
      baseTimeNs: source.stats().baseTimeNs,
      cpuPct: cpu && wallMs ? ((cpu.user + cpu.system) / 1000 / wallMs) * 100 : null,
      wallMs,
      rssMaxBytes: rssMax,
      stats: source.stats(),
    });
    clearInterval(keepAlive);
    loop.quit();
  };

  source.on('failed', (err) => {
    print('error', { reason: err.reason, message: err.message });
    exitCode = 1;
    finish(false);
  });
  source.on('baseTimeChanged', (base) => {
    playingAt = { cpu: process.cpuUsage(), t: Date.now() };
    print('playing', { baseTimeNs: base });
    for (const change of spec.changes) {
      setTimeout(() => {
        try {
          if (change.target !== undefined) source.setTarget(change.target as never);
          if (change.style !== undefined) source.setStyle(change.style as never);
          print('changed', { afterMs: change.afterMs, wallMs: Date.now() });
        } catch (err) {
          print('error', { reason: 'change', message: String(err) });
          exitCode = 1;
          finish(false);
        }
      }, change.afterMs);
    }
  });

  const bus = pipeline.getBus();
  bus.addSignalWatch();
  bus.on('message', (msg: any) => {
    try {
      if (msg.type === Gst.MessageType.ERROR) {
        const [err, dbg] = msg.parseError();
        print('error', { reason: 'gstreamer', message: String(err?.message), debug: String(dbg ?? '') });
        exitCode = 1;
        finish(false);
      } else if (msg.type === Gst.MessageType.EOS) {
        finish(true);
      }
    } catch (err) {
      console.error('bus handler failed', err);
    }
  });

  // Also the ref'd libuv handle node-gtk needs (§4.3); samples RSS once per second.
  const keepAlive = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    if (!playingAt || eosSent) return;
    if (Date.now() - playingAt.t >= spec.durationMs) {
      eosSent = true;
      pipeline.sendEvent(Gst.Event.newEos());
      setTimeout(() => finish(false), spec.eosTimeoutMs);
    }
  }, 100);

  source.start();
  if (pipeline.setState(Gst.State.PLAYING) === Gst.StateChangeReturn.FAILURE) {
    print('error', { reason: 'gstreamer', message: 'pipeline refused PLAYING (see GST_DEBUG=3)' });
    process.exit(1);
  }
  loop.run();
  process.exitCode = exitCode;
  setTimeout(() => process.exit(exitCode), 200).unref();
}
