/**
 * Standalone playout renderer (tests and bench): the same PlayoutSource the engine runs in a session, in a pipeline
 * on a REALTIME clock, recorded to Matroska H.264 with 10 µs timestamps instead of being sent over WebRTC. The
 * recording's PTS are the compositor's running times, so wall time of a frame = baseTimeNs + PTS exactly: the
 * sender-side start error is measurable without network. JSON lines on stdout: `playing {baseTimeNs}`, `state`,
 * `lateStart`, `alert`, `done {cpuPct,…}`, `error`. Started only through render-playout.cts (CommonJS, §4.1).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { GLib, Gst } from '../engine/gi.js';
import { CountdownSource } from '../countdown/countdown-source.js';
import type { Logger } from '../events.js';
import { lineLogger } from '../engine/line-logger.js';
import { playoutActionSchema, playoutSourceSchema, type PlayoutSource as PlayoutSpec } from './playout-spec.js';
import { PlayoutSource, playoutSkeletonDescription } from './playout-source.js';
import { videoChainDescription } from '../builders/send.js';
import { PLAYOUT_SPLICE_DELAY_NS } from './playout-names.js';

export const playoutRenderSpecSchema = z
  .object({
    out: z.string().min(1).nullable().default(null),
    /**
     * x264: file (exact PTS); vp8: vp8enc → RTP payloader → fakesink; none: fakesink. `vp8-rtp` / `h264-rtp`: the
     * engine's own playout send chain (builders videoChainDescription with playoutSplice: encoder, clocksync, funnel,
     * payloader; passthrough possible), then depayloaded into `out` (Matroska, exact PTS) or a fakesink.
     */
    encode: z.enum(['x264', 'vp8', 'none', 'vp8-rtp', 'h264-rtp']).default('x264'),
    durationMs: z.number().int().min(500).max(3_600_000),
    playout: z.unknown(),
    controls: z.array(z.object({ afterMs: z.number().int().min(0), action: playoutActionSchema }).strict()).default([]),
  })
  .strict();
export type PlayoutRenderSpec = z.input<typeof playoutRenderSpecSchema>;

const print = (event: string, data: Record<string, unknown>) =>
  process.stdout.write(JSON.stringify({ event, ...data }, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) + '\n');
const q = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** `… ! funnel … ! rtpXpay …` → [everything up to the funnel, the payloader]. */
function splitAtPayloader(chain: string): [string, string] {
  const i = chain.lastIndexOf(' ! rtp');
  return [chain.slice(0, i), chain.slice(i + 3)];
}

function sinkDescription(
  out: string | null,
  encode: string,
  fps: number,
  size: { width: number; height: number },
): string {
  const vq = 'queue name=vq max-size-buffers=0 max-size-bytes=0 max-size-time=500000000';
  const aq = 'queue name=aq max-size-buffers=0 max-size-bytes=0 max-size-time=500000000';
  if (encode === 'vp8-rtp' || encode === 'h264-rtp') {
    const codec = encode === 'vp8-rtp' ? 'vp8' : 'h264';
    const chain = videoChainDescription({
      input: 'raw',
      codec,
      pt: codec === 'vp8' ? 100 : 107,
      ssrc: 1111,
      encoder: { videoBitrate: 1_500_000, keyframeInterval: 60 },
      playoutSplice: { tsOffsetNs: PLAYOUT_SPLICE_DELAY_NS },
    }).description;
    if (!out)
      return [
        `${vq} ! ${chain} ! fakesink sync=false async=false`,
        `${aq} ! opusenc ! rtpopuspay ! fakesink sync=false async=false`,
      ].join('\n');
    // Recorded: what enters the payloader (the funnel's output, in order, with the running times the RTP timestamps
    // are computed from); caps normalised so Matroska accepts the encoder's and the file's caps alike.
    const [head, payPart] = splitAtPayloader(chain);
    return [
      `${vq} ! ${head} ! tee name=rec_t ! queue ! ${payPart} ! fakesink sync=false async=false`,
      `rec_t. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 ! ${codec === 'vp8' ? `capssetter replace=true caps="video/x-vp8,width=(int)${size.width},height=(int)${size.height},framerate=(fraction)${fps}/1"` : 'h264parse'} ! mux.`,
      `matroskamux name=mux timecodescale=10000 max-cluster-duration=300000000 ! filesink async=false location=${q(out)}`,
      `${aq} ! audioconvert ! audio/x-raw,format=S16LE ! mux.`,
    ].join('\n');
  }
  if (encode === 'x264') {
    if (!out) throw new Error('encode=x264 needs an output file (out)');
    return [
      `${vq} ! videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${fps} ! h264parse ! mux.`,
      `matroskamux name=mux timecodescale=10000 max-cluster-duration=300000000 ! filesink async=false location=${q(out)}`,
      `${aq} ! audioconvert ! audio/x-raw,format=S16LE ! mux.`,
    ].join('\n');
  }
  if (encode === 'vp8') {
    return [
      `${vq} ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=60 target-bitrate=1500000 end-usage=cbr lag-in-frames=0 threads=2 ! rtpvp8pay pt=100 picture-id-mode=15-bit ! fakesink sync=false async=false`,
      `${aq} ! opusenc ! rtpopuspay ! fakesink sync=false async=false`,
    ].join('\n');
  }
  return [`${vq} ! fakesink sync=true async=false`, `${aq} ! fakesink sync=true async=false`].join('\n');
}

/** PlayoutSource log lines as `log` JSON lines (tests print them on failure). */
const renderLogger: Logger = lineLogger((level, msg, fields) => print('log', { level, msg, ...fields }));

export function runPlayoutRender(argv: string[]): void {
  let spec: z.output<typeof playoutRenderSpecSchema>;
  let playout: PlayoutSpec;
  try {
    spec = playoutRenderSpecSchema.parse(JSON.parse(argv[0] ?? ''));
    playout = playoutSourceSchema.parse({ kind: 'playout', ...(spec.playout as object) });
  } catch (err) {
    print('error', { reason: 'bad-spec', message: String(err) });
    process.exit(2);
  }
  const req = createRequire(import.meta.url);
  const gi = req('node-gtk');
  const GstController = gi.require('GstController', '1.0');
  gi.require('GstBase', '1.0');
  const loop = new GLib.MainLoop(null, false);
  const pipeline = new Gst.Pipeline({ name: 'playout-render' });
  CountdownSource.useRealtimeClock(Gst, pipeline);
  const bin: any = Gst.parseBinFromDescription(
    playoutSkeletonDescription(playout, { audio: true, video: true }),
    false,
  );
  const sink: any = Gst.parseBinFromDescription(sinkDescription(spec.out, spec.encode, playout.fps, playout), false);
  pipeline.add(bin);
  pipeline.add(sink);
  bin.getByName('video').link(sink.getByName('vq'));
  bin.getByName('audio').link(sink.getByName('aq'));
  let exitCode = 0;
  let finished = false;
  let playingAt: { cpu: NodeJS.CpuUsage; t: number } | null = null;
  let source: PlayoutSource | null = null;
  let talkCpu: { cpu: NodeJS.CpuUsage; t: number } | null = null;
  const finish = (eos: boolean) => {
    if (finished) return;
    finished = true;
    const cpu = playingAt ? process.cpuUsage(playingAt.cpu) : null;
    if (talkCpu) {
      const c = process.cpuUsage(talkCpu.cpu);
      const ms = Date.now() - talkCpu.t;
      print('talkCpu', { cpuPct: ((c.user + c.system) / 1000 / ms) * 100, wallMs: ms, unfinished: true });
      talkCpu = null;
    }
    const wallMs = playingAt ? Date.now() - playingAt.t : 0;
    source?.close();
    pipeline.setState(Gst.State.NULL);
    print('done', { eos, cpuPct: cpu && wallMs ? ((cpu.user + cpu.system) / 1000 / wallMs) * 100 : null, wallMs });
    clearInterval(keepAlive);
    loop.quit();
  };
  const bus = pipeline.getBus();
  bus.addSignalWatch();
  bus.on('message', (msg: any) => {
    try {
      if (source?.handleBusMessage(msg)) return;
      if (msg.type === Gst.MessageType.ERROR) {
        const [err, dbg] = msg.parseError();
        print('error', {
          reason: 'gstreamer',
          element: String(msg.src?.name),
          message: String(err?.message),
          debug: String(dbg ?? ''),
        });
        exitCode = 1;
        finish(false);
      } else if (msg.type === Gst.MessageType.EOS) {
        print('eosMessage', { element: String(msg.src?.name) });
        finish(true);
      }
    } catch (err) {
      console.error('bus handler failed', err);
    }
  });
  let eosSent = false;
  const keepAlive = setInterval(() => {
    if (!playingAt || eosSent) return;
    if (Date.now() - playingAt.t >= spec.durationMs) {
      eosSent = true;
      // No pipeline EOS here: sending it from the JS thread deadlocked with the live aggregators in this harness.
      // The Matroska file stays readable without its index (clusters are written as they close).
      finish(false);
    }
  }, 100);
  if (pipeline.setState(Gst.State.PLAYING) === Gst.StateChangeReturn.FAILURE) {
    print('error', { reason: 'gstreamer', message: 'pipeline refused PLAYING' });
    process.exit(1);
  }
  // Base time is chosen synchronously for this pipeline (no async sinks before PLAYING completes): wait for it.
  const waitBase = setInterval(() => {
    try {
      const base = BigInt(pipeline.getBaseTime());
      if (!base || playingAt) return;
      clearInterval(waitBase);
      playingAt = { cpu: process.cpuUsage(), t: Date.now() };
      print('playing', { baseTimeNs: base });
      source = new PlayoutSource({
        gi: { Gst, GstController },
        bin,
        pipeline,
        spec: playout,
        logger: renderLogger,
        ...(spec.encode === 'vp8-rtp' || spec.encode === 'h264-rtp'
          ? { encoded: { bin: sink, codec: spec.encode === 'vp8-rtp' ? ('vp8' as const) : ('h264' as const) } }
          : {}),
        sink: {
          modeChosen: (d) => print('modeChosen', d),
          stateChanged: (d) => {
            // CPU while the talk plays (bench: passthrough vs transcode), from `playing` to the next state.
            if (d.state === 'playing') talkCpu = { cpu: process.cpuUsage(), t: Date.now() };
            else if (talkCpu) {
              const c = process.cpuUsage(talkCpu.cpu);
              const ms = Date.now() - talkCpu.t;
              print('talkCpu', { cpuPct: ((c.user + c.system) / 1000 / ms) * 100, wallMs: ms });
              talkCpu = null;
            }
            print('state', d);
          },
          lateStart: (d) => print('lateStart', d),
          alert: (d) => print('alert', d),
        },
      });
      source.start();
      for (const c of spec.controls) {
        setTimeout(() => {
          try {
            print('control', { action: c.action, result: source?.control(c.action) });
          } catch (err) {
            print('controlError', { action: c.action, message: String(err) });
          }
        }, c.afterMs);
      }
    } catch (err) {
      print('error', { reason: 'start', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      exitCode = 1;
      finish(false);
    }
  }, 10);
  loop.run();
  process.exitCode = exitCode;
  setTimeout(() => process.exit(exitCode), 200).unref();
}
