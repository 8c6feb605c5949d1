/**
 * `stagecast playout <meeting-url> --file <talk> --at <ISO time|+seconds> [options]`: joins as the playout participant
 * (issue 8): countdown until T, the talk from the frame whose wall time is T, then a Q&A slate / the next countdown /
 * black. Controls: keys on a terminal (s start now, p pause/resume, k skip, x stop, r restart, q leave) or, when stdin
 * is not a terminal, one command per line (start, pause, resume, skip, stop, restart, status, quit) — scriptable.
 * First SIGINT/SIGTERM: leave cleanly; second: exit 130.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { PlayoutAction, PlayoutSourceInput } from '@stagecast/media';
import { ParticipantError, startPlayout, type PlayoutHandle, type StartPlayoutOptions } from '@stagecast/participant';
import { pino } from 'pino';
import { CliError } from './errors.js';

export const PLAYOUT_HELP = `Usage: stagecast playout <meeting-url> --file <talk> --at <time> [options]

Joins the meeting as the playout participant: shows a countdown, starts the pre-recorded talk on the frame whose wall
time is --at (this host's clock: keep it NTP-synchronised), then shows a slate / the next countdown / black.

Talk:
  --file <path|URI>          the talk video (any container/codec GStreamer decodes)
  --at <time>                T: ISO 8601 with offset (2026-11-21T14:00:00+01:00) or +SECONDS from now
  --title <text>             shown on the countdown;   --speakers "A, B"
  --late-policy <p>          job started after T: from-start (default: play from 0 now) | join-in (seek to the
                             position the schedule implies)
  --join-before <s>          join the room this long before T (default 120; waits if started earlier)
  --open-ahead <s>           open and preroll the file this long before T (default 300)
  --no-audio                 publish silence instead of the talk's audio
After the talk:
  --after slate|countdown|black   (default slate)   --after-text <text> (default "Q&A")
  --next-at <time> --next-title <text>             the next countdown (with --after countdown)
  --mute-after               mute our video after the talk (SourceInfo muted) so the live speaker takes over
  --leave-after-end <s>      leave the room this many seconds after the talk ended (default: stay)
Video:
  --width W --height H --fps F (default 1280x720@30)  --video-codec vp8|h264  --video-bitrate <bit/s>
Meeting:
  --nick NAME (default "Stagecast playout")  --password PWD  --token JWT  --room-name NAME  -v/--verbose
Controls: keys on a terminal (s start now, p pause/resume, k skip, x stop, r restart, q leave); otherwise lines on
stdin: start | pause | resume | skip | stop | restart | status | quit.
Exit codes: 0 left cleanly, 64 bad usage, 69 could not join, 70 media failure, 130 interrupted.`;

export interface PlayoutCliOptions {
  meetingUrl: string;
  playout: Omit<PlayoutSourceInput, 'kind'>;
  joinBeforeMs: number;
  leaveAfterEndMs: number | null;
  videoCodec: 'vp8' | 'h264';
  videoBitrate?: number;
  nick: string;
  password?: string;
  token?: string;
  roomName?: string;
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

/** ISO 8601 with offset, or +SECONDS from `now`. */
export function parseAt(flag: string, v: string, now: number): number {
  const rel = /^\+(\d+(?:\.\d+)?)$/.exec(v.trim());
  if (rel?.[1]) return Math.round(now + Number(rel[1]) * 1000);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(v.trim()) || Number.isNaN(Date.parse(v))) {
    throw new CliError('invalid-option', `${flag} expects an ISO 8601 time with offset (2026-11-21T14:00:00+01:00) or +SECONDS, got "${v}"`);
  }
  return Date.parse(v);
}

export function parsePlayoutArgs(argv: readonly string[], now = Date.now()): PlayoutCliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        file: { type: 'string' },
        at: { type: 'string' },
        title: { type: 'string' },
        speakers: { type: 'string' },
        'late-policy': { type: 'string' },
        'join-before': { type: 'string' },
        'open-ahead': { type: 'string' },
        'no-audio': { type: 'boolean' },
        after: { type: 'string' },
        'after-text': { type: 'string' },
        'next-at': { type: 'string' },
        'next-title': { type: 'string' },
        'mute-after': { type: 'boolean' },
        'leave-after-end': { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        fps: { type: 'string' },
        'video-codec': { type: 'string' },
        'video-bitrate': { type: 'string' },
        nick: { type: 'string' },
        password: { type: 'string' },
        token: { type: 'string' },
        'room-name': { type: 'string' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message}. Run "stagecast playout --help".`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [meetingUrl, ...extra] = parsed.positionals;
  if (!meetingUrl || extra.length) {
    throw new CliError('usage', 'give exactly one <meeting-url>, e.g. stagecast playout https://meet.example.org/room --file talk.mp4 --at +120');
  }
  if (!/^https?:\/\//.test(meetingUrl)) {
    throw new CliError('invalid-option', `<meeting-url> must be an http(s) URL like https://meet.example.com/MyRoom, got "${meetingUrl}"`);
  }
  if (!v.file) throw new CliError('usage', '--file is required: the talk video (a path or a URI)');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v.file) && !existsSync(v.file)) {
    throw new CliError('invalid-option', `--file ${v.file} does not exist: give the path of the talk video`);
  }
  if (!v.at) throw new CliError('usage', '--at is required: when the talk starts (ISO 8601 with offset, or +SECONDS)');
  const policy = v['late-policy'] ?? 'from-start';
  if (policy !== 'from-start' && policy !== 'join-in') {
    throw new CliError('invalid-option', `--late-policy expects from-start or join-in, got "${policy}"`);
  }
  const afterKind = v.after ?? 'slate';
  let after: NonNullable<PlayoutSourceInput['after']>;
  if (afterKind === 'slate') after = { kind: 'slate', text: v['after-text'] ?? 'Q&A' };
  else if (afterKind === 'black') after = { kind: 'black' };
  else if (afterKind === 'countdown') {
    if (!v['next-at']) throw new CliError('usage', '--after countdown needs --next-at <time> (the next talk)');
    after = { kind: 'countdown', startsAt: parseAt('--next-at', v['next-at'], now), title: v['next-title'] ?? '' };
  } else throw new CliError('invalid-option', `--after expects slate, countdown or black, got "${afterKind}"`);
  const codec = v['video-codec'] ?? 'vp8';
  if (codec !== 'vp8' && codec !== 'h264') throw new CliError('invalid-option', `--video-codec expects vp8 or h264, got "${codec}"`);
  const width = int('--width', v.width, 160, 3840, 1280);
  const height = int('--height', v.height, 120, 2160, 720);
  if (width % 2 || height % 2) throw new CliError('invalid-option', '--width and --height must be even numbers');
  const file = v.file.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(v.file) ? v.file : `${process.cwd()}/${v.file}`;
  return {
    meetingUrl,
    playout: {
      location: file,
      startsAt: parseAt('--at', v.at, now),
      latePolicy: policy,
      openAheadMs: int('--open-ahead', v['open-ahead'], 1, 3600, 300) * 1000,
      audio: !v['no-audio'],
      width,
      height,
      fps: int('--fps', v.fps, 1, 60, 30),
      countdown: {
        title: v.title ?? '',
        speakers: (v.speakers ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      },
      after,
      muteVideoAfterEnd: !!v['mute-after'],
    },
    joinBeforeMs: int('--join-before', v['join-before'], 0, 86_400, 120) * 1000,
    leaveAfterEndMs: v['leave-after-end'] === undefined ? null : int('--leave-after-end', v['leave-after-end'], 0, 86_400, 0) * 1000,
    videoCodec: codec,
    ...(v['video-bitrate'] ? { videoBitrate: int('--video-bitrate', v['video-bitrate'], 50_000, 50_000_000, 1_500_000) } : {}),
    nick: v.nick?.trim() || 'Stagecast playout',
    ...(v.password ? { password: v.password } : {}),
    ...(v.token ? { token: v.token } : {}),
    ...(v['room-name'] ? { roomName: v['room-name'] } : {}),
    verbosity: v.verbose?.length ?? 0,
  };
}

const LINE_COMMANDS: Record<string, PlayoutAction | 'status' | 'quit'> = {
  start: 'startNow',
  'start-now': 'startNow',
  pause: 'pause',
  resume: 'resume',
  skip: 'skip',
  stop: 'stop',
  restart: 'restart',
  status: 'status',
  quit: 'quit',
};

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs until the participant leaves; returns the exit code. */
export async function runPlayoutCli(argv: string[]): Promise<number> {
  let o: PlayoutCliOptions | 'help';
  try {
    o = parsePlayoutArgs(argv);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError('internal', String(err));
    process.stderr.write(`stagecast: ${e.message}\n`);
    return e.exitCode;
  }
  if (o === 'help') {
    process.stdout.write(`${PLAYOUT_HELP}\n`);
    return 0;
  }
  const opts = o;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const logger = pino(
    {
      level: opts.verbosity >= 2 ? 'debug' : opts.verbosity === 1 ? 'info' : 'warn',
      redact: { paths: ['token', 'password', 'pwd', 'jwt', '*.token', '*.password'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
  const ac = new AbortController();
  let signals = 0;
  let po: PlayoutHandle | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals === 1) {
      say(`${sig}: leaving (engine EOS, then leave the room)…`);
      ac.abort();
      void po?.close();
      return;
    }
    say(`stagecast: second ${sig}, exiting without a clean leave`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const meeting: StartPlayoutOptions['meeting'] = { meetingUrl: opts.meetingUrl, displayName: opts.nick };
  if (opts.token) meeting.auth = { kind: 'jwt', token: opts.token };
  if (opts.password) meeting.roomPassword = opts.password;
  if (opts.roomName) meeting.room = opts.roomName;
  const startsAt = Number(opts.playout.startsAt);
  say(`talk ${opts.playout.location} scheduled at ${iso(startsAt)} (in ${((startsAt - Date.now()) / 1000).toFixed(1)} s)`);
  try {
    po = await startPlayout({
      meeting,
      playout: opts.playout,
      joinBeforeMs: opts.joinBeforeMs,
      videoCodec: opts.videoCodec,
      ...(opts.videoBitrate ? { encoder: { videoBitrate: opts.videoBitrate } } : {}),
      logger,
      signal: ac.signal,
    });
  } catch (err) {
    if (err instanceof ParticipantError && err.reason === 'aborted') return 130;
    const e =
      err instanceof ParticipantError
        ? new CliError(
            err.reason === 'join-failed' ? 'connect-failed' : err.reason === 'invalid-options' ? 'invalid-option' : 'media-failed',
            err.message,
          )
        : new CliError('internal', String(err));
    say(`stagecast: ${e.message}`);
    return e.exitCode;
  }
  const handle = po;
  say(`joined ${new URL(opts.meetingUrl).pathname.slice(1)} as ${handle.participant.endpointId ?? '?'} (engine pid ${handle.participant.enginePid ?? '?'})`);
  let leaveTimer: NodeJS.Timeout | undefined;
  handle.on('stateChanged', (s) => {
    const pos = s.positionMs === null ? '' : ` at ${(s.positionMs / 1000).toFixed(1)} s`;
    say(`playout ${s.state} (${s.reason})${pos}`);
    if (s.state === 'ended' && opts.leaveAfterEndMs !== null) {
      leaveTimer = setTimeout(() => void handle.close(), opts.leaveAfterEndMs);
    } else if (s.state !== 'ended' && leaveTimer) {
      clearTimeout(leaveTimer);
      leaveTimer = undefined;
    }
  });
  handle.on('lateStarted', (l) =>
    say(`LATE START: ${(l.lateMs / 1000).toFixed(1)} s after T; policy ${l.policy}: the talk shows position ${(l.positionMs / 1000).toFixed(1)} s at ${iso(l.switchAtMs)}`),
  );
  handle.on('alerted', (a) => say(`ALERT (${a.reason}): ${a.message}`));
  handle.on('videoMuteChanged', (m) => say(m ? 'video muted: the live speaker takes over' : 'video unmuted'));
  handle.participant.on('participantJoined', (p) => say(`participant joined: ${p.nick ?? p.id} (${p.id})`));

  const run = async (cmd: PlayoutAction | 'status' | 'quit'): Promise<void> => {
    try {
      if (cmd === 'quit') {
        say('leaving…');
        await handle.close();
        return;
      }
      const st = cmd === 'status' ? await handle.status() : await handle.control(cmd);
      say(
        `${cmd} → ${st.state}${st.positionMs === null ? '' : ` position ${(st.positionMs / 1000).toFixed(1)} s`}` +
          `${st.durationMs === null ? '' : ` of ${(st.durationMs / 1000).toFixed(1)} s`}${st.switchAtMs === null ? '' : `, first frame at ${iso(st.switchAtMs)}`}`,
      );
    } catch (err) {
      say(`${cmd} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const stdin = process.stdin;
  if (stdin.isTTY) {
    say('keys: s start now, p pause/resume, k skip, x stop, r restart, q leave');
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', (k: string) => {
      if (k === '\u0003') return onSignal('SIGINT');
      const map: Record<string, PlayoutAction | 'quit'> = { s: 'startNow', k: 'skip', x: 'stop', r: 'restart', q: 'quit' };
      if (k === 'p') void run(handle.state === 'paused' ? 'resume' : 'pause');
      else if (map[k]) void run(map[k]);
    });
  } else {
    const rl = createInterface({ input: stdin });
    rl.on('line', (line) => {
      const cmd = LINE_COMMANDS[line.trim().toLowerCase()];
      if (cmd) void run(cmd);
      else if (line.trim()) say(`unknown command "${line.trim()}": start, pause, resume, skip, stop, restart, status, quit`);
    });
  }
  const left = await new Promise<{ kind: 'requested' } | { kind: 'failed'; error: ParticipantError }>((resolve) => handle.on('left', resolve));
  if (leaveTimer) clearTimeout(leaveTimer);
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  stdin.destroy();
  say('left the room');
  if (left.kind === 'failed') {
    say(`stagecast: ${left.error.message}`);
    return left.error.reason === 'connection-lost' || left.error.reason === 'removed-from-room' ? 69 : 70;
  }
  return 0;
}
