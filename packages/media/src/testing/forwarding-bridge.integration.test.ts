/**
 * The testbed bridge's media side on real GStreamer: one bridge engine (SFU, one pipeline) and participant engines
 * that each answer a jicofo-shaped offer, exactly as they would with JVB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdpTransform from 'sdp-transform';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { BridgeSource, LocalSourceRequest, SendSpec, SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge, type BridgeParticipant } from './bridge-participant.js';
import { createForwardingBridge, type ForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecast-bridge-'));
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let nextSsrc = 10_000;
function sources(ep: string, opts: { audio?: boolean; video?: boolean } = {}): LocalSourceRequest[] {
  const out: LocalSourceRequest[] = [];
  if (opts.audio !== false)
    out.push({ name: `${ep}-a0`, media: 'audio', ssrc: nextSsrc++, msid: `${ep}-audio-0-1 ${ep}a-1` });
  if (opts.video !== false) {
    out.push({
      name: `${ep}-v0`,
      media: 'video',
      ssrc: nextSsrc++,
      msid: `${ep}-video-0-1 ${ep}v-1`,
      videoType: 'camera',
    });
  }
  return out;
}

async function participant(tag: string, send?: SendSpec): Promise<EngineClient> {
  const e = await createEngine({
    media: {
      ...(send ? { send } : {}),
      receive: {
        mode: 'template',
        video: `matroskamux ! filesink location=${dir}/${tag}-from-{participant_id}-{source_name}.mkv`,
        audio: `audioconvert ! wavenc ! filesink location=${dir}/${tag}-from-{participant_id}-{source_name}.wav`,
      },
    },
  });
  closers.push(() => e.close());
  return e;
}
async function bridge(): Promise<ForwardingBridge> {
  const b = await createForwardingBridge();
  closers.push(() => b.close());
  return b;
}

const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);
const framesAt = async (e: EngineClient, ssrc: number, atLeast: number, timeoutMs = 60_000) =>
  inbound(
    (await waitForEvent(e, 'stats', (d) => (inbound(d.sources, ssrc)?.framesDecoded ?? 0) >= atLeast, timeoutMs))[0]
      .sources,
    ssrc,
  )!.framesDecoded!;
const ssrcOf = (p: BridgeParticipant, media: 'audio' | 'video') =>
  p.answer.localSources.find((s) => s.media === media)!.ssrc;

function probe(file: string): {
  streams: { codec_type: string; width?: number; height?: number; nb_read_frames?: string; duration?: string }[];
} {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  );
}

describe('ForwardingBridge (testbed SFU) with real participant engines', () => {
  it('forwards A and B to each other and to receive-only C; C leaves cleanly; a late D gets existing sources; B leaves → source-remove', async () => {
    const br = await bridge();
    const added: BridgeSource[] = [];
    const removed: BridgeSource[] = [];
    br.on('bridgeSourceAdded', (s) => added.push(s)).on('bridgeSourceRemoved', (s) => removed.push(s));

    const a = await participant('a', {
      source: { kind: 'test', width: 320, height: 240, pattern: 'smpte', frequency: 440 },
    });
    const b = await participant('b', {
      source: { kind: 'test', width: 256, height: 144, pattern: 'ball', frequency: 880 },
    });
    const c = await participant('c');

    const pa = await joinForwardingBridge({
      bridge: br,
      participant: a,
      endpointId: 'aaaa1111',
      localSources: sources('aaaa1111'),
    });
    // The offer is jicofo-shaped: BUNDLE audio video, PTs 111 / 100+96, extmaps 1 and 5, jvb sources, candidates.
    const offer = sdpTransform.parse(pa.offerSdp);
    expect(offer.groups).toEqual([{ type: 'BUNDLE', mids: 'audio video' }]);
    expect(offer.media.map((m) => [m.mid, m.rtp.map((r) => r.payload)])).toEqual([
      ['audio', [111]],
      ['video', [100, 96]],
    ]);
    expect(offer.media[0]!.ext?.map((e) => e.value).sort()).toEqual([1, 5]);
    expect(offer.media[1]!.ext?.map((e) => e.value)).toEqual([5]);
    expect(offer.media[1]!.ssrcs?.some((l) => l.attribute === 'cname' && l.value === 'jvb')).toBe(true);
    expect(offer.media[0]!.candidates?.length).toBeGreaterThan(0);
    expect(offer.media[0]!.setup).toBe('actpass');

    const pb = await joinForwardingBridge({
      bridge: br,
      participant: b,
      endpointId: 'bbbb2222',
      localSources: sources('bbbb2222'),
    });
    // B's offer already carries A's sources with A's msid and FID group.
    const bOffer = sdpTransform.parse(pb.offerSdp);
    const aVideo = ssrcOf(pa, 'video');
    expect(bOffer.media[1]!.ssrcs).toContainEqual({ id: aVideo, attribute: 'cname', value: 'aaaa1111' });
    const aRtx = pa.answer.localSources.find((s) => s.media === 'video')!.rtxSsrc!;
    expect(bOffer.media[1]!.ssrcGroups).toContainEqual({ semantics: 'FID', ssrcs: `${aVideo} ${aRtx}` });
    const pc = await joinForwardingBridge({ bridge: br, participant: c, endpointId: 'cccc3333', localSources: [] });

    // bridgeSourceAdded for every source of A and B (C is receive-only), with the Jitsi fields the focus needs.
    expect(added.map((s) => s.name).sort()).toEqual(['aaaa1111-a0', 'aaaa1111-v0', 'bbbb2222-a0', 'bbbb2222-v0']);
    expect(added.find((s) => s.name === 'aaaa1111-v0')).toMatchObject({
      owner: 'aaaa1111',
      media: 'video',
      ssrc: aVideo,
      rtxSsrc: aRtx,
      videoType: 'camera',
    });

    const bVideo = ssrcOf(pb, 'video');
    const aAudio = ssrcOf(pa, 'audio');
    const bAudio = ssrcOf(pb, 'audio');
    // A at B and C; B at A and C (video frames decoded, audio buffers decoded).
    await Promise.all([
      framesAt(b, aVideo, 30),
      framesAt(c, aVideo, 30),
      framesAt(a, bVideo, 30),
      framesAt(c, bVideo, 30),
      framesAt(b, aAudio, 20),
      framesAt(c, bAudio, 20),
      framesAt(a, bAudio, 20),
    ]);

    // C leaves: no source-remove (it had none), A and B keep decoding each other without a branch change.
    const branchChanges: string[] = [];
    for (const [n, e] of [
      ['a', a],
      ['b', b],
    ] as const) {
      e.on('remoteBranchRemoved', (d) => branchChanges.push(`${n}-${d.ssrc}`));
      e.on('remotePadAdded', (d) => branchChanges.push(`${n}+${d.ssrc}`));
    }
    const bAtA = await framesAt(a, bVideo, 1);
    const aAtB = await framesAt(b, aVideo, 1);
    await pc.leave();
    expect(removed).toEqual([]);
    await Promise.all([framesAt(a, bVideo, bAtA + 60), framesAt(b, aVideo, aAtB + 60)]);
    expect(branchChanges).toEqual([]);

    // A fourth participant joins late and gets the existing sources from its offer.
    const d = await participant('d');
    const pd = await joinForwardingBridge({ bridge: br, participant: d, endpointId: 'dddd4444', localSources: [] });
    expect(
      pd
        .remoteSources()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['aaaa1111-a0', 'aaaa1111-v0', 'bbbb2222-a0', 'bbbb2222-v0']);
    await Promise.all([framesAt(d, aVideo, 30), framesAt(d, bVideo, 30), framesAt(d, aAudio, 20)]);

    // B leaves: A and D get source-remove; their B branches end (EOS → recordings finalized); A→D keeps flowing.
    const goneAtA = waitForEvent(a, 'remoteBranchRemoved', (x) => x.ssrc === bVideo, 30_000);
    const goneAtD = waitForEvent(d, 'remoteBranchRemoved', (x) => x.ssrc === bVideo, 30_000);
    const aAtD = await framesAt(d, aVideo, 1);
    await pb.leave();
    expect(removed.map((s) => s.name).sort()).toEqual(['bbbb2222-a0', 'bbbb2222-v0']);
    await Promise.all([goneAtA, goneAtD]);
    await framesAt(d, aVideo, aAtD + 30);
    expect(await br.sources()).toHaveLength(2);

    await pa.leave();
    await pd.leave();
    await Promise.all([a.close(), b.close(), c.close(), d.close()]);

    // Recordings: resolution of each sender, plenty of frames, audio present.
    const aAtC = probe(join(dir, 'c-from-aaaa1111-aaaa1111-v0.mkv')).streams[0]!;
    expect(aAtC).toMatchObject({ codec_type: 'video', width: 320, height: 240 });
    expect(Number(aAtC.nb_read_frames)).toBeGreaterThanOrEqual(30);
    const bAtAFile = probe(join(dir, 'a-from-bbbb2222-bbbb2222-v0.mkv')).streams[0]!;
    expect(bAtAFile).toMatchObject({ codec_type: 'video', width: 256, height: 144 });
    expect(Number(bAtAFile.nb_read_frames)).toBeGreaterThanOrEqual(90);
    const aAudioAtB = probe(join(dir, 'b-from-aaaa1111-aaaa1111-a0.wav')).streams[0]!;
    expect(aAudioAtB.codec_type).toBe('audio');
    expect(Number(aAudioAtB.duration)).toBeGreaterThan(1);
  }, 300_000);

  it('rejects a conflicting SSRC and unknown endpoints with clear errors', async () => {
    const br = await bridge();
    await br.allocateEndpoint('x1', { gatherTimeoutMs: 0 });
    await expect(br.acceptAnswer('nobody', 'v=0', [])).rejects.toMatchObject({ reason: 'unknown-session' });
    await expect(br.allocateEndpoint('x1')).rejects.toMatchObject({ reason: 'session-exists' });
    const twice = { ssrc: 4242, media: 'audio' as const, name: 'x1-a0', msid: 'x1-audio-0-1 q-1' };
    await expect(br.acceptAnswer('x1', 'v=0', [twice, { ...twice, ssrc: 4243 }])).rejects.toMatchObject({
      reason: 'bad-request',
      message: expect.stringContaining('declares audio source x1-a0 twice'),
    });
    await expect(br.allocateEndpoint('bad id!')).rejects.toMatchObject({ reason: 'bad-request' });
    expect(await br.removeEndpoint('nobody')).toEqual([]);
    expect(await br.removeEndpoint('x1')).toEqual([]);
  }, 60_000);
});
