/**
 * Real GStreamer segments (x264 + AAC in MPEG-TS via splitmuxsink, announced by its fragment-closed bus messages)
 * published through HlsPublisher to the real nginx origin (scripts/services/nginx.sh, WebDAV PUT/DELETE).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlsPublisher } from './hls-publisher.js';
import { parsePlaylist } from './playlist.js';

const root = resolve(import.meta.dirname, '../../../..');
let originHls = '';

beforeAll(() => {
  execFileSync('bash', [join(root, 'scripts/services/nginx.sh'), 'start'], { stdio: 'inherit' });
  const env = execFileSync('bash', [join(root, 'scripts/services/nginx.sh'), 'env']).toString();
  originHls = /STAGECAST_ORIGIN_HLS_URL=(\S+)/.exec(env)![1]!;
});

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('HlsPublisher with real segments and the nginx origin', () => {
  it('publishes a sliding live playlist with PROGRAM-DATE-TIME and no discontinuities', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hls-pub-'));
    const stream = `it-${process.pid}-${Date.now()}`;
    const publisher = new HlsPublisher({
      directory: dir,
      targetDurationSeconds: 1,
      windowSize: 6,
      eventPlaylist: true,
      origin: { baseUrl: `${originHls}/${stream}/` },
    });
    const startedAt = Date.now();
    // -m prints bus messages; splitmuxsink posts splitmuxsink-fragment-closed with the location and running time.
    const gst = spawn(
      'gst-launch-1.0',
      [
        '-m',
        '-e',
        'videotestsrc',
        'num-buffers=240',
        'is-live=true',
        '!',
        'video/x-raw,width=320,height=180,framerate=30/1',
        '!',
        'x264enc',
        'tune=zerolatency',
        'speed-preset=ultrafast',
        'key-int-max=30',
        '!',
        'h264parse',
        '!',
        'queue',
        '!',
        'mux.video',
        'audiotestsrc',
        'is-live=true',
        'num-buffers=375',
        '!',
        'audioconvert',
        '!',
        'avenc_aac',
        '!',
        'aacparse',
        '!',
        'queue',
        '!',
        'mux.audio_0',
        'splitmuxsink',
        'name=mux',
        'muxer-factory=mpegtsmux',
        'max-size-time=1000000000',
        `location=${dir}/seg-%05d.ts`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let lastRunningTime = 0;
    let buffer = '';
    const adds: Promise<void>[] = [];
    gst.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /splitmuxsink-fragment-closed, location=\(string\)(\S+?), running-time=\(guint64\)(\d+)/.exec(line);
        if (!m) continue;
        const runningTime = Number(m[2]) / 1e9;
        adds.push(
          publisher.addSegment({
            path: m[1]!,
            durationSeconds: runningTime - lastRunningTime,
            programDateTime: new Date(startedAt + lastRunningTime * 1000),
          }),
        );
        lastRunningTime = runningTime;
      }
    });
    const code = await new Promise<number | null>((r) => gst.on('exit', r));
    expect(code).toBe(0);
    await Promise.all(adds);
    await publisher.close();

    expect(publisher.stats.segments).toBeGreaterThanOrEqual(7);
    expect(publisher.stats.origin).toMatchObject({ failures: 0, healthy: true });
    const live = parsePlaylist(await (await fetch(`${originHls}/${stream}/index.m3u8`)).text());
    expect(live.segments.length).toBe(6);
    expect(live.ended).toBe(true);
    expect(live.discontinuities).toBe(0);
    const pdts = live.segments.map((s) => s.programDateTime!.getTime());
    expect(pdts.every((t, i) => i === 0 || t > pdts[i - 1]!)).toBe(true);
    for (const segment of live.segments) {
      const res = await fetch(`${originHls}/${stream}/${segment.uri}`);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body[0]).toBe(0x47); // MPEG-TS sync byte
      expect(segment.durationSeconds).toBeGreaterThan(0.5);
      expect(segment.durationSeconds).toBeLessThan(2.5);
    }
    const event = parsePlaylist(await readFile(join(dir, 'event.m3u8'), 'utf8'));
    expect(event.segments.length).toBe(publisher.stats.segments);
    expect(event.mediaSequence).toBe(0);
  });
});
