/**
 * The composite's media behaviour without a room (issue 5): a real engine (GStreamer) composites local test feeds
 * (composite.feedTest: what decoded remote sources look like) into real outputs, which are read back with ffprobe /
 * ffmpeg / GStreamer's srtsrc / tesseract. 640×360@30, a few seconds each.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import { extractFrames, ocrLine, parseHms } from '../countdown/testing/frame-reader.js';
import { avc1Codec, h264Level } from '../hls/codecs.js';
import { HlsPublisher } from '../hls/hls-publisher.js';
import { parsePlaylist, type ParsedPlaylist } from '../hls/playlist.js';

const root = mkdtempSync(join(tmpdir(), 'stagecast-outputs-'));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const W = 640;
const H = 360;
const FPS = 30;

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** One engine + composite; HLS outputs get an HlsPublisher each (event playlist, so nothing slides away). */
async function composite(o: { video?: Record<string, unknown>; audio?: Record<string, unknown> } = {}) {
  // 2 shared cores under load: the default 3 s heartbeat watchdog would kill healthy engines.
  const engine: EngineClient = await createEngine({ timings: { heartbeatTimeoutMs: 20_000 } });
  cleanups.push(() => engine.close());
  const publishers = new Map<string, { dir: string; publisher: HlsPublisher }>();
  engine.on('segmentClosed', (d) => {
    const p = publishers.get(d.outputId);
    void p?.publisher.addSegment({
      path: d.path,
      durationSeconds: d.durationSeconds,
      programDateTime: new Date(d.programDateTime),
    });
  });
  await engine.request('composite.start', {
    canvas: { width: W, height: H, fps: FPS },
    video: { bitrate: 600_000, speedPreset: 'ultrafast', ...o.video },
    ...(o.audio ? { audio: o.audio } : {}),
    layout: { kind: 'grid', showNames: false },
  });
  const feed = async (name: string, media: 'audio' | 'video', extra: Record<string, unknown> = {}) =>
    engine.request('composite.feedTest', { name, media, width: 320, height: 180, fps: FPS, ...extra });
  const hls = async (id: string, extra: Record<string, unknown> = {}) => {
    const dir = join(root, `${id}-${Math.random().toString(36).slice(2, 8)}`);
    const publisher = new HlsPublisher({ directory: dir, targetDurationSeconds: 1, eventPlaylist: true });
    publishers.set(id, { dir, publisher });
    await engine.request('output.start', { id, kind: 'hls', directory: dir, segmentSeconds: 1, ...extra });
    return { dir, publisher };
  };
  /** EOS (last segments closed), playlists ended; returns each HLS output's event playlist. */
  const stop = async (): Promise<Map<string, { dir: string; list: ParsedPlaylist }>> => {
    await engine.request('composite.stop', { eosTimeoutMs: 5000 });
    const out = new Map<string, { dir: string; list: ParsedPlaylist }>();
    for (const [id, p] of publishers) {
      await p.publisher.close();
      out.set(id, { dir: p.dir, list: parsePlaylist(readFileSync(join(p.dir, 'event.m3u8'), 'utf8')) });
    }
    return out;
  };
  return { engine, feed, hls, stop, segments: (id: string) => publishers.get(id)?.publisher.stats.segments ?? 0 };
}

function ffprobe(args: string[]): unknown {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', ...args, '-of', 'json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    }),
  );
}
function packets(file: string, stream: 'v:0' | 'a:0'): { pts: number; key: boolean }[] {
  const j = ffprobe(['-select_streams', stream, '-show_entries', 'packet=pts_time,flags', file]) as {
    packets: { pts_time?: string; flags?: string }[];
  };
  return j.packets
    .filter((p) => p.pts_time !== undefined)
    .map((p) => ({ pts: Number(p.pts_time), key: (p.flags ?? '').includes('K') }));
}
function decodedFrames(file: string): number {
  const j = ffprobe(['-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', file]) as {
    streams: { nb_read_frames?: string }[];
  };
  return Number(j.streams[0]?.nb_read_frames ?? 0);
}
/** Concatenates a playlist's segments (stream copy) into one MPEG-TS for whole-stream checks. */
function concat(dir: string, list: ParsedPlaylist, name: string): string {
  const txt = join(dir, `${name}.txt`);
  writeFileSync(txt, list.segments.map((s) => `file '${join(dir, s.uri)}'`).join('\n'));
  const out = join(dir, `${name}.ts`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', txt, '-c', 'copy', out]);
  return out;
}
/** PDT continuity: each segment starts where the previous one ended (±20 ms). */
function pdtGaps(list: ParsedPlaylist): number[] {
  return list.segments.slice(1).map((s, i) => {
    const prev = list.segments[i]!;
    return s.programDateTime!.getTime() - prev.programDateTime!.getTime() - prev.durationSeconds * 1000;
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A GStreamer SRT receiver: srtsrc → the MPEG-TS as received into a file. stop() sends SIGINT (-e: EOS, file flushed). */
function srtReceiver(uri: string, file: string) {
  const gst = spawn(
    'gst-launch-1.0',
    ['-e', 'srtsrc', `uri=${uri}`, '!', 'filesink', `location=${file}`, 'buffer-mode=unbuffered'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  gst.stdout.on('data', (c: Buffer) => (log += c.toString()));
  gst.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((r) => gst.on('exit', (code) => r(code)));
  cleanups.push(() => gst.kill('SIGKILL'));
  return {
    log: () => log,
    stop: async () => {
      gst.kill('SIGINT');
      return Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
    },
  };
}

/** Decodes the received stream with GStreamer (a decode error is a bus ERROR: non-zero exit), then PTS via ffprobe. */
function checkTs(file: string): void {
  execFileSync(
    'gst-launch-1.0',
    ['-q', 'filesrc', `location=${file}`, '!', 'tsdemux', '!', 'h264parse', '!', 'avdec_h264', '!', 'fakesink'],
    { timeout: 60_000 },
  );
  const v = packets(file, 'v:0');
  const a = packets(file, 'a:0');
  expect(decodedFrames(file)).toBeGreaterThan(45); // ≥ 1.5 s of 30 fps
  expect(a.length).toBeGreaterThan(40);
  expect(v.some((p) => p.key)).toBe(true);
  expect(v.every((p, i) => i === 0 || p.pts > v[i - 1]!.pts)).toBe(true);
  expect(a.every((p, i) => i === 0 || p.pts > a[i - 1]!.pts)).toBe(true);
}

describe('composite outputs (real GStreamer, no room)', () => {
  it('1 s segments: every segment between the joining one and the last is 0.9–1.1 s (EXTINF), starts with a keyframe on the 1 s grid, PDT continuous', async () => {
    const c = await composite();
    await c.feed('a-v0', 'video', { pattern: 'ball' });
    await c.feed('b-v0', 'video', { pattern: 'snow' }); // noise: the encoder works hard, like under load
    await c.feed('a-a0', 'audio');
    await c.engine.request('composite.setSources', {
      sources: [
        { name: 'a-v0', owner: 'a', media: 'video' },
        { name: 'b-v0', owner: 'b', media: 'video' },
        { name: 'a-a0', owner: 'a', media: 'audio' },
      ],
    });
    await c.hls('hls');
    await until('8 segments', () => c.segments('hls') >= 8);
    const { dir, list } = (await c.stop()).get('hls')!;
    expect(list.discontinuities).toBe(0);
    expect(list.segments.length).toBeGreaterThanOrEqual(8);
    const durations = list.segments.map((s) => s.durationSeconds);
    // The first segment starts when the output joins the running encoder (a keyframe at once) and ends on the grid.
    expect(durations[0]).toBeGreaterThan(0);
    expect(durations[0]).toBeLessThanOrEqual(1.1);
    for (const d of durations.slice(1, -1)) {
      expect(d).toBeGreaterThanOrEqual(0.9);
      expect(d).toBeLessThanOrEqual(1.1);
    }
    for (const g of pdtGaps(list)) expect(Math.abs(g)).toBeLessThan(20);
    // From the second segment on, each starts with a keyframe and the keyframes sit on whole seconds of running time
    // (MPEG-TS PTS = running time + mpegtsmux's constant offset, so the fractional part is the same for all). The
    // joining segment may carry the frame that was in flight when its keyframe was requested.
    const firstPts: number[] = [];
    for (const [i, s] of list.segments.entries()) {
      const v = packets(join(dir, s.uri), 'v:0');
      if (i === 0) expect(v.slice(0, 2).some((p) => p.key)).toBe(true);
      else expect(v[0]?.key, `${s.uri} starts with a keyframe`).toBe(true);
      firstPts.push(v[0]!.pts);
    }
    const frac = (x: number) => x - Math.floor(x);
    const grid = firstPts.slice(1, -1).map((p) => frac(p - firstPts[1]!));
    for (const f of grid) expect(Math.min(f, 1 - f)).toBeLessThan(1.5 / FPS);
  });
  it('SRT listener and caller: a GStreamer srtsrc reads each back (decodes, monotonic PTS); bad URIs are refused with the fix', async () => {
    const c = await composite();
    await c.feed('a-v0', 'video', { pattern: 'ball' });
    await c.feed('a-a0', 'audio');
    await c.engine.request('composite.setSources', {
      sources: [
        { name: 'a-v0', owner: 'a', media: 'video' },
        { name: 'a-a0', owner: 'a', media: 'audio' },
      ],
    });
    const states: string[] = [];
    c.engine.on('outputStateChanged', (d) =>
      states.push(`${d.outputId}:${d.state}${d.message ? ` ${d.message}` : ''}`),
    );
    // Listener: we wait for receivers; the receiver calls us.
    const listenPort = await freeUdpPort();
    await c.engine.request('output.start', {
      id: 'srt-listen',
      kind: 'srt',
      uri: `srt://:${listenPort}?mode=listener`,
      latencyMs: 120,
    });
    // Caller: the receiver listens, we call it.
    const callPort = await freeUdpPort();
    const listenerFile = join(root, 'srt-from-listener.ts');
    const callerFile = join(root, 'srt-from-caller.ts');
    const rxListening = srtReceiver(`srt://0.0.0.0:${callPort}?mode=listener&latency=120`, callerFile);
    await sleep(500);
    await c.engine.request('output.start', {
      id: 'srt-call',
      kind: 'srt',
      uri: `srt://127.0.0.1:${callPort}`,
      latencyMs: 120,
    });
    const rxCalling = srtReceiver(`srt://127.0.0.1:${listenPort}?mode=caller&latency=120`, listenerFile);
    await until('both receivers to get ≥ 3 s of stream', () => {
      try {
        return packets(listenerFile, 'v:0').length > 90 && packets(callerFile, 'v:0').length > 90;
      } catch {
        return false; // not written yet
      }
    });
    const [a, b] = await Promise.all([rxCalling.stop(), rxListening.stop()]);
    expect(a, rxCalling.log()).toBe(0);
    expect(b, rxListening.log()).toBe(0);
    checkTs(listenerFile);
    checkTs(callerFile);
    expect(states.filter((x) => x.includes('failed'))).toEqual([]);

    for (const [uri, fix] of [
      ['srt://cdn.example.com', /has no port: add one, e\.g\. srt:\/\/cdn\.example\.com:9000/],
      ['srt://:9000?mode=caller', /caller mode needs the receiver's host/],
      ['srt://h:9000?mode=push', /use mode=caller, mode=listener or mode=rendezvous/],
    ] as const) {
      const err = await c.engine.request('output.start', { id: 'bad', kind: 'srt', uri }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(fix);
    }
    await c.stop();
  });
});
