/**
 * The clock role, runnable today with GStreamer alone: renders the room's countdown to the next talk ("HH:MM:SS",
 * then "Starting now" at T), the talk's title and the current wall time into the room's HLS output
 * (`<outputRoot>/<room slug>/clock/index.m3u8`).
 *
 * The pipeline is a gst-launch-1.0 child of our own (the media package exports no countdown output yet): the
 * countdown text comes from a generated SubRip track (`subparse ! textoverlay`) whose entries change on wall-clock
 * second boundaries computed from the pipeline's start; the current time is `clockoverlay` (system clock per frame).
 * Accuracy is therefore "to the pipeline start estimate" (~100 ms), not the frame-accurate CountdownSource of
 * @stagecast/media (issue 6) — swap it in once the media package exports it.
 *
 * The child is wrapped in `sh` so it is stopped both when we stop it and when this worker dies (its stdin pipe
 * closes), so a SIGKILLed worker leaves no orphan writing the output. We stop it with SIGTERM and then end the playlist
 * ourselves (#EXT-X-ENDLIST, RFC 8216 §4.3.3.4): the playlist lists closed segments only, and a pipeline-level EOS
 * (gst-launch -e) hangs in textoverlay while its text pad has pending subtitles (GStreamer 1.22).
 * Segment names carry the run id, so a takeover's new run never overwrites the previous run's segments.
 *
 * In the room: with `participant` configured and a room that has a meeting URL, the role also joins the meeting as
 * "Stagecast clock" (@stagecast/participant startClock: the frame-accurate countdown as its camera, chat reminders,
 * room subject) while the HLS output above keeps running for the broadcast slot. A failed join or a lost meeting is
 * retried with backoff (1 s … 30 s) and shown as last_error; it never stops the HLS output.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClockTalkInput, RemoteParticipant, StartClockOptions } from '@stagecast/participant';
import { meetingOptions } from './broadcast-config.js';
import type { ClockData } from './stage-data.js';
import { StageError, type StageJob, type StageRunContext, type StageRunner } from './types.js';

/** The part of @stagecast/participant's ClockHandle this runner uses (tests pass a fake). */
export interface ClockSession {
  readonly participant: {
    readonly participants: RemoteParticipant[];
    readonly endpointId: string | undefined;
    on(event: 'left', listener: (reason: { kind: 'requested' } | { kind: 'failed'; error: Error }) => void): () => void;
  };
  close(): Promise<void>;
}

export interface ClockParticipantOptions {
  start: (options: StartClockOptions) => Promise<ClockSession>;
  data: ClockData;
  engineHeartbeatTimeoutMs?: number;
  /** Set the room subject to the next talk when we are moderator (default true). */
  subject?: boolean;
}

export interface ClockRunnerOptions {
  /** Root directory of room outputs; each room's clock writes `<root>/<room slug>/clock/`. */
  outputRoot: string;
  width?: number;
  height?: number;
  fps?: number;
  /** H.264 bitrate in kbit/s. */
  bitrateKbps?: number;
  font?: string;
  gstLaunch?: string;
  /** How long to wait for EOS to finish the playlist before killing the pipeline. */
  eosTimeoutMs?: number;
  now?: () => number;
  /** Also join the room's meeting as the clock participant. */
  participant?: ClockParticipantOptions;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Keeps the clock participant in the room until `signal` aborts: join, wait for a failure, back off, join again.
 * Resolves after the participant has left.
 */
export async function runClockParticipant(
  o: ClockParticipantOptions,
  job: StageJob,
  context: StageRunContext,
  now: () => number,
): Promise<void> {
  const { signal, logger } = context;
  const room = await o.data.room(job.roomId);
  if (!room.meetingUrl) {
    await context.reportStatus({ stats: { inMeeting: false, meeting: 'the room has no meeting URL: HLS clock only' } });
    return;
  }
  const meeting = meetingOptions(room, 'Stagecast clock');
  const schedule = async (): Promise<ClockTalkInput[]> => o.data.talks(job.roomId, now() - 2 * 3600_000);
  for (let attempt = 0; !signal.aborted; attempt++) {
    let session: ClockSession | undefined;
    try {
      session = await o.start({
        meeting,
        schedule,
        timeZone: job.conferenceTimeZone,
        subject: o.subject ?? true,
        engine: { timings: { heartbeatTimeoutMs: o.engineHeartbeatTimeoutMs ?? 15_000 } },
        logger,
        signal,
      });
      attempt = 0;
      const s = session;
      await context.reportStatus({ stats: { inMeeting: true, endpointId: s.participant.endpointId }, lastError: null });
      const left = await new Promise<string | null>((resolve) => {
        if (signal.aborted) return resolve(null);
        signal.addEventListener('abort', () => resolve(null), { once: true });
        s.participant.on('left', (r) => resolve(r.kind === 'failed' ? errorText(r.error) : 'left the meeting'));
      });
      await s.close();
      if (left === null) return;
      logger.warn({ reason: left }, 'clock participant lost the meeting; joining again');
      await context.reportStatus({ stats: { inMeeting: false }, lastError: `clock participant: ${left}` });
    } catch (err: unknown) {
      await session?.close().catch(() => {});
      if (signal.aborted) return;
      logger.warn({ err: errorText(err) }, 'clock participant could not join; retrying');
      await context.reportStatus({ stats: { inMeeting: false }, lastError: `clock participant: ${errorText(err)}` });
    }
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}

function hms(totalSeconds: number): string {
  const s = Math.max(0, totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function srtTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')},${String(ms % 1000).padStart(3, '0')}`;
}

/**
 * SubRip entries for a countdown starting at wall time `startMs` (≈ pipeline running time 0) until `untilMs`:
 * entry boundaries sit on wall-clock seconds, text = whole seconds left to `targetMs` rounded up (00:00:00 exactly
 * at T), then "Starting now".
 */
export function countdownSubtitles(startMs: number, targetMs: number, untilMs: number): string {
  const out: string[] = [];
  let from = startMs;
  let n = 1;
  while (from < untilMs) {
    const next = Math.min(untilMs, (Math.floor(from / 1000) + 1) * 1000);
    const left = Math.ceil((targetMs - from) / 1000);
    const text = from >= targetMs ? 'Starting now' : hms(left);
    out.push(`${n}\n${srtTime(from - startMs)} --> ${srtTime(next - startMs)}\n${text}\n`);
    from = next;
    n += 1;
  }
  return out.join('\n');
}

/** gst-launch quoting: one argv element holding `prop="value"` with quotes/backslashes/newlines removed. */
const quoted = (value: string) => `"${value.replace(/["\\\n\r]/g, ' ').slice(0, 200)}"`;

/** Appends #EXT-X-ENDLIST unless present, so players stop polling a finished output. */
export function endPlaylist(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  if (!text.includes('#EXT-X-ENDLIST'))
    writeFileSync(path, `${text.endsWith('\n') ? text : `${text}\n`}#EXT-X-ENDLIST\n`);
}

export function createClockRunner(options: ClockRunnerOptions): StageRunner {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const fps = options.fps ?? 30;
  const now = options.now ?? Date.now;
  return {
    role: 'clock',
    async run(job: StageJob, context: StageRunContext): Promise<void> {
      const dir = join(options.outputRoot, job.room.slug, 'clock');
      mkdirSync(dir, { recursive: true });
      const runId = job.bossJobId.slice(0, 8);
      const srtPath = join(dir, `countdown-${runId}.srt`);
      // The pipeline reaches PLAYING a little after spawn; 300 ms is the typical start-up on the CI machine.
      const startMs = now() + 300;
      writeFileSync(srtPath, countdownSubtitles(startMs, job.startsAtMs, job.runUntilMs + 5_000));
      const zone = job.conferenceTimeZone;
      const at = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(
        job.startsAtMs,
      );
      const title = job.talk ? `Next: ${job.talk.title} at ${at}` : `Next talk at ${at}`;
      const font = options.font ?? 'DejaVu Sans';
      const big = Math.max(12, Math.round(height / 8));
      const small = Math.max(8, Math.round(height / 30));
      const args = [
        'videotestsrc',
        'is-live=true',
        'pattern=black',
        '!',
        `video/x-raw,width=${width},height=${height},framerate=${fps}/1`,
        '!',
        'textoverlay',
        'name=cd',
        `font-desc=${quoted(`${font} Mono Bold ${big}`)}`,
        'valignment=center',
        'halignment=center',
        'wait-text=false',
        '!',
        'textoverlay',
        `text=${quoted(title)}`,
        'valignment=top',
        `font-desc=${quoted(`${font} ${small}`)}`,
        '!',
        'clockoverlay',
        'time-format="%H:%M:%S"',
        'valignment=bottom',
        'halignment=right',
        `font-desc=${quoted(`${font} ${small}`)}`,
        '!',
        'videoconvert',
        '!',
        'x264enc',
        'tune=zerolatency',
        'speed-preset=ultrafast',
        `key-int-max=${fps * 2}`,
        `bitrate=${options.bitrateKbps ?? 1500}`,
        '!',
        'h264parse',
        '!',
        'hlssink2',
        'target-duration=2',
        'playlist-length=6',
        'max-files=20',
        `location=${quoted(join(dir, `segment-${runId}-%05d.ts`))}`,
        `playlist-location=${quoted(join(dir, 'index.m3u8'))}`,
        'filesrc',
        `location=${quoted(srtPath)}`,
        '!',
        'subparse',
        '!',
        'cd.text_sink',
      ];
      // sh: EOS on stdin EOF (our stop, or this process dying), then wait for gst-launch to finish the playlist.
      // fd 3 keeps our stdin pipe: async lists get /dev/null as stdin (POSIX), so dup it before backgrounding.
      const script = `exec 3<&0
${options.gstLaunch ?? 'gst-launch-1.0'} "$@" </dev/null 3<&- & pid=$!
( read -r _ <&3; kill -TERM $pid 2>/dev/null ) &
exec 3<&-
wait $pid`;
      // Own process group, so a forced stop can kill sh, gst-launch and the watcher together.
      const child = spawn('sh', ['-c', script, 'clock', ...args], {
        stdio: ['pipe', 'ignore', 'pipe'],
        detached: true,
      });
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const segments = () => readdirSync(dir).filter((f) => f.startsWith(`segment-${runId}-`)).length;
      await context.reportStatus({
        state: 'running',
        stats: { output: join(dir, 'index.m3u8'), runId, pid: child.pid },
      });
      const ticker = setInterval(() => {
        void context.reportStatus({ stats: { segmentsWritten: segments() } }).catch(() => {});
      }, 5_000);
      // Its own stop signal: the participant also leaves when the HLS pipeline fails (the role then throws).
      const roomStop = new AbortController();
      const stopRoom = () => roomStop.abort(context.signal.reason);
      context.signal.addEventListener('abort', stopRoom, { once: true });
      const inRoom = options.participant
        ? runClockParticipant(options.participant, job, { ...context, signal: roomStop.signal }, now).catch(
            (err: unknown) => context.logger.error({ err: errorText(err) }, 'clock participant gave up'),
          )
        : Promise.resolve();
      try {
        const stopped = new Promise<'aborted'>((resolve) => {
          if (context.signal.aborted) resolve('aborted');
          else context.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
        });
        const first = await Promise.race([stopped, exited.then((code) => ({ code }))]);
        if (first !== 'aborted') {
          throw new StageError(
            'pipeline-failed',
            `clock pipeline exited with ${first.code} before the role ended: ${stderr.trim().slice(-500)}`,
            false,
          );
        }
        await context.reportStatus({ state: 'stopping' });
        await inRoom; // the clock participant leaves (engine EOS, unavailable presence)
        child.stdin.end();
        const timeout = new Promise<'timeout'>((resolve) =>
          setTimeout(() => resolve('timeout'), options.eosTimeoutMs ?? 5_000).unref(),
        );
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          context.logger.warn({ runId }, 'clock pipeline did not exit on SIGTERM in time; killing it');
          killGroup();
          await exited;
        }
        endPlaylist(join(dir, 'index.m3u8'));
        await context.reportStatus({ stats: { segmentsWritten: segments() } });
      } finally {
        clearInterval(ticker);
        context.signal.removeEventListener('abort', stopRoom);
        roomStop.abort('clock role ended');
        await inRoom;
        if (child.exitCode === null && child.signalCode === null) killGroup();
      }
    },
  };
}
