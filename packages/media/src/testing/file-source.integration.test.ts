/**
 * File sources on real GStreamer: a 2-second MP4 (H.264 + AAC) is looped seamlessly (concat of pre-rolled
 * play-throughs) and paced at real time (pad offset + clocksync), sent through the testbed bridge, decoded at a
 * receiver. Speed is only bounded from above (frames can't arrive faster than real time), never from below.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge } from './bridge-participant.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecast-file-'));
const file = join(dir, 'two-seconds.mp4');
const closers: (() => Promise<unknown>)[] = [];
beforeAll(() => {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=30:duration=2',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=2',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '30',
    '-c:a',
    'aac',
    '-shortest',
    file,
  ]);
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);

describe('file source', () => {
  it('loops a 2 s file seamlessly at real-time pace', async () => {
    const br = await createForwardingBridge();
    closers.push(() => br.close());
    const a = await engine({ media: { send: { source: { kind: 'file', location: file, loop: true } } } });
    const errors: string[] = [];
    a.on('busError', (d) => errors.push(`${d.element}: ${d.message}`));
    const r = await engine({
      media: { receive: { mode: 'template', video: 'fakesink sync=false', audio: 'fakesink sync=false' } },
    });
    await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'filesend',
      localSources: [
        { name: 'filesend-a0', media: 'audio', ssrc: 8001, msid: 'filesend-audio-0-1 f-1' },
        { name: 'filesend-v0', media: 'video', ssrc: 8002, msid: 'filesend-video-0-1 f-1', videoType: 'camera' },
      ],
    });
    await joinForwardingBridge({ bridge: br, participant: r, endpointId: 'filerecv', localSources: [] });

    const [firstStats] = await waitForEvent(
      r,
      'stats',
      (d) => (inbound(d.sources, 8002)?.framesDecoded ?? 0) > 0,
      60_000,
    );
    const t0 = firstStats.at;
    const f0 = inbound(firstStats.sources, 8002)!.framesDecoded!;
    // 150 frames = 2.5 play-throughs of the 60-frame file: only possible if it loops.
    const [later] = await waitForEvent(
      r,
      'stats',
      (d) => (inbound(d.sources, 8002)?.framesDecoded ?? 0) >= f0 + 150,
      90_000,
    );
    const seconds = (later.at - t0) / 1000;
    console.log(`150 looped frames in ${seconds.toFixed(1)} s (real time: 5.0 s)`);
    // Paced: 150 frames at 30 fps take 5 s; an unpaced file would deliver them in well under a second.
    expect(seconds).toBeGreaterThan(3.5);
    // Audio loops too, and no stalls: still flowing after the loops.
    const audio = inbound(later.sources, 8001)!.framesDecoded!;
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 8001)?.framesDecoded ?? 0) > audio + 50, 30_000);
    expect(errors).toEqual([]);
  }, 240_000);
});
