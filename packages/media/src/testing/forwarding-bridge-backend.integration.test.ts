/**
 * ForwardingBridgeBackend driven the way the testbed focus drives a BridgeMediaBackend (allocate → offer →
 * session-accept transport + sources → transport-info candidates → release), with real participant engines.
 */
import * as sdpTransform from 'sdp-transform';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { LocalSourceRequest, RemoteSource, SourceStats } from '../protocol/messages.js';
import { ForwardingBridgeBackend, type BackendCandidate, type BackendSource } from './forwarding-bridge-backend.js';
import { createForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);

function toBackendCandidate(line: string): BackendCandidate {
  const c = sdpTransform.parse(`v=0\r\nm=audio 9 RTP/AVP 0\r\na=${line.replace(/^a=/, '')}\r\n`).media[0]!
    .candidates![0]!;
  return {
    component: c.component,
    foundation: String(c.foundation),
    generation: 0,
    ip: c.ip,
    port: c.port,
    priority: c.priority,
    protocol: c.transport.toLowerCase(),
    type: c.type as BackendCandidate['type'],
  };
}

/** What the focus does for one participant, with the bridge's offer standing in for the focus-built one. */
async function focusJoin(
  backend: ForwardingBridgeBackend,
  conf: string,
  ep: string,
  e: EngineClient,
  local: LocalSourceRequest[],
  remote: RemoteSource[],
) {
  const sid = `sid-${ep}`;
  const transport = await backend.allocateEndpoint({ conferenceId: conf, endpointId: ep });
  expect(transport.ufrag.length).toBeGreaterThanOrEqual(4);
  expect(transport.candidates.length).toBeGreaterThan(0);
  const trickled: BackendCandidate[] = [];
  let accepted = false;
  e.on('localCandidate', (d) => {
    if (d.sid !== sid) return;
    const c = toBackendCandidate(d.candidate);
    if (accepted) void backend.addRemoteCandidates({ conferenceId: conf, endpointId: ep, candidates: [c] });
    else trickled.push(c);
  });
  await e.openSession({ sid, localSources: local, iceServers: [] });
  // The focus would put transport.candidates into its offer; the bridge's own offer already carries them.
  const answer = await e.applyRemoteOffer({ sid, sdp: backend.offerSdp(conf, ep)!, remoteSources: remote });
  const a = sdpTransform.parse(answer.sdp);
  const m = a.media[0]!;
  await backend.setRemoteTransport({
    conferenceId: conf,
    endpointId: ep,
    transport: {
      ufrag: m.iceUfrag!,
      pwd: m.icePwd!,
      fingerprints: [{ hash: m.fingerprint!.type, value: m.fingerprint!.hash, setup: 'active' }],
      candidates: [],
    },
  });
  const sources: BackendSource[] = answer.localSources.map((s) => ({
    ssrc: s.ssrc,
    media: s.media,
    owner: ep,
    name: s.name,
    msid: s.msid,
    ...(s.rtxSsrc ? { rtxSsrc: s.rtxSsrc } : {}),
    ...(s.videoType ? { videoType: s.videoType } : {}),
  }));
  await backend.setEndpointSources({ conferenceId: conf, endpointId: ep, sources });
  accepted = true;
  await backend.addRemoteCandidates({ conferenceId: conf, endpointId: ep, candidates: trickled.splice(0) });
  return sources;
}

describe('ForwardingBridgeBackend (the testbed focus media backend)', () => {
  it('forwards within a conference, not across conferences, and releases endpoints', async () => {
    const backend = new ForwardingBridgeBackend(await createForwardingBridge());
    closers.push(() => backend.close());
    const a = await createEngine({ media: { send: { source: { kind: 'test', width: 160, height: 120 } } } });
    const r = await createEngine({
      media: { receive: { mode: 'template', video: 'fakesink sync=false', audio: 'fakesink sync=false' } },
    });
    const other = await createEngine({ media: { receive: { mode: 'template', video: 'fakesink sync=false' } } });
    closers.push(
      () => a.close(),
      () => r.close(),
      () => other.close(),
    );
    const aSources = await focusJoin(
      backend,
      'room1@conference.x',
      'aaaa0001',
      a,
      [
        { name: 'aaaa0001-a0', media: 'audio', ssrc: 3101, msid: 'aaaa0001-audio-0-1 x-1' },
        { name: 'aaaa0001-v0', media: 'video', ssrc: 3102, msid: 'aaaa0001-video-0-1 x-1', videoType: 'camera' },
      ],
      [],
    );
    const remote: RemoteSource[] = aSources.map((s) => ({ ...s }));
    await focusJoin(backend, 'room1@conference.x', 'rrrr0001', r, [], remote);
    await focusJoin(backend, 'room2@conference.x', 'oooo0001', other, [], []);
    // The bridge's offer for room2 carries nobody from room1.
    expect(backend.offerSdp('room2@conference.x', 'oooo0001')).not.toContain('a=ssrc:3102 ');
    expect(backend.offerSdp('room1@conference.x', 'rrrr0001')).toContain('a=ssrc:3102 ');
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 3102)?.framesDecoded ?? 0) >= 30, 90_000);
    await waitForEvent(r, 'stats', (d) => (inbound(d.sources, 3101)?.framesDecoded ?? 0) >= 20, 30_000);
    const removed = waitForEvent(backend.bridge.engine, 'bridgeSourceRemoved', (s) => s.ssrc === 3102, 30_000);
    await backend.releaseEndpoint({ conferenceId: 'room1@conference.x', endpointId: 'aaaa0001' });
    expect((await removed)[0]).toMatchObject({ name: 'aaaa0001-v0' });
    expect((await backend.bridge.sources()).map((s) => s.ssrc)).toEqual([]);
  }, 240_000);
});
