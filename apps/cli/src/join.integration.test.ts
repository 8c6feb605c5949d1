/**
 * `stagecast join` end to end: real Prosody + testbed focus + forwarding bridge (real RTP) + real GStreamer engines;
 * every participant is a real `stagecast join` child process.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './testing/cli-process.js';

let tb: Testbed;
const dir = mkdtempSync(join(tmpdir(), 'stagecast-cli-'));
const running: CliProcess[] = [];

beforeAll(async () => {
  tb = await startTestbed({ singleParticipantTimeoutMs: 60_000 });
}, 120_000);
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGTERM');
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 8000))]);
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }
});
afterAll(async () => {
  await tb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const room = (tag: string) => `${tag}-${randomBytes(3).toString('hex')}`;
const PUBLISH = (w: number, h: number, freq: number) =>
  `videotestsrc is-live=true pattern=smpte ! video/x-raw,width=${w},height=${h},framerate=15/1 ! queue name=video ` +
  `audiotestsrc is-live=true freq=${freq} wave=sine ! audio/x-raw,rate=48000,channels=1 ! queue name=audio`;

function join_(url: string, ...args: string[]): CliProcess {
  const p = startCli(['join', url, ...args]);
  running.push(p);
  return p;
}
async function joined(p: CliProcess): Promise<{ ep: string; enginePid: number }> {
  const m = await p.waitForLine(/^joined \S+ as ([0-9a-f]{8}) \(engine pid (\d+)\)/, 90_000);
  return { ep: m[1]!, enginePid: Number(m[2]) };
}

interface Probe {
  streams: { codec_type: string; width?: number; height?: number; nb_read_frames?: string; sample_rate?: string }[];
  format: { duration?: string };
}
function probe(file: string): Probe {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' })) as Probe;
}
/** Presentation times (s) of the video frames in a file. */
function frameTimes(file: string): number[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter((n) => Number.isFinite(n));
}

describe('stagecast join (testbed with media)', () => {
  it('B records A (resolution, frames, audio); a third participant joins and leaves without interrupting A at B', async () => {
    const r = room('rec');
    const url = tb.meetingUrl(r);
    const a = join_(url, '--nick', 'Alice', '--send-pipeline', PUBLISH(320, 240, 440));
    const { ep: aEp } = await joined(a);
    const b = join_(url, '--nick', 'Bob', '--recv-pipeline-participant-template', `queue ! matroskamux ! filesink location=${dir}/${r}-{nick}-{source_name}.mkv`);
    await joined(b);
    await b.waitForLine(new RegExp(`^receiving ${aEp}-v0 \\(video\\) from Alice`), 60_000);
    await b.waitForLine(new RegExp(`^receiving ${aEp}-a0 \\(audio\\) from Alice`), 60_000);
    await b.waitForLine(new RegExp(`^first video frame from ${aEp}-v0 decoded`), 60_000);
    const tFirst = Date.now();

    // (b) Carol joins with her own test pattern: B gains her branches; she leaves: B loses them.
    const c = join_(url, '--nick', 'Carol', '--send-pipeline', PUBLISH(160, 120, 880));
    const { ep: cEp } = await joined(c);
    await b.waitForLine(/^participant joined: Carol/, 30_000);
    await b.waitForLine(new RegExp(`^receiving ${cEp}-v0 \\(video\\) from Carol`), 60_000);
    await b.waitForLine(new RegExp(`^first video frame from ${cEp}-v0 decoded`), 60_000);
    const beforeLeave = b.lines.length;
    c.child.kill('SIGINT');
    expect((await c.exited).code).toBe(0);
    await b.waitForLine(new RegExp(`^stopped receiving ${cEp}-v0`), 30_000, beforeLeave);
    await b.waitForLine(/^participant left: Carol/, 30_000, beforeLeave);
    await new Promise((res) => setTimeout(res, 3000)); // A keeps flowing after Carol's branch went away
    expect(b.stderr()).not.toMatch(new RegExp(`stopped receiving ${aEp}-`));

    // B leaves cleanly: EOS finalises the recordings.
    b.child.kill('SIGINT');
    const bExit = await b.exited;
    const seconds = (Date.now() - tFirst) / 1000;
    expect(bExit.code, b.stderr()).toBe(0);
    expect(b.stderr()).toMatch(/left the room/);

    const video = probe(join(dir, `${r}-Alice-${aEp}-v0.mkv`)).streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ width: 320, height: 240 });
    const frames = Number(video!.nb_read_frames);
    // 15 fps from the first decoded frame to the leave; generous for a contended 2-core machine.
    expect(frames).toBeGreaterThan(seconds * 15 * 0.5);
    expect(frames).toBeLessThan(seconds * 15 * 1.3 + 30);
    const audioFile = probe(join(dir, `${r}-Alice-${aEp}-a0.mkv`));
    const audio = audioFile.streams.find((s) => s.codec_type === 'audio');
    expect(audio).toBeDefined();
    expect(Number(audio!.nb_read_frames)).toBeGreaterThan(0);
    expect(Number(audioFile.format.duration ?? 0)).toBeGreaterThan(seconds * 0.5);
    // Frame continuity while Carol came and went: no gap over 1 s in A's recording.
    const t = frameTimes(join(dir, `${r}-Alice-${aEp}-v0.mkv`));
    const maxGap = Math.max(...t.slice(1).map((x, i) => x - t[i]!));
    // Bound generous for a 2-core machine shared by several engineers (never assert on speed); a broken stream (branch
    // torn down, decoder waiting for a keyframe that never comes) shows as a gap of many seconds or a missing branch.
    console.log(`A at B: ${t.length} frames over ${seconds.toFixed(1)} s, largest gap ${maxGap.toFixed(3)} s`);
    expect(maxGap).toBeLessThan(3);
    // Carol's own recording exists and has her resolution.
    expect(probe(join(dir, `${r}-Carol-${cEp}-v0.mkv`)).streams[0]).toMatchObject({ width: 160, height: 120 });

    a.child.kill('SIGINT');
    expect((await a.exited).code).toBe(0);
  }, 300_000);

  it('recovers from an engine crash (kill -9) and an engine hang (SIGSTOP) without leaving the room', async () => {
    const r = room('crash');
    const url = tb.meetingUrl(r);
    const left: string[] = [];
    const offLeft = tb.focus.on('participantLeft', (roomJid, nick) => {
      if (roomJid.startsWith(`${r}@`)) left.push(nick);
    });
    try {
      const a = join_(url, '--nick', 'Alice', '-v', '--send-pipeline', PUBLISH(320, 240, 440));
      const { ep: aEp, enginePid: aEngine } = await joined(a);
      const b = join_(url, '--nick', 'Bob', '--recv-pipeline-participant-template', 'fakesink sync=false');
      const { ep: bEp, enginePid: bEngine } = await joined(b);
      await b.waitForLine(new RegExp(`^first video frame from ${aEp}-v0 decoded`), 60_000);

      // Crash: B's engine is killed; B restarts it and asks focus for a new session; A's video decodes again.
      let mark = b.lines.length;
      process.kill(bEngine, 'SIGKILL');
      const restarted = await b.waitForLine(/^engine restarted \(pid (\d+)/, 60_000, mark);
      expect(Number(restarted[1])).not.toBe(bEngine);
      await b.waitForLine(new RegExp(`^first video frame from ${aEp}-v0 decoded`), 90_000, mark);

      // Hang: A's engine stops (SIGSTOP); A's watchdog kills it, restarts, renegotiates; B decodes A again.
      mark = b.lines.length;
      const aMark = a.lines.length;
      process.kill(aEngine, 'SIGSTOP');
      const withA = (e: unknown) => {
        throw new Error(`${(e as Error).message}\n--- Alice:\n${a.lines.slice(aMark).join('\n')}`);
      };
      await a.waitForLine(/^engine restarted \(pid (\d+)/, 60_000, aMark).catch(withA);
      await b.waitForLine(new RegExp(`^first video frame from ${aEp}-v0 decoded`), 90_000, mark).catch(withA);

      expect(left).toEqual([]); // nobody left the MUC
      expect(tb.focus.participants(tb.roomName(r)).map((p) => p.nick).sort()).toEqual([aEp, bEp].sort());
      b.child.kill('SIGINT');
      a.child.kill('SIGINT');
      expect((await b.exited).code).toBe(0);
      expect((await a.exited).code).toBe(0);
    } finally {
      offLeft();
    }
  }, 300_000);

  it('fails with a clear message and a non-zero exit code on bad pipelines, unknown elements and unreachable rooms', async () => {
    const url = tb.meetingUrl(room('bad'));
    const unknown = join_(url, '--send-pipeline', 'videotestsrc ! frobnicator ! queue name=video');
    expect((await unknown.exited).code).toBe(70);
    expect(unknown.stderr()).toMatch(/unknown GStreamer element "frobnicator"/);

    const syntax = join_(url, '--send-pipeline', 'videotestsrc ! ! queue name=video');
    expect((await syntax.exited).code).toBe(70);
    expect(syntax.stderr()).toMatch(/^stagecast: .*send pipeline/m);

    const unnamed = join_(url, '--send-pipeline', 'videotestsrc ! queue');
    expect((await unnamed.exited).code).toBe(70);
    expect(unnamed.stderr()).toMatch(/no element named "audio" or "video"/);

    const template = join_(url, '--recv-pipeline-participant-template', 'nosuchsink');
    expect((await template.exited).code).toBe(70);
    expect(template.stderr()).toMatch(/nosuchsink/);

    const unreachable = join_('http://127.0.0.1:9/nowhere');
    expect((await unreachable.exited).code).toBe(69);
    expect(unreachable.stderr()).toMatch(/could not join the meeting \(connection:unreachable\)/);

    const usage = join_('not-a-url');
    expect((await usage.exited).code).toBe(64);
  }, 180_000);
});
