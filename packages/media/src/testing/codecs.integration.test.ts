/**
 * H.264 (PT 107 + RTX 99, profile-level-id 42e01f, packetization-mode 1) and pre-encoded passthrough, on real
 * GStreamer through the testbed bridge: the sender encodes raw video with x264enc (zerolatency, constrained
 * baseline) or payloads already-encoded H.264/VP8 without transcoding; the receiver decodes and records.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdpTransform from 'sdp-transform';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import type { Logger } from '../events.js';
import type { SendSpec, SourceStats } from '../protocol/messages.js';
import { joinForwardingBridge, type BridgeParticipant } from './bridge-participant.js';
import { createForwardingBridge, type ForwardingBridge } from './forwarding-bridge.js';
import { waitForEvent } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'stagecast-codecs-'));
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Collects the engine's stdout lines (it reports `send video … passthrough|encode`). */
function stdoutLogger(lines: string[]): Logger {
  const l: Logger = {
    debug() {},
    info(obj, msg) {
      if (typeof obj === 'object' && obj !== null && (obj as { engine?: string }).engine === 'stdout' && msg)
        lines.push(msg);
    },
    warn() {},
    error() {},
    child: () => l,
  };
  return l;
}
async function engine(opts: Parameters<typeof createEngine>[0]): Promise<EngineClient> {
  const e = await createEngine(opts);
  closers.push(() => e.close());
  return e;
}
async function bridge(): Promise<ForwardingBridge> {
  const b = await createForwardingBridge();
  closers.push(() => b.close());
  return b;
}
const inbound = (s: SourceStats[], ssrc: number) => s.find((x) => x.direction === 'inbound' && x.ssrc === ssrc);
const framesAt = (e: EngineClient, ssrc: number, n: number) =>
  waitForEvent(e, 'stats', (d) => (inbound(d.sources, ssrc)?.framesDecoded ?? 0) >= n, 90_000);
function probe(file: string): { codec_type: string; width?: number; height?: number; nb_read_frames?: string } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_streams', '-of', 'json', file],
    {
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out) as { streams: { codec_type: string }[] }).streams[0]!;
}
const video = (ep: string, ssrc: number) => ({
  name: `${ep}-v0`,
  media: 'video' as const,
  ssrc,
  msid: `${ep}-video-0-1 ${ep}-1`,
  videoType: 'camera' as const,
});
const recorder = (tag: string) => ({
  receive: {
    mode: 'template' as const,
    video: `matroskamux ! filesink location=${dir}/${tag}-{participant_id}.mkv`,
  },
});

async function enter(
  br: ForwardingBridge,
  e: EngineClient,
  ep: string,
  ssrc: number | null,
  h264: boolean,
): Promise<BridgeParticipant> {
  return joinForwardingBridge({
    bridge: br,
    participant: e,
    endpointId: ep,
    localSources: ssrc ? [video(ep, ssrc)] : [],
    allocate: { h264 },
  });
}

describe('codecs', () => {
  it('H.264: raw test pattern encoded with x264enc, and pre-encoded H.264 passed through, decode at the receiver', async () => {
    const br = await bridge();
    const logA: string[] = [];
    const logB: string[] = [];
    const h264 = (source: SendSpec['source']): SendSpec => ({ source, videoCodec: 'h264' });
    const a = await engine({
      logger: stdoutLogger(logA),
      media: { send: h264({ kind: 'test', width: 320, height: 240, audio: false }) },
    });
    const b = await engine({
      logger: stdoutLogger(logB),
      media: {
        send: h264({
          kind: 'pipeline',
          description:
            'videotestsrc is-live=true pattern=ball ! video/x-raw,width=256,height=144,framerate=30/1 ! ' +
            'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=constrained-baseline ! ' +
            'h264parse ! queue name=video',
        }),
      },
    });
    const r = await engine({
      media: {
        ...recorder('h264'),
        send: { source: { kind: 'test', video: false, audio: false }, videoCodec: 'h264' },
      },
    });

    const pa = await enter(br, a, 'h264aaaa', 7001, true);
    const offer = sdpTransform.parse(pa.offerSdp).media[1]!;
    expect(String(offer.payloads)).toBe('100 107 96 99');
    expect(offer.fmtp).toContainEqual({
      payload: 107,
      config: 'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
    });
    expect(offer.fmtp).toContainEqual({ payload: 99, config: 'apt=107' });
    // The participant picked H264 + its RTX from the offer.
    const answered = sdpTransform.parse(pa.answer.sdp).media[1]!;
    expect(answered.rtp.map((x) => x.payload)).toEqual([107, 99]);
    await enter(br, b, 'h264bbbb', 7002, true);
    await enter(br, r, 'h264rrrr', null, true);

    await Promise.all([framesAt(r, 7001, 60), framesAt(r, 7002, 60)]);
    expect(logA.some((l) => /send video ssrc=7001 input=raw encode/.test(l))).toBe(true);
    expect(logB.some((l) => /send video ssrc=7002 input=h264 passthrough/.test(l))).toBe(true);
    await r.close();
    expect(probe(join(dir, 'h264-h264aaaa.mkv'))).toMatchObject({ codec_type: 'video', width: 320, height: 240 });
    expect(probe(join(dir, 'h264-h264bbbb.mkv'))).toMatchObject({ codec_type: 'video', width: 256, height: 144 });
  }, 240_000);

  it('VP8: pre-encoded VP8 is payloaded without transcoding and decodes at the receiver', async () => {
    const br = await bridge();
    const log: string[] = [];
    const a = await engine({
      logger: stdoutLogger(log),
      media: {
        send: {
          source: {
            kind: 'pipeline',
            description:
              'videotestsrc is-live=true ! video/x-raw,width=240,height=160,framerate=30/1 ! ' +
              'vp8enc deadline=1 cpu-used=8 keyframe-max-dist=30 ! queue name=video',
          },
        },
      },
    });
    const r = await engine({ media: recorder('vp8') });
    await enter(br, a, 'vp8aaaaa', 7101, false);
    await enter(br, r, 'vp8rrrrr', null, false);
    await framesAt(r, 7101, 60);
    expect(log.some((l) => /send video ssrc=7101 input=vp8 passthrough/.test(l))).toBe(true);
    await r.close();
    expect(probe(join(dir, 'vp8-vp8aaaaa.mkv'))).toMatchObject({ codec_type: 'video', width: 240, height: 160 });
  }, 180_000);
});
