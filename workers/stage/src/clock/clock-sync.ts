/**
 * The one time base of Stagecast is each worker's system clock, disciplined by NTP (chrony or systemd-timesyncd).
 * Countdowns and playout starts are only as good as that clock, so workers report its sync state and estimated offset
 * in their health, and warn when it is unknown or too large. Reads the daemons' own tools; never changes the clock.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type ClockSource = 'chrony' | 'timesyncd' | 'none';

export interface ClockSyncState {
  source: ClockSource;
  /** true/false when the daemon says so; null when nothing can tell. */
  synchronized: boolean | null;
  /** Estimated offset of the system clock from NTP time (positive = system clock ahead), when known. */
  offsetMs: number | null;
  /** Upper bound of the error (|offset| + root delay/2 + root dispersion), when known. */
  maxErrorMs: number | null;
  server: string | null;
  stratum: number | null;
  checkedAt: Date;
  /** A sentence for people when the clock cannot be trusted for frame-accurate countdowns; null when fine. */
  warning: string | null;
}

export interface ClockSyncOptions {
  /** Warn above this error bound. Frame-accurate countdowns at 30 fps want well under 33 ms; default 50 ms. */
  maxOffsetMs?: number;
  /** Injected for tests: runs a command and returns its stdout, or throws when it is missing/fails. */
  exec?: (file: string, args: string[]) => Promise<string>;
}

const HOW_TO_FIX =
  'install and start an NTP client (Debian: `apt-get install chrony` and `chronyd`, or enable systemd-timesyncd with ' +
  '`timedatectl set-ntp true`); see README "Clock".';

async function defaultExec(file: string, args: string[]): Promise<string> {
  // `env LC_ALL=C` keeps the tools' number and unit formats stable whatever the locale.
  const { stdout } = await run('env', ['LC_ALL=C', file, ...args], { timeout: 3_000 });
  return stdout;
}

/**
 * Parses `chronyc -c tracking` (CSV). Columns: ref id, ref name, stratum, ref time, system time (s: chronyd's pending
 * correction, positive when the system clock is slow, i.e. offset = −correction), last offset, RMS offset, frequency,
 * residual freq, skew, root delay, root dispersion, update interval, leap status.
 * https://chrony-project.org/doc/4.3/chronyc.html (tracking)
 */
export function parseChronyTracking(csv: string): Omit<ClockSyncState, 'checkedAt' | 'warning'> {
  const fields = csv.trim().split('\n')[0]?.split(',') ?? [];
  if (fields.length < 14) throw new Error(`unexpected chronyc tracking output: ${csv.slice(0, 120)}`);
  const num = (i: number) => Number(fields[i]);
  const leap = fields[13]!.trim();
  const stratum = num(2);
  const systemTime = num(4);
  const rootDelay = num(10);
  const rootDispersion = num(11);
  const synchronized = leap !== 'Not synchronised' && stratum > 0 && stratum < 16;
  return {
    source: 'chrony',
    synchronized,
    offsetMs: synchronized ? -systemTime * 1000 : null,
    maxErrorMs: synchronized ? (Math.abs(systemTime) + rootDelay / 2 + rootDispersion) * 1000 : null,
    server: fields[1] || null,
    stratum: Number.isFinite(stratum) ? stratum : null,
  };
}

function durationToMs(text: string): number | null {
  const m = /^([+-]?\d+(?:\.\d+)?)(us|µs|ms|s|min)$/.exec(text.trim());
  if (!m) return null;
  const factor = { us: 0.001, µs: 0.001, ms: 1, s: 1000, min: 60_000 }[m[2] as 'us' | 'µs' | 'ms' | 's' | 'min'];
  return Number(m[1]) * factor;
}

/** Parses `timedatectl timesync-status` (systemd-timesyncd) plus the NTPSynchronized flag of `timedatectl show`. */
export function parseTimesyncStatus(status: string, show: string): Omit<ClockSyncState, 'checkedAt' | 'warning'> {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+)$`, 'm').exec(status)?.[1]?.trim() ?? null;
  const synchronized = /^NTPSynchronized=yes$/m.test(show) ? true : /^NTPSynchronized=no$/m.test(show) ? false : null;
  const offset = field('Offset');
  const rootDistance = field('Root distance');
  const offsetMs = offset ? durationToMs(offset) : null;
  const rootMs = rootDistance ? durationToMs(rootDistance.split(/\s/)[0]!) : null;
  const stratum = field('Stratum');
  return {
    source: 'timesyncd',
    synchronized,
    offsetMs,
    maxErrorMs: offsetMs !== null && rootMs !== null ? Math.abs(offsetMs) + rootMs : null,
    server: field('Server')?.split(' ')[0] ?? null,
    stratum: stratum ? Number(stratum) : null,
  };
}

export function assessClock(
  state: Omit<ClockSyncState, 'checkedAt' | 'warning'>,
  maxOffsetMs: number,
  now = new Date(),
): ClockSyncState {
  let warning: string | null = null;
  if (state.source === 'none') {
    warning = `clock sync unknown: neither chrony nor systemd-timesyncd is running, so countdowns may disagree between machines; ${HOW_TO_FIX}`;
  } else if (state.synchronized === false) {
    warning = `the ${state.source} NTP client is not synchronised yet; countdowns may be off. Check its servers and network; ${HOW_TO_FIX}`;
  } else if (state.maxErrorMs === null) {
    warning = `the ${state.source} NTP client does not report an offset; the clock error is unknown`;
  } else if (state.maxErrorMs > maxOffsetMs) {
    warning = `system clock error up to ${state.maxErrorMs.toFixed(1)} ms exceeds the ${maxOffsetMs} ms limit; countdowns and playout starts may be off by that much`;
  }
  return { ...state, checkedAt: now, warning };
}

/** Reads the clock state from whichever NTP client runs on this machine. Never throws. */
export async function readClockSync(options: ClockSyncOptions = {}): Promise<ClockSyncState> {
  const exec = options.exec ?? defaultExec;
  const maxOffsetMs = options.maxOffsetMs ?? 50;
  try {
    return assessClock(parseChronyTracking(await exec('chronyc', ['-c', 'tracking'])), maxOffsetMs);
  } catch {
    // chrony missing or not running: try systemd-timesyncd
  }
  try {
    const [status, show] = await Promise.all([exec('timedatectl', ['timesync-status']), exec('timedatectl', ['show'])]);
    return assessClock(parseTimesyncStatus(status, show), maxOffsetMs);
  } catch {
    // no timesyncd either (containers, minimal images)
  }
  return assessClock(
    { source: 'none', synchronized: null, offsetMs: null, maxErrorMs: null, server: null, stratum: null },
    maxOffsetMs,
  );
}
