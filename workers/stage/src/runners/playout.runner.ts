/**
 * The 'playout' role: joins the room's meeting as "Stagecast playout" (@stagecast/participant startPlayout) and
 * publishes the talk's uploaded video so that its first frame shows at the talk's start T (countdown before, Q&A slate
 * after). A job that starts after T follows the conference's late-start policy (conferences.playout_late_policy:
 * `from-start` or `join-in`). startPlayout itself waits until T − `joinBeforeMs` when the job runs early.
 *
 * The video path is `talks.video_file` (an absolute path in the web app's upload storage): a worker on another machine
 * needs that storage mounted at the same path. Status every `statusIntervalMs`: playout state and position, late
 * start, alerts (a broken file → slate + last_error), participants, the last organizer command. Stops on `signal`
 * (engine EOS, leave).
 *
 * Organizer controls (start now, pause, resume, skip, stop, restart) arrive through `playout_commands` (admin app's
 * live.playoutControl): every `commandPollMs` the runner claims the room's pending commands (an atomic
 * pending → applying in the database, so a command is applied at most once even if two jobs of the room overlap; the
 * runner also never applies a seq at or below its last one), hands each to PlayoutHandle.control in issue order and
 * writes back `applied` or `refused` with the engine's reason (e.g. resume while not paused), the playout state and
 * position; the status row's `lastCommand` shows the same on the live page.
 */
import type { JitsiCredentials, PlayoutCommandAction, PlayoutLatePolicy } from '@stagecast/db';
import type {
  ParticipantError,
  PlayoutHandleEvents,
  RemoteParticipant,
  StartPlayoutOptions,
} from '@stagecast/participant';
import { meetingOptions } from './broadcast-config.js';
import { StageError, type StageJob, type StageRunContext, type StageRunner } from './types.js';

/** Engine-side playout status (packages/media PlayoutStatus, the fields this runner reports). */
export interface PlayoutSessionStatus {
  state: string;
  positionMs: number | null;
  durationMs: number | null;
  effectiveStartMs: number | null;
}

/** The part of @stagecast/participant's PlayoutHandle this runner uses (tests pass a fake). */
export interface PlayoutSession {
  readonly state: string;
  status(): Promise<PlayoutSessionStatus>;
  /** Organizer control; rejects with the engine's reason when the action does not apply in the current state. */
  control(action: PlayoutCommandAction): Promise<PlayoutSessionStatus>;
  readonly participant: { readonly participants: RemoteParticipant[]; readonly endpointId: string | undefined };
  on<K extends keyof PlayoutHandleEvents>(event: K, listener: (...args: PlayoutHandleEvents[K]) => void): () => void;
  close(): Promise<void>;
}

export interface PlayoutTalk {
  title: string;
  speakers: string[];
  /** Absolute path of the uploaded talk video; null when none was uploaded. */
  videoFile: string | null;
}

export interface PlayoutData {
  room(roomId: string): Promise<{ slug: string; meetingUrl: string | null; jitsiCredentials: JitsiCredentials | null }>;
  talk(talkId: string): Promise<PlayoutTalk>;
  /** The late-start policy of the room's conference. */
  latePolicy(roomId: string): Promise<PlayoutLatePolicy>;
  /** Claims the room's pending organizer commands after `afterSeq` for this job (pending → applying), oldest first. */
  claimCommands(input: {
    roomId: string;
    jobRecordId: string;
    afterSeq: number;
  }): Promise<{ seq: number; action: PlayoutCommandAction }[]>;
  /** Writes a claimed command's outcome. */
  finishCommand(input: PlayoutCommandOutcome & { seq: number }): Promise<void>;
}

export interface PlayoutCommandOutcome {
  status: 'applied' | 'refused';
  /** The engine's reason for a refusal. */
  result: string | null;
  playoutState: string | null;
  positionMs: number | null;
}

export interface PlayoutRunnerOptions {
  data: PlayoutData;
  start: (options: StartPlayoutOptions) => Promise<PlayoutSession>;
  /** Published video (default 1280×720@30). */
  video?: { width: number; height: number; fps: number };
  /** Join this long before T (default 2 min, the planner's playout lead). */
  joinBeforeMs?: number;
  engineHeartbeatTimeoutMs?: number;
  statusIntervalMs?: number;
  /** How often the room's organizer commands are polled (default 500 ms). */
  commandPollMs?: number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createPlayoutRunner(options: PlayoutRunnerOptions): StageRunner {
  const statusIntervalMs = options.statusIntervalMs ?? 2_000;
  const commandPollMs = options.commandPollMs ?? 500;
  return {
    role: 'playout',
    async run(job: StageJob, context: StageRunContext): Promise<void> {
      const { signal, logger } = context;
      if (!job.talkId) {
        throw new StageError('invalid-job', 'a playout job needs a talk (choose the talk whose video to play)', true);
      }
      const [room, talk, latePolicy] = await Promise.all([
        options.data.room(job.roomId),
        options.data.talk(job.talkId),
        options.data.latePolicy(job.roomId),
      ]);
      if (!talk.videoFile) {
        throw new StageError(
          'invalid-job',
          `talk "${talk.title}" has no uploaded video: upload one in the admin app (Talks → video) and start the playout again`,
          true,
        );
      }
      const meeting = meetingOptions(room, 'Stagecast playout');
      const joinAtMs = job.startsAtMs - (options.joinBeforeMs ?? 120_000);
      await context.reportStatus({
        state: 'starting',
        stats: {
          talk: talk.title,
          startsAt: new Date(job.startsAtMs).toISOString(),
          latePolicy,
          joinsAt: new Date(joinAtMs).toISOString(),
        },
      });
      let session: PlayoutSession;
      try {
        session = await options.start({
          meeting,
          playout: {
            location: talk.videoFile,
            startsAt: job.startsAtMs,
            latePolicy,
            ...(options.video ?? {}),
            countdown: { title: talk.title.slice(0, 500), speakers: talk.speakers.slice(0, 50) },
          },
          joinBeforeMs: options.joinBeforeMs ?? 120_000,
          engine: { timings: { heartbeatTimeoutMs: options.engineHeartbeatTimeoutMs ?? 15_000 } },
          logger,
          signal,
        });
      } catch (err: unknown) {
        if (signal.aborted) return;
        const reason = (err as Partial<ParticipantError>).reason;
        if (reason === 'join-failed')
          throw new StageError('join-failed', `the playout could not join the meeting: ${message(err)}`, false, {
            cause: err,
          });
        // invalid-options (missing/unsupported file) and bad pipelines cannot be fixed by retrying.
        const permanent = reason === 'invalid-options' || reason === 'bad-pipeline';
        throw new StageError('pipeline-failed', `the playout could not start: ${message(err)}`, permanent, {
          cause: err,
        });
      }
      const s = session;
      let late: unknown = null;
      let alert: string | null = null;
      let alertShown: string | null = null;
      const offs = [
        s.on('lateStarted', (d) => (late = d)),
        s.on('alerted', (d) => (alert = `${d.reason}: ${d.message}`.slice(0, 1000))),
        s.on('stateChanged', (d) => {
          logger.info({ state: d.state, reason: d.reason }, 'playout state');
          if (d.state === 'playing') alert = null;
        }),
      ];
      let lastCommand: Record<string, unknown> | null = null;
      const report = async (state?: 'running' | 'stopping', known?: PlayoutSessionStatus) => {
        const current = alert;
        const st = known ?? (await s.status().catch(() => null));
        await context.reportStatus({
          ...(state ? { state } : {}),
          stats: {
            playout: st?.state ?? s.state,
            positionMs: st?.positionMs ?? null,
            durationMs: st?.durationMs ?? null,
            effectiveStartMs: st?.effectiveStartMs ?? null,
            participants: s.participant.participants.length,
            late,
            talk: talk.title,
            latePolicy,
            lastCommand,
          },
          ...(current !== alertShown ? { lastError: current } : {}),
        });
        alertShown = current;
      };

      // Organizer commands: claimed from the database, applied one by one in issue order, each exactly once.
      let lastSeq = 0;
      const applyCommands = async () => {
        const commands = await options.data.claimCommands({
          roomId: job.roomId,
          jobRecordId: job.jobRecordId,
          afterSeq: lastSeq,
        });
        for (const command of commands) {
          if (command.seq <= lastSeq) continue;
          lastSeq = command.seq;
          let outcome: PlayoutCommandOutcome;
          let after: PlayoutSessionStatus | undefined;
          try {
            after = await s.control(command.action);
            outcome = { status: 'applied', result: null, playoutState: after.state, positionMs: after.positionMs };
            logger.info({ seq: command.seq, action: command.action, state: after.state }, 'playout command applied');
          } catch (err: unknown) {
            const st = await s.status().catch(() => null);
            outcome = {
              status: 'refused',
              result: message(err).slice(0, 2000),
              playoutState: st?.state ?? s.state,
              positionMs: st?.positionMs ?? null,
            };
            logger.warn({ seq: command.seq, action: command.action, err: outcome.result }, 'playout command refused');
          }
          lastCommand = { seq: command.seq, action: command.action, ...outcome, at: new Date().toISOString() };
          await options.data
            .finishCommand({ seq: command.seq, ...outcome })
            .catch((e: unknown) => logger.warn({ err: message(e), seq: command.seq }, 'command result write failed'));
          await report(undefined, after).catch((e: unknown) => logger.warn({ err: message(e) }, 'status write failed'));
        }
      };
      let commandLoop: Promise<void> = Promise.resolve();
      let commandTimer: ReturnType<typeof setTimeout> | undefined;
      let commandsStopped = false;
      const pollCommands = () => {
        commandLoop = applyCommands()
          .catch((e: unknown) => logger.warn({ err: message(e) }, 'playout command poll failed'))
          .finally(() => {
            if (!commandsStopped) commandTimer = setTimeout(pollCommands, commandPollMs);
          });
      };

      await report('running');
      const timer = setInterval(
        () => void report().catch((e: unknown) => logger.warn({ err: message(e) }, 'status write failed')),
        statusIntervalMs,
      );
      pollCommands();
      const stopCommands = async () => {
        commandsStopped = true;
        clearTimeout(commandTimer);
        await commandLoop;
      };
      try {
        const ended = await new Promise<{ kind: 'aborted' } | { kind: 'left'; error?: Error }>((resolve) => {
          if (signal.aborted) return resolve({ kind: 'aborted' });
          signal.addEventListener('abort', () => resolve({ kind: 'aborted' }), { once: true });
          offs.push(
            s.on('left', (r) => resolve(r.kind === 'failed' ? { kind: 'left', error: r.error } : { kind: 'left' })),
          );
        });
        clearInterval(timer);
        await stopCommands();
        if (ended.kind === 'left' && !signal.aborted) {
          throw new StageError(
            'join-failed',
            `playout lost the meeting: ${ended.error ? message(ended.error) : 'left on its own'}`,
            false,
            {
              cause: ended.error,
            },
          );
        }
        await report('stopping').catch(() => {});
        await s.close();
      } finally {
        clearInterval(timer);
        await stopCommands();
        for (const off of offs) off();
        await s.close().catch(() => {});
      }
    },
  };
}
