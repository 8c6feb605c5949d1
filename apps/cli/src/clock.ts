/**
 * `stagecast clock <meeting-url> --schedule <file|URL> --room <schedule room> [--reminders 300,60] [--subject]
 * [--beeps]`: joins as "Stagecast clock" and publishes the countdown to the room's next talk (issue 6 "In the room").
 * The schedule (frab/pretalx schedule.xml or .json, wafer) is parsed with @stagecast/schedule; a URL schedule is
 * re-fetched every few minutes (failures keep the last good copy). First SIGINT/SIGTERM: leave cleanly; second: 130.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Logger } from '@stagecast/jitsi';
import {
  ParticipantError,
  clockTalkFromSchedule,
  startClock,
  type ClockTalk,
  type StartClockOptions,
} from '@stagecast/participant';
import { parseSchedule, ScheduleParseError, type Schedule } from '@stagecast/schedule';
import { pino } from 'pino';
import { CliError } from './errors.js';

export const CLOCK_HELP = `Usage: stagecast clock <meeting-url> --schedule <file|URL> --room <name> [options]

Joins the meeting as "Stagecast clock" and publishes a frame-accurate HH:MM:SS countdown to the room's next talk as
its video, so everybody in the meeting sees the same clock. Time base: this host's clock (keep it NTP-synchronised).

Schedule:
  --schedule <file|URL>      frab/pretalx schedule.xml or schedule.json, or a wafer schedule (file path or http(s) URL;
                             a URL is re-read every --refresh-minutes)
  --room <name>              the schedule's room name whose talks this meeting shows (exact, case-insensitive)
  --refresh-minutes <n>      how often a URL schedule is re-read (default 5)
In the room:
  --reminders <s,s,…>        chat reminders, seconds before each talk (default 300,60; "" for none)
  --subject                  set the room subject ("Next: <title> at 14:00") when we are moderator
  --beeps                    short beeps in the last 10 s and a long one at zero
Look:
  --width W --height H --fps F   video size (default 1280x720@30)
  --video-codec vp8|h264     codec to send (default vp8; h264 costs ~1/3 of the CPU at 720p30, see bench/clock-participant.ts)
  --time-zone <IANA>         zone of the wall clock and the subject time (default: the schedule's conference zone)
Meeting:
  --nick NAME (default "Stagecast clock")  --password PWD  --token JWT  -v/--verbose
Exit codes: 0 left cleanly, 64 bad usage or schedule, 69 could not join, 70 media failure, 130 interrupted.`;

export interface ClockCliOptions {
  meetingUrl: string;
  schedule: string;
  room: string;
  refreshMs: number;
  reminders: number[];
  subject: boolean;
  beeps: boolean;
  width: number;
  height: number;
  fps: number;
  timeZone?: string;
  videoCodec: 'vp8' | 'h264';
  nick: string;
  password?: string;
  token?: string;
  verbosity: number;
}

function int(flag: string, v: string | undefined, min: number, max: number, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
    throw new CliError('invalid-option', `${flag} expects a whole number ${min}..${max}, got "${v}"`);
  }
  return n;
}

export function parseClockArgs(argv: readonly string[]): ClockCliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        schedule: { type: 'string' },
        room: { type: 'string' },
        'refresh-minutes': { type: 'string' },
        reminders: { type: 'string' },
        subject: { type: 'boolean' },
        beeps: { type: 'boolean' },
        width: { type: 'string' },
        height: { type: 'string' },
        fps: { type: 'string' },
        'time-zone': { type: 'string' },
        'video-codec': { type: 'string' },
        nick: { type: 'string' },
        password: { type: 'string' },
        token: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message}. Run "stagecast clock --help".`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [meetingUrl, ...extra] = parsed.positionals;
  if (!meetingUrl || extra.length) {
    throw new CliError(
      'usage',
      'give exactly one <meeting-url>, e.g. stagecast clock https://meet.example.org/room --schedule schedule.xml --room "Hall 1"',
    );
  }
  if (!/^https?:\/\//.test(meetingUrl))
    throw new CliError(
      'invalid-option',
      `<meeting-url> must be an http(s) URL like https://meet.example.com/MyRoom, got "${meetingUrl}"`,
    );
  if (!v.schedule)
    throw new CliError(
      'usage',
      '--schedule is required: a schedule.xml/schedule.json file or URL (frab, pretalx or wafer)',
    );
  if (!v.room?.trim())
    throw new CliError('usage', '--room is required: the schedule room name whose talks this meeting shows');
  const reminders =
    v.reminders === undefined
      ? [300, 60]
      : v.reminders
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 86_400) {
              throw new CliError(
                'invalid-option',
                `--reminders expects seconds before the talk, comma-separated (e.g. 300,60), got "${s}"`,
              );
            }
            return Number(s);
          });
  const timeZone = v['time-zone'];
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone });
    } catch {
      throw new CliError('invalid-option', `--time-zone "${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
    }
  }
  const codec = (v['video-codec'] ?? 'vp8').toLowerCase();
  if (codec !== 'vp8' && codec !== 'h264')
    throw new CliError('invalid-option', `--video-codec must be vp8 or h264, got "${v['video-codec']}"`);
  const width = int('--width', v.width, 160, 3840, 1280);
  const height = int('--height', v.height, 120, 2160, 720);
  if (width % 2 || height % 2) throw new CliError('invalid-option', '--width and --height must be even numbers');
  return {
    meetingUrl,
    schedule: v.schedule,
    room: v.room.trim(),
    refreshMs: int('--refresh-minutes', v['refresh-minutes'], 1, 1440, 5) * 60_000,
    reminders,
    subject: v.subject ?? false,
    beeps: v.beeps ?? false,
    width,
    height,
    fps: int('--fps', v.fps, 1, 60, 30),
    ...(timeZone ? { timeZone } : {}),
    videoCodec: codec,
    nick: v.nick ?? 'Stagecast clock',
    ...(v.password ? { password: v.password } : {}),
    ...(v.token ? { token: v.token } : {}),
    verbosity: v.verbose?.length ?? 0,
  };
}

/** Reads a schedule file or URL (no secrets in messages: a URL's query is dropped). */
export async function loadSchedule(source: string, fetchImpl: typeof fetch = fetch): Promise<Schedule> {
  let body: string;
  const shown = /^https?:\/\//.test(source) ? source.replace(/[?#].*$/, '') : source;
  if (/^https?:\/\//.test(source)) {
    let res: Response;
    try {
      res = await fetchImpl(source, { signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new CliError(
        'invalid-option',
        `--schedule ${shown} could not be fetched (${(err as Error).message}); check the URL`,
      );
    }
    if (!res.ok) throw new CliError('invalid-option', `--schedule ${shown} answered HTTP ${res.status}; check the URL`);
    body = await res.text();
  } else {
    try {
      body = await readFile(source, 'utf8');
    } catch (err) {
      throw new CliError(
        'invalid-option',
        `--schedule ${source} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give a schedule.xml/.json file or an http(s) URL`,
      );
    }
  }
  try {
    return parseSchedule(body);
  } catch (err) {
    if (err instanceof ScheduleParseError)
      throw new CliError('invalid-option', `--schedule ${shown} is not a usable schedule: ${err.message}`);
    throw err;
  }
}

/** The talks of one schedule room (exact name, case-insensitive); a clear error lists the rooms there are. */
export function roomTalks(schedule: Schedule, room: string): ClockTalk[] {
  const key = room.toLowerCase();
  const names = [...new Set([...schedule.rooms.map((r) => r.name), ...schedule.talks.map((t) => t.room)])];
  if (!names.some((n) => n.toLowerCase() === key)) {
    throw new CliError(
      'invalid-option',
      `--room "${room}" is not in the schedule; its rooms are: ${names.map((n) => `"${n}"`).join(', ') || '(none)'}`,
    );
  }
  return schedule.talks.filter((t) => t.room.toLowerCase() === key).map(clockTalkFromSchedule);
}

export function clockOptions(
  o: ClockCliOptions,
  schedule: Schedule,
): Omit<StartClockOptions, 'schedule' | 'logger' | 'signal'> {
  return {
    meeting: {
      meetingUrl: o.meetingUrl,
      displayName: o.nick,
      ...(o.password ? { roomPassword: o.password } : {}),
      ...(o.token ? { auth: { kind: 'jwt' as const, token: o.token } } : {}),
    },
    style: { width: o.width, height: o.height, fps: o.fps },
    reminders: o.reminders,
    subject: o.subject,
    beeps: o.beeps,
    timeZone: o.timeZone ?? schedule.conference.timeZone,
    videoCodec: o.videoCodec,
  };
}

/** Entry for `stagecast clock …` (dispatched from main.ts); returns the exit code. */
export async function runClockCli(argv: readonly string[]): Promise<number> {
  const fail = (e: CliError) => {
    process.stderr.write(`stagecast: ${e.message}\n`);
    return e.exitCode;
  };
  let o: ClockCliOptions;
  let schedule: Schedule;
  try {
    const parsed = parseClockArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(`${CLOCK_HELP}\n`);
      return 0;
    }
    o = parsed;
    schedule = await loadSchedule(o.schedule);
    roomTalks(schedule, o.room);
  } catch (err) {
    return fail(err instanceof CliError ? err : new CliError('internal', String(err)));
  }
  const logger = pino(
    {
      level: o.verbosity >= 2 ? 'debug' : o.verbosity === 1 ? 'info' : 'warn',
      redact: { paths: ['token', 'password', 'pwd', 'jwt', '*.token', '*.password'], censor: '[redacted]' },
    },
    pino.destination(2),
  ) as unknown as Logger;
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals === 1) {
      process.stderr.write(`\n${sig}: leaving\n`);
      ac.abort();
      return;
    }
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const isUrl = /^https?:\/\//.test(o.schedule);
  let current = schedule;
  let fetchedAt = Date.now();
  const provider = async (): Promise<ClockTalk[]> => {
    if (isUrl && Date.now() - fetchedAt >= o.refreshMs) {
      fetchedAt = Date.now();
      try {
        current = await loadSchedule(o.schedule);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'schedule refresh failed; keeping the last good copy');
      }
    }
    return roomTalks(current, o.room);
  };
  let clock;
  try {
    clock = await startClock({ ...clockOptions(o, schedule), schedule: provider, logger, signal: ac.signal });
  } catch (err) {
    if (ac.signal.aborted) return 130;
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`stagecast: ${msg}\n`);
    if (err instanceof ParticipantError && err.reason === 'invalid-options') return 64;
    return err instanceof ParticipantError && err.reason === 'join-failed' ? 69 : 70;
  }
  const h = clock;
  const show = (t: ClockTalk | null) =>
    t ? `"${t.title}" at ${new Date(t.startsAtMs).toISOString()}` : 'no upcoming talk';
  process.stderr.write(
    `clock joined as ${h.participant.endpointId} (engine pid ${h.participant.enginePid}); counting down to ${show(h.target)}\n`,
  );
  h.on('targetChanged', (t) => process.stderr.write(`counting down to ${show(t)}\n`));
  h.on('reminderSent', (r) => process.stderr.write(`reminder sent: ${r.text}\n`));
  h.on('subjectSet', (s) => process.stderr.write(`subject set: ${s}\n`));
  h.on('subjectRefused', (e) => process.stderr.write(`subject not set: ${e.message}\n`));
  const left = new Promise<number>((resolve) => {
    h.participant.on('left', (r) => {
      if (r.kind === 'requested') resolve(0);
      else {
        process.stderr.write(`stagecast: ${r.error.message}\n`);
        resolve(r.error.reason === 'connection-lost' || r.error.reason === 'removed-from-room' ? 69 : 70);
      }
    });
  });
  const onAbort = () => void h.close();
  if (ac.signal.aborted) onAbort();
  else ac.signal.addEventListener('abort', onAbort, { once: true });
  const code = await left;
  process.stderr.write('left the room\n');
  return code;
}
