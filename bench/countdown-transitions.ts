/**
 * Countdown clock bench (issue 6): second-transition error vs the wall clock, in frames at 30 fps, over N minutes
 * (target ±1 frame), and CPU% / RSS of the countdown pipeline at 720p30 without encoding and with VP8 encoding + RTP
 * payloading (as the clock participant publishes it). Prints numbers; asserts nothing.
 *
 * Read-back is independent of the renderer: ffprobe PTS + ffmpeg decode + tesseract OCR of the digits around every
 * second boundary (packages/media/src/countdown/testing/frame-reader.ts).
 *
 * Run: npx tsx --conditions=@stagecast/source bench/countdown-transitions.ts [--minutes 1] [--cpu-seconds 30] [--clock]
 *      (--minutes 5 for the 5-minute figure; OCR takes roughly 1 min per rendered minute on 2 cores)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultCrops,
  expectedCountdown,
  measureTransitions,
  probeFramePtsNs,
  renderCountdown,
  type TransitionResult,
} from '@stagecast/media/testing';

const SEC = 1_000_000_000n;
const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const minutes = arg('minutes', 1);
const cpuSeconds = arg('cpu-seconds', 30);
const withClock = process.argv.includes('--clock');
const W = 1280;
const H = 720;
const FPS = 30;
const style = { width: W, height: H, fps: FPS };
const target = (startsAt: number) => ({ startsAt, title: 'Bench talk', speakers: ['Ada Lovelace', 'Grace Hopper'] });

function summarize(name: string, rs: TransitionResult[]): void {
  const found = rs.filter((r) => r.errorFrames !== null);
  const hist = new Map<number, number>();
  for (const r of found) hist.set(r.errorFrames!, (hist.get(r.errorFrames!) ?? 0) + 1);
  const maxAbs = found.reduce((m, r) => Math.max(m, Math.abs(r.errorFrames!)), 0);
  const within1 = found.filter((r) => Math.abs(r.errorFrames!) <= 1).length;
  console.log(
    `${name}: transitions=${rs.length} read=${found.length} unread=${rs.length - found.length} ` +
      `errorFrames histogram=${JSON.stringify(Object.fromEntries([...hist].sort((a, b) => a[0] - b[0])))} ` +
      `max|error|=${maxAbs} frames (${((maxAbs * 1000) / FPS).toFixed(1)} ms) within±1=${within1}/${rs.length}`,
  );
  for (const r of rs.filter((x) => x.errorFrames !== 0).slice(0, 5)) {
    console.log(
      `  second ${r.second}: expected frame ${r.expectedFrame}, reads ${JSON.stringify(r.reads.map((x) => [x.frame, x.text]))}`,
    );
  }
}

async function transitions(dir: string): Promise<void> {
  const file = join(dir, 'transitions.mkv');
  const targetSec = BigInt(Math.floor(Date.now() / 1000)) + 3n * 3600n; // digits only, hours field moving too
  console.log(`rendering ${minutes} min of 720p30 countdown (x264 to Matroska with 10 µs timestamps)…`);
  const r = await renderCountdown(
    {
      out: file,
      encode: 'x264',
      durationMs: Math.round(minutes * 60_000),
      target: target(Number(targetSec) * 1000),
      style,
    },
    Math.round(minutes * 60_000) + 120_000,
  );
  if (r.baseTimeNs === null) throw new Error('renderer reported no base time');
  const base = r.baseTimeNs;
  const pts = probeFramePtsNs(file);
  const spanS = Number(pts[pts.length - 1]! - pts[0]!) / 1e9;
  console.log(
    `rendered ${pts.length} frames over ${spanS.toFixed(2)} s (${(pts.length / spanS).toFixed(2)} fps), ` +
      `${(statSync(file).size / 1e6).toFixed(1)} MB, renderer cpu incl. x264=${r.cpuPct?.toFixed(1)}%`,
  );
  // Every PTS gap should be one frame period: a live source that fell behind would show here, not as OCR errors.
  let maxGapMs = 0;
  for (let i = 1; i < pts.length; i++) maxGapMs = Math.max(maxGapMs, Number(pts[i]! - pts[i - 1]!) / 1e6);
  console.log(`max PTS gap ${maxGapMs.toFixed(2)} ms (1 frame = ${(1000 / FPS).toFixed(2)} ms)`);

  const first = (base + pts[0]!) / SEC + 2n;
  const last = (base + pts[pts.length - 1]!) / SEC;
  const seconds: bigint[] = [];
  for (let s = first; s <= last; s++) seconds.push(s);
  const crops = defaultCrops(W, H);
  const t0 = Date.now();
  const cd = await measureTransitions({
    file,
    baseTimeNs: base,
    ptsNs: pts,
    seconds,
    crop: crops.countdown,
    valueAt: (s) => expectedCountdown(targetSec, s),
    window: 2,
    workDir: dir,
  });
  summarize('countdown HH:MM:SS', cd);
  if (withClock) {
    const clock = await measureTransitions({
      file,
      baseTimeNs: base,
      ptsNs: pts,
      seconds,
      crop: crops.clock,
      scale: 1.5,
      valueAt: (s) => Number(s % 86_400n),
      window: 2,
      workDir: dir,
    });
    summarize('wall clock (UTC)', clock);
  }
  console.log(`OCR took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function cpu(): Promise<void> {
  const startsAt = Date.now() + 3_600_000;
  for (const encode of ['none', 'vp8'] as const) {
    const r = await renderCountdown(
      { out: null, encode, durationMs: cpuSeconds * 1000, target: target(startsAt), style },
      cpuSeconds * 1000 + 60_000,
    );
    console.log(
      `cpu 720p30 ${encode === 'none' ? 'raw (no encoding)      ' : 'VP8 encode + RTP pay   '}: ` +
        `cpu=${r.cpuPct?.toFixed(1)}% of one core over ${(r.wallMs / 1000).toFixed(1)} s, ` +
        `rssMax=${(r.rssMaxBytes / 1048576).toFixed(0)} MB, text seconds pushed=${String(r.stats.pushedSeconds)}`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-countdown-'));
try {
  await cpu();
  await transitions(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
