/**
 * The composite's media behaviour without a room (issue 5): a real engine (GStreamer) composites local test feeds
 * (composite.feedTest: what decoded remote sources look like) into real outputs, which are read back with ffprobe /
 * ffmpeg / GStreamer's srtsrc / tesseract. 640×360@30, a few seconds each.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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
});
