/**
 * CPU and RSS of the "Stagecast clock" participant publishing the countdown at 720p30 (issue 6 benchmark, target: a
 * small fraction of a core). Runs a testbed room with the clock (@stagecast/participant startClock: 1280×720@30,
 * VP8 by default) and one receive-only viewer so the clock has a session and really encodes and sends; measures the
 * clock's engine process (GStreamer pipeline + countdown feeder; /proc utime+stime and VmRSS) over --seconds after a
 * warm-up, plus the clock's outbound bitrate from its stats. Prints numbers; asserts nothing.
 *
 * Run: node --conditions=@stagecast/source --import tsx bench/clock-participant.ts [--seconds 30] [--codec vp8|h264] [--beeps]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startClock, startParticipant, waitForEvent } from '@stagecast/participant';
import { startTestbed } from '@stagecast/testbed';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const seconds = Number(arg('seconds', '30'));
const codec = arg('codec', 'vp8') === 'h264' ? 'h264' : 'vp8';
const beeps = process.argv.includes('--beeps');
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');
const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const cpuTicks = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime stime
};
const rssBytes = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};

const tb = await startTestbed({ singleParticipantTimeoutMs: 600_000 });
const url = tb.meetingUrl(`bench-clock-${Date.now().toString(36)}`);
try {
  const clock = await startClock({
    meeting: { meetingUrl: url },
    schedule: () => [
      {
        guid: 'bench',
        title: 'Benchmark talk',
        speakers: ['Ada Lovelace'],
        startsAtMs: Date.now() + 3_600_000,
        durationSeconds: 1800,
      },
    ],
    style: { width: 1280, height: 720, fps: 30 },
    beeps,
    videoCodec: codec,
  });
  // The viewer sends nothing but must accept the clock's codec (the testbed bridge forwards H.264 only to endpoints
  // that answered it, and a participant answers H.264 only when its send spec asks for it).
  const viewer = await startParticipant({
    meeting: { meetingUrl: url, displayName: 'Bench viewer' },
    media: { send: { source: { kind: 'test', audio: false, video: false }, videoCodec: codec } },
  });
  await waitForEvent(
    viewer,
    'sourceAdded',
    90_000,
    (s) => s.participantId === clock.participant.endpointId && s.media === 'video',
  );
  const pid = clock.participant.enginePid;
  if (!pid) throw new Error('clock engine has no pid');
  const rates: number[] = [];
  clock.participant.on('stats', (s) => {
    const v = s.sources.find((x) => x.direction === 'outbound' && x.media === 'video');
    if (v) rates.push(v.bitrate);
  });
  await new Promise((r) => setTimeout(r, 5_000)); // warm-up: encoder rate control settles
  rates.length = 0;
  const rss: number[] = [];
  const t0 = Date.now();
  const c0 = cpuTicks(pid);
  while (Date.now() - t0 < seconds * 1000) {
    rss.push(rssBytes(pid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const pct = ((cpuTicks(pid) - c0) / hz / ((Date.now() - t0) / 1000)) * 100;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  const avgRate = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0;
  console.log(
    `clock participant 1280x720@30 ${codec}${beeps ? ' + beeps (opus)' : ''}: engine CPU ${pct.toFixed(1)} % of one core ` +
      `over ${seconds} s; engine RSS avg ${mb(rss.reduce((a, b) => a + b, 0) / rss.length)} MB, max ${mb(Math.max(...rss))} MB; ` +
      `video sent ${(avgRate / 1000).toFixed(0)} kb/s (${os()} )`,
  );
  await viewer.close();
  await clock.close();
} finally {
  await tb.close();
}

function os(): string {
  const cores = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('processor')).length;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `${cores} cores, load ${load}`;
}
