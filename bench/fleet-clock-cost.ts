/**
 * CPU cost of the stage worker's clock role (workers/stage/src/runners/clock.runner.ts): runs the real runner for
 * --seconds at 720p30 and reads the pipeline's CPU time from /proc (utime+stime of sh, gst-launch and children).
 * The figure feeds CLOCK_COST_MILLICORES in workers/stage/src/capacity.ts. Prints numbers; asserts nothing.
 *
 * Run: node --conditions=@stagecast/source --import tsx bench/fleet-clock-cost.ts [--seconds 30]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@stagecast/jobs';
import { createClockRunner } from '@stagecast/worker-stage';

const i = process.argv.indexOf('--seconds');
const seconds = i >= 0 ? Number(process.argv[i + 1]) : 30;
const dir = mkdtempSync(join(tmpdir(), 'bench-clock-'));
const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const ticks = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
  } catch {
    return 0;
  }
};
const descendants = (pid: number): number[] => {
  try {
    const kids = execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
    return kids.flatMap((k) => [k, ...descendants(k)]);
  } catch {
    return [];
  }
};

const runner = createClockRunner({ outputRoot: dir, width: 1280, height: 720, fps: 30 });
const controller = new AbortController();
let shPid = 0;
const now = Date.now();
const run = runner.run(
  {
    jobRecordId: 'bench',
    bossJobId: 'bench000-0000',
    roomId: 'bench',
    talkId: null,
    role: 'clock',
    startsAtMs: now + 15 * 60_000,
    durationSeconds: 1800,
    runUntilMs: now + 60 * 60_000,
    talk: { title: 'Bench talk', speakers: ['Ada'] },
    room: { slug: 'bench', name: 'Bench', meetingUrl: null },
    conferenceTimeZone: 'Europe/Berlin',
    attempt: 1,
  },
  {
    signal: controller.signal,
    logger: silentLogger,
    reportStatus: async (r) => {
      if (typeof r.stats?.pid === 'number') shPid = r.stats.pid;
    },
  },
);
await new Promise((r) => setTimeout(r, 3_000)); // warm-up
const pids = () => [shPid, ...descendants(shPid)];
const t0 = Date.now();
const c0 = pids().reduce((s, p) => s + ticks(p), 0);
await new Promise((r) => setTimeout(r, seconds * 1000));
const c1 = pids().reduce((s, p) => s + ticks(p), 0);
const pct = ((c1 - c0) / hz / ((Date.now() - t0) / 1000)) * 100;
controller.abort('finished');
await run;
rmSync(dir, { recursive: true, force: true });
console.log(
  `clock role 720p30 countdown → x264 → HLS: ${pct.toFixed(1)} % of one core over ${seconds} s (${Math.round(pct * 10)} millicores)`,
);
