/**
 * Screen share end to end (issue 4): `stagecast join --send-desktop-pipeline` publishes a second video source
 * `<ep>-v1` (videoType desktop) next to its camera — declared in session-accept with its own msid and FID group,
 * SourceInfo `videoType: desktop` in presence — and another `stagecast join`'s template receives it as its own branch.
 * Real Prosody + testbed focus + forwarding bridge (real RTP) + real GStreamer engines.
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
const dir = mkdtempSync(join(tmpdir(), 'stagecast-desktop-cli-'));
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

const size = (file: string) =>
  (
    JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }),
    ) as {
      streams: { codec_type: string; width?: number; height?: number }[];
    }
  ).streams.find((s) => s.codec_type === 'video');

describe('stagecast join --send-desktop-pipeline', () => {
  it('shares a screen that another participant receives as its own <ep>-v1 branch', async () => {
    const r = `desk-${randomBytes(3).toString('hex')}`;
    const url = tb.meetingUrl(r);
    const start = (...args: string[]) => {
      const p = startCli(['join', url, ...args]);
      running.push(p);
      return p;
    };
    const a = start(
      '--nick',
      'Sharer',
      '--send-pipeline',
      'videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1 ! queue name=video',
      '--send-desktop-pipeline',
      'videotestsrc is-live=true pattern=ball ! video/x-raw,width=480,height=270,framerate=15/1 ! queue name=video',
    );
    const aEp = (await a.waitForLine(/^joined \S+ as ([0-9a-f]{8})/, 90_000))[1]!;
    const b = start(
      '--nick',
      'Viewer',
      '--recv-pipeline-participant-template',
      `queue ! matroskamux ! filesink location=${dir}/{participant_id}-{source_name}.mkv`,
    );
    await b.waitForLine(/^joined \S+ as/, 90_000);
    await b.waitForLine(new RegExp(`^receiving ${aEp}-v1 \\(video, screen share\\) from Sharer`), 90_000);
    await b.waitForLine(new RegExp(`^receiving ${aEp}-v0 \\(video\\) from Sharer`), 60_000);
    await b.waitForLine(new RegExp(`^first video frame from ${aEp}-v1 decoded`), 60_000);
    await b.waitForLine(new RegExp(`^first video frame from ${aEp}-v0 decoded`), 60_000);

    // Signaling as jicofo saw it: v1 declared desktop with its own msid and an FID group; presence SourceInfo.
    const focusView = tb.focus.participants(tb.roomName(r)).find((p) => p.nick === aEp)!;
    const v1 = focusView.sources.sources.filter((s) => s.name === `${aEp}-v1`);
    expect(v1.length).toBe(2); // primary + RTX
    expect(v1.every((s) => s.videoType === 'desktop' && s.msid?.startsWith(`${aEp}-video-1-1 `))).toBe(true);
    expect(focusView.sources.groups.some((g) => g.semantics === 'FID' && v1.some((s) => s.ssrc === g.ssrcs[0]))).toBe(
      true,
    );
    const sourceInfo = JSON.parse(focusView.presence.getChildText('SourceInfo') ?? '{}') as Record<
      string,
      { videoType?: string }
    >;
    expect(sourceInfo[`${aEp}-v1`]?.videoType).toBe('desktop');
    expect(sourceInfo[`${aEp}-v0`]?.videoType).toBeUndefined();

    await new Promise((res) => setTimeout(res, 2000));
    b.child.kill('SIGINT');
    expect((await b.exited).code, b.stderr()).toBe(0);
    expect(size(join(dir, `${aEp}-${aEp}-v1.mkv`))).toMatchObject({ width: 480, height: 270 });
    expect(size(join(dir, `${aEp}-${aEp}-v0.mkv`))).toMatchObject({ width: 320, height: 240 });
  }, 300_000);
});
