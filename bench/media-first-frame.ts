/**
 * connect → first decoded remote frame (median of 10) and publishing CPU/RSS: encode (raw 720p30 test pattern → VP8)
 * versus passthrough (pre-encoded 720p30 VP8 file). Prints numbers; asserts nothing.
 * Run: npx tsx --conditions=@stagecast/source bench/media-first-frame.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type EngineClient, type SendSpec } from '@stagecast/media';
import { connectBridgePeer, waitForEvent } from '@stagecast/media/testing';

const alice = [
  { name: 'alice-a0', media: 'audio' as const, ssrc: 1001, owner: 'alice' },
  { name: 'alice-v0', media: 'video' as const, ssrc: 2001, owner: 'alice' },
];
const bob = [
  { name: 'bob-a0', media: 'audio' as const, ssrc: 4001, msid: 'bob-audio-0-1 a-1' },
  { name: 'bob-v0', media: 'video' as const, ssrc: 5001, msid: 'bob-video-0-1 v-1', videoType: 'camera' as const },
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime in clock ticks (100/s)
};

async function firstFrame(): Promise<void> {
  const bridge = await createEngine();
  const part = await createEngine({ media: { receive: { mode: 'template', video: 'fakesink sync=false' } } });
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const sid = `ff-${i}`;
    const t0 = Date.now();
    const first = waitForEvent(part, 'firstFrameDecoded', (d) => d.sid === sid && d.ssrc === 2001, 30_000);
    const peer = await connectBridgePeer({
      bridge,
      participant: part,
      sid,
      sources: alice,
      participantSources: [],
      bridgeSend: { source: { kind: 'test', width: 1280, height: 720 } },
    });
    await first;
    times.push(Date.now() - t0);
    await peer.close();
  }
  console.log(`first decoded remote frame after connect (ms): ${times.join(', ')}; median ${median(times)} ms`);
  await Promise.all([bridge.close(), part.close()]);
}

async function publishCost(label: string, send: SendSpec): Promise<void> {
  const bridge = await createEngine();
  const pub: EngineClient = await createEngine({ media: { send } });
  const peer = await connectBridgePeer({ bridge, participant: pub, sid: 'pub', sources: alice, participantSources: bob });
  await waitForEvent(bridge, 'remotePadAdded', (d) => d.ssrc === 5001, 30_000);
  await new Promise((r) => setTimeout(r, 3000)); // warm-up
  const t0 = Date.now();
  const c0 = ticks(pub.pid!);
  const rss: number[] = [];
  const onHb = (d: { rssBytes: number }) => rss.push(d.rssBytes / 1048576);
  pub.on('heartbeat', onHb);
  await new Promise((r) => setTimeout(r, 10_000));
  const cpu = ((ticks(pub.pid!) - c0) / 100 / ((Date.now() - t0) / 1000)) * 100;
  const st = (await waitForEvent(pub, 'stats'))[0].sources.find((s) => s.ssrc === 5001);
  console.log(
    `${label}: publisher engine CPU ${cpu.toFixed(1)} % of one core, RSS ${median(rss).toFixed(0)} MB (max ${Math.max(...rss).toFixed(0)}), ` +
      `video out ${((st?.bitrate ?? 0) / 1e6).toFixed(2)} Mbit/s`,
  );
  await peer.close();
  await Promise.all([bridge.close(), pub.close()]);
}

const dir = mkdtempSync(join(tmpdir(), 'stagecast-bench-'));
try {
  await firstFrame();
  const file = join(dir, 'talk-720p30-vp8.webm');
  execFileSync('gst-launch-1.0', ['-q', ...`videotestsrc num-buffers=900 pattern=smpte ! video/x-raw,width=1280,height=720,framerate=30/1 ! vp8enc deadline=1 cpu-used=8 target-bitrate=2500000 keyframe-max-dist=60 ! webmmux ! filesink location=${file}`.split(' ')]);
  await publishCost('encode (raw 1280x720@30 test pattern → vp8enc)', {
    source: { kind: 'pipeline', description: 'videotestsrc is-live=true pattern=smpte ! video/x-raw,width=1280,height=720,framerate=30/1 ! queue name=video' },
    encoder: { videoBitrate: 2_500_000 },
  });
  await publishCost('passthrough (pre-encoded 1280x720@30 VP8 webm)', {
    source: { kind: 'pipeline', description: `filesrc location=${file} ! matroskademux ! clocksync ! queue name=video` },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
