/**
 * Screen-share on real GStreamer: a participant sends a camera and a desktop source (`<ep>-v1`, videoType desktop,
 * on its own transceiver/m-line); the bridge announces it with videoType desktop; a receiver gets it as its own
 * branch (template placeholders resolve to the desktop source's name) next to the camera branch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdpTransform from 'sdp-transform';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { BridgeSource, EngineEventData, SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge } from './bridge-participant.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecast-desktop-'));
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
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);
const size = (file: string) =>
  (
    JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }),
    ) as {
      streams: { width: number; height: number }[];
    }
  ).streams[0];

describe('screen-share', () => {
  it('a desktop source is sent on its own m-line, announced as desktop and received as its own branch', async () => {
    const br = await createForwardingBridge();
    closers.push(() => br.close());
    const added: BridgeSource[] = [];
    br.on('bridgeSourceAdded', (s) => added.push(s));
    const a = await engine({
      media: {
        send: {
          source: { kind: 'test', width: 320, height: 240, audio: false },
          desktop: { kind: 'test', width: 480, height: 270, pattern: 'ball', audio: false },
        },
      },
    });
    const r = await engine({
      media: {
        receive: {
          mode: 'template',
          video: `matroskamux ! filesink location=${dir}/{participant_id}-{source_name}.mkv`,
        },
      },
    });
    const pads: EngineEventData<'remotePadAdded'>[] = [];
    r.on('remotePadAdded', (d) => pads.push(d));
    const pa = await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'sharer01',
      localSources: [
        { name: 'sharer01-v0', media: 'video', ssrc: 6001, msid: 'sharer01-video-0-1 c-1', videoType: 'camera' },
        { name: 'sharer01-v1', media: 'video', ssrc: 6002, msid: 'sharer01-video-1-1 d-1', videoType: 'desktop' },
      ],
    });
    // Our answer: the desktop source on a second, send-only video m-line with its own RTX (FID).
    const answer = sdpTransform.parse(pa.answer.sdp);
    const desk = answer.media.find((m) => m.mid === 'video-desktop')!;
    expect(desk.direction).toBe('sendonly');
    expect(desk.ssrcs?.some((l) => l.id === 6002)).toBe(true);
    expect(pa.answer.localSources.find((s) => s.ssrc === 6002)).toMatchObject({
      videoType: 'desktop',
      name: 'sharer01-v1',
    });
    expect(added.find((s) => s.ssrc === 6002)).toMatchObject({
      owner: 'sharer01',
      name: 'sharer01-v1',
      videoType: 'desktop',
    });

    await joinForwardingBridge({ bridge: br, participant: r, endpointId: 'viewer01', localSources: [] });
    await Promise.all(
      [6001, 6002].map((ssrc) =>
        waitForEvent(r, 'stats', (d) => (inbound(d.sources, ssrc)?.framesDecoded ?? 0) >= 45, 90_000),
      ),
    );
    expect(
      pads
        .filter((p) => p.media === 'video')
        .map((p) => [p.ssrc, p.name, p.sink])
        .sort(),
    ).toEqual([
      [6001, 'sharer01-v0', 'template'],
      [6002, 'sharer01-v1', 'template'],
    ]);
    await r.close();
    expect(size(join(dir, 'sharer01-sharer01-v0.mkv'))).toMatchObject({ width: 320, height: 240 });
    expect(size(join(dir, 'sharer01-sharer01-v1.mkv'))).toMatchObject({ width: 480, height: 270 });
  }, 240_000);
});
