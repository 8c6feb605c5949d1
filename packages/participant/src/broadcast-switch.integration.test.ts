/**
 * A layout switch to a person who was off screen shows them at once (testbed with JVB forwarding semantics: the bridge
 * forwards exactly what the broadcast's ReceiverVideoConstraints ask for, docs/jitsi-protocol.md §11). Two people send
 * solid colours (red, blue); the broadcast pins red, later blue; the recording is read back with ffmpeg (independent
 * of the composite code). With the default 180p preview of off-screen sources blue's tile has current frames at the
 * switch; the control run receives only what is shown (`offscreenPreviewHeight: 0`) and shows black first — the
 * bridge has to start forwarding blue and blue's sender has to answer the keyframe request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyFrames } from '@stagecast/media/testing';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBroadcast, type BroadcastEvents } from './broadcast.js';
import { waitForEvent } from './events.js';
import { startParticipant } from './participant.js';

let tb: Testbed;
const dir = mkdtempSync(join(tmpdir(), 'stagecast-switch-'));
const closers: (() => Promise<unknown>)[] = [];
// 2 shared cores under load: the default 3 s heartbeat watchdog can kill a healthy engine.
const TOLERANT = { timings: { heartbeatTimeoutMs: 15_000 } };
// classifyFrames' layer names, reused for the two people: red → 'talk', blue → 'slate'.
const COLOURS = { talk: '#FF0000', slate: '#0000FF', countdown: '#00FF00' };

beforeAll(async () => {
  tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
}, 180_000);
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(async () => {
  await tb?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Pins red, then blue; returns the recorded frames from the last red one on. */
async function pinRedThenBlue(offscreenPreviewHeight: number | undefined) {
  const r = `switch-${randomBytes(3).toString('hex')}`;
  const url = tb.meetingUrl(r);
  const recording = join(dir, `${r}.mkv`);
  const b = await startBroadcast({
    meeting: { meetingUrl: url },
    engine: TOLERANT,
    composite: {
      canvas: { width: 320, height: 180, fps: 15 },
      slate: { title: r, background: '#804000' },
      video: { bitrate: 500_000 },
      layout: { kind: 'grid' },
    },
    outputs: { record: { path: recording, format: 'mkv' } },
    ...(offscreenPreviewHeight !== undefined ? { offscreenPreviewHeight } : {}),
  });
  closers.push(() => b.close());
  const applied: BroadcastEvents['layoutApplied'][0][] = [];
  b.on('layoutApplied', (d) => applied.push(d));
  const person = async (name: string, pattern: string) => {
    const p = await startParticipant({
      meeting: { meetingUrl: url, displayName: name },
      media: { send: { source: { kind: 'test', width: 320, height: 180, framerate: 15, pattern, audio: false } } },
      engine: TOLERANT,
    });
    closers.push(() => p.close());
    return p.endpointId!;
  };
  const red = await person('Red', 'red');
  const blue = await person('Blue', 'blue');
  if (!applied.some((d) => d.tiles.length >= 2)) {
    await waitForEvent(b, 'layoutApplied', 90_000, (d) => d.tiles.length >= 2);
  }
  await new Promise((res) => setTimeout(res, 1_500)); // both decoding
  await b.setLayout({ kind: 'single', pinned: red });
  // Long past the 1 s a silent source keeps its last frame: not forwarded, blue's channel is black by now.
  await new Promise((res) => setTimeout(res, 4_000));
  const bEp = b.participant.endpointId!;
  const conferenceId = tb.bridge.received.find((m) => m.endpointId === bEp)?.conferenceId ?? '';
  const forwardedBefore = tb.bridge.forwardedSources(conferenceId, bEp);
  await b.setLayout({ kind: 'single', pinned: blue });
  await new Promise((res) => setTimeout(res, 3_000));
  await b.close();
  const { layers } = await classifyFrames(recording, COLOURS);
  const lastRed = layers.lastIndexOf('talk');
  const after = layers.slice(lastRed + 1);
  const firstBlue = after.indexOf('slate');
  return { lastRed, after, firstBlue, forwardedBefore, blue: `${blue}-v0` };
}

describe('broadcast layout switch (testbed, JVB forwarding semantics, real media)', () => {
  it('a switch to a person who was off screen shows them at once; receiving only what is shown shows black first', async () => {
    const preview = await pinRedThenBlue(undefined);
    const control = await pinRedThenBlue(0);
    const show = (x: typeof preview) => `${x.firstBlue} frame(s) before blue (${x.after.slice(0, Math.max(0, x.firstBlue)).join(',') || 'none'})`;
    console.log(`switch: 180p preview → ${show(preview)}; receive only what is shown → ${show(control)}`);
    // While red was pinned, blue was still forwarded (preview) — or not at all (control).
    expect(preview.forwardedBefore).toContain(preview.blue);
    expect(control.forwardedBefore).not.toContain(control.blue);
    for (const x of [preview, control]) {
      expect(x.lastRed).toBeGreaterThan(0);
      expect(x.firstBlue).toBeGreaterThanOrEqual(0);
    }
    // Preview: blue right after red (one frame of slack for the compositor's frame boundary), never black.
    expect(preview.firstBlue).toBeLessThanOrEqual(1);
    expect(preview.after.filter((l) => l === 'black')).toEqual([]);
    // Control (proves the check can fail): black frames between red and blue.
    expect(control.after.slice(0, control.firstBlue).filter((l) => l === 'black').length).toBeGreaterThan(0);
  }, 300_000);
});
