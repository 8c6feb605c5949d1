/**
 * `stagecast clock` as a real process: a schedule error exits 64 with the fix, and against the testbed (real Prosody,
 * focus, forwarding bridge, GStreamer) it joins as "Stagecast clock", publishes the countdown another participant
 * receives, and leaves cleanly (exit 0) on SIGTERM. The countdown's content is checked with OCR in
 * packages/participant/src/clock.integration.test.ts.
 */
import { scheduleFixturePath } from '@stagecast/schedule/testing';
import { startParticipant, waitForEvent } from '@stagecast/participant';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './testing/cli-process.js';

let tb: Testbed;
beforeAll(async () => {
  tb = await startTestbed({ singleParticipantTimeoutMs: 60_000 });
}, 120_000);
afterAll(async () => {
  await tb?.close();
});

describe('stagecast clock', () => {
  it('exits 64 naming the rooms when --room is not in the schedule', async () => {
    const p = startCli([
      'clock',
      tb.meetingUrl('x'),
      '--schedule',
      scheduleFixturePath('frab-berlin-dst.xml'),
      '--room',
      'Nowhere',
    ]);
    const { code } = await p.exited;
    expect(code).toBe(64);
    expect(p.stderr()).toMatch(/--room "Nowhere" is not in the schedule; its rooms are: .*"Saal 1"/);
  }, 60_000);

  it('joins as "Stagecast clock", publishes video another participant receives, leaves on SIGTERM', async () => {
    const url = tb.meetingUrl(`clockcli-${Date.now().toString(36)}`);
    const p = startCli([
      'clock',
      url,
      '--schedule',
      scheduleFixturePath('frab-berlin-dst.xml'),
      '--room',
      'Saal 1',
      '--width',
      '320',
      '--height',
      '180',
      '--fps',
      '10',
    ]);
    const m = await p.waitForLine(/^clock joined as ([0-9a-f]{8}) \(engine pid \d+\); counting down to /, 90_000);
    const viewer = await startParticipant({ meeting: { meetingUrl: url, displayName: 'Viewer' }, media: {} });
    try {
      const [src] = await waitForEvent(
        viewer,
        'sourceAdded',
        90_000,
        (s) => s.participantId === m[1] && s.media === 'video',
      );
      expect(src.sourceName).toBe(`${m[1]}-v0`);
      expect(viewer.participants.find((x) => x.id === m[1])?.nick).toBe('Stagecast clock');
    } finally {
      await viewer.close();
    }
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(p.stderr()).toMatch(/left the room/);
  }, 240_000);
});
