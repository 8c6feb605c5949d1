/**
 * Real GStreamer render, read back independently: ffprobe PTS + ffmpeg decode + tesseract OCR (testing/frame-reader).
 * The check: for every wall-second boundary S, the first frame showing the new value is the first frame whose wall
 * time (pipeline base time + PTS) is ≥ S. Expected values come from wall time with the test's own arithmetic.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultCrops,
  expectedCountdown,
  extractFrames,
  measureTransitions,
  ocrLine,
  probeFramePtsNs,
} from './testing/frame-reader.js';
import { renderCountdown } from './testing/run-renderer.js';

const SEC = 1_000_000_000n;
const W = 1280;
const H = 720;
const crops = defaultCrops(W, H);
const dir = mkdtempSync(join(tmpdir(), 'stagecast-countdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** RGB of a crop of one decoded frame (ffmpeg, independent of the renderer). */
function rgbCrop(file: string, frame: number, c: { x: number; y: number; width: number; height: number }): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `select='eq(n\\,${frame})',crop=${c.width}:${c.height}:${c.x}:${c.y}`,
      '-fps_mode',
      'passthrough',
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}
function rgbAt(file: string, frame: number, x: number, y: number): [number, number, number] {
  // 2×2 at even coordinates: 4:2:0 chroma cannot be cropped to 1 px.
  const b = rgbCrop(file, frame, { x: x & ~1, y: y & ~1, width: 2, height: 2 });
  return [b[0]!, b[1]!, b[2]!];
}
const isNear = (a: number[], b: number[], tol = 40) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);
function countNear(
  file: string,
  frame: number,
  c: { x: number; y: number; width: number; height: number },
  rgb: number[],
): number {
  const b = rgbCrop(file, frame, c);
  let n = 0;
  for (let i = 0; i + 2 < b.length; i += 3) if (isNear([b[i]!, b[i + 1]!, b[i + 2]!], rgb)) n++;
  return n;
}

/** Wall clock HH:MM:SS in UTC as seconds of the day (the clock overlay's expected value, own arithmetic). */
const utcSecondOfDay = (sec: bigint) => Number(sec % 86_400n);

function boundaries(base: bigint, pts: bigint[], until: bigint): bigint[] {
  // Skip the first partial second (text may still be arriving at start-up) and the last frame's second.
  const first = (base + pts[0]!) / SEC + 2n;
  const last = (base + pts[pts.length - 1]!) / SEC;
  const out: bigint[] = [];
  for (let s = first; s <= last && s <= until; s++) out.push(s);
  return out;
}

describe('countdown source (GStreamer 1.22, OCR read-back)', () => {
  beforeAll(() => {
    for (const tool of [
      ['gst-inspect-1.0', 'textoverlay'],
      ['ffprobe', '-version'],
      ['tesseract', '--version'],
    ]) {
      execFileSync(tool[0]!, tool.slice(1), { stdio: 'ignore' });
    }
  });

  it('changes HH:MM:SS and the wall clock on the first frame whose wall time crosses each second', async () => {
    const file = join(dir, 'transitions.mkv');
    const targetSec = BigInt(Math.floor(Date.now() / 1000)) + 30n;
    const r = await renderCountdown({
      out: file,
      encode: 'x264',
      durationMs: 6500,
      target: { startsAt: Number(targetSec) * 1000, title: 'A <b>talk</b> & more', speakers: ['Ada', 'Linus'] },
      style: { width: W, height: H, fps: 30 },
    });
    expect(r.eos).toBe(true);
    if (r.baseTimeNs === null) throw new Error('renderer reported no base time');
    const pts = probeFramePtsNs(file);
    expect(pts.length).toBeGreaterThan(150); // ~6.5 s at 30 fps
    const seconds = boundaries(r.baseTimeNs, pts, targetSec - 1n);
    expect(seconds.length).toBeGreaterThanOrEqual(4);

    const countdown = await measureTransitions({
      file,
      baseTimeNs: r.baseTimeNs,
      ptsNs: pts,
      seconds,
      crop: crops.countdown,
      valueAt: (s) => expectedCountdown(targetSec, s),
      workDir: dir,
    });
    const clock = await measureTransitions({
      file,
      baseTimeNs: r.baseTimeNs,
      ptsNs: pts,
      seconds,
      crop: crops.clock,
      scale: 1.5,
      valueAt: utcSecondOfDay,
      workDir: dir,
    });
    for (const t of [...countdown, ...clock]) {
      const detail = `second ${t.second}: reads ${JSON.stringify(t.reads.map((x) => [x.frame, x.text]))}`;
      expect(t.errorFrames, detail).not.toBeNull();
      expect(Math.abs(t.errorFrames!), detail).toBeLessThanOrEqual(1);
      // Frames before the expected one still show the previous second (no early switch: actualFrame is the first
      // frame reading the new value). OCR can miss a single frame (read '' once in CI), so one readable frame among
      // those before is required, not necessarily the adjacent one.
      expect(t.reads.some((x) => x.frame < t.expectedFrame && x.text !== ''), detail).toBe(true);
    }
    // Frame-accurate in practice: every transition exactly on the expected frame.
    expect(countdown.map((t) => t.errorFrames)).toEqual(countdown.map(() => 0));
    expect(clock.map((t) => t.errorFrames)).toEqual(clock.map(() => 0));

    // Title and speakers render literally (Pango markup escaped): read one frame's upper/lower bands.
    const mid = Math.floor(pts.length / 2);
    const [titlePng] = await extractFrames(file, [mid], { x: 0, y: 190, width: W, height: 90 }, dir, 1);
    const [speakersPng] = await extractFrames(file, [mid], { x: 0, y: 420, width: W, height: 80 }, dir, 1);
    expect(await ocrLine(titlePng!)).toMatch(/<b>\s*talk\s*<\/b>\s*&\s*more/);
    expect(await ocrLine(speakersPng!)).toMatch(/Ada,\s*Linus/);
  }, 240_000);

  it('shows 00:00:01 then "Starting now" exactly at the target, beeps on the seconds, and applies setTarget at run time', async () => {
    const file = join(dir, 'zero.mkv');
    const now = Date.now();
    const targetSec = BigInt(Math.floor(now / 1000)) + 4n;
    const second = BigInt(Math.floor(now / 1000)) + 3600n * 30n; // 30 h ahead: hours past 24
    const r = await renderCountdown({
      out: file,
      encode: 'x264',
      durationMs: 8000,
      target: { startsAt: Number(targetSec) * 1000, title: 'Zero', speakers: [] },
      style: { width: W, height: H, fps: 30, beeps: { enabled: true, lastSeconds: 2 } },
      changes: [{ afterMs: 6000, target: { startsAt: new Date(Number(second) * 1000).toISOString(), title: 'Later' } }],
    });
    const base = r.baseTimeNs;
    if (base === null) throw new Error('renderer reported no base time');
    const pts = probeFramePtsNs(file);
    const wall = pts.map((p) => base + p);
    const firstAtZero = wall.findIndex((w) => w >= targetSec * SEC);
    expect(firstAtZero).toBeGreaterThan(0);
    const [beforePng, atPng] = await extractFrames(file, [firstAtZero - 1, firstAtZero], crops.countdown, dir);
    expect(await ocrLine(beforePng!, '0123456789:')).toBe('00:00:01');
    expect(await ocrLine(atPng!)).toMatch(/Starting now/i);

    // setTarget after ~6 s: within the feeder's next tick the display shows the new target (≥ 29:59:5x).
    const lastPng = (await extractFrames(file, [pts.length - 1], crops.countdown, dir))[0]!;
    const lastSec = wall[pts.length - 1]! / SEC;
    expect(await ocrLine(lastPng, '0123456789:')).toBe(
      (() => {
        const left = Number(second - lastSec);
        const p = (n: number) => String(n).padStart(2, '0');
        return `${p(Math.floor(left / 3600))}:${p(Math.floor((left % 3600) / 60))}:${p(left % 60)}`;
      })(),
    );

    // Beeps: onsets of the 1 kHz-ish tone, from the decoded audio with its own timestamps.
    const audioStartNs = (() => {
      const j = JSON.parse(
        execFileSync(
          'ffprobe',
          [
            '-v',
            'error',
            '-select_streams',
            'a:0',
            '-show_entries',
            'stream=time_base:packet=pts',
            '-read_intervals',
            '%+#1',
            '-of',
            'json',
            file,
          ],
          { encoding: 'utf8' },
        ),
      ) as { streams: { time_base: string }[]; packets: { pts: number }[] };
      const [num, den] = j.streams[0]!.time_base.split('/').map(BigInt) as [bigint, bigint];
      return (BigInt(j.packets[0]!.pts) * SEC * num) / den;
    })();
    const pcm = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 's16le', '-ac', '1', '-ar', '48000', '-'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
    const onsets: { wallNs: bigint; ms: number }[] = [];
    let on = -1;
    for (let i = 0; i < samples.length; i++) {
      const loud = Math.abs(samples[i]!) > 2000;
      if (loud && on < 0) on = i;
      // A beep ends after 5 ms of silence (a sine crosses zero every ~0.6 ms).
      if (!loud && on >= 0) {
        let quiet = true;
        for (let k = i; k < Math.min(samples.length, i + 240); k++) if (Math.abs(samples[k]!) > 2000) quiet = false;
        if (quiet) {
          onsets.push({ wallNs: base + audioStartNs + (BigInt(on) * SEC) / 48_000n, ms: ((i - on) / 48_000) * 1000 });
          on = -1;
        }
      }
    }
    const expected = [targetSec - 2n, targetSec - 1n, targetSec];
    // Nearest second, not floor: Matroska stores millisecond timestamps, so an onset exactly on the second can read
    // up to a millisecond early (the next check bounds the offset to 5 ms either way).
    expect(onsets.map((o) => (o.wallNs + SEC / 2n) / SEC)).toEqual(expected);
    for (const o of onsets) {
      const offMs = Number(o.wallNs % SEC) / 1e6;
      expect(Math.min(offMs, 1000 - offMs)).toBeLessThan(5); // starts on the wall-clock second
    }
    expect(onsets[0]!.ms).toBeGreaterThan(100);
    expect(onsets[0]!.ms).toBeLessThan(140); // durationMs 120
    expect(onsets[2]!.ms).toBeGreaterThan(580); // finalDurationMs 600
  }, 240_000);

  it('draws the logo with its aspect ratio and applies setStyle colours at run time', async () => {
    const logo = join(dir, 'logo.png');
    execFileSync('gst-launch-1.0', [
      '-q',
      'videotestsrc',
      'num-buffers=1',
      'pattern=red',
      '!',
      'video/x-raw,width=64,height=32',
      '!',
      'pngenc',
      '!',
      'filesink',
      `location=${logo}`,
    ]);
    const file = join(dir, 'style.mkv');
    const r = await renderCountdown({
      out: file,
      encode: 'x264',
      durationMs: 4000,
      target: { startsAt: Date.now() + 3_600_000, title: 'Style' },
      style: { width: W, height: H, logo: { path: logo, position: 'top-left', heightPct: 12 } },
      changes: [
        {
          afterMs: 1500,
          style: {
            width: W,
            height: H,
            logo: { path: logo, position: 'top-left', heightPct: 12 },
            accentColor: '#00FF00',
            background: '#000080',
          },
        },
      ],
    });
    expect(r.stats.flushes).toBe(1);
    const pts = probeFramePtsNs(file);
    // margin 3 % of 720 = 22 px; logo 12 % = 86 px tall → 172 px wide (2:1 kept)
    const px = (frame: number, x: number, y: number) => rgbAt(file, frame, x, y);
    const first = 5;
    const last = pts.length - 1;
    expect(isNear(px(first, 22 + 160, 22 + 43), [255, 0, 0])).toBe(true); // inside the logo, near its right edge
    expect(isNear(px(first, 22 + 190, 22 + 43), [0x10, 0x18, 0x20])).toBe(true); // just right of it: background
    expect(isNear(px(last, 22 + 160, 22 + 43), [255, 0, 0])).toBe(true);
    expect(isNear(px(first, 640, 700), [0x10, 0x18, 0x20])).toBe(true);
    expect(isNear(px(last, 640, 700), [0, 0, 0x80])).toBe(true);
    const digits = crops.countdown;
    expect(countNear(file, first, digits, [0xff, 0xd1, 0x66])).toBeGreaterThan(2000);
    expect(countNear(file, last, digits, [0, 0xff, 0])).toBeGreaterThan(2000);
    expect(countNear(file, last, digits, [0xff, 0xd1, 0x66])).toBe(0);
  }, 240_000);

  it('refuses a pipeline clock that is not REALTIME, and a bad style, with messages that say what to do', async () => {
    await expect(
      renderCountdown({ out: null, encode: 'none', durationMs: 3000, realtimeClock: false }, 60_000),
    ).rejects.toThrow(/clock-not-realtime: .*useRealtimeClock/);
    await expect(
      renderCountdown({ out: null, encode: 'none', durationMs: 1000, style: { background: 'red' } }, 60_000),
    ).rejects.toThrow(/#RRGGBB/);
  }, 120_000);
});
