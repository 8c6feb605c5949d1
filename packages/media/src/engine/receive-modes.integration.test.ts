/**
 * Receive side on real GStreamer, against the bridge-like offerer of src/testing: freeze detection when a source
 * stops and resumes, and the shared receive mode (every source into request pads of one user pipeline).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { SourceStats } from '../protocol/messages.js';
import { connectBridgePeer } from '../testing/bridge-peer.js';
import { waitForEvent } from '../testing/wait-for.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
async function engine(opts: Parameters<typeof createEngine>[0] = {}): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);
const sources = [
  { name: 'alice-a0', media: 'audio' as const, ssrc: 1201, owner: 'alice' },
  { name: 'alice-v0', media: 'video' as const, ssrc: 2201, owner: 'alice' },
  { name: 'alice-v1', media: 'video' as const, ssrc: 2202, owner: 'alice' },
];

describe('receive modes', () => {
  it('freeze detection: a source that stops sending freezes, and un-freezes when it resumes', async () => {
    const bridge = await engine();
    const r = await engine({ media: { receive: { mode: 'template', video: 'fakesink sync=false' } } });
    await connectBridgePeer({
      bridge,
      participant: r,
      sid: 'freeze',
      sources: sources.slice(0, 2),
      participantSources: [],
      bridgeSend: { source: { kind: 'test', width: 160, height: 120 }, encoder: { keyframeInterval: 30 } },
    });
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 2201)?.framesDecoded ?? 0) > 30, 60_000);
    const started = waitForEvent(r, 'freezeStarted', (d) => d.ssrc === 2201, 30_000);
    await bridge.request('offerer.setSourceActive', { sid: 'freeze', name: 'alice-v0', active: false });
    expect((await started)[0]).toMatchObject({ sid: 'freeze', ssrc: 2201, name: 'alice-v0' });
    const [frozenStats] = await waitForEvent(r, 'stats', (d) => inbound(d.sources, 2201)?.frozen === true, 10_000);
    expect(inbound(frozenStats.sources, 2201)!.frozen).toBe(true);
    const ended = waitForEvent(r, 'freezeEnded', (d) => d.ssrc === 2201, 60_000);
    await bridge.request('offerer.setSourceActive', { sid: 'freeze', name: 'alice-v0', active: true });
    const [e] = await ended;
    expect(e.frozenMs).toBeGreaterThanOrEqual(2000);
  }, 180_000);

  it('shared mode: every source is linked to request pads of one user pipeline (compositor + audiomixer)', async () => {
    const bridge = await engine();
    const r = await engine({
      media: {
        receive: {
          mode: 'shared',
          description: 'compositor name=video ! fakesink sync=false  audiomixer name=audio ! fakesink sync=false',
        },
      },
    });
    const pads: string[] = [];
    r.on('remotePadAdded', (d) => pads.push(`${d.ssrc}:${d.sink}`));
    await connectBridgePeer({
      bridge,
      participant: r,
      sid: 'shared',
      sources,
      participantSources: [],
      bridgeSend: { source: { kind: 'test', width: 160, height: 120 } },
    });
    for (const ssrc of [2201, 2202])
      await waitForEvent(r, 'stats', (d) => (inbound(d.sources, ssrc)?.framesDecoded ?? 0) > 30, 60_000);
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 1201)?.framesDecoded ?? 0) > 30, 60_000);
    expect(pads.sort()).toEqual(['1201:shared', '2201:shared', '2202:shared']);
    const errors: string[] = [];
    r.on('busError', (d) => errors.push(d.message));
    await waitForEvent(r, 'stats', () => true, 5000);
    expect(errors).toEqual([]);
  }, 180_000);
});
