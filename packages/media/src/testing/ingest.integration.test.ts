/**
 * SRT and RTMP ingest on real GStreamer: an external encoder (gst-launch, as OBS or ffmpeg would) feeds the
 * participant engine, which re-encodes for the room; a receiver behind the testbed bridge decodes the result.
 * SRT: the engine listens (srtsrc mode=listener), the feeder calls (srtsink mode=caller, MPEG-TS).
 * RTMP: the feeder publishes to the local nginx-rtmp (scripts/services/nginx.sh), the engine pulls with rtmp2src.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { SendSpec, SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge } from './bridge-participant.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const root = resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'stagecast-ingest-'));
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FEED =
  'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! ' +
  'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! h264parse ! queue ! mux. ' +
  'audiotestsrc is-live=true freq=660 ! audioconvert ! avenc_aac ! aacparse ! queue ! mux.';

/** Runs `gst-launch-1.0 <description>` until stopped; restarts it if it exits (an SRT caller before the listener). */
function feeder(description: string): { stop(): Promise<void> } {
  let proc: ChildProcess | null = null;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    proc = spawn('gst-launch-1.0', ['-q', '-e', ...description.split(' ')], { stdio: 'ignore' });
    proc.once('exit', () => {
      proc = null;
      setTimeout(run, 500);
    });
  };
  run();
  const stop = async () => {
    stopped = true;
    const p = proc as ChildProcess | null;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGINT');
      const t = setTimeout(() => p.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  closers.push(stop);
  return { stop };
}

async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);

async function ingestThroughBridge(tag: string, source: SendSpec['source']): Promise<void> {
  const br = await createForwardingBridge();
  closers.push(() => br.close());
  // The answer waits for the feed's first caps (it carries our SSRC lines); give the external encoder time.
  const a = await engine({ media: { send: { source }, firstCapsTimeoutMs: 10_000 } });
  const errors: string[] = [];
  a.on('busError', (d) => errors.push(`${d.element}: ${d.message}`));
  const file = join(dir, `${tag}.mkv`);
  const r = await engine({
    media: {
      receive: { mode: 'template', video: `matroskamux ! filesink location=${file}`, audio: 'fakesink sync=false' },
    },
  });
  await joinForwardingBridge({
    bridge: br,
    participant: a,
    endpointId: `${tag}send`,
    localSources: [
      { name: `${tag}send-a0`, media: 'audio', ssrc: 9001, msid: `${tag}send-audio-0-1 i-1` },
      { name: `${tag}send-v0`, media: 'video', ssrc: 9002, msid: `${tag}send-video-0-1 i-1`, videoType: 'camera' },
    ],
  });
  await joinForwardingBridge({ bridge: br, participant: r, endpointId: `${tag}recv`, localSources: [] });
  await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 9002)?.framesDecoded ?? 0) >= 60, 90_000);
  await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 9001)?.framesDecoded ?? 0) >= 50, 30_000);
  expect(errors).toEqual([]);
  await r.close();
  const v = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }),
  ) as {
    streams: { width: number; height: number }[];
  };
  expect(v.streams[0]).toMatchObject({ width: 320, height: 240 });
}

describe('ingest', () => {
  it('SRT: an external MPEG-TS caller feeds the room', async () => {
    const port = 21000 + (process.pid % 2000);
    const source: SendSpec['source'] = { kind: 'srt', uri: `srt://127.0.0.1:${port}?mode=listener`, latencyMs: 120 };
    feeder(`${FEED} mpegtsmux name=mux alignment=7 ! srtsink uri=srt://127.0.0.1:${port}?mode=caller latency=120`);
    await ingestThroughBridge('srt', source);
  }, 240_000);

  it('RTMP: a stream published to nginx-rtmp is pulled into the room', async () => {
    execFileSync('bash', [join(root, 'scripts/services/nginx.sh'), 'start'], { stdio: 'ignore' });
    const env = execFileSync('bash', [join(root, 'scripts/services/nginx.sh'), 'env']).toString();
    const base = /STAGECAST_ORIGIN_RTMP_URL=(\S+)/.exec(env)![1]!;
    const url = `${base}/ingest-${process.pid}-${Date.now()}`;
    feeder(`${FEED} flvmux name=mux streamable=true ! rtmp2sink location=${url}`);
    await ingestThroughBridge('rtmp', { kind: 'rtmp', url });
  }, 240_000);
});
