/**
 * Keyframe requests end to end on real GStreamer: a receiver that joins mid-stream asks for a keyframe (the new
 * branch sends an upstream force-key-unit → PLI), the bridge forwards it upstream (GstForceKeyUnit through its
 * forwarding chain → PLI to the sender), the sender's vp8enc answers with a keyframe. The sender's periodic keyframe
 * interval is 5 minutes, so a keyframe in the late receiver's recording can only come from that path.
 *
 * rtpsession source stats in GStreamer 1.22 (read at run time): `recv-pli-count`, `recv-fir-count`, `sent-pli-count`,
 * `sent-fir-count`, counted on the source that SENT the PLI/FIR (see engine/gi.ts sessionSourceStats).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { EngineEventData } from '../protocol/messages.js';
import { joinForwardingBridge } from './bridge-participant.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecast-kf-'));
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
function keyframes(file: string): number {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file],
    {
      encoding: 'utf8',
    },
  );
  return out.split('\n').filter((l) => l.includes('K')).length;
}

describe('keyframe requests', () => {
  it('a late receiver gets a keyframe on request long before the next periodic keyframe', async () => {
    const br = await createForwardingBridge();
    closers.push(() => br.close());
    const bridgeRequests: EngineEventData<'bridgeKeyframeRequested'>[] = [];
    br.on('bridgeKeyframeRequested', (d) => bridgeRequests.push(d));
    const a = await engine({
      media: {
        send: { source: { kind: 'test', width: 320, height: 240, audio: false }, encoder: { keyframeInterval: 9000 } },
      },
    });
    const requestsAtA: EngineEventData<'keyframeRequested'>[] = [];
    a.on('keyframeRequested', (d) => requestsAtA.push(d));
    await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'sender01',
      localSources: [
        { name: 'sender01-v0', media: 'video', ssrc: 31337, msid: 'sender01-video-0-1 s-1', videoType: 'camera' },
      ],
    });
    // Let A's first (only periodic) keyframe pass with nobody listening.
    await waitForEvent(a, 'stats', (d) => (d.sources.find((s) => s.ssrc === 31337)?.packets ?? 0) > 150, 60_000);

    // The late receiver records the still-encoded stream (decode: false), so the file shows what the sender sent.
    const file = join(dir, 'late.mkv');
    const late = await engine({
      media: { receive: { mode: 'template', decode: false, video: `matroskamux ! filesink location=${file}` } },
    });
    const pad = waitForEvent(late, 'remotePadAdded', (d) => d.ssrc === 31337, 60_000);
    const first = waitForEvent(late, 'firstFrameDecoded', (d) => d.ssrc === 31337, 60_000);
    const pl = await joinForwardingBridge({ bridge: br, participant: late, endpointId: 'late0001', localSources: [] });
    await pad;
    const [ff] = await first;
    console.log(
      `late receiver: first frame ${ff.msSincePad} ms after its pad appeared (periodic keyframe interval 300 s)`,
    );

    // The bridge forwarded the request to the sender (its sent-pli/fir-count for the source) …
    if (!bridgeRequests.length) await waitForEvent(br.engine, 'bridgeKeyframeRequested', () => true, 20_000);
    expect(bridgeRequests[0]).toMatchObject({ owner: 'sender01', ssrc: 31337 });
    expect(bridgeRequests[0]!.requests).toBeGreaterThan(0);
    console.log(
      `sender saw ${JSON.stringify(requestsAtA.at(-1) ?? 'no PLI counted (FIRs are not counted by rtpsession 1.22)')}`,
    );
    // … and the encoder answered: the late recording holds a keyframe although the periodic one is minutes away.
    await waitForEvent(
      late,
      'stats',
      (d) => (d.sources.find((s) => s.ssrc === 31337)?.framesDecoded ?? 0) > 30,
      60_000,
    );
    await pl.leave();
    expect(keyframes(file)).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
