/**
 * Scheduled playout (issue 8): start error vs T, and CPU. Prints numbers; asserts nothing.
 *
 * 1. Sender side, N runs (default 10): the engine's PlayoutSource in a REALTIME-clocked pipeline recorded with exact
 *    PTS (render-playout.ts); wall time of the first talk frame = base time + PTS; its burned-in number read by
 *    tesseract; error = wall − (T + n/fps). Target ±1 frame at 30 fps.
 * 2. Room, N runs: testbed room (Prosody + test focus + forwarding bridge), startPlayout + a recorder on a REALTIME
 *    clock; error measured at the recorder = sender error + encode + bridge + jitter buffer ("plus network").
 * 3. CPU (% of one core) while the talk plays at 720p30: the playout transcoding (decode → compositor → vp8enc →
 *    RTP payloader, renderer process) versus a passthrough reference (the file's own VP8 demuxed and payloaded, no
 *    decode/encode: gst-launch, paced by clocksync). The playout's own passthrough (spec `mode`) is measured by
 *    bench/playout-cpu.ts (engine send chain, passthrough vs transcode).
 * Run: node --conditions=@stagecast/source --import tsx bench/playout-start-error.ts [--runs 10] [--room-runs 10]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countdownTransitionDelays, makeTestTalk, measureStart, renderPlayout } from '@stagecast/media/testing';
import { startParticipant, startPlayout, waitForEvent } from '@stagecast/participant';
import { startTestbed } from '@stagecast/testbed';

const { values } = parseArgs({ options: { runs: { type: 'string' }, 'room-runs': { type: 'string' }, 'cpu-seconds': { type: 'string' } } });
const RUNS = Number(values.runs ?? 10);
const ROOM_RUNS = Number(values['room-runs'] ?? 10);
const CPU_SECONDS = Number(values['cpu-seconds'] ?? 20);
const SIZE = { width: 640, height: 360, fps: 30 };
const dir = mkdtempSync(join(tmpdir(), 'bench-playout-'));
const talk = join(dir, 'talk.webm');
makeTestTalk(talk, { seconds: 3 });

console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores shared by several engineers)`);
const stats = (xs: number[]) => {
  if (!xs.length) return 'no runs';
  const s = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `n=${xs.length} min ${s[0]!.toFixed(1)} median ${s[Math.floor(s.length / 2)]!.toFixed(1)} mean ${mean.toFixed(1)} max ${s.at(-1)!.toFixed(1)}`;
};

// ---- 1. sender side ----
const sender: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const out = join(dir, `sender-${i}.mkv`);
  const startsAt = Date.now() + 4000;
  const r = await renderPlayout({ out, durationMs: 8000, playout: { location: talk, startsAt, ...SIZE } });
  const m = await measureStart(out, { baseTimeNs: r.baseTimeNs, startsAtMs: startsAt, ...SIZE });
  if (m.errorMs === null) console.log(`sender run ${i}: first talk frame unreadable (OCR)`);
  else {
    sender.push(m.errorMs);
    console.log(`sender run ${i}: frame #${m.frameNumber} at ${m.errorMs.toFixed(2)} ms (${m.errorFrames!.toFixed(2)} frames)`);
  }
}
if (RUNS > 0)
  console.log(`SENDER start error (ms, first talk frame's interval start vs its scheduled wall time): ${stats(sender)}; ` +
    `max |error| ${(Math.max(...sender.map(Math.abs)) / (1000 / 30)).toFixed(2)} frames at 30 fps`);

// ---- 2. room ----
const tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
const room: number[] = [];
const transport: number[] = [];
const relative: number[] = [];
for (let i = 0; i < ROOM_RUNS; i++) {
  const url = tb.meetingUrl(`bench-playout-${randomBytes(3).toString('hex')}`);
  const file = join(dir, `room-${i}.mkv`);
  // VP8 as received (no real-time decode/encode at the recorder); decoded afterwards by ffmpeg.
  const receive = { mode: 'template' as const, video: `matroskamux timecodescale=10000 ! filesink location=${file}`, decode: false };
  const rx = await startParticipant({ meeting: { meetingUrl: url, displayName: 'Recorder' }, media: { receive } });
  rx.engine!.setMediaDefaults({ receive, clock: 'realtime' });
  let base: bigint | null = null;
  rx.engine!.on('pipelineClock', (d) => {
    if (d.realtime) base = BigInt(d.baseTimeNs);
  });
  const startsAt = Date.now() + 20_000; // join + session + preroll well before T even on a busy host
  const po = await startPlayout({
    meeting: { meetingUrl: url, displayName: 'Playout' },
    playout: { location: talk, startsAt, ...SIZE },
    encoder: { videoBitrate: 800_000, keyframeInterval: 30 },
  });
  await waitForEvent(po, 'stateChanged', 60_000, (s) => s.state === 'ended');
  await new Promise((r) => setTimeout(r, 4000)); // the receive path may lag on a busy host
  await rx.close();
  await po.close();
  if (base === null) {
    console.log(`room run ${i}: recorder reported no REALTIME clock`);
    continue;
  }
  const m = await measureStart(file, { baseTimeNs: base, startsAtMs: startsAt, ...SIZE }).catch((err: unknown) => {
    console.log(`room run ${i}: ${String(err)}`);
    return null;
  });
  if (!m) continue;
  if (m.errorMs === null) {
    console.log(`room run ${i}: first talk frame (#${m.index}) unreadable by OCR`);
    continue;
  }
  room.push(m.errorMs);
  // Same path, same recording: the countdown's digits change on the first frame of each wall second at the sender,
  // so their arrival after the second = transport delay; talk error − that = the start error the room sees.
  const delays = await countdownTransitionDelays(file, { baseTimeNs: base, width: SIZE.width, height: SIZE.height, from: Math.max(0, m.index - 300), to: m.index, layers: m.layers, ptsNs: m.ptsNs });
  const d = [...delays].sort((a, b) => a - b)[Math.floor(delays.length / 2)];
  if (d !== undefined) {
    transport.push(d);
    relative.push(m.errorMs - d);
  }
  console.log(
    `room run ${i}: frame #${m.frameNumber} arrived ${m.errorMs.toFixed(1)} ms (${m.errorFrames!.toFixed(2)} frames) after its wall time; ` +
      `countdown transitions arrived ${d?.toFixed(1) ?? '?'} ms after their seconds (median of ${delays.length}) → start vs countdown ${d === undefined ? '?' : (m.errorMs - d).toFixed(1)} ms; load average ${loadavg()[0]!.toFixed(1)}`,
  );
}
await tb.close();
console.log(`ROOM start error at the recorder (ms, sender error + encode + bridge + jitter buffer): ${stats(room)}`);
console.log(`ROOM transport delay (countdown second transitions at the recorder, ms): ${stats(transport)}`);
console.log(`ROOM start error relative to the countdown through the same path (talk error − transport, ms): ${stats(relative)}; ` +
  `in frames at 30 fps: ${relative.map((x) => (x / (1000 / 30)).toFixed(2)).join(' ')}`);

// ---- 3. CPU ----
function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (of all threads), in clock ticks (100/s)
}
const talk720 = join(dir, 'talk720.webm');
makeTestTalk(talk720, { seconds: CPU_SECONDS + 10, width: 1280, height: 720 });
{
  // Transcode: the renderer process (node + GStreamer) while the talk plays.
  const startsAt = Date.now() + 5000;
  const r = await renderPlayout({
    out: null,
    encode: 'vp8',
    durationMs: 5000 + CPU_SECONDS * 1000,
    playout: { location: talk720, startsAt, width: 1280, height: 720, fps: 30 },
  });
  console.log(`CPU transcode (720p30 talk: decode → compositor → vp8enc → rtpvp8pay, whole renderer process incl. the 5 s countdown): ${r.cpuPct?.toFixed(1)} % of one core`);
}
{
  const p = spawn('gst-launch-1.0', ['-q', 'filesrc', `location=${talk720}`, '!', 'matroskademux', 'name=d', 'd.video_0', '!', 'queue', '!', 'clocksync', '!', 'rtpvp8pay', 'pt=100', '!', 'fakesink', 'sync=false',
    'd.audio_0', '!', 'queue', '!', 'clocksync', '!', 'rtpopuspay', '!', 'fakesink', 'sync=false'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2000));
  const t0 = cpuTicks(p.pid!);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, CPU_SECONDS * 1000));
  const pct = ((cpuTicks(p.pid!) - t0) / 100 / ((Date.now() - w0) / 1000)) * 100;
  p.kill('SIGTERM');
  console.log(`CPU passthrough reference (720p30 VP8 demuxed and payloaded as is, real-time paced, gst-launch): ${pct.toFixed(1)} % of one core`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
