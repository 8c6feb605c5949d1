/**
 * Scheduled playout (issue 8): CPU of the playout while the talk plays, passthrough vs transcode, and the start error
 * in passthrough. Prints numbers; asserts nothing.
 *
 * Both runs use the engine's own playout send chain (builders videoChainDescription with playoutSplice: vp8enc →
 * clocksync → funnel → rtpvp8pay) in the standalone renderer (render-playout.ts), 720p30, a VP8/Opus talk of
 * `--seconds` (default 20). CPU = the renderer process (node + GStreamer: countdown, compositor, encoder, payloader,
 * the talk's demux/decode) from the `playing` state to the end of the talk, % of one core.
 * Start error (passthrough, `--runs`, default 5): the recording is what enters the payloader (running times = the RTP
 * timestamps' source), wall = base time + PTS, frame number by OCR; error = wall − (T + n/fps).
 * Run: node --conditions=@stagecast/source --import tsx bench/playout-cpu.ts [--seconds 20] [--runs 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestTalk, measureStart, renderPlayout } from '@stagecast/media/testing';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, runs: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 20);
const RUNS = Number(values.runs ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'bench-playout-cpu-'));
const talk720 = join(dir, 'talk720.webm');
makeTestTalk(talk720, { seconds: SECONDS, width: 1280, height: 720 });
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(`load average at start: ${load()} (2 cores shared by several engineers)`);

for (const mode of ['passthrough', 'transcode'] as const) {
  const startsAt = Date.now() + 4000;
  const r = await renderPlayout({
    out: null,
    encode: 'vp8-rtp',
    durationMs: 4000 + SECONDS * 1000 + 1500,
    playout: { location: talk720, startsAt, mode, width: 1280, height: 720, fps: 30 },
  });
  const chosen = r.lines.find((l) => l.event === 'modeChosen');
  const talk = r.lines.find((l) => l.event === 'talkCpu');
  console.log(
    `CPU ${mode} (720p30 VP8 talk, ${SECONDS} s, engine send chain, whole renderer process while the talk plays): ` +
      `${typeof talk?.cpuPct === 'number' ? talk.cpuPct.toFixed(1) : '?'} % of one core over ${String(talk?.wallMs ?? '?')} ms ` +
      `(mode chosen: ${String(chosen?.mode)}/${String(chosen?.reason)}; whole run incl. countdown ${r.cpuPct?.toFixed(1)} %; load ${load()})`,
  );
}

const SIZE = { width: 640, height: 360, fps: 30 };
const talk = join(dir, 'talk.webm');
makeTestTalk(talk, { seconds: 3 });
const errs: number[] = [];
const endErrs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const out = join(dir, `pt-${i}.mkv`);
  const startsAt = Date.now() + 4000;
  const r = await renderPlayout({
    out,
    encode: 'vp8-rtp',
    durationMs: 8500,
    playout: { location: talk, startsAt, mode: 'passthrough', ...SIZE },
  });
  const m = await measureStart(out, { baseTimeNs: r.baseTimeNs, startsAtMs: startsAt, ...SIZE });
  const held = r.lines.find((l) => l.event === 'log' && String(l.msg).startsWith('playout: talk frames released'));
  if (m.errorMs === null) {
    console.log(`passthrough run ${i}: first talk frame unreadable (OCR)`);
    continue;
  }
  errs.push(m.errorMs);
  // End: first non-talk frame after the talk vs the end of the talk's last frame.
  const lastTalk = m.layers.lastIndexOf('talk');
  if (lastTalk >= 0 && lastTalk + 1 < m.ptsNs.length)
    endErrs.push(Number(m.ptsNs[lastTalk + 1]! - m.ptsNs[lastTalk]!) / 1e6 - 1000 / 30);
  console.log(
    `passthrough run ${i}: frame #${m.frameNumber} at ${m.errorMs.toFixed(2)} ms (${m.errorFrames!.toFixed(2)} frames); ` +
      `end switch ${endErrs.at(-1)?.toFixed(2) ?? '?'} ms after the talk's last frame ended; talk frames held ${String(held?.lateMs ?? '?')} ms after T ` +
      `for the encoder's last frame (send-time only); load ${load()}`,
  );
}
const stats = (xs: number[]) => {
  if (!xs.length) return 'no runs';
  const s = [...xs].sort((a, b) => a - b);
  return `n=${xs.length} min ${s[0]!.toFixed(2)} median ${s[Math.floor(s.length / 2)]!.toFixed(2)} max ${s.at(-1)!.toFixed(2)}`;
};
console.log(
  `PASSTHROUGH start error (ms, frame 0 of the file vs T; the generated file's first frame is at +7 ms): ${stats(errs)}`,
);
console.log(`PASSTHROUGH end switch (ms after the end of the talk's last frame): ${stats(endErrs)}`);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
