import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@stagecast/jobs';
import { afterAll, describe, expect, it } from 'vitest';
import { countdownSubtitles, createClockRunner } from './clock.runner.js';
import type { StageJob, StageStatusReport } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'clock-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('countdownSubtitles', () => {
  it('changes text on wall-clock seconds, 00:00:00 exactly at T, then Starting now', () => {
    const start = Date.parse('2030-06-01T09:59:57.400Z');
    const target = Date.parse('2030-06-01T10:00:00Z');
    const srt = countdownSubtitles(start, target, target + 2000);
    const entries = srt
      .trim()
      .split('\n\n')
      .map((e) => e.split('\n'));
    expect(entries.map((e) => [e[1], e[2]])).toEqual([
      ['00:00:00,000 --> 00:00:00,600', '00:00:03'],
      ['00:00:00,600 --> 00:00:01,600', '00:00:02'],
      ['00:00:01,600 --> 00:00:02,600', '00:00:01'],
      ['00:00:02,600 --> 00:00:03,600', 'Starting now'],
      ['00:00:03,600 --> 00:00:04,600', 'Starting now'],
    ]);
  });
});

describe('clock runner on real GStreamer', () => {
  it('writes the countdown into the room HLS output and ends the playlist on abort', async () => {
    const runner = createClockRunner({ outputRoot: dir, width: 640, height: 360, fps: 10, bitrateKbps: 400 });
    const now = Date.now();
    const job: StageJob = {
      jobRecordId: '00000000-0000-4000-8000-000000000001',
      bossJobId: 'abcdef12-0000-4000-8000-000000000001',
      roomId: '00000000-0000-4000-8000-000000000002',
      talkId: null,
      role: 'clock',
      startsAtMs: now + 3 * 60_000 + 30_000,
      durationSeconds: 600,
      runUntilMs: now + 10 * 60_000,
      talk: { title: 'Fleet talk', speakers: ['Ada'] },
      room: { slug: 'main', name: 'Main', meetingUrl: null },
      conferenceTimeZone: 'Europe/Berlin',
      attempt: 1,
    };
    const reports: StageStatusReport[] = [];
    const controller = new AbortController();
    const out = join(dir, 'main', 'clock');
    const running = runner.run(job, {
      signal: controller.signal,
      logger: silentLogger,
      reportStatus: async (r) => {
        reports.push(r);
      },
    });
    // Wait (event-driven by polling the directory) for two closed segments, then stop.
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && readdirSync(out).filter((f) => f.endsWith('.ts')).length < 3) {
      await new Promise((r) => setTimeout(r, 250));
    }
    controller.abort('finished');
    await running;
    const playlist = readFileSync(join(out, 'index.m3u8'), 'utf8');
    expect(playlist).toContain('#EXT-X-ENDLIST');
    expect(playlist).toMatch(/segment-abcdef12-\d{5}\.ts/);
    expect(reports[0]).toMatchObject({ state: 'running' });
    // Read the countdown back independently (ffmpeg decode + tesseract OCR), not from our own arithmetic.
    const seg = readdirSync(out)
      .filter((f) => f.endsWith('.ts'))
      .sort()[1]!;
    execFileSync('ffmpeg', ['-loglevel', 'error', '-i', join(out, seg), '-frames:v', '1', '-y', join(dir, 'f.png')]);
    const text = execFileSync('tesseract', [join(dir, 'f.png'), '-'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    expect(text).toMatch(/00:03:[0-3]\d/);
    expect(text).toContain('Fleet talk');
  });
});
