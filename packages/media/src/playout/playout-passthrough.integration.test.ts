/**
 * Passthrough (playout/README.md "Passthrough"): the engine's own playout send chain (vp8enc → clocksync → funnel →
 * rtpvp8pay, builders playoutSplice) in the standalone renderer; the recording is what enters the payloader (the
 * running times its RTP timestamps come from), read back independently: ffprobe timestamps and keyframe flags,
 * colour classification, OCR of the talk's burned-in frame number, a full ffmpeg decode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainSegments, makeTestTalk, measureStart } from './testing/frame-analysis.js';
import { renderPlayout, type PlayoutRenderLine } from './testing/run-render.js';

const dir = mkdtempSync(join(tmpdir(), 'playout-pt-'));
const talk = join(dir, 'talk.webm');
const talkH264 = join(dir, 'talk-h264.mkv');
const size = { width: 640, height: 360, fps: 30 };
const frameMs = 1000 / size.fps;

beforeAll(() => {
  makeTestTalk(talk, { seconds: 4 });
  makeTestTalk(talkH264, { seconds: 2, codec: 'h264' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const states = (lines: PlayoutRenderLine[]) =>
  lines.filter((l) => l.event === 'state').map((l) => `${String(l.state)}:${String(l.reason)}`);
const logs = (lines: PlayoutRenderLine[]) =>
  lines
    .filter((l) => l.event === 'log' || l.event === 'alert')
    .map((l) => JSON.stringify(l))
    .join('\n');

/** Key-frame flag per video frame (ffprobe decodes the stream). */
function keyFlags(file: string): boolean[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame', '-of', 'csv=p=0', file],
    {
      encoding: 'utf8',
    },
  );
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().startsWith('1'));
}

/** Decoder errors of a full decode (timestamps passed through: only the bitstream is judged). */
function decodeErrors(file: string): string {
  try {
    execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-fps_mode', 'passthrough', '-f', 'null', '-'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return '';
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

describe('playout passthrough (engine send chain, standalone renderer)', () => {
  it('auto: VP8 talk in a VP8 session is spliced as is: frame 0 at T, keyframes at both switches, clean decode, exact end', async () => {
    const out = join(dir, 'pt.mkv');
    const startsAt = Date.now() + 4500;
    const r = await renderPlayout({
      out,
      encode: 'vp8-rtp',
      durationMs: 10_500,
      playout: { location: talk, startsAt, ...size },
    });
    const mode = r.lines.find((l) => l.event === 'modeChosen');
    expect(mode, logs(r.lines)).toMatchObject({
      mode: 'passthrough',
      requested: 'auto',
      reason: 'codec-match',
      fileCodec: 'video/x-vp8',
      sessionCodec: 'vp8',
    });
    expect(states(r.lines)).toEqual(['scheduled:scheduled', 'playing:switched', 'ended:end-of-file']);

    const m = await measureStart(out, { baseTimeNs: r.baseTimeNs, startsAtMs: startsAt, ...size });
    console.log(
      `passthrough start: frame #${m.frameNumber} at ${m.errorMs?.toFixed(2)} ms (${m.errorFrames?.toFixed(3)} frames) from its wall time`,
    );
    expect(m.frameNumber).toBe(0);
    expect(Math.abs(m.errorFrames!)).toBeLessThanOrEqual(1.05);

    const seg = mainSegments(m.layers);
    expect(
      seg.map((s) => s.layer),
      logs(r.lines),
    ).toEqual(['countdown', 'talk', 'slate']);
    const [, talkSeg, slateSeg] = seg as [unknown, { first: number; last: number }, { first: number; last: number }];
    expect(talkSeg.last - talkSeg.first + 1).toBe(4 * 30); // every frame of the file, none of the encoder's

    const keys = keyFlags(out);
    expect(keys[talkSeg.first]).toBe(true); // the file's own keyframe at T
    expect(keys[slateSeg.first], 'the encoder resumes with a keyframe').toBe(true);
    expect(decodeErrors(out)).toBe('');

    // End: the first frame after the talk starts within one frame of the end of the talk's last frame.
    const lastTalkEndMs = Number(m.ptsNs[talkSeg.last]!) / 1e6 + frameMs;
    const switchMs = Number(m.ptsNs[slateSeg.first]!) / 1e6;
    console.log(
      `passthrough end switch: ${(switchMs - lastTalkEndMs).toFixed(2)} ms after the talk's last frame ended`,
    );
    expect(switchMs - lastTalkEndMs).toBeGreaterThanOrEqual(-1);
    expect(switchMs - lastTalkEndMs).toBeLessThanOrEqual(frameMs + 1);
  }, 120_000);

  it('passthrough requested with an H.264 file in a VP8 session: typed error naming the fix, error slate, still running', async () => {
    const r = await renderPlayout({
      out: null,
      encode: 'vp8-rtp',
      durationMs: 5000,
      playout: { location: talkH264, startsAt: Date.now() + 2500, mode: 'passthrough', ...size },
    });
    const alert = r.lines.find((l) => l.event === 'alert');
    expect(alert, logs(r.lines)).toMatchObject({ reason: 'passthrough-unavailable' });
    expect(String(alert!.message)).toMatch(/video\/x-h264.*video\/x-vp8.*mode "auto" or "transcode"/);
    expect(states(r.lines)).toContain('failed:passthrough-unavailable');
  }, 60_000);

  it('auto with an H.264 file in a VP8 session transcodes and says why', async () => {
    const out = join(dir, 'auto-h264.mkv');
    const r = await renderPlayout({
      out,
      encode: 'vp8-rtp',
      durationMs: 8000,
      playout: { location: talkH264, startsAt: Date.now() + 2500, ...size },
    });
    expect(
      r.lines.find((l) => l.event === 'modeChosen'),
      logs(r.lines),
    ).toMatchObject({
      mode: 'transcode',
      reason: 'codec-mismatch',
      fileCodec: 'video/x-h264',
    });
    expect(states(r.lines)).toEqual(['scheduled:scheduled', 'playing:switched', 'ended:end-of-file']);
    expect(decodeErrors(out)).toBe('');
  }, 60_000);
});
