/**
 * Broadcast composite cost, latency and soak (issue 5). One engine composites N decoded 1280×720@30 sources
 * (composite.feedTest: test patterns on the composite's channels, as if decoded from the bridge — VP8 decoding and
 * WebRTC are NOT included here, see media-capacity/participant benches for those) into 720p30 H.264 2.5 Mb/s +
 * AAC, 1 s HLS segments via splitmuxsink, published by HlsPublisher to a local dir. Source 0 burns the wall clock
 * in (clockoverlay) for the latency read-back (OCR of the newest segment's first frame).
 * Prints numbers; asserts nothing.
 * Run: npx tsx --conditions=@stagecast/source bench/broadcast-composite.ts [--participants 4] [--seconds 40]
 *      [--soak-minutes 2]   (soak: RSS every 10 s, discontinuities/PDT gaps at the end) [--keep] (leave the segments)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, HlsPublisher, parsePlaylist } from '@stagecast/media';

const { values } = parseArgs({
  options: {
    keep: { type: 'boolean' },
    participants: { type: 'string' },
    seconds: { type: 'string' },
    'soak-minutes': { type: 'string' },
    fps: { type: 'string' },
  },
});
const N = Number(values.participants ?? 4);
const FPS = Number(values.fps ?? 30);
const soakMin = values['soak-minutes'] ? Number(values['soak-minutes']) : 0;
const seconds = soakMin ? soakMin * 60 : Number(values.seconds ?? 40);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

const dir = mkdtempSync(join(tmpdir(), 'stagecast-broadcast-bench-'));
const engine = await createEngine({ timings: { heartbeatTimeoutMs: 20_000 } });
const pid = engine.pid!;
let heap = { usedMB: 0, externalMB: 0 };
engine.on('heartbeat', (h) => {
  heap = { usedMB: (h.heapUsedBytes ?? 0) / 2 ** 20, externalMB: (h.externalBytes ?? 0) / 2 ** 20 };
});
const publisher = new HlsPublisher({ directory: dir, targetDurationSeconds: 1, eventPlaylist: true });
const latencies: number[] = [];
let ocrPending = false;
let ocrAttempts = 0;
engine.on('segmentClosed', (d) => {
  const availableAt = Date.now();
  void publisher.addSegment({
    path: d.path,
    durationSeconds: d.durationSeconds,
    programDateTime: new Date(d.programDateTime),
  });
  // Latency of the segment's first frame: published − the wall clock burnt into it (OCR, whole seconds → ±0.5 s
  // resolution; we take the PDT's fraction of a second so a frame showing 12:00:05 is ≥ 12:00:05.000).
  // Bounded attempts (not successes): OCR is synchronous here and would load the machine all run long.
  if (ocrPending || latencies.length >= 15 || ocrAttempts >= 20) return;
  ocrAttempts++;
  ocrPending = true;
  try {
    const png = join(dir, 'f.png');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      d.path,
      '-frames:v',
      '1',
      '-vf',
      `crop=iw/${Math.ceil(Math.sqrt(N))}:ih/${Math.ceil(Math.sqrt(N))}:0:0`,
      png,
    ]);
    const text = execFileSync('tesseract', [png, '-', '--psm', '7'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const m = /(\d{2}):(\d{2}):(\d{2})/.exec(text);
    if (m) {
      const pdt = new Date(d.programDateTime);
      const shown = new Date(pdt);
      shown.setUTCHours(Number(m[1]), Number(m[2]), Number(m[3]), 0);
      const tz = new Date().getTimezoneOffset();
      shown.setTime(shown.getTime() + tz * 60_000); // clockoverlay shows local time
      latencies.push(availableAt - shown.getTime() - 500); // midpoint of the shown second
      console.log(
        `segment ${d.path.split('/').pop()}: frame shows ${m[0]}, PDT ${d.programDateTime}, available ${new Date(availableAt).toISOString()} → ${(availableAt - pdt.getTime()) / 1000} s after PDT`,
      );
    }
  } catch {
    // OCR miss: skip this segment
  } finally {
    ocrPending = false;
  }
});
await engine.request('composite.start', {
  canvas: { width: 1280, height: 720, fps: FPS },
  video: { bitrate: 2_500_000 },
  layout: { kind: 'grid' },
});
await engine.request('output.start', { id: 'hls', kind: 'hls', directory: dir, segmentSeconds: 1 });
for (let i = 0; i < N; i++) {
  await engine.request('composite.feedTest', {
    name: `p${i}-v0`,
    media: 'video',
    width: 1280,
    height: 720,
    fps: FPS,
    pattern: i === 0 ? 'black' : 'smpte',
    clock: i === 0,
  });
  await engine.request('composite.feedTest', { name: `p${i}-a0`, media: 'audio', frequency: 200 + 100 * i });
}
await engine.request('composite.setSources', {
  sources: Array.from({ length: N }, (_, i) => [
    { name: `p${i}-v0`, owner: `p${i}`, nick: `Participant ${i + 1}`, media: 'video' as const },
    { name: `p${i}-a0`, owner: `p${i}`, media: 'audio' as const },
  ]).flat(),
});
await sleep(5000); // warm-up
const t0 = ticks(pid);
const start = Date.now();
const rssSamples: number[] = [];
const rssTimes: number[] = [];
let lastStats = await engine.request('composite.stats', {});
while (Date.now() - start < seconds * 1000) {
  await sleep(soakMin ? 10_000 : 2000);
  rssSamples.push(rss(pid));
  rssTimes.push((Date.now() - start) / 60_000);
  lastStats = await engine.request('composite.stats', {});
  if (soakMin)
    console.log(
      `t=${Math.round((Date.now() - start) / 1000)} s rss ${(rss(pid) / 2 ** 20).toFixed(0)} MB (JS heap ${heap.usedMB.toFixed(1)} MB, external ${heap.externalMB.toFixed(1)} MB) fps ${lastStats.encodedFps} dropped ${lastStats.droppedFrames}`,
    );
}
const cpu = (ticks(pid) - t0) / 100 / ((Date.now() - start) / 1000);
await engine.close();
await publisher.close();
const list = parsePlaylist(readFileSync(join(dir, 'event.m3u8'), 'utf8'));
let gaps = 0;
for (let i = 1; i < list.segments.length; i++) {
  const p = list.segments[i - 1]!;
  if (
    Math.abs(list.segments[i]!.programDateTime!.getTime() - p.programDateTime!.getTime() - p.durationSeconds * 1000) >
    50
  )
    gaps++;
}
// Segment lengths as the playlist states them (EXTINF), the last one (closed by EOS) left out.
const extinf = list.segments.slice(0, -1).map((s) => s.durationSeconds);
const ext = [...extinf].sort((a, b) => a - b);
const histogram: Record<string, number> = {};
for (const d of extinf) histogram[d.toFixed(3)] = (histogram[d.toFixed(3)] ?? 0) + 1;
// RSS trend after warm-up (allocator pools, V8 heap sizing and the HLS window fill in the first minutes): least-squares
// slope over the samples from minute 5 on (soak) or the second half (short runs).
const rssSlopeMBPerMin = (() => {
  const from = soakMin >= 10 ? 5 : (rssTimes.at(-1) ?? 0) / 2;
  const pts = rssTimes.flatMap((t, i) => (t >= from ? [[t, rssSamples[i]! / 2 ** 20] as const] : []));
  if (pts.length < 3) return null;
  const mt = pts.reduce((a, [t]) => a + t, 0) / pts.length;
  const mr = pts.reduce((a, [, r]) => a + r, 0) / pts.length;
  const num = pts.reduce((a, [t, r]) => a + (t - mt) * (r - mr), 0);
  const den = pts.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return { fromMinute: Number(from.toFixed(1)), mbPerMinute: Number((num / den).toFixed(3)), samples: pts.length };
})();
const sorted = [...latencies].sort((a, b) => a - b);
const med = sorted[Math.floor(sorted.length / 2)];
console.log(
  JSON.stringify(
    {
      participants: N,
      canvas: `1280x720@${FPS}`,
      bitrateKbps: 2500,
      seconds,
      engineCpuCores: Number(cpu.toFixed(3)),
      rssMB: {
        first: Math.round(rssSamples[0]! / 2 ** 20),
        last: Math.round(rssSamples.at(-1)! / 2 ** 20),
        max: Math.round(Math.max(...rssSamples) / 2 ** 20),
        trend: rssSlopeMBPerMin,
      },
      encodedFps: lastStats.encodedFps,
      droppedFrames: lastStats.droppedFrames,
      segments: list.segments.length,
      discontinuities: list.discontinuities,
      pdtGaps: gaps,
      extinfSeconds: ext.length
        ? {
            requested: 1,
            min: ext[0],
            median: ext[Math.floor(ext.length / 2)],
            max: ext.at(-1),
            within0910: extinf.filter((d) => d >= 0.9 && d <= 1.1).length,
            of: extinf.length,
            histogram,
            outliers: extinf.flatMap((d, i) => (d < 0.9 || d > 1.1 ? [`#${i}:${d.toFixed(3)}`] : [])),
          }
        : null,
      captureToSegmentAvailableSeconds:
        med !== undefined
          ? { median: med / 1000, min: sorted[0]! / 1000, max: sorted.at(-1)! / 1000, n: sorted.length }
          : null,
    },
    null,
    2,
  ),
);
if (values.keep) console.log(`segments kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
