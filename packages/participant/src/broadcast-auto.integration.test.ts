/**
 * Broadcast layout `auto` follows the stage (issue 8), in a real room: testbed (Prosody + test focus + forwarding
 * bridge with real RTP), a broadcast in auto mode (real composite, local HLS + a recording), one person (test
 * pattern) and a playout participant that schedules a short talk a few seconds ahead. Everything the broadcast knows
 * about the talk comes through the room (the playout's presence), as with `stagecast playout` + `stagecast broadcast`.
 * Checked: the switch events (stage for the talk, speaker after it, in that order relative to the playout's states),
 * the composite's tiles (the playout's camera full frame), no HLS discontinuity, and the recorded picture (the talk's
 * green background reaches the frame's left edge only when it is full frame; read back with ffmpeg, independent of
 * the composite code).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlaylist } from '@stagecast/media';
import { classifyFrames, makeTestTalk, mainSegments } from '@stagecast/media/testing';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTO_TAIL_MS } from './auto-layout.js';
import { startBroadcast, type AutoLayoutSwitch, type BroadcastEvents } from './broadcast.js';
import { waitForEvent } from './events.js';
import { startParticipant } from './participant.js';
import { readPlayoutPresence } from './playout-presence.js';
import { startPlayout, type PlayoutStateChange } from './playout.js';

let tb: Testbed;
const dir = mkdtempSync(join(tmpdir(), 'stagecast-auto-'));
const closers: (() => Promise<unknown>)[] = [];
const talk = join(dir, 'talk4.webm');
// 2 shared cores under load: the default 3 s heartbeat watchdog can kill a healthy engine.
const TOLERANT = { timings: { heartbeatTimeoutMs: 15_000 } };

beforeAll(async () => {
  makeTestTalk(talk, { seconds: 4, fps: 15 });
  tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
}, 180_000);
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(async () => {
  await tb?.close();
  if (process.env.STAGECAST_KEEP_TEST_FILES) console.log(`test files kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

/**
 * What was already seen, else the next matching event (check and subscribe in one tick: nothing slips through). On a
 * timeout the error says what the room looked like (`diag`), so a failure on a loaded machine is diagnosable.
 */
async function firstOf<T>(seen: () => T | undefined, next: () => Promise<T>, diag: () => unknown): Promise<T> {
  const now = seen();
  if (now !== undefined) return now;
  try {
    return await next();
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; room: ${JSON.stringify(diag())}`, {
      cause: err,
    });
  }
}

describe('broadcast layout auto (testbed, real media)', () => {
  it('takes the stage for a scheduled talk and gives it back for the Q&A, without an HLS discontinuity', async () => {
    const r = `auto-${randomBytes(3).toString('hex')}`;
    const url = tb.meetingUrl(r);
    const hlsDir = join(dir, r);
    const recording = join(dir, `${r}.mkv`);
    const timeline: string[] = [];
    const b = await startBroadcast({
      meeting: { meetingUrl: url },
      engine: TOLERANT,
      composite: {
        canvas: { width: 640, height: 360, fps: 15 },
        // Not a colour of the playout layers: the composite background reads as "other" in the recording.
        slate: { title: r, background: '#804000' },
        video: { bitrate: 800_000 },
        layout: { kind: 'auto' },
      },
      outputs: {
        hls: { directory: hlsDir, segmentSeconds: 1, eventPlaylist: true },
        record: { path: recording, format: 'mkv' },
      },
    });
    closers.push(() => b.close());
    const diag = () => ({
      auto: b.stats.auto,
      composite: b.stats.composite && { layout: b.stats.composite.layout, sources: b.stats.composite.sources },
      engineRestarts: b.stats.engineRestarts,
      occupants: b.participant.jitsi?.occupants.map((o) => ({
        id: o.nick,
        name: o.displayName,
        sources: o.sourceInfo,
        playout: readPlayoutPresence(o),
      })),
      playoutStates: timeline.filter((t) => t.startsWith('state:')),
    });
    // The first decision is taken while the broadcast starts: nobody here, so speaker (the composite shows its slate).
    expect(b.stats.layout).toBe('auto');
    expect(b.stats.auto).toMatchObject({ layout: { kind: 'speaker' }, reason: 'speaker' });
    const switches: AutoLayoutSwitch[] = [];
    const applied: BroadcastEvents['layoutApplied'][0][] = [];
    b.on('autoLayoutSwitched', (s) => {
      switches.push(s);
      timeline.push(`switch:${s.to.kind}`);
    });
    b.on('layoutApplied', (d) => applied.push(d));

    const alice = await startParticipant({
      meeting: { meetingUrl: url, displayName: 'Alice' },
      media: {
        send: { source: { kind: 'test', width: 320, height: 180, framerate: 15, pattern: 'smpte', frequency: 440 } },
      },
      engine: TOLERANT,
    });
    closers.push(() => alice.close());
    await firstOf(
      () => applied.find((d) => d.tiles.length >= 1),
      () => waitForEvent(b, 'layoutApplied', 90_000, (d) => d.tiles.length >= 1).then(([v]) => v),
      diag,
    );

    const startsAt = Date.now() + 10_000;
    const po = await startPlayout({
      meeting: { meetingUrl: url, displayName: 'Playout' },
      playout: {
        location: talk,
        startsAt,
        width: 640,
        height: 360,
        fps: 15,
        countdown: { title: 'Auto talk' },
        after: { kind: 'slate', text: 'Q&A' },
        muteVideoAfterEnd: true,
      },
      encoder: { videoBitrate: 600_000, keyframeInterval: 15 },
      engine: TOLERANT,
    });
    closers.push(() => po.close());
    const poEp = po.participant.endpointId!;
    const states: PlayoutStateChange[] = [];
    po.on('stateChanged', (s) => {
      states.push(s);
      timeline.push(`state:${s.state}`);
    });

    const stage = await firstOf(
      () => switches.find((s) => s.to.kind === 'single'),
      () => waitForEvent(b, 'autoLayoutSwitched', 60_000, (s) => s.to.kind === 'single').then(([v]) => v),
      diag,
    );
    await firstOf(
      () => states.find((s) => s.state === 'ended'),
      () => waitForEvent(po, 'stateChanged', 60_000, (s) => s.state === 'ended').then(([v]) => v),
      diag,
    );
    const qa = await firstOf(
      () => switches.find((s) => s.to.kind === 'speaker'),
      () => waitForEvent(b, 'autoLayoutSwitched', 30_000, (s) => s.to.kind === 'speaker').then(([v]) => v),
      diag,
    );
    // A few segments of the Q&A picture, then EOS (last segment, recording finalised), ENDLIST.
    const segs = b.stats.hls[0]!.segments;
    await waitForEvent(b, 'segmentPublished', 30_000, () => b.stats.hls[0]!.segments >= segs + 3);
    await b.close();

    console.log(
      `auto: stage taken ${stage.atMs - startsAt} ms relative to T (${stage.reason}), speaker back ${qa.atMs - (states.find((s) => s.state === 'ended')?.atMs ?? NaN)} ms after the playout ended (tail ${DEFAULT_AUTO_TAIL_MS} ms); ` +
        `timeline ${timeline.join(' → ')}`,
    );
    // Switch events: stage for the talk (pinned to the playout, which named its talk), then speaker for the Q&A.
    expect(switches.map((s) => s.to.kind)).toEqual(['single', 'speaker']);
    expect(stage.to).toEqual({ kind: 'single', pinned: poEp });
    expect(['talk-starting', 'talk-playing']).toContain(stage.reason);
    expect(stage.playout).toMatchObject({ endpointId: poEp, talk: 'Auto talk' });
    expect(qa).toMatchObject({ from: { kind: 'single', pinned: poEp }, reason: 'speaker' });
    expect(qa.message).toMatch(/"Auto talk" ended/);
    // Order against the playout's own states: stage before the talk ended, speaker only after it.
    expect(states.map((s) => s.state).filter((s) => s !== 'scheduled')).toEqual(['playing', 'ended']);
    expect(timeline.indexOf('switch:single')).toBeLessThan(timeline.indexOf('state:ended'));
    expect(timeline.indexOf('state:ended')).toBeLessThan(timeline.indexOf('switch:speaker'));
    // The composite applied it: the playout's camera as the only tile, full frame.
    const full = applied.find((d) => d.kind === 'single');
    expect(full?.tiles).toEqual([{ name: `${poEp}-v0`, x: 0, y: 0, width: 640, height: 360, zorder: 1 }]);
    // What the broadcast asked the bridge for meanwhile (JVB semantics, docs/jitsi-protocol.md §11): the pinned source
    // at the tile's layer, everyone else (Alice, off screen) at the 180p preview, so the switch back shows her at once.
    const bEp = b.participant.endpointId!;
    const records = tb.bridge.received.filter(
      (m) => m.endpointId === bEp && m.message['colibriClass'] === 'ReceiverVideoConstraints',
    );
    expect(records.filter((m) => m.rejected !== undefined)).toEqual([]); // shapes JVB accepts
    const asked = records.map((m) => m.message);
    expect(asked).toContainEqual(
      expect.objectContaining({
        defaultConstraints: { maxHeight: 180 },
        constraints: { [`${poEp}-v0`]: { maxHeight: 360 } },
        onStageSources: [`${poEp}-v0`],
      }),
    );
    expect(applied.at(-1)?.kind).toBe('speaker');

    // One encoder all along: no discontinuity in the playlists, no engine restart.
    expect(b.stats.engineRestarts).toBe(0);
    expect(b.stats.hls[0]!.discontinuities).toBe(0);
    const event = parsePlaylist(readFileSync(join(hlsDir, 'event.m3u8'), 'utf8'));
    expect(event.discontinuities).toBe(0);
    expect(event.ended).toBe(true);
    expect(readFileSync(join(hlsDir, 'event.m3u8'), 'utf8')).not.toMatch(/^#EXT-X-DISCONTINUITY$/m);
    expect(readFileSync(join(hlsDir, 'index.m3u8'), 'utf8')).not.toMatch(/^#EXT-X-DISCONTINUITY$/m);

    // The picture, read back from the recording: the playout's video (countdown, talk or slate background) reaches
    // the frame's left edge only when it is full frame; before and after, the left edge is the person's test pattern
    // or the composite background ("other"). On a loaded 2-core machine the composite's decoding can fall behind (a
    // source freezes, then shows black), so this asserts where the playout was shown, and logs how much of the talk
    // itself made it (bench-style figure, not asserted).
    const { layers } = await classifyFrames(recording);
    const main = mainSegments(layers);
    console.log(
      `auto: recorded layers ${main.map((s) => `${s.layer}×${s.last - s.first + 1}`).join(' → ')}; ` +
        `${layers.filter((l) => l === 'talk').length} talk frames of ${4 * 15}`,
    );
    const playoutLayer = (l: string) => l === 'countdown' || l === 'talk' || l === 'slate';
    const from = main.findIndex((s) => playoutLayer(s.layer));
    const to = main.findLastIndex((s) => playoutLayer(s.layer));
    expect(from).toBeGreaterThan(0); // the people first
    expect(main.slice(from, to + 1).every((s) => playoutLayer(s.layer) || s.layer === 'black')).toBe(true);
    expect(main.at(-1)?.layer).toBe('other'); // the people again
  }, 300_000);
});
