/**
 * Scheduled playout in a real room: testbed (Prosody + test focus + forwarding bridge with real RTP), the playout
 * participant (startPlayout) and a recorder participant whose session pipeline runs on a REALTIME clock, so every
 * received frame's wall time is the recorder's base time + PTS (its arrival through encoder, bridge and jitter
 * buffer). Frames are classified by colour and the talk's burned-in frame number is read with tesseract
 * (@stagecast/media/testing): independent of the playout code. The start error includes the transport delay, so the
 * bound is generous; bench/playout-start-error.ts prints the precise figures.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlayoutSourceInput } from '@stagecast/media';
import {
  classifyFrames,
  countdownTransitionDelays,
  mainSegments,
  makeTestTalk,
  measureStart,
} from '@stagecast/media/testing';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitForEvent } from './events.js';
import { startParticipant, type ParticipantHandle } from './participant.js';
import { startPlayout, type PlayoutHandle, type PlayoutModeChoice, type PlayoutStateChange } from './playout.js';

let tb: Testbed;
const dir = mkdtempSync(join(tmpdir(), 'stagecast-playout-'));
const closers: (() => Promise<unknown>)[] = [];
const SIZE = { width: 640, height: 360, fps: 30 };
const talk6 = join(dir, 'talk6.webm');
const talk30 = join(dir, 'talk30.webm');

beforeAll(async () => {
  makeTestTalk(talk6, { seconds: 6 });
  makeTestTalk(talk30, { seconds: 30 });
  tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
}, 180_000);
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(async () => {
  await tb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const room = (tag: string) => `playout-${tag}-${randomBytes(3).toString('hex')}`;

/** Joins first (alone: no session yet), records every received video to Matroska with a REALTIME pipeline clock. */
async function startRecorder(url: string, file: string): Promise<{ rx: ParticipantHandle; baseTimeNs: () => bigint }> {
  // VP8 as received (no decode/encode in real time: a busy host must not drop frames here); decoded later by ffmpeg.
  const receive = {
    mode: 'template' as const,
    video: `matroskamux timecodescale=10000 ! filesink location=${file}`,
    decode: false,
  };
  const rx = await startParticipant({ meeting: { meetingUrl: url, displayName: 'Recorder' }, media: { receive } });
  closers.push(() => rx.close());
  // The focus invites once two participants are in (minParticipants 2): this reaches the recorder's only session.
  rx.engine!.setMediaDefaults({ receive, clock: 'realtime' });
  let base: bigint | null = null;
  rx.engine!.on('pipelineClock', (d) => {
    if (d.realtime) base = BigInt(d.baseTimeNs);
  });
  return {
    rx,
    baseTimeNs: () => {
      if (base === null) throw new Error('recorder reported no REALTIME pipeline clock');
      return base;
    },
  };
}

async function playout(
  url: string,
  p: Omit<PlayoutSourceInput, 'kind'>,
): Promise<{ po: PlayoutHandle; states: PlayoutStateChange[]; modes: PlayoutModeChoice[] }> {
  const po = await startPlayout({
    meeting: { meetingUrl: url, displayName: 'Playout' },
    playout: { ...SIZE, countdown: { title: 'Frame numbers' }, ...p },
    encoder: { videoBitrate: 800_000, keyframeInterval: 30 },
  });
  closers.push(() => po.close());
  const states: PlayoutStateChange[] = [];
  po.on('stateChanged', (s) => states.push(s));
  const modes: PlayoutModeChoice[] = [];
  po.on('modeChosen', (m) => modes.push(m));
  return { po, states, modes };
}

const waitState = (po: PlayoutHandle, state: string, timeoutMs: number) =>
  waitForEvent(po, 'stateChanged', timeoutMs, (s) => s.state === state);

describe('playout participant (testbed, real media)', () => {
  it('the recorder sees the countdown, frame 0 of the talk at T (VP8 file: passthrough), then the Q&A slate', async () => {
    const r = room('t20');
    const url = tb.meetingUrl(r);
    const file = join(dir, `${r}.mkv`);
    const rec = await startRecorder(url, file);
    const startsAt = Date.now() + 20_000;
    const { po, states, modes } = await playout(url, {
      location: talk6,
      startsAt,
      after: { kind: 'slate', text: 'Q&A' },
    });
    await waitForEvent(rec.rx, 'firstFrameDecoded', 60_000);
    await waitState(po, 'ended', 60_000);
    await new Promise((res) => setTimeout(res, 2500)); // some slate frames reach the recorder
    await rec.rx.close(); // EOS: the recording is finalised
    expect(states.map((s) => s.state)).toEqual(['scheduled', 'playing', 'ended']);

    const m = await measureStart(file, { baseTimeNs: rec.baseTimeNs(), startsAtMs: startsAt, ...SIZE });
    console.log(
      `room start error: first talk frame #${m.frameNumber} arrived ${m.errorMs?.toFixed(1)} ms ` +
        `(${m.errorFrames?.toFixed(2)} frames) after its scheduled wall time (includes encode + bridge + jitter buffer)`,
    );
    const delays = await countdownTransitionDelays(file, {
      baseTimeNs: rec.baseTimeNs(),
      ...SIZE,
      from: 0,
      to: m.index,
      layers: m.layers,
      ptsNs: m.ptsNs,
    });
    const transport = [...delays].sort((a, b) => a - b)[Math.floor(delays.length / 2)];
    console.log(
      `countdown second transitions arrived ${transport?.toFixed(1)} ms after their seconds (median of ${delays.length}): ` +
        `start vs countdown through the same path ${transport === undefined || m.errorMs === null ? '?' : (m.errorMs - transport).toFixed(1)} ms`,
    );
    expect(m.frameNumber).not.toBeNull();
    expect(m.frameNumber!).toBeLessThanOrEqual(10); // the talk starts at its beginning
    // Never before T (minus a frame of interval); transport adds delay. Generous for a shared 2-core machine.
    expect(m.errorMs!).toBeGreaterThan(-40);
    expect(m.errorMs!).toBeLessThan(1500);
    const seg = mainSegments(m.layers);
    expect(seg.map((s) => s.layer)).toEqual(['countdown', 'talk', 'slate']);
    // mode auto, VP8 file in a VP8 room: the file's frames went out as they are; the stream decodes cleanly across
    // both switches and the encoder came back with a keyframe.
    expect(modes).toMatchObject([{ mode: 'passthrough', reason: 'codec-match' }]);
    const keys = execFileSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame', '-of', 'csv=p=0', file],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .map((l) => l.trim().startsWith('1'));
    expect(keys[seg[1]!.first]).toBe(true);
    expect(keys[seg[2]!.first]).toBe(true);
    const decodeErr = (() => {
      try {
        execFileSync(
          'ffmpeg',
          ['-v', 'error', '-i', file, '-map', '0:v', '-fps_mode', 'passthrough', '-f', 'null', '-'],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        return '';
      } catch (err) {
        return String((err as { stderr?: Buffer }).stderr ?? err);
      }
    })();
    expect(decodeErr).toBe('');
  }, 240_000);

  for (const policy of ['from-start', 'join-in'] as const) {
    it(`late start (job at T+10 s), policy ${policy}: event, and the talk starts where the policy says`, async () => {
      const r = room(policy);
      const url = tb.meetingUrl(r);
      const file = join(dir, `${r}.mkv`);
      const rec = await startRecorder(url, file);
      const startsAt = Date.now() - 10_000;
      const { po } = await playout(url, { location: talk30, startsAt, latePolicy: policy, startMarginMs: 3000 });
      const [late] = await waitForEvent(po, 'lateStarted', 60_000);
      expect(late.policy).toBe(policy);
      expect(late.lateMs).toBeGreaterThanOrEqual(10_000);
      if (policy === 'from-start') expect(late.positionMs).toBe(0);
      else expect(Math.abs(late.positionMs - (late.switchAtMs - startsAt))).toBeLessThan(5);
      await waitState(po, 'playing', 60_000);
      await new Promise((res) => setTimeout(res, 4000));
      await rec.rx.close();
      // from-start: frame 0 at the switch instant; join-in: frame n at T + n/fps (the schedule's own timeline).
      const reference = policy === 'from-start' ? late.switchAtMs : startsAt;
      const m = await measureStart(file, { baseTimeNs: rec.baseTimeNs(), startsAtMs: reference, ...SIZE });
      console.log(
        `late ${policy}: first talk frame #${m.frameNumber}, ${m.errorMs?.toFixed(1)} ms after its wall time`,
      );
      expect(m.frameNumber).not.toBeNull();
      if (policy === 'from-start') expect(m.frameNumber!).toBeLessThanOrEqual(10);
      else expect(m.frameNumber!).toBeGreaterThanOrEqual(Math.floor(((late.switchAtMs - startsAt) / 1000) * 30) - 2);
      expect(m.errorMs!).toBeGreaterThan(-40);
      expect(m.errorMs!).toBeLessThan(1500);
    }, 240_000);
  }

  it('mute after the talk: SourceInfo muted at the other participant, black video, unmuted on restart', async () => {
    const r = room('mute');
    const url = tb.meetingUrl(r);
    const file = join(dir, `${r}.mkv`);
    const rec = await startRecorder(url, file);
    const { po } = await playout(url, { location: talk6, startsAt: Date.now() + 10_000, muteVideoAfterEnd: true });
    const ep = po.participant.endpointId!;
    const mutedAtRecorder = () => rec.rx.jitsi?.occupants.find((o) => o.nick === ep)?.sourceInfo[`${ep}-v0`]?.muted;
    expect(mutedAtRecorder()).not.toBe(true);
    const [muted] = await waitForEvent(po, 'videoMuteChanged', 60_000);
    expect(muted).toBe(true);
    expect(po.isVideoMuted).toBe(true);
    for (let i = 0; i < 50 && mutedAtRecorder() !== true; i++) await new Promise((res) => setTimeout(res, 200));
    expect(mutedAtRecorder()).toBe(true);
    await new Promise((res) => setTimeout(res, 2000));
    await po.restart();
    const [unmuted] = await waitForEvent(po, 'videoMuteChanged', 30_000);
    expect(unmuted).toBe(false);
    await rec.rx.close();
    // While muted we send black; a bridge may also stop forwarding a muted source (the testbed's does): either way
    // the recorder sees no slate after the talk, only black or nothing, then the countdown of the restart.
    const { layers, ptsNs } = await classifyFrames(file);
    const seg = mainSegments(layers);
    const talkSeg = seg.findIndex((x) => x.layer === 'talk');
    expect(seg.slice(0, talkSeg + 1).map((x) => x.layer)).toEqual(['countdown', 'talk']);
    const next = seg[talkSeg + 1];
    expect(next?.layer === 'black' || next?.layer === 'countdown').toBe(true);
    expect(seg.some((x) => x.layer === 'slate')).toBe(false);
    if (next?.layer === 'countdown') {
      const gapMs = Number(ptsNs[next.first]! - ptsNs[seg[talkSeg]!.last]!) / 1e6;
      expect(gapMs).toBeGreaterThan(1000); // nothing shown while muted
    }
  }, 240_000);

  it('engine crash mid-talk: the rebuilt session joins in where the schedule is (not from the beginning)', async () => {
    const r = room('crash');
    const url = tb.meetingUrl(r);
    const rec = await startRecorder(url, join(dir, `${r}.mkv`));
    const startsAt = Date.now() + 12_000;
    const { po } = await playout(url, { location: talk30, startsAt });
    await waitState(po, 'playing', 60_000);
    await new Promise((res) => setTimeout(res, 3000));
    const restarted = waitForEvent(po.participant, 'engineRestarted', 60_000);
    await po.participant.engine!.request('debug.crash', {}).catch(() => undefined);
    await restarted;
    const [late] = await waitForEvent(po, 'lateStarted', 90_000);
    expect(late.policy).toBe('join-in'); // the participant switched the rebuilt spec to the schedule's timeline
    expect(Math.abs(late.positionMs - (late.switchAtMs - startsAt))).toBeLessThan(5);
    expect(late.positionMs).toBeGreaterThan(3000);
    await waitState(po, 'playing', 60_000);
    await rec.rx.close();
  }, 240_000);

  it('a file corrupt mid-way: slate, alert, the room and the pipeline stay alive and controllable', async () => {
    const r = room('corrupt');
    const url = tb.meetingUrl(r);
    const file = join(dir, `${r}.mkv`);
    const broken = join(dir, `${r}.webm`);
    copyFileSync(talk6, broken);
    truncateSync(broken, Math.floor(statSync(broken).size / 2));
    const rec = await startRecorder(url, file);
    const { po, states } = await playout(url, { location: broken, startsAt: Date.now() + 12_000 });
    const [alert] = await waitForEvent(po, 'alerted', 90_000);
    expect(alert.reason).toMatch(/^file-(error|ended-early)$/);
    await waitState(po, 'failed', 10_000).catch(() => undefined); // may precede the alert listener's turn
    expect(states.some((s) => s.state === 'failed')).toBe(true);
    await new Promise((res) => setTimeout(res, 3000));
    // Still in the room, still publishing, still controllable.
    expect(po.participant.isClosed).toBe(false);
    expect(rec.rx.participants.map((p) => p.nick)).toContain('Playout');
    const st = await po.stop();
    expect(st.state).toBe('stopped');
    await rec.rx.close();
    const { layers } = await classifyFrames(file);
    const seg = mainSegments(layers);
    expect(seg.map((s) => s.layer)).toEqual(['countdown', 'talk', 'slate']);
    expect(seg[2]!.last - seg[2]!.first).toBeGreaterThan(30);
  }, 240_000);
});
