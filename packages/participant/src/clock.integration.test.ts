/**
 * The "Stagecast clock" in a real room: testbed (Prosody + test focus + forwarding bridge with real RTP), the clock
 * participant publishing the GStreamer countdown, and a second participant recording what it receives. The recorded
 * frames are decoded with ffmpeg and read with tesseract (renderer-independent, @stagecast/media/testing frame
 * reader): each shows the seconds left to the schedule's next talk at the frame's arrival time (allowing for
 * transport delay), then "Starting now". The receiver also gets the chat reminder and the room subject.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCrops, extractFrames, mapLimit, ocrLine, parseHms } from '@stagecast/media/testing';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startClock, type ClockHandle } from './clock.js';
import type { ClockTalkInput } from './clock-plan.js';
import { waitForEvent } from './events.js';
import { startParticipant, type ParticipantHandle } from './participant.js';

let tb: Testbed;
const dir = mkdtempSync(join(tmpdir(), 'stagecast-clock-'));
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
}, 120_000);
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(async () => {
  await tb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const room = () => `clock-${randomBytes(3).toString('hex')}`;
const W = 640;
const H = 360;

function framePtsSeconds(file: string): number[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return out
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter((n) => Number.isFinite(n));
}

describe('Stagecast clock participant (testbed, real media)', () => {
  it('publishes the countdown the other participant records and reads; sends the reminder; sets the subject', async () => {
    const r = room();
    const url = tb.meetingUrl(r);
    // The schedule the provider serves; replaced once the receiver is recording (the clock re-reads it).
    let talks: ClockTalkInput[] = [
      { guid: 'later', title: 'Much later', startsAtMs: Date.now() + 3_600_000, durationSeconds: 1800 },
    ];
    const clock: ClockHandle = await startClock({
      meeting: { meetingUrl: url },
      schedule: () => talks,
      style: { width: W, height: H, fps: 15 },
      reminders: [12],
      subject: true,
      refreshMs: 500,
      startingNowHoldMs: 30_000,
      timeZone: 'Europe/Berlin',
    });
    closers.push(() => clock.close());
    const subjects: string[] = [];
    clock.on('subjectSet', (s) => subjects.push(s));
    const clockEp = clock.participant.endpointId!;

    const file = join(dir, `${r}.mkv`);
    const rx: ParticipantHandle = await startParticipant({
      meeting: { meetingUrl: url, displayName: 'Recorder' },
      media: {
        receive: {
          mode: 'template',
          video: `videoconvert ! jpegenc quality=85 ! matroskamux ! filesink location=${file}`,
          audio: 'fakesink',
        },
      },
    });
    closers.push(() => rx.close());
    const messages: string[] = [];
    const roomSubjects: string[] = [];
    rx.jitsi!.on('messageReceived', (m) => messages.push(m.body));
    rx.jitsi!.on('subjectChanged', (s) => roomSubjects.push(s));

    const [src] = await waitForEvent(rx, 'firstFrameDecoded', 90_000, (s) => s.participantId === clockEp);
    const firstFrameAt = Date.now();
    expect(src.sourceName).toBe(`${clockEp}-v0`);
    expect(rx.participants.find((p) => p.id === clockEp)?.nick).toBe('Stagecast clock');

    // Now the next talk starts in ~25 s (on a whole second, as schedules do).
    const startsAt = Math.ceil((Date.now() + 25_000) / 1000) * 1000;
    talks = [
      talks[0]!,
      { guid: 'keynote', title: 'Keynote', speakers: ['Ada'], startsAtMs: startsAt, durationSeconds: 1800 },
    ];
    await waitForEvent(clock, 'targetChanged', 10_000, (t) => t?.guid === 'keynote');
    const wantSubject = `Next: Keynote at ${new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(startsAt)}`;
    await waitForEvent(clock, 'reminderSent', 40_000, (m) => m.talk.guid === 'keynote');
    // Record until a few seconds past the start, then stop the receiver so the file is finalised (EOS).
    const until = startsAt + 4_000;
    await new Promise((res) => setTimeout(res, Math.max(0, until - Date.now())));
    await rx.close();

    expect(messages).toContain('Next: Keynote starts in 12 seconds');
    expect(subjects).toContain(wantSubject);
    expect(roomSubjects).toContain(wantSubject);

    // Frames → arrival wall time (first decoded frame ≈ firstFrameAt) → expected seconds left at arrival.
    const pts = framePtsSeconds(file);
    expect(pts.length).toBeGreaterThan(100); // ~25 s at 15 fps; a contended machine drops some
    const atOf = (i: number) => firstFrameAt + (pts[i]! - pts[0]!) * 1000;
    const sample: number[] = [];
    for (let i = 0; i < pts.length; i += 5) {
      const a = atOf(i);
      if (a >= startsAt - 20_000 && a <= startsAt + 3_500) sample.push(i);
    }
    const crops = defaultCrops(W, H);
    const pngs = await extractFrames(file, sample, crops.countdown, dir, 1);
    const texts = await mapLimit(pngs, 2, (p) => ocrLine(p));
    const diffs: number[] = [];
    const startingNow: boolean[] = [];
    sample.forEach((frame, k) => {
      const a = atOf(frame);
      const text = texts[k] ?? '';
      if (a < startsAt - 1_000) {
        const shown = parseHms(text);
        expect(shown, `frame ${frame} at T${((a - startsAt) / 1000).toFixed(2)} s read "${text}"`).not.toBeNull();
        diffs.push(shown! - Math.ceil((startsAt - a) / 1000));
      } else if (a > startsAt + 2_000) startingNow.push(/startingnow/i.test(text.replace(/\s/g, '')));
    });
    console.log(`clock OCR: ${diffs.length} frames, shown − expected-at-arrival (s): ${diffs.join(',')}`);
    // Rendered before it arrived: never less than the value at arrival; at most ~1 s of transport and measurement.
    expect(diffs.length).toBeGreaterThan(20);
    expect(Math.min(...diffs), `diffs ${diffs.join(',')}`).toBeGreaterThanOrEqual(0);
    expect(Math.max(...diffs), `diffs ${diffs.join(',')}`).toBeLessThanOrEqual(2);
    expect(diffs.filter((d) => d <= 1).length / diffs.length).toBeGreaterThan(0.9);
    expect(startingNow.length).toBeGreaterThan(0);
    expect(startingNow.every(Boolean), `texts after T: ${texts.slice(-startingNow.length).join(' | ')}`).toBe(true);
  }, 300_000);

  it('leaves the subject alone (logged once) when it is not moderator, and keeps publishing', async () => {
    const r = room();
    const url = tb.meetingUrl(r);
    // Someone else joins first and becomes the owner (auto-owner); the clock joins as a plain participant.
    const first = await startParticipant({ meeting: { meetingUrl: url, displayName: 'Host' }, media: {} });
    closers.push(() => first.close());
    const refused: string[] = [];
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (o: unknown, m?: string) => void warnings.push(String(m ?? o)),
      error() {},
      child() {
        return logger;
      },
    };
    const clock = await startClock({
      meeting: { meetingUrl: url },
      schedule: () => [{ guid: 't', title: 'Later', startsAtMs: Date.now() + 600_000, durationSeconds: 60 }],
      style: { width: 320, height: 180, fps: 10 },
      subject: true,
      refreshMs: 300,
      logger,
    });
    closers.push(() => clock.close());
    clock.on('subjectRefused', (e) => refused.push(e.reason));
    await waitForEvent(first, 'sourceAdded', 90_000, (s) => s.participantId === clock.participant.endpointId);
    // Several wake-ups later: refused once, logged once.
    await new Promise((res) => setTimeout(res, 1500));
    const subjectWarnings = warnings.filter((w) => /subject not set/.test(w));
    expect(subjectWarnings).toHaveLength(1);
    expect(subjectWarnings[0]).toMatch(/Only a moderator/);
    expect(refused.every((r) => r === 'not-moderator')).toBe(true);
  }, 200_000);
});
