/**
 * `startPlayout()`: the playout participant of issue 8 ("talks start themselves"). A room participant whose video is
 * the engine's scheduled playout (packages/media/src/playout): countdown to T, the talk from the frame whose wall
 * time is T, then a Q&A slate / the next countdown / black, optionally muting our video so the live speaker takes
 * over. Built on startParticipant (engine supervision, clean leave), so an engine crash or a bridge re-invite
 * rebuilds the session; the spec handed to the new session carries the organiser's last decision (moved start,
 * pause position, ended/stopped), so the talk continues where it was instead of re-applying the schedule.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@stagecast/jitsi';
import { silentLogger } from '@stagecast/jitsi';
import {
  playoutSourceSchema,
  type EncoderSettings,
  type EngineClient,
  type EngineEventData,
  type PlayoutAction,
  type PlayoutSourceInput,
  type PlayoutState,
  type PlayoutStatus,
  type ReceiveSpec,
  type SendSpec,
  type VideoCodec,
} from '@stagecast/media';
import { ParticipantError } from './errors.js';
import { TypedEmitter } from './events.js';
import {
  startParticipant,
  type MeetingOptions,
  type ParticipantHandle,
  type StartParticipantOptions,
} from './participant.js';
import { playoutPresenceExtension } from './playout-presence.js';

export interface StartPlayoutOptions {
  meeting: MeetingOptions;
  /** The talk, its start T and what happens around it (packages/media playout spec, without `kind`). */
  playout: Omit<PlayoutSourceInput, 'kind'>;
  /** Join the room this long before T (default 2 min); called earlier, startPlayout waits (abortable). */
  joinBeforeMs?: number;
  encoder?: EncoderSettings;
  videoCodec?: VideoCodec;
  /** What to do with the room's media (default: discard). */
  receive?: ReceiveSpec;
  engine?: StartParticipantOptions['engine'];
  logger?: Logger;
  signal?: AbortSignal;
}

export type PlayoutStateChange = Omit<EngineEventData<'playoutStateChanged'>, 'sid'>;
export type PlayoutLateStart = Omit<EngineEventData<'playoutLateStarted'>, 'sid'>;
export type PlayoutAlert = Omit<EngineEventData<'playoutAlerted'>, 'sid'>;
export type PlayoutModeChoice = Omit<EngineEventData<'playoutModeChosen'>, 'sid'>;

export type PlayoutHandleEvents = {
  stateChanged: [PlayoutStateChange];
  /** The session was set up after T: what the late policy decided (also logged as a warning). */
  lateStarted: [PlayoutLateStart];
  /** A broken talk file, a late preroll, a failed countdown: the room and the slate stay up. */
  alerted: [PlayoutAlert];
  /** Per talk branch: passthrough or transcode of the talk's video, and why (spec `mode`; also logged). */
  modeChosen: [PlayoutModeChoice];
  /** Our video was muted (after the talk) or unmuted (a talk starts again). */
  videoMuteChanged: [muted: boolean];
  left: [{ kind: 'requested' } | { kind: 'failed'; error: ParticipantError }];
};

const ACTION_TIMEOUT_MS = 10_000;

export class PlayoutHandle extends TypedEmitter<PlayoutHandleEvents> {
  readonly participant: ParticipantHandle;
  readonly #send: SendSpec & { source: PlayoutSourceInput };
  readonly #spec: ReturnType<typeof playoutSourceSchema.parse>;
  readonly #log: Logger;
  #state: PlayoutState = 'scheduled';
  #engineOff: (() => void) | undefined;
  #videoMuted = false;
  /** Effective talk start published in presence (the schedule's T until the engine reports a moved start). */
  #startsAtMs: number;
  #stateSinceMs = Date.now();
  #presenceChain: Promise<void> = Promise.resolve();

  /** @internal use startPlayout() */
  constructor(participant: ParticipantHandle, send: SendSpec & { source: PlayoutSourceInput }, log: Logger) {
    super(log);
    this.participant = participant;
    this.#send = send;
    this.#spec = playoutSourceSchema.parse(send.source);
    this.#log = log;
    this.#startsAtMs = this.#spec.startsAt;
    this.#attach(participant.engine);
    this.#publishPresence();
    participant.on('engineRestarted', () => this.#attach(participant.engine));
    participant.on('left', (r) => {
      this.#engineOff?.();
      this.safeEmit('left', r);
    });
  }

  /** Last state reported by the engine. */
  get state(): PlayoutState {
    return this.#state;
  }
  get isVideoMuted(): boolean {
    return this.#videoMuted;
  }

  #attach(engine: EngineClient | undefined): void {
    this.#engineOff?.();
    if (!engine) return;
    const onState = (d: EngineEventData<'playoutStateChanged'>) => void this.#onState(d);
    const onLate = ({ sid: _sid, ...d }: EngineEventData<'playoutLateStarted'>) => {
      this.#log.warn(d, 'playout started after its scheduled time');
      this.safeEmit('lateStarted', d);
    };
    const onAlert = ({ sid: _sid, ...d }: EngineEventData<'playoutAlerted'>) => {
      this.#log.error(d, `playout alert: ${d.message}`);
      this.safeEmit('alerted', d);
    };
    const onMode = ({ sid: _sid, ...d }: EngineEventData<'playoutModeChosen'>) => {
      this.#log.info(d, `playout ${d.mode} (${d.reason}): ${d.message}`);
      this.safeEmit('modeChosen', d);
    };
    engine.on('playoutStateChanged', onState).on('playoutLateStarted', onLate).on('playoutAlerted', onAlert);
    engine.on('playoutModeChosen', onMode);
    this.#engineOff = () => {
      engine.off('playoutStateChanged', onState).off('playoutLateStarted', onLate).off('playoutAlerted', onAlert);
      engine.off('playoutModeChosen', onMode);
    };
  }

  async #onState({ sid: _sid, ...d }: EngineEventData<'playoutStateChanged'>): Promise<void> {
    this.#state = d.state;
    this.#stateSinceMs = d.atMs;
    this.#log.info(d, `playout ${d.state} (${d.reason})`);
    this.safeEmit('stateChanged', d);
    // The room (a broadcast in auto layout) follows our state: presence first, before the slower steps below.
    this.#publishPresence();
    // Remember the organiser's decision for a rebuilt session (engine restart, bridge re-invite).
    const src = this.#send.source;
    if (d.state === 'paused' && d.positionMs !== null)
      src.hold = { state: 'paused', positionMs: Math.round(d.positionMs) };
    else if (d.state === 'ended' || d.state === 'stopped') src.hold = { state: d.state };
    else if (d.state === 'scheduled' || d.state === 'playing') {
      delete src.hold;
      const st = await this.status().catch(() => null);
      const start = st?.effectiveStartMs;
      if (start !== null && start !== undefined && Math.round(start) !== this.#startsAtMs) {
        this.#startsAtMs = Math.round(start);
        this.#publishPresence();
      }
      // Once the talk plays, or when it moved (start now, restart, resume, late start), a session rebuilt by this
      // participant (engine crash, bridge re-invite) continues on that timeline instead of starting over.
      if (start !== null && start !== undefined && (d.state === 'playing' || start !== this.#spec.startsAt)) {
        src.startsAt = Math.round(start);
        src.latePolicy = 'join-in';
      }
    }
    // The live speaker takes over after the talk: SourceInfo muted (black video), and back when a talk plays again.
    if (this.#spec.muteVideoAfterEnd) {
      if ((d.state === 'ended' || d.state === 'stopped') && !this.#videoMuted) await this.#setVideoMuted(true);
      else if (d.state === 'playing' && this.#videoMuted) await this.#setVideoMuted(false);
    }
  }

  /**
   * `<stagecast-playout state talk starts-at since>` in our presence (playout-presence.ts), re-sent with every presence;
   * serialised so the room sees the states in order.
   */
  #publishPresence(): void {
    const ext = playoutPresenceExtension({
      state: this.#state,
      talk: this.#spec.countdown.title,
      startsAtMs: this.#startsAtMs,
      sinceMs: this.#stateSinceMs,
    });
    this.#presenceChain = this.#presenceChain.then(async () => {
      const j = this.participant.jitsi;
      if (!j || this.participant.isClosed) return;
      await j
        .setPresenceExtension(ext)
        .catch((err: unknown) =>
          this.#log.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'playout: publishing our state in presence failed',
          ),
        );
    });
  }

  async #setVideoMuted(muted: boolean): Promise<void> {
    const j = this.participant.jitsi;
    if (!j) return;
    try {
      await j.setMuted('video', muted);
      this.#videoMuted = muted;
      this.safeEmit('videoMuteChanged', muted);
    } catch (err) {
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'playout: (un)muting our video failed');
    }
  }

  #engine(): EngineClient {
    const e = this.participant.engine;
    if (!e || this.participant.isClosed) {
      throw new ParticipantError(
        'invalid-options',
        'the playout participant has left or its engine is restarting; retry in a moment',
      );
    }
    return e;
  }

  /** Engine-side status (state, position, duration, switch time). Rejects until the room's session exists. */
  async status(): Promise<PlayoutStatus> {
    return this.#engine().request('playout.status', {}, { timeoutMs: ACTION_TIMEOUT_MS });
  }

  /** Organiser control; rejects with the engine's reason when the action does not apply in this state. */
  async control(action: PlayoutAction): Promise<PlayoutStatus> {
    return this.#engine().request('playout.control', { action }, { timeoutMs: ACTION_TIMEOUT_MS });
  }
  startNow(): Promise<PlayoutStatus> {
    return this.control('startNow');
  }
  pause(): Promise<PlayoutStatus> {
    return this.control('pause');
  }
  resume(): Promise<PlayoutStatus> {
    return this.control('resume');
  }
  skip(): Promise<PlayoutStatus> {
    return this.control('skip');
  }
  stop(): Promise<PlayoutStatus> {
    return this.control('stop');
  }
  restart(): Promise<PlayoutStatus> {
    return this.control('restart');
  }

  /** Leaves the room (engine EOS first). Idempotent. */
  close(): Promise<void> {
    return this.participant.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ParticipantError('aborted', 'playout start aborted before joining'));
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(new ParticipantError('aborted', 'playout start aborted before joining'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Joins the room (waiting until T − joinBeforeMs if called earlier) as the playout participant; resolves once joined.
 * The countdown shows at once, the file is opened and prerolled `openAheadMs` before T, and the talk starts on the
 * frame whose wall time is T. A bad spec rejects with reason `invalid-options` before anything starts.
 */
export async function startPlayout(options: StartPlayoutOptions): Promise<PlayoutHandle> {
  const log = (options.logger ?? silentLogger).child({ module: 'playout' });
  const parsed = playoutSourceSchema.safeParse({ kind: 'playout', ...options.playout });
  if (!parsed.success) {
    throw new ParticipantError('invalid-options', `playout options are invalid: ${parsed.error.message}`);
  }
  const loc = parsed.data.location;
  const path = loc.startsWith('file://') ? fileURLToPath(loc) : /^[a-z][a-z0-9+.-]*:\/\//i.test(loc) ? null : loc;
  if (path !== null && !existsSync(path)) {
    throw new ParticipantError(
      'invalid-options',
      `talk file ${path} does not exist: check the playout location (an absolute path or URI)`,
    );
  }
  const joinAt = parsed.data.startsAt - (options.joinBeforeMs ?? 120_000);
  const wait = joinAt - Date.now();
  if (wait > 0) {
    log.info({ joinInMs: wait }, 'playout: waiting to join the room before the talk');
    await sleep(wait, options.signal);
  }
  // A mutable copy: the handle updates `hold`/`startsAt` so a rebuilt session continues where the room was.
  const source: PlayoutSourceInput = { kind: 'playout', ...options.playout };
  const send: SendSpec & { source: PlayoutSourceInput } = {
    source,
    ...(options.encoder ? { encoder: options.encoder } : {}),
    ...(options.videoCodec ? { videoCodec: options.videoCodec } : {}),
  };
  const participant = await startParticipant({
    meeting: options.meeting,
    media: { send, ...(options.receive ? { receive: options.receive } : {}) },
    ...(options.engine ? { engine: options.engine } : {}),
    logger: options.logger ?? silentLogger,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return new PlayoutHandle(participant, send, log);
}
