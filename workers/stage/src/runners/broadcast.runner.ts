/**
 * The 'broadcast' role: joins the room's Jitsi meeting as a receive-only participant (@stagecast/participant
 * startBroadcast), composites the speakers and pushes the result to the room's outputs (HLS under STAGE_OUTPUT_DIR
 * and/or PUT to an origin, RTMP, SRT). While it runs it
 * - writes the room role's status row every `statusIntervalMs` (2 s): participants, bitrate, layout, fps, per-output
 *   health, HLS/origin counters, engine restarts; output failures also go to `last_error` (cleared on recovery);
 * - polls `room_controls.layout` every `layoutPollMs` and applies the operator's choice (broadcast-config.ts maps the
 *   admin's names to the composite's);
 * - stops on `signal` (stop-stage, runUntil, lease lost, drain): engine EOS so the last segment closes, leave the
 *   room, #EXT-X-ENDLIST, flush origin uploads — then resolves.
 * A lost meeting (connection, engine restarts exhausted) throws a retryable StageError, so pg-boss runs it again.
 */
import type { BroadcastOutput, JitsiCredentials, StageLayout } from '@stagecast/db';
import type {
  BroadcastEvents,
  BroadcastOptions,
  BroadcastStats,
  ParticipantError,
  RemoteParticipant,
} from '@stagecast/participant';
import { compositeChoiceFor, resolveBroadcast, type CompositeChoice } from './broadcast-config.js';
import { StageError, type StageJob, type StageRunContext, type StageRunner } from './types.js';

/** The part of @stagecast/participant's BroadcastHandle this runner uses (tests pass a fake). */
export interface BroadcastSession {
  readonly stats: BroadcastStats;
  readonly participant: { readonly participants: RemoteParticipant[]; readonly endpointId: string | undefined };
  on<K extends keyof BroadcastEvents>(event: K, listener: (...args: BroadcastEvents[K]) => void): () => void;
  setLayout(layout: {
    kind: 'auto' | 'speaker' | 'grid' | 'screen-share' | 'slate';
    showNames?: boolean;
  }): Promise<string>;
  setCountdown(
    target: { startsAt: number; title?: string; speakers?: string[] } | null,
    options?: { placement?: 'full' | 'corner' },
  ): Promise<void>;
  setSlate(slate: { title?: string; subtitle?: string }): Promise<void>;
  close(): Promise<void>;
}

export interface BroadcastRoom {
  slug: string;
  name: string;
  meetingUrl: string | null;
  jitsiCredentials: JitsiCredentials | null;
  broadcastOutputs: BroadcastOutput[];
}

export interface UpcomingTalk {
  title: string;
  speakers: string[];
  startsAtMs: number;
}

/** Database reads of the role (wired to the repositories in main.ts). */
export interface BroadcastData {
  room(roomId: string): Promise<BroadcastRoom>;
  /** The operator's layout choice; null when none was made (default 'auto', like a new room_controls row). */
  layout(roomId: string): Promise<StageLayout | null>;
  /** The room's next talk starting after `afterMs` (countdown layout without a talk on the job). */
  nextTalk(roomId: string, afterMs: number): Promise<UpcomingTalk | null>;
}

export interface BroadcastRunnerOptions {
  data: BroadcastData;
  /** Root of the rooms' local outputs (STAGE_OUTPUT_DIR). */
  outputRoot: string;
  /** @stagecast/participant startBroadcast (injected so unit tests use a fake session). */
  start: (options: BroadcastOptions) => Promise<BroadcastSession>;
  /** Engine heartbeat watchdog: the composite engine can miss 3 s heartbeats under load, so 15 s by default. */
  engineHeartbeatTimeoutMs?: number;
  statusIntervalMs?: number;
  layoutPollMs?: number;
  /** Canvas and encoder of the composite (default 1280×720@30, 2.5 Mb/s). */
  composite?: BroadcastOptions['composite'];
  now?: () => number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** ParticipantError reasons that retrying cannot fix (our options or pipelines are wrong). */
const permanentReasons = new Set(['bad-pipeline', 'invalid-options']);

function startError(err: unknown): StageError {
  const reason = (err as Partial<ParticipantError>).reason;
  if (reason === 'join-failed') {
    return new StageError('join-failed', `the broadcast could not join the meeting: ${message(err)}`, false, {
      cause: err,
    });
  }
  return new StageError(
    'pipeline-failed',
    `the broadcast could not start: ${message(err)}`,
    reason !== undefined && permanentReasons.has(reason),
    { cause: err },
  );
}

export function createBroadcastRunner(options: BroadcastRunnerOptions): StageRunner {
  const now = options.now ?? Date.now;
  const statusIntervalMs = options.statusIntervalMs ?? 2_000;
  const layoutPollMs = options.layoutPollMs ?? 2_000;
  return {
    role: 'broadcast',
    async run(job: StageJob, context: StageRunContext): Promise<void> {
      const { signal, logger } = context;
      const room = await options.data.room(job.roomId);
      const resolved = resolveBroadcast(room, options.outputRoot, job.attempt);
      for (const w of resolved.warnings) logger.warn(w);
      let layout: StageLayout = (await options.data.layout(job.roomId)) ?? 'auto';
      const initial = compositeChoiceFor(layout);
      const subtitle = job.talk ? job.talk.title : 'Starting soon';

      let session: BroadcastSession;
      try {
        session = await options.start({
          meeting: resolved.meeting,
          outputs: resolved.outputs,
          composite: {
            ...options.composite,
            slate: { title: room.name, subtitle },
            layout: initial.kind === 'layout' ? initial.layout : { kind: 'slate' },
          },
          engine: { timings: { heartbeatTimeoutMs: options.engineHeartbeatTimeoutMs ?? 15_000 } },
          logger,
          signal,
        });
      } catch (err: unknown) {
        if (signal.aborted) return; // stopped while joining: nothing was published
        throw startError(err);
      }
      const s = session;
      logger.info({ endpointId: s.participant.endpointId, hls: resolved.hlsPlaylist }, 'broadcast joined the meeting');

      const outputErrors = new Map<string, string>();
      let lastErrorShown: string | null = null;
      const offs = [
        s.on('outputStateChanged', (d) => {
          if (d.state === 'failed' || d.state === 'reconnecting')
            outputErrors.set(d.outputId, `${d.outputId} ${d.state}${d.message ? `: ${d.message}` : ''}`);
          else if (d.state === 'running') outputErrors.delete(d.outputId);
        }),
        s.on('engineRestarted', (d) =>
          logger.warn({ reason: d.reason }, 'broadcast engine restarted; outputs rebuilt'),
        ),
      ];

      const applyChoice = async (choice: CompositeChoice): Promise<string> => {
        if (choice.kind === 'layout') {
          await s.setCountdown(null);
          return s.setLayout(choice.layout);
        }
        const talk: UpcomingTalk | null =
          job.talk && job.startsAtMs > now()
            ? { title: job.talk.title, speakers: job.talk.speakers, startsAtMs: job.startsAtMs }
            : await options.data.nextTalk(job.roomId, now());
        if (!talk) {
          await s.setCountdown(null);
          await s.setSlate({ title: room.name, subtitle: 'No upcoming talk' });
          return s.setLayout({ kind: 'slate' });
        }
        await s.setLayout({ kind: 'slate' });
        await s.setCountdown(
          { startsAt: talk.startsAtMs, title: talk.title, speakers: talk.speakers },
          { placement: 'full' },
        );
        return 'countdown';
      };
      if (initial.kind === 'countdown')
        await applyChoice(initial).catch((e: unknown) => logger.warn({ err: message(e) }, 'countdown failed'));

      const statusOf = (): Record<string, unknown> => {
        const st = s.stats;
        const c = st.composite;
        const outputs = (c?.outputs ?? []).map((o) => ({
          id: o.id,
          kind: o.kind,
          state: o.state,
          bitrateKbps: Math.round(o.bitrate / 1000),
          reconnects: o.reconnects,
        }));
        const main = outputs.find((o) => o.kind === 'hls') ?? outputs[0];
        const hls = st.hls[0];
        return {
          participants: s.participant.participants.length,
          bitrateKbps: main?.bitrateKbps ?? 0,
          layout,
          composite: c
            ? { shown: c.layout, sources: c.sources, encodedFps: c.encodedFps, droppedFrames: c.droppedFrames }
            : null,
          outputs,
          hls: hls
            ? {
                playlist: resolved.hlsPlaylist,
                segments: hls.segments,
                lastSegmentAt: hls.lastSegmentAt?.toISOString() ?? null,
                discontinuities: hls.discontinuities,
                origin: hls.origin
                  ? {
                      healthy: hls.origin.healthy,
                      uploaded: hls.origin.uploaded,
                      failures: hls.origin.failures,
                      lastError: hls.origin.lastError,
                    }
                  : null,
              }
            : null,
          engineRestarts: st.engineRestarts,
          at: new Date(now()).toISOString(),
        };
      };
      const currentError = (): string | null => {
        const errs = [...outputErrors.values()];
        const origin = s.stats.hls[0]?.origin;
        if (origin && !origin.healthy && origin.lastError) errs.push(`origin: ${origin.lastError}`);
        return errs.length ? errs.join('; ').slice(0, 1000) : null;
      };
      const report = async (state?: 'running' | 'stopping') => {
        const err = currentError();
        await context.reportStatus({
          ...(state ? { state } : {}),
          stats: statusOf(),
          ...(err !== lastErrorShown ? { lastError: err } : {}),
        });
        lastErrorShown = err;
      };
      await report('running');

      let polling = false;
      const pollLayout = async () => {
        if (polling || signal.aborted) return;
        polling = true;
        try {
          const next = (await options.data.layout(job.roomId)) ?? 'auto';
          if (next !== layout) {
            const shown = await applyChoice(compositeChoiceFor(next));
            logger.info({ from: layout, to: next, shown }, 'layout switched');
            layout = next;
          }
        } catch (err: unknown) {
          logger.warn({ err: message(err) }, 'layout switch failed; retrying at the next poll');
        } finally {
          polling = false;
        }
      };
      const timers = [
        setInterval(
          () => void report().catch((e: unknown) => logger.warn({ err: message(e) }, 'status write failed')),
          statusIntervalMs,
        ),
        setInterval(() => void pollLayout(), layoutPollMs),
      ];

      try {
        const ended = await new Promise<{ kind: 'aborted' } | { kind: 'left'; error?: Error }>((resolve) => {
          if (signal.aborted) return resolve({ kind: 'aborted' });
          signal.addEventListener('abort', () => resolve({ kind: 'aborted' }), { once: true });
          offs.push(
            s.on('left', (r) => resolve(r.kind === 'failed' ? { kind: 'left', error: r.error } : { kind: 'left' })),
          );
        });
        for (const t of timers) clearInterval(t);
        if (ended.kind === 'left' && !signal.aborted) {
          await s.close();
          const why = ended.error ? message(ended.error) : 'the broadcast left the meeting on its own';
          throw new StageError('join-failed', `broadcast lost the meeting: ${why}`, false, { cause: ended.error });
        }
        await context.reportStatus({ state: 'stopping' }).catch(() => {});
        // EOS → last segment closed → leave → ENDLIST → origin uploads flushed.
        await s.close();
        await report('stopping').catch(() => {});
        logger.info({ segments: s.stats.hls[0]?.segments ?? 0, reason: String(signal.reason) }, 'broadcast ended');
      } finally {
        for (const t of timers) clearInterval(t);
        for (const off of offs) off();
        await s.close().catch(() => {});
      }
    },
  };
}
