/**
 * How many remote participants one receiving engine records in passthrough (still-encoded VP8 → matroskamux →
 * file, no decode) before frames drop, on this machine. A bridge-like offerer engine sends N copies of a
 * pre-encoded 720p30 VP8 file (passthrough too: demux → pay, no encoder), each as its own SSRC on the one video
 * m-line, like JVB forwarding N cameras. Per step: frames recorded per source over a 10 s window, RTP loss, and the
 * receiving engine's CPU and RSS. Prints numbers; asserts nothing.
 * Run: npx tsx --conditions=@stagecast/source bench/media-capacity.ts [maxParticipants]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type EngineClient, type SourceStats } from '@stagecast/media';
import { connectBridgePeer, waitForEvent } from '@stagecast/media/testing';

const FPS = 30;
const WINDOW_S = 10;
const maxN = Number(process.argv[2] ?? 32);
const steps = [1, 2, 4, 6, 8, 12, 16, 20, 24, 32].filter((n) => n <= maxN);
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, 100 Hz
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'stagecast-capacity-'));
const file = join(dir, 'camera-720p30-vp8.webm');
console.log('encoding a 25 s 1280x720@30 VP8 file (1.5 Mbit/s)…');
execFileSync('gst-launch-1.0', [
  '-q',
  ...`videotestsrc num-buffers=${25 * FPS} pattern=smpte ! video/x-raw,width=1280,height=720,framerate=${FPS}/1 ! vp8enc deadline=1 cpu-used=8 target-bitrate=1500000 keyframe-max-dist=60 ! webmmux ! filesink location=${file}`.split(
    ' ',
  ),
]);

const sender = await createEngine();
const receiver: EngineClient = await createEngine({
  timings: { heartbeatTimeoutMs: 15_000, requestTimeoutMs: 60_000 },
  media: {
    receive: {
      mode: 'template',
      decode: false,
      video: `matroskamux ! filesink location=${dir}/rec-{participant_id}.mkv`,
    },
  },
});
const results: {
  n: number;
  minFps: number;
  avgFps: number;
  lossPct: number;
  cpu: number;
  senderCpu: number;
  rssMb: number;
}[] = [];
try {
  for (const n of steps) {
    const sid = `cap-${n}`;
    const sources = Array.from({ length: n }, (_, i) => ({
      name: `p${i}-v0`,
      media: 'video' as const,
      ssrc: 100_000 + n * 100 + i,
      owner: `p${i}`,
    }));
    const pads = new Set<number>();
    const onPad = (d: { sid: string; ssrc: number }) => d.sid === sid && pads.add(d.ssrc);
    receiver.on('remotePadAdded', onPad);
    const peer = await connectBridgePeer({
      bridge: sender,
      participant: receiver,
      sid,
      sources,
      participantSources: [],
      bridgeSend: {
        source: {
          kind: 'pipeline',
          description: `filesrc location=${file} ! matroskademux ! queue ! clocksync sync-to-first=true ! queue name=video`,
        },
      },
    });
    const deadline = Date.now() + 60_000;
    while (pads.size < n && Date.now() < deadline) await sleep(200);
    await sleep(3000); // warm-up
    const first = (await waitForEvent(receiver, 'stats', (d) => d.sid === sid, 10_000))[0];
    const c0 = ticks(receiver.pid!);
    const s0 = ticks(sender.pid!);
    const t0 = Date.now();
    await sleep(WINDOW_S * 1000);
    const last = (await waitForEvent(receiver, 'stats', (d) => d.sid === sid, 10_000))[0];
    const secs = (last.at - first.at) / 1000;
    const wall = (Date.now() - t0) / 1000;
    const cpu = ((ticks(receiver.pid!) - c0) / 100 / wall) * 100;
    const senderCpu = ((ticks(sender.pid!) - s0) / 100 / wall) * 100;
    const byS = (st: SourceStats[], ssrc: number) => st.find((x) => x.ssrc === ssrc && x.direction === 'inbound');
    const fps = sources.map(
      (s) =>
        ((byS(last.sources, s.ssrc)?.framesDecoded ?? 0) - (byS(first.sources, s.ssrc)?.framesDecoded ?? 0)) / secs,
    );
    const lost = sources.reduce(
      (a, s) => a + (byS(last.sources, s.ssrc)?.packetsLost ?? 0) - (byS(first.sources, s.ssrc)?.packetsLost ?? 0),
      0,
    );
    const pkts = sources.reduce(
      (a, s) => a + (byS(last.sources, s.ssrc)?.packets ?? 0) - (byS(first.sources, s.ssrc)?.packets ?? 0),
      0,
    );
    const r = {
      n,
      minFps: Math.min(...fps),
      avgFps: fps.reduce((a, b) => a + b, 0) / n,
      lossPct: pkts > 0 ? (100 * lost) / (pkts + lost) : 100,
      cpu,
      senderCpu,
      rssMb: (receiver.lastHeartbeat?.rssBytes ?? 0) / 1048576,
    };
    results.push(r);
    console.log(
      `${String(n).padStart(2)} participants: frames/s per source min ${r.minFps.toFixed(1)} avg ${r.avgFps.toFixed(1)} (of ${FPS}), ` +
        `RTP loss ${r.lossPct.toFixed(2)} %, receiver CPU ${r.cpu.toFixed(0)} % of one core (sender ${r.senderCpu.toFixed(0)} %), RSS ${r.rssMb.toFixed(0)} MB, pads ${pads.size}/${n}`,
    );
    receiver.off('remotePadAdded', onPad);
    await peer.close();
    const dropped = r.minFps < FPS * 0.9 || r.lossPct > 1 || pads.size < n;
    if (dropped) console.log(`   frames dropped at ${n} participants`);
    // Two dropping steps in a row, or the receiver near a full core: stop.
    if (
      (dropped && results.at(-2) && (results.at(-2)!.minFps < FPS * 0.9 || results.at(-2)!.lossPct > 1)) ||
      r.cpu > 90
    )
      break;
  }
  const firstDrop = results.find((r) => r.minFps < FPS * 0.9 || r.lossPct > 1);
  const clean = results.filter((r) => !firstDrop || r.n < firstDrop.n);
  const perParticipant = results.map((r) => r.cpu / r.n).reduce((a, b) => a + b, 0) / Math.max(1, results.length);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `capacity: ${clean.at(-1)?.n ?? 0} participants recorded in passthrough before the first frame drop ` +
      `(${results.filter((r) => r.minFps >= FPS * 0.9 && r.lossPct <= 1).at(-1)?.n ?? 0} was the largest clean step); ` +
      `receiver cost ≈ ${perParticipant.toFixed(1)} % of one core per 720p30 participant; load average ${load} on ${cpus().length} cores`,
  );
} finally {
  await Promise.all([sender.close(), receiver.close()]);
  rmSync(dir, { recursive: true, force: true });
}
