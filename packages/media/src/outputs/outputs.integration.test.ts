/**
 * The composite's media behaviour without a room (issue 5): a real engine (GStreamer) composites local test feeds
 * (composite.feedTest: what decoded remote sources look like) into real outputs, which are read back with ffprobe /
 * ffmpeg / GStreamer's srtsrc / tesseract. 640×360@30, a few seconds each.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import { extractFrames, ocrLine, parseHms } from '../countdown/testing/frame-reader.js';
import { compositeVideoCodec, parseMasterPlaylist, renderMasterPlaylist } from '../hls/codecs.js';
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
    await sleep(300); // the last segmentClosed events may trail the reply
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

/** First SPS of an H.264 stream in MPEG-TS: profile_idc, constraint flags, level_idc → the avc1 string it implies. */
function spsCodec(file: string): string {
  const es = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'h264', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  for (let i = 0; i + 6 < es.length; i++) {
    if (es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1 && (es[i + 3]! & 0x1f) === 7) {
      return `avc1.${[es[i + 4]!, es[i + 5]!, es[i + 6]!].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    }
  }
  throw new Error(`no SPS in ${file}`);
}

/** RMS (dBFS) of the decoded audio from `from` for `duration` s; with `hz`, only around that tone (two band-passes). */
function rmsDb(file: string, from: number, duration: number, hz?: number): number {
  const band = hz ? `bandpass=f=${hz}:width_type=q:w=4,bandpass=f=${hz}:width_type=q:w=4,` : '';
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'info',
      '-nostats',
      '-ss',
      from.toFixed(3),
      '-t',
      duration.toFixed(3),
      '-i',
      file,
      '-vn',
      '-af',
      `${band}astats=measure_perchannel=none:measure_overall=RMS_level`,
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8' },
  );
  const m = /RMS level dB: (-?inf|-?[\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`no RMS from ffmpeg: ${r.stderr.slice(-500)}`);
  return m[1]!.endsWith('inf') ? -Infinity : Number(m[1]);
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
  it('ABR: a second rendition (own encoder) is segment-aligned with the main one (same PDTs and durations), its SPS matches the CODECS of the master playlist', async () => {
    const c = await composite({ video: { bitrate: 800_000 } });
    await c.feed('a-v0', 'video', { pattern: 'ball' });
    await c.feed('a-a0', 'audio');
    await c.engine.request('composite.setSources', {
      sources: [
        { name: 'a-v0', owner: 'a', media: 'video' },
        { name: 'a-a0', owner: 'a', media: 'audio' },
      ],
    });
    await c.hls('hls0');
    await c.hls('hls1', { rendition: { width: 320, height: 180, bitrate: 250_000 } });
    await until('6 segments in both renditions', () => c.segments('hls0') >= 6 && c.segments('hls1') >= 6);
    const lists = await c.stop();
    const main = lists.get('hls0')!;
    const low = lists.get('hls1')!;
    for (const r of [main, low]) {
      expect(r.list.discontinuities).toBe(0);
      for (const g of pdtGaps(r.list)) expect(Math.abs(g)).toBeLessThan(20);
    }
    // After each rendition's joining segment, both cut on the same grid: same PDTs, same durations, same count.
    const frame = 1000 / FPS;
    const inner = (l: ParsedPlaylist) =>
      l.segments.slice(1, -1).map((s) => ({ at: s.programDateTime!.getTime(), d: s.durationSeconds }));
    const a = inner(main.list);
    // Match within the alignment tolerance (a rendition's PDT may trail by a frame or two when its first buffers
    // were dropped on a loaded machine); counting with a half-frame window would then pair the wrong segments.
    const tol = frame * 2.5;
    const b = inner(low.list).filter((x) => x.at >= a[0]!.at - tol && x.at <= a.at(-1)!.at + tol);
    const a2 = a.filter((x) => x.at >= b[0]!.at - tol && x.at <= b.at(-1)!.at + tol);
    expect(b.length).toBeGreaterThanOrEqual(3);
    const show = (l: ParsedPlaylist) =>
      l.segments
        .map((s) => `${s.programDateTime!.toISOString().slice(17, 23)}+${s.durationSeconds.toFixed(3)}`)
        .join(' ');
    expect(b.length, `main ${show(main.list)} / rendition ${show(low.list)}`).toBe(a2.length);
    b.forEach((x, i) => {
      expect(Math.abs(x.at - a2[i]!.at)).toBeLessThanOrEqual(tol);
      expect(Math.abs(x.d - a2[i]!.d) * 1000).toBeLessThanOrEqual(frame * 1.5);
    });
    // The master playlist names exactly what the encoders wrote (profile, constraint flags, level from the SPS).
    const seg = (r: { dir: string; list: ParsedPlaylist }) => join(r.dir, r.list.segments[2]!.uri);
    // The test composite runs x264 ultrafast (lean on CPU): Constrained Baseline; the broadcast default (veryfast) is High.
    const codecMain = compositeVideoCodec({
      width: W,
      height: H,
      fps: FPS,
      bitrate: 800_000,
      speedPreset: 'ultrafast',
    });
    const codecLow = compositeVideoCodec({
      width: 320,
      height: 180,
      fps: FPS,
      bitrate: 250_000,
      speedPreset: 'ultrafast',
    });
    expect(codecMain).toBe('avc1.42c01e');
    expect(spsCodec(seg(main))).toBe(codecMain);
    expect(spsCodec(seg(low))).toBe(codecLow);
    const dims = ffprobe(['-select_streams', 'v:0', '-show_entries', 'stream=width,height', seg(low)]) as {
      streams: { width: number; height: number }[];
    };
    expect(dims.streams[0]).toEqual({ width: 320, height: 180 });
    const master = parseMasterPlaylist(
      renderMasterPlaylist([
        {
          uri: 'index.m3u8',
          width: W,
          height: H,
          fps: FPS,
          videoBitrate: 800_000,
          audioBitrate: 128_000,
          codecs: `${codecMain},mp4a.40.2`,
        },
        {
          uri: 'r1/index.m3u8',
          width: 320,
          height: 180,
          fps: FPS,
          videoBitrate: 250_000,
          audioBitrate: 128_000,
          codecs: `${codecLow},mp4a.40.2`,
        },
      ]),
    );
    expect(master.map((v) => [v.uri, v.attributes.RESOLUTION, v.attributes.CODECS])).toEqual([
      ['index.m3u8', '640x360', `${spsCodec(seg(main))},mp4a.40.2`],
      ['r1/index.m3u8', '320x180', `${spsCodec(seg(low))},mp4a.40.2`],
    ]);
    const audio = ffprobe(['-select_streams', 'a:0', '-show_entries', 'stream=codec_name,profile', seg(main)]) as {
      streams: { codec_name: string; profile: string }[];
    };
    expect(audio.streams[0]).toMatchObject({ codec_name: 'aac', profile: 'LC' }); // mp4a.40.2
  });

  it('countdown overlay: HH:MM:SS readable (OCR) in the corner inset while on, gone after, and the encoder never restarts (PTS and PDT continuous)', async () => {
    const c = await composite();
    await c.feed('a-v0', 'video', { pattern: 'smpte' });
    await c.engine.request('composite.setSources', { sources: [{ name: 'a-v0', owner: 'a', media: 'video' }] });
    await c.hls('hls');
    await until('2 segments', () => c.segments('hls') >= 2);
    const target = Date.now() + (3600 + 2 * 60 + 30) * 1000; // 01:02:30 from now
    const onAt = Date.now();
    await c.engine.request('composite.countdown', {
      target: { startsAt: target, title: 'Next talk' },
      placement: 'corner',
    });
    const framesOn = (await c.engine.request('composite.stats', {})).framesEncoded;
    await sleep(3500);
    const offAt = Date.now();
    await c.engine.request('composite.countdown', { target: null });
    await sleep(3000);
    const framesOff = (await c.engine.request('composite.stats', {})).framesEncoded;
    expect(framesOff).toBeGreaterThan(framesOn); // one encoder, counting on
    const { dir, list } = (await c.stop()).get('hls')!;
    expect(list.discontinuities).toBe(0);
    for (const g of pdtGaps(list)) expect(Math.abs(g)).toBeLessThan(20);
    const all = concat(dir, list, 'all');
    const v = packets(all, 'v:0');
    // Continuous video timestamps across on/off: strictly increasing, no hole longer than 3 frames.
    for (let i = 1; i < v.length; i++) {
      expect(v[i]!.pts).toBeGreaterThan(v[i - 1]!.pts);
      expect(v[i]!.pts - v[i - 1]!.pts).toBeLessThan(3.5 / FPS);
    }
    // Wall time → frame index: the first segment's PDT is the wall time of its first frame (PTS v[0]).
    const t0 = list.segments[0]!.programDateTime!.getTime();
    const frameAt = (wallMs: number) => {
      const pts = v[0]!.pts + (wallMs - t0) / 1000;
      const i = v.findIndex((p) => p.pts >= pts);
      return i < 0 ? v.length - 1 : i;
    };
    // The inset: a third of the width, top right (composite-pipeline setCountdown 'corner').
    const w = Math.round(W / 3 / 2) * 2;
    const h = Math.round((w * H) / W / 2) * 2;
    const inset = { x: W - w - Math.round(W / 40), y: Math.round(H / 40), width: w, height: h };
    const digits = {
      x: inset.x + Math.round(w * 0.1),
      y: inset.y + Math.round(h * 0.37),
      width: Math.round((w * 0.8) / 2) * 2,
      height: Math.round((h * 0.24) / 2) * 2,
    };
    const during = [onAt + 1500, onAt + 2000, onAt + 2500].map(frameAt);
    const pngs = await extractFrames(all, during, digits, dir, 3);
    const read = await Promise.all(pngs.map((p) => ocrLine(p, '0123456789:')));
    const seconds = read.map(parseHms).filter((x): x is number => x !== null);
    expect(seconds.length, `OCR read ${JSON.stringify(read)}`).toBeGreaterThanOrEqual(2);
    for (const [i, sec] of seconds.entries()) {
      void i;
      expect(Math.abs(sec - 3750 + 2)).toBeLessThanOrEqual(4); // ~01:02:28 shown ~2 s after it was set
    }
    // Image diff of the inset region: very different while on, back to the picture after.
    const [before, on, after] = await extractFrames(
      all,
      [frameAt(onAt - 700), frameAt(onAt + 2000), frameAt(offAt + 2000)],
      inset,
      dir,
      0.5,
    );
    const pixels = (f: string) =>
      readFileSync(f).subarray(-(Math.round((w * 0.5) / 2) * 2 * (Math.round((h * 0.5) / 2) * 2)));
    const diff = (x: Buffer, y: Buffer) => x.reduce((sum, p, i) => sum + Math.abs(p - y[i]!), 0) / x.length;
    expect(diff(pixels(before!), pixels(on!))).toBeGreaterThan(20);
    expect(diff(pixels(before!), pixels(after!))).toBeLessThan(6);
  });

  it('audio: participants at −30 and −6 dBFS come out near the −20 dBFS target; muted and absent, the mix keeps running (silence, continuous AAC timestamps)', async () => {
    const c = await composite({ audio: { normalize: true, targetDb: -20 } });
    await c.feed('quiet-a0', 'audio', { frequency: 300, levelDb: -30 });
    await c.feed('loud-a0', 'audio', { frequency: 1000, levelDb: -6 });
    const sources = (muted: boolean) => [
      { name: 'quiet-a0', owner: 'quiet', media: 'audio' as const, muted },
      { name: 'loud-a0', owner: 'loud', media: 'audio' as const, muted },
    ];
    await c.hls('hls');
    await until('first segment', () => c.segments('hls') >= 1);
    const startAt = Date.now();
    await c.engine.request('composite.setSources', { sources: sources(false) });
    await sleep(6500);
    const mutedAt = Date.now();
    await c.engine.request('composite.setSources', { sources: sources(true) });
    await sleep(2500);
    const goneAt = Date.now();
    await c.engine.request('composite.setSources', { sources: [] });
    await sleep(2500);
    const endAt = Date.now();
    const { dir, list } = (await c.stop()).get('hls')!;
    expect(list.discontinuities).toBe(0);
    const all = concat(dir, list, 'all');
    const t0 = list.segments[0]!.programDateTime!.getTime();
    const at = (wallMs: number) => (wallMs - t0) / 1000;
    // Settled (the gain control moves ≤ 3 dB per 500 ms): the last 2 s before muting.
    const quiet = rmsDb(all, at(mutedAt) - 2.2, 2, 300);
    const loud = rmsDb(all, at(mutedAt) - 2.2, 2, 1000);
    expect(Math.abs(quiet + 20), `quiet participant at ${quiet.toFixed(1)} dBFS`).toBeLessThanOrEqual(3);
    expect(Math.abs(loud + 20), `loud participant at ${loud.toFixed(1)} dBFS`).toBeLessThanOrEqual(3);
    // Before normalisation took hold they were 24 dB apart; the first half second shows the loud one well above.
    expect(rmsDb(all, at(startAt) + 0.1, 0.4, 1000) - rmsDb(all, at(startAt) + 0.1, 0.4, 300)).toBeGreaterThan(10);
    expect(rmsDb(all, at(mutedAt) + 0.7, 1.5)).toBeLessThan(-60);
    expect(rmsDb(all, at(goneAt) + 0.7, Math.min(1.5, at(endAt) - at(goneAt) - 0.8))).toBeLessThan(-60);
    // The AAC stream never pauses: 1024-sample frames back to back (a frame of jitter aside) through join, mute and leave.
    const a = packets(all, 'a:0');
    const frameS = 1024 / 48_000;
    for (let i = 1; i < a.length; i++) expect(a[i]!.pts - a[i - 1]!.pts).toBeLessThan(frameS * 2.05);
    // …and for as long as the video (the slate) runs.
    const v = packets(all, 'v:0');
    expect(a.at(-1)!.pts - a[0]!.pts).toBeGreaterThan(v.at(-1)!.pts - v[0]!.pts - 0.5);
  });
});
