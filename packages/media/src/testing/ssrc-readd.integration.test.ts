/**
 * A remote SSRC that is removed (source-remove → re-offer without it) and later announced again (source-add → re-offer
 * with it) gets a new branch. webrtcbin keeps the pad of a removed SSRC and emits no second pad-added, so the engine
 * must hold that pad and attach a branch when the SSRC is signalled again. Real GStreamer, forwarding bridge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import { withRemoteSources } from '../engine/bridge-sdp.js';
import type { BridgeSource, RemoteSource, SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge } from './bridge-participant.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
const frames = (s: SourceStats[], ssrc: number) =>
  s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc)?.framesDecoded ?? 0;
const toRemote = (s: BridgeSource): RemoteSource => ({
  ssrc: s.ssrc,
  media: s.media,
  owner: s.owner,
  name: s.name,
  msid: s.msid,
  ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
  ...(s.videoType ? { videoType: s.videoType } : {}),
});

describe('remote SSRC removed and announced again', () => {
  it('builds a new branch for the re-announced SSRC (twice), other branches untouched', async () => {
    const br = await createForwardingBridge();
    closers.push(() => br.close());
    const a = await engine({ media: { send: { source: { kind: 'test', width: 320, height: 240, audio: true } } } });
    const r = await engine({ media: { receive: { mode: 'template', video: 'fakesink', audio: 'fakesink' } } });
    await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'sender01',
      localSources: [
        { name: 'sender01-a0', media: 'audio', ssrc: 8101, msid: 'sender01-audio-0-1 a-1' },
        { name: 'sender01-v0', media: 'video', ssrc: 8102, msid: 'sender01-video-0-1 v-1', videoType: 'camera' },
      ],
    });
    const pr = await joinForwardingBridge({ bridge: br, participant: r, endpointId: 'recv01', localSources: [] });
    const pads: number[] = [];
    const removed: { ssrc: number; reason: string }[] = [];
    r.on('remotePadAdded', (d) => pads.push(d.ssrc));
    r.on('remoteBranchRemoved', (d) => removed.push({ ssrc: d.ssrc, reason: d.reason }));
    await waitForEvent(r, 'stats', (d) => frames(d.sources, 8102) >= 10, 90_000);
    await pr.settled();
    const all = pr.remoteSources();
    expect(all.map((s) => s.ssrc).sort()).toEqual([8101, 8102]);

    let version = 100;
    const reoffer = (sources: BridgeSource[]) =>
      r.applyRemoteOffer({
        sid: pr.sid,
        sdp: withRemoteSources(pr.offerSdp, sources, version++),
        remoteSources: sources.map(toRemote),
      });
    for (let round = 1; round <= 2; round++) {
      const before = pads.filter((s) => s === 8102).length;
      // source-remove of the video
      const gone = waitForEvent(r, 'remoteBranchRemoved', (d) => d.ssrc === 8102, 30_000);
      await reoffer(all.filter((s) => s.ssrc !== 8102));
      expect((await gone)[0].reason).toBe('source-removed');
      // audio keeps flowing meanwhile
      await waitForEvent(
        r,
        'stats',
        (d) => !d.sources.some((x) => x.ssrc === 8102 && x.direction === 'inbound'),
        10_000,
      );
      // source-add of the same SSRC: a new branch, decoding again from zero
      const back = waitForEvent(r, 'remotePadAdded', (d) => d.ssrc === 8102, 30_000);
      await reoffer(all);
      expect((await back)[0]).toMatchObject({ ssrc: 8102, media: 'video', owner: 'sender01', sink: 'template' });
      await waitForEvent(r, 'stats', (d) => frames(d.sources, 8102) >= 10, 60_000);
      expect(pads.filter((s) => s === 8102).length).toBe(before + 1);
    }
    expect(removed.filter((x) => x.ssrc === 8101)).toEqual([]);
  }, 240_000);
});
