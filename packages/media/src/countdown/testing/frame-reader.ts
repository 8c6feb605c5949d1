/**
 * Reads a rendered countdown back **independently of the renderer**: ffprobe for frame timestamps, ffmpeg to decode
 * and crop frames, tesseract OCR to read the digits. Nothing here imports the countdown's own formatting or timing
 * code; expected values are computed from wall time with separate arithmetic (expectedCountdown below).
 * Used by the integration test and bench/countdown-transitions.ts.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Exact frame timestamps (ns) of the first video stream, in presentation order. */
export function probeFramePtsNs(file: string): bigint[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=time_base:frame=pts', '-of', 'json', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const j = JSON.parse(out) as { streams: { time_base: string }[]; frames: { pts?: number }[] };
  const tb = j.streams[0]?.time_base;
  const m = tb ? /^(\d+)\/(\d+)$/.exec(tb) : null;
  if (!m?.[1] || !m[2]) throw new Error(`ffprobe: no video time base in ${file}`);
  const num = BigInt(m[1]);
  const den = BigInt(m[2]);
  return j.frames.map((f, i) => {
    if (f.pts === undefined) throw new Error(`ffprobe: frame ${i} of ${file} has no pts`);
    return (BigInt(f.pts) * 1_000_000_000n * num) / den;
  });
}

export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Digits band of the countdown (centred block) and the wall clock (top right) for a W×H frame. */
export function defaultCrops(width: number, height: number): { countdown: Crop; clock: Crop } {
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return {
    countdown: { x: even(width * 0.1), y: even(height * 0.37), width: even(width * 0.8), height: even(height * 0.24) },
    clock: { x: even(width * 0.7), y: 0, width: even(width * 0.3), height: even(height * 0.13) },
  };
}

/**
 * Decode the frames at `indices` (0-based, decode order = presentation order for our streams), crop, convert to
 * dark-on-light grey PGM files (what tesseract reads best). One ffmpeg pass streams raw grey crops of every frame;
 * only the wanted ones are written (a long `select` expression overflows ffmpeg's parser). Paths in `indices` order.
 */
export async function extractFrames(
  file: string,
  indices: number[],
  crop: Crop,
  dir: string,
  scale = 0.5,
): Promise<string[]> {
  const wanted = new Set(indices);
  if (wanted.size === 0) return [];
  const maxIndex = Math.max(...wanted);
  const sub = mkdtempSync(join(dir, 'frames-'));
  const w = Math.round((crop.width * scale) / 2) * 2;
  const h = Math.round((crop.height * scale) / 2) * 2;
  const frameBytes = w * h;
  const header = Buffer.from(`P5\n${w} ${h}\n255\n`, 'ascii');
  const vf = `crop=${crop.width}:${crop.height}:${crop.x}:${crop.y},scale=${w}:${h},format=gray,negate`;
  const written = new Map<number, string>();
  await new Promise<void>((resolve, reject) => {
    const ff = spawn(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-vf', vf, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let frame = 0;
    let stderr = '';
    ff.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    ff.stdout.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < frameBytes) return;
      let buf = Buffer.concat(pending);
      while (buf.length >= frameBytes) {
        if (wanted.has(frame)) {
          const path = join(sub, `${String(frame).padStart(7, '0')}.pgm`);
          writeFileSync(path, Buffer.concat([header, buf.subarray(0, frameBytes)]));
          written.set(frame, path);
        }
        frame++;
        buf = buf.subarray(frameBytes);
      }
      pending = buf.length ? [Buffer.from(buf)] : [];
      pendingBytes = buf.length;
      if (frame > maxIndex) ff.kill('SIGTERM'); // everything wanted is out: stop decoding
    });
    ff.on('error', reject);
    ff.on('close', (code, signal) => {
      if (frame > maxIndex || code === 0) resolve();
      else reject(new Error(`ffmpeg failed (code=${code}, signal=${signal}): ${stderr}`));
    });
  });
  const missing = indices.filter((i) => !written.has(i));
  if (missing.length) throw new Error(`frames ${missing.slice(0, 5).join(',')} are beyond the end of ${file}`);
  return indices.map((i) => written.get(i)!);
}

/** OCR one image as a single text line. `whitelist` restricts characters (digits and ':' for clocks). */
export async function ocrLine(png: string, whitelist?: string): Promise<string> {
  const args = [png, 'stdout', '--psm', '7'];
  if (whitelist) args.push('-c', `tessedit_char_whitelist=${whitelist}`);
  const { stdout } = await execFileP('tesseract', args, { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
  return stdout.replace(/\s+/g, ' ').trim();
}

/** Run `fn` over `items` with at most `concurrency` in flight, preserving order. */
export async function mapLimit<T, R>(
  items: T[],
  concurrency: number,
  fn: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** Reads HH:MM:SS (hours may exceed 24) as seconds; null when OCR produced something else. */
export function parseHms(text: string): number | null {
  const m = /(\d{2,3}):(\d{2}):(\d{2})/.exec(text.replace(/\s/g, ''));
  if (!m?.[1] || !m[2] || !m[3]) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mi > 59 || s > 59) return null;
  return h * 3600 + mi * 60 + s;
}

/** Independent expectation: seconds left shown during wall second `sec` for a target at whole second `targetSec`. */
export function expectedCountdown(targetSec: bigint, sec: bigint): number {
  return targetSec > sec ? Number(targetSec - sec) : 0;
}

export interface TransitionResult {
  /** Wall-clock second (epoch s) at which the displayed value must change. */
  second: bigint;
  /** First frame whose wall time (base + PTS) ≥ second. */
  expectedFrame: number;
  /** First frame in the window reading the new value (null: not found in the window). */
  actualFrame: number | null;
  /** actualFrame − expectedFrame (frames); null when not found. */
  errorFrames: number | null;
  /** OCR reads of the window, for diagnostics. */
  reads: { frame: number; wallNs: bigint; text: string }[];
}

export interface MeasureOptions {
  file: string;
  baseTimeNs: bigint;
  ptsNs: bigint[];
  /** Seconds (epoch s) whose transitions are checked. */
  seconds: bigint[];
  crop: Crop;
  /** Value the region must show during wall second `sec` (seconds, for parseHms comparison). */
  valueAt: (sec: bigint) => number;
  /** Frames read on each side of the expected transition frame. */
  window?: number;
  /** Scale applied to the crop before OCR (tesseract wants glyphs ≥ ~25 px tall). */
  scale?: number;
  concurrency?: number;
  workDir?: string;
}

/**
 * For each second S: the expected transition frame is the first frame with base + PTS ≥ S; the actual one is the
 * first frame in [expected − window, expected + window] whose OCR reads valueAt(S). Frame-accurate = error 0.
 */
export async function measureTransitions(opts: MeasureOptions): Promise<TransitionResult[]> {
  const window = opts.window ?? 3;
  const wall = opts.ptsNs.map((p) => opts.baseTimeNs + p);
  const plans = opts.seconds.map((second) => {
    const expectedFrame = wall.findIndex((w) => w >= second * 1_000_000_000n);
    const frames: number[] = [];
    if (expectedFrame >= 0) {
      for (let f = expectedFrame - window; f <= expectedFrame + window; f++)
        if (f >= 0 && f < wall.length) frames.push(f);
    }
    return { second, expectedFrame, frames };
  });
  const all = plans.flatMap((p) => p.frames);
  const dir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'countdown-ocr-'));
  try {
    const pngs = await extractFrames(opts.file, all, opts.crop, dir, opts.scale ?? 0.5);
    const texts = await mapLimit(pngs, opts.concurrency ?? 2, (p) => ocrLine(p, '0123456789:'));
    const read = new Map(all.map((f, k) => [f, texts[k] ?? '']));
    return plans.map(({ second, expectedFrame, frames }) => {
      const want = opts.valueAt(second);
      const reads = frames.map((frame) => ({ frame, wallNs: wall[frame]!, text: read.get(frame) ?? '' }));
      const hit = reads.find((r) => parseHms(r.text) === want);
      const actualFrame = hit ? hit.frame : null;
      return {
        second,
        expectedFrame,
        actualFrame,
        errorFrames: actualFrame === null || expectedFrame < 0 ? null : actualFrame - expectedFrame,
        reads,
      };
    });
  } finally {
    if (!opts.workDir) rmSync(dir, { recursive: true, force: true });
  }
}
