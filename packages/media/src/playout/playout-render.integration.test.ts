/**
 * The engine's PlayoutSource in a REALTIME-clocked pipeline recorded to Matroska (render-playout.ts): frame PTS =
 * compositor running time, so wall time of every frame = base time + PTS exactly. Read back independently
 * (ffprobe, colour classification, tesseract OCR of the burned-in frame number). No network: this is the sender-side
 * truth; apps/cli's playout integration test measures the same through a testbed room.
 */
import { mkdtempSync, rmSync, statSync, truncateSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFrames, mainSegments, makeTestTalk, measureStart } from './testing/frame-analysis.js';
import { renderPlayout, type PlayoutRenderLine } from './testing/run-render.js';

const dir = mkdtempSync(join(tmpdir(), 'playout-render-'));
const talk = join(dir, 'talk.webm');
const talk30 = join(dir, 'talk30.webm');
const size = { width: 640, height: 360, fps: 30 };

beforeAll(() => {
  makeTestTalk(talk, { seconds: 4 });
  makeTestTalk(talk30, { seconds: 30 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const states = (lines: PlayoutRenderLine[]) =>
  lines.filter((l) => l.event === 'state').map((l) => `${String(l.state)}:${String(l.reason)}`);

describe('playout source (standalone renderer, REALTIME clock)', () => {
  it('counts down, shows frame 0 of the talk on the frame whose wall time is T, then the Q&A slate', async () => {
    const out = join(dir, 'on-time.mkv');
    const startsAt = Date.now() + 5000;
    const r = await renderPlayout({ out, durationMs: 12_000, playout: { location: talk, startsAt, ...size } });
    expect(states(r.lines)).toEqual(['scheduled:scheduled', 'playing:switched', 'ended:end-of-file']);
    const m = await measureStart(out, { baseTimeNs: r.baseTimeNs, startsAtMs: startsAt, ...size });
    console.log(
      `sender-side start: frame #${m.frameNumber} at ${m.errorMs?.toFixed(2)} ms (${m.errorFrames?.toFixed(3)} frames) from its scheduled wall time`,
    );
    expect(m.frameNumber).not.toBeNull();
    // The output frame whose interval contains T shows the talk: its start lies within one frame before T.
    expect(Math.abs(m.errorFrames!)).toBeLessThanOrEqual(1.05);
    const seg = mainSegments(m.layers);
    expect(seg.map((s) => s.layer)).toEqual(['countdown', 'talk', 'slate']);
    const talkFrames = seg[1]!.last - seg[1]!.first + 1;
    expect(talkFrames).toBeGreaterThanOrEqual(4 * 30 - 1);
    expect(talkFrames).toBeLessThanOrEqual(4 * 30 + 1); // no held last frame: the end switch is inside GStreamer
    // The slate (prepared beneath the talk) shows on the first output frame after the talk's last frame (4.007 s:
    // the generated file's video starts at 7 ms), not when JS notices the EOS.
    const switchWallMs = Number(r.baseTimeNs + m.ptsNs[seg[2]!.first]!) / 1e6;
    const endErr = switchWallMs - (startsAt + 4007);
    console.log(`transcode end switch: ${endErr.toFixed(2)} ms from the end of the talk's last frame`);
    expect(Math.abs(endErr)).toBeLessThanOrEqual(1000 / 30 + 1);
  }, 120_000);

  it('late start, join-in: seeks to the offset the schedule implies (frame n at T + n/fps)', async () => {
    const out = join(dir, 'late.mkv');
    const startsAt = Date.now() - 1500; // the job "started" after T
    const r = await renderPlayout({
      out,
      durationMs: 9000,
      playout: { location: talk30, startsAt, latePolicy: 'join-in', ...size },
    });
    const late = r.lines.find((l) => l.event === 'lateStart');
    expect(late).toMatchObject({ policy: 'join-in' });
    expect(Number(late!.lateMs)).toBeGreaterThan(1000);
    const m = await measureStart(out, { baseTimeNs: r.baseTimeNs, startsAtMs: startsAt, ...size });
    console.log(`join-in: first talk frame #${m.frameNumber}, ${m.errorMs?.toFixed(2)} ms from schedule`);
    expect(m.frameNumber).toBeGreaterThan(30); // not from the beginning
    expect(Math.abs(m.errorFrames!)).toBeLessThanOrEqual(1.05);
  }, 120_000);

  it('pause shows the paused slate, resume continues from the paused frame, skip goes to the slate', async () => {
    const out = join(dir, 'controls.mkv');
    const startsAt = Date.now() + 2500;
    const r = await renderPlayout({
      out,
      durationMs: 11_000,
      playout: { location: talk, startsAt, startMarginMs: 1000, ...size },
      controls: [
        { afterMs: 3500, action: 'pause' },
        { afterMs: 5000, action: 'resume' },
        { afterMs: 7500, action: 'skip' },
      ],
    });
    expect(states(r.lines)).toEqual([
      'scheduled:scheduled',
      'playing:switched',
      'paused:paused',
      'scheduled:resume',
      'playing:switched',
      'ended:skipped',
    ]);
    const paused = r.lines.find((l) => l.event === 'state' && l.state === 'paused');
    const { layers } = await classifyFrames(out);
    const seg = mainSegments(layers);
    expect(seg.map((s) => s.layer)).toEqual(['countdown', 'talk', 'slate', 'talk', 'slate']);
    // The resumed talk starts at the paused position (OCR of its first frame vs the position at pause).
    const resumed = await measureStart(out, {
      baseTimeNs: r.baseTimeNs,
      startsAtMs: 0,
      ...size,
      fromFrame: seg[3]!.first,
    });
    const expected = (Number(paused!.positionMs) / 1000) * 30;
    expect(resumed.frameNumber).not.toBeNull();
    expect(
      Math.abs(resumed.frameNumber! - expected),
      `resumed at frame #${resumed.frameNumber} (index ${resumed.index}), paused at ${expected.toFixed(1)}; segments ${JSON.stringify(seg)}`,
    ).toBeLessThanOrEqual(4);
  }, 120_000);

  it('a truncated file falls back to the error slate with an alert; the pipeline keeps running', async () => {
    const broken = join(dir, 'truncated.webm');
    copyFileSync(talk, broken);
    truncateSync(broken, Math.floor(statSync(broken).size / 2));
    const out = join(dir, 'broken.mkv');
    const r = await renderPlayout({
      out,
      durationMs: 9000,
      playout: { location: broken, startsAt: Date.now() + 2500, ...size },
      controls: [{ afterMs: 7500, action: 'stop' }],
    });
    const alert = r.lines.find((l) => l.event === 'alert');
    expect(alert).toMatchObject({ reason: expect.stringMatching(/^file-(error|ended-early)$/) });
    expect(states(r.lines)).toContain('failed:' + String(alert!.reason));
    expect(states(r.lines).at(-1)).toBe('stopped:stopped'); // still controllable after the failure
    const { layers } = await classifyFrames(out);
    const seg = mainSegments(layers);
    expect(seg.map((s) => s.layer)).toEqual(['countdown', 'talk', 'slate']);
    expect(seg[2]!.last - seg[2]!.first).toBeGreaterThan(30); // the slate keeps coming: the pipeline is alive
  }, 120_000);
});
