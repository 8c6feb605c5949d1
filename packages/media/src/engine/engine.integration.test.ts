/**
 * Real GStreamer: two engine processes, a bridge-like offerer (src/testing) and the participant (answerer).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import { EngineRequestError } from '../errors.js';
import type { SourceStats } from '../protocol/messages.js';
import { connectBridgePeer } from '../testing/bridge-peer.js';
import { waitForEvent } from '../testing/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecast-media-'));
const engines: EngineClient[] = [];
async function engine(opts: Parameters<typeof createEngine>[0] = {}): Promise<EngineClient> {
  const e = await createEngine(opts);
  engines.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const aliceSources = [
  { name: 'alice-a0', media: 'audio' as const, ssrc: 1001, owner: 'alice' },
  { name: 'alice-v0', media: 'video' as const, ssrc: 2001, owner: 'alice' },
  { name: 'alice-v1', media: 'video' as const, ssrc: 3001, owner: 'alice', active: false },
];
const bobSources = [
  { name: 'bob-a0', media: 'audio' as const, ssrc: 4001, msid: 'bob-audio-0-1 a-1' },
  { name: 'bob-v0', media: 'video' as const, ssrc: 5001, msid: 'bob-video-0-1 v-1', videoType: 'camera' as const },
];
const inbound = (sources: SourceStats[], ssrc: number) =>
  sources.find((s) => s.direction === 'inbound' && s.ssrc === ssrc);
const framesOf = async (e: EngineClient, ssrc: number, atLeast: number) =>
  (await waitForEvent(e, 'stats', (d) => (inbound(d.sources, ssrc)?.framesDecoded ?? 0) >= atLeast, 30_000))[0];

function probe(file: string): { streams: { codec_type: string; width?: number; height?: number }[] } {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }),
  );
}

describe('engine: bridge-like offerer ⇄ participant answerer', () => {
  beforeAll(() => {
    execFileSync('gst-inspect-1.0', ['webrtcbin']); // fail fast with a clear error if GStreamer is missing
  });

  it('test pattern + tone flow both ways; recordings decode; a re-offer adding an SSRC keeps media flowing', async () => {
    const bridge = await engine();
    const bob = await engine({
      media: {
        // user pipeline (raw) → exercises the caps-driven encoder linking
        send: {
          source: {
            kind: 'pipeline',
            description:
              'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! queue name=video ' +
              'audiotestsrc is-live=true ! queue name=audio',
          },
        },
        receive: {
          mode: 'template',
          video: `matroskamux ! filesink location=${dir}/{participant_id}-{source_name}-{media_type}.mkv`,
          audio: `audioconvert ! wavenc ! filesink location=${dir}/{participant_id}-{source_name}-{media_type}.wav`,
        },
      },
    });
    const pads: { ssrc: number; sink: string }[] = [];
    bob.on('remotePadAdded', (d) => pads.push({ ssrc: d.ssrc, sink: d.sink }));
    const connected = waitForEvent(
      bob,
      'connectionStateChanged',
      (d) => d.state === 'connected' || d.state === 'completed',
    );
    const peer = await connectBridgePeer({
      bridge,
      participant: bob,
      sid: 'sid-1',
      sources: aliceSources,
      participantSources: bobSources,
      bridgeSend: { source: { kind: 'test', width: 640, height: 360 } },
      bridgeReceive: { mode: 'template', video: 'fakesink sync=false', audio: 'fakesink sync=false' },
    });
    // answer: our SSRCs, RTX actually used (FID written by webrtcbin), TWCC + audio-level extmaps kept
    expect(peer.answer.localSources.map((s) => s.ssrc).sort()).toEqual([4001, 5001]);
    expect(peer.answer.localSources.find((s) => s.ssrc === 5001)?.rtxSsrc).toBeGreaterThan(0);
    expect(peer.answer.sdp).toMatch(
      /a=extmap:5 http:\/\/www\.ietf\.org\/id\/draft-holmer-rmcat-transport-wide-cc-extensions-01/,
    );
    expect(peer.answer.sdp).toContain('urn:ietf:params:rtp-hdrext:ssrc-audio-level');
    expect(peer.answer.sdp).toContain('a=setup:active');
    await connected;

    // alice → bob: video decoded and recorded, audio present
    await framesOf(bob, 2001, 30);
    await waitForEvent(bob, 'stats', (d) => (inbound(d.sources, 1001)?.framesDecoded ?? 0) > 20, 30_000);
    // bob → alice (the bridge): our encoder output arrives and decodes
    await framesOf(bridge, 5001, 30);

    // source-add mid-stream: alice-v1 signalled by a re-offer, then its media flows; alice-v0 keeps flowing
    const before = inbound((await waitForEvent(bob, 'stats'))[0].sources, 2001)!.framesDecoded!;
    const v1Pad = waitForEvent(bob, 'remotePadAdded', (d) => d.ssrc === 3001);
    await peer.addSource('alice-v1');
    expect((await v1Pad)[0]).toMatchObject({ owner: 'alice', name: 'alice-v1', media: 'video', sink: 'template' });
    await framesOf(bob, 3001, 15);
    await framesOf(bob, 2001, before + 30);
    expect(pads.filter((p) => p.ssrc === 2001)).toHaveLength(1); // no re-created branch for the existing source

    const kb = (await waitForEvent(bob, 'stats'))[0].sources.find((s) => s.ssrc === 2001)!;
    expect(kb.bitrate).toBeGreaterThan(0);
    expect(kb.frozen).toBe(false);

    await peer.close(); // EOS into every branch: recordings are finalized
    const video = probe(join(dir, 'alice-alice-v0-video.mkv'));
    expect(video.streams[0]).toMatchObject({ codec_type: 'video', width: 640, height: 360 });
    const screen = probe(join(dir, 'alice-alice-v1-video.mkv'));
    expect(screen.streams[0]).toMatchObject({ codec_type: 'video', width: 640, height: 360 });
    const audio = probe(join(dir, 'alice-alice-a0-audio.wav'));
    expect(audio.streams[0]?.codec_type).toBe('audio');
    expect(statSync(join(dir, 'alice-alice-a0-audio.wav')).size).toBeGreaterThan(48_000); // > 0.25 s of samples
  }, 120_000);

  it('bad pipelines come back as typed errors naming the problem', async () => {
    const e = await engine();
    const open = (send: unknown, receive?: unknown) =>
      e
        .request('session.open', {
          sid: `s-${Math.random()}`,
          localSources: [],
          send: send as never,
          ...(receive ? { receive: receive as never } : {}),
        })
        .catch((x: unknown) => x);
    const unknownEl = await open({
      source: { kind: 'pipeline', description: 'videotestsrc ! nosuchelement0 name=video' },
    });
    expect(unknownEl).toBeInstanceOf(EngineRequestError);
    expect(unknownEl).toMatchObject({
      reason: 'pipeline',
      details: { reason: 'unknown-element', element: 'nosuchelement0' },
    });
    const unnamed = await open({ source: { kind: 'pipeline', description: 'videotestsrc ! fakesink' } });
    expect(unnamed).toMatchObject({ reason: 'pipeline', details: { reason: 'missing-named-element' } });
    const badTemplate = await open(undefined, { mode: 'template', video: 'videoconvert ! nosuchsink' });
    expect(badTemplate).toMatchObject({ reason: 'pipeline', details: { element: 'nosuchsink' } });
    expect((badTemplate as Error).message).toContain('gst-inspect-1.0 nosuchsink');
    // the engine is still healthy afterwards
    expect((await e.request('engine.stats', {})).sessions).toEqual([]);
  }, 60_000);

  it('watchdog: a hung real engine (blocked JS thread) is killed and reported as died', async () => {
    const e = await engine();
    const died = waitForEvent(e, 'died', () => true, 20_000);
    void e.request('debug.block', { ms: 60_000 }, { timeoutMs: 60_000 }).catch(() => {});
    const [err] = await died;
    expect(err.reason).toBe('watchdog-heartbeat');
  }, 60_000);

  it('a native-style crash (abort) is reported as died with the signal', async () => {
    const e = await engine();
    const died = waitForEvent(e, 'died');
    void e.request('debug.crash', {}).catch(() => {});
    const [err] = await died;
    expect(err).toMatchObject({ reason: 'crashed', signal: 'SIGABRT' });
  }, 60_000);
});
