/**
 * `startParticipant()`: the one composition of @stagecast/jitsi (signaling) and @stagecast/media (GStreamer engine
 * process) into a running Jitsi participant, shared by the CLI and the stage worker so the wiring exists once.
 *
 * - Start: engine → user pipelines validated in the engine (a bad pipeline fails before we join anybody) → join.
 * - Supervision (media-engine.md §6, jitsi-protocol.md §14): on engine `died` (crash, or the watchdog killed a hung
 *   engine) a new engine is started with bounded backoff, then the Jingle layer sends session-terminate with
 *   `bridge-session restart="true"`; focus re-invites and media resumes without leaving the MUC.
 * - Leave (jitsi-protocol.md §16): engine EOS first (recordings finalised), then bridge channel, then unavailable
 *   presence and stream close. close() is idempotent.
 */
import {
  ConferenceError,
  ConnectionError,
  createParticipant,
  type JitsiError,
  type JitsiParticipant,
  type Logger,
  type Occupant,
  type ParticipantOptions,
  type RemoteSource,
  silentLogger,
} from '@stagecast/jitsi';
import {
  createEngine,
  EngineRequestError,
  EngineStartError,
  type CreateEngineOptions,
  type EngineClient,
  type EngineDiedError,
  type ReceiveSpec,
  type SendSpec,
  type SourceStats,
} from '@stagecast/media';
import { ParticipantError } from './errors.js';
import { TypedEmitter } from './events.js';
import { receiverConstraints, type ReceiveVideoOptions } from './receive-constraints.js';
import { backoffRestartPolicy, type EngineRestartPolicy } from './restart-policy.js';
import { SupervisedMediaPort } from './supervised-media-port.js';

/** Signaling options: everything of @stagecast/jitsi's ParticipantOptions except what this package wires itself. */
export type MeetingOptions = Omit<ParticipantOptions, 'media' | 'send' | 'receiveVideo' | 'h264' | 'logger'>;

export interface StartParticipantOptions {
  meeting: MeetingOptions;
  /** What we publish (absent: receive only) and what we do with what we receive (absent: discard). */
  media: { send?: SendSpec; receive?: ReceiveSpec };
  receiveVideo?: ReceiveVideoOptions;
  engine?: Pick<CreateEngineOptions, 'entry' | 'args' | 'env' | 'startTimeoutMs' | 'timings'> & {
    restartPolicy?: EngineRestartPolicy;
  };
  logger?: Logger;
  /** Aborting stops the start (rejects with reason `aborted`) or, once started, leaves cleanly. */
  signal?: AbortSignal;
}

export interface RemoteParticipant {
  id: string;
  nick?: string;
}

/** A remote source that arrived at the engine and got its own branch (template, shared pad or discard). */
export interface ReceivedSource {
  participantId: string;
  nick?: string;
  sourceName: string;
  media: 'audio' | 'video';
  ssrc: number;
  videoType?: 'camera' | 'desktop';
  /** `template` / `shared` / `fakesink` */
  sink: string;
}

export interface SourceRate extends SourceStats {
  nick?: string;
}

export interface ParticipantStats {
  at: number;
  sources: SourceRate[];
  engineRssBytes?: number;
}

export type LeftReason = { kind: 'requested' } | { kind: 'failed'; error: ParticipantError };

export type ParticipantHandleEvents = {
  joined: [{ endpointId: string; roomJid: string }];
  participantJoined: [RemoteParticipant];
  participantLeft: [RemoteParticipant];
  sourceAdded: [ReceivedSource];
  sourceRemoved: [ReceivedSource, reason: string];
  firstFrameDecoded: [ReceivedSource, msSincePad: number];
  stats: [ParticipantStats];
  sessionStarted: [sid: string];
  sessionEnded: [sid: string, reason: string];
  engineRestarted: [{ pid: number | undefined; reason: string; restarts: number }];
  /** A GStreamer error inside the engine (bad caps at runtime, a sink that cannot write…). */
  mediaErrorOccurred: [{ element: string; message: string }];
  /** Non-fatal signaling problems (a failed re-offer, no bridge channel…). */
  warningOccurred: [Error];
  left: [LeftReason];
};

const VALIDATE_SID = 'stagecast-validate';

function sendsWhat(send: SendSpec | undefined): { audio: boolean; video: boolean; desktop: boolean } {
  return { ...sendsMain(send), desktop: send?.desktop !== undefined };
}

function sendsMain(send: SendSpec | undefined): { audio: boolean; video: boolean } {
  if (!send) return { audio: false, video: false };
  const s = send.source;
  switch (s.kind) {
    case 'test':
    case 'file':
      return { audio: s.audio !== false, video: s.video !== false };
    case 'pipeline':
      // The engine publishes only what the user pipeline names (media-engine.md §7 "send (any user pipeline)").
      return { audio: /\bname\s*=\s*"?audio\b/.test(s.description), video: /\bname\s*=\s*"?video\b/.test(s.description) };
    case 'countdown':
      // Video always; audio only with beeps (the engine builds no audio leg otherwise).
      return { audio: s.style?.beeps?.enabled === true, video: true };
    default:
      return { audio: true, video: true };
  }
}

function joinError(err: unknown): ParticipantError {
  if (err instanceof ParticipantError) return err;
  if (err instanceof ConnectionError || err instanceof ConferenceError) {
    return new ParticipantError('join-failed', `could not join the meeting (${err.code}): ${err.message}`, { cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new ParticipantError('join-failed', `could not join the meeting: ${msg}`, { cause: err });
}

function pipelineError(err: unknown): ParticipantError {
  if (err instanceof EngineRequestError && (err.reason === 'pipeline' || err.reason === 'bad-request')) {
    const element = err.details['element'] ?? err.details['name'];
    return new ParticipantError(
      'bad-pipeline',
      `${err.message.replace(/^session\.open: /, '')}${element && !err.message.includes(element) ? ` (element "${element}")` : ''}`,
      { cause: err, details: err.details },
    );
  }
  if (err instanceof EngineStartError) {
    return new ParticipantError('engine-start-failed', `the media engine did not start: ${err.message}`, { cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new ParticipantError('engine-start-failed', `the media engine failed while checking the pipelines: ${msg}`, { cause: err });
}

export class ParticipantHandle extends TypedEmitter<ParticipantHandleEvents> {
  #jitsi: JitsiParticipant | undefined;
  readonly #port: SupervisedMediaPort;
  readonly #log: Logger;
  readonly #o: StartParticipantOptions;
  readonly #policy: EngineRestartPolicy;
  readonly #received = new Map<number, ReceivedSource>();
  readonly #remoteSources = new Map<number, RemoteSource>();
  readonly #restartTimes: number[] = [];
  #engineOff: (() => void) | undefined;
  #sid: string | undefined;
  #closing: Promise<void> | undefined;
  #restarting = false;
  #leftEmitted = false;

  /** @internal use startParticipant() */
  constructor(o: StartParticipantOptions, log: Logger) {
    super(log);
    this.#o = o;
    this.#log = log;
    this.#policy = o.engine?.restartPolicy ?? backoffRestartPolicy();
    this.#port = new SupervisedMediaPort((ep) => this.#nickOf(ep));
  }

  get endpointId(): string | undefined {
    return this.#jitsi?.endpointId;
  }
  get jitsi(): JitsiParticipant | undefined {
    return this.#jitsi;
  }
  get engine(): EngineClient | undefined {
    return this.#port.engine;
  }
  get enginePid(): number | undefined {
    return this.#port.engine?.pid;
  }
  get participants(): RemoteParticipant[] {
    return (this.#jitsi?.occupants ?? []).filter((o) => !o.isFocus).map((o) => this.#remote(o));
  }
  get receivedSources(): ReceivedSource[] {
    return [...this.#received.values()];
  }
  get isClosed(): boolean {
    return this.#closing !== undefined;
  }

  #nickOf(endpointId: string): string | undefined {
    return this.#jitsi?.occupants.find((o) => o.nick === endpointId)?.displayName;
  }

  #remote(o: Occupant): RemoteParticipant {
    return { id: o.nick, ...(o.displayName ? { nick: o.displayName } : {}) };
  }

  async #newEngine(): Promise<EngineClient> {
    const e = this.#o.engine;
    return createEngine({
      logger: this.#log,
      media: { ...(this.#o.media.send ? { send: this.#o.media.send } : {}), ...(this.#o.media.receive ? { receive: this.#o.media.receive } : {}) },
      ...(e?.entry ? { entry: e.entry } : {}),
      ...(e?.args ? { args: e.args } : {}),
      ...(e?.env ? { env: e.env } : {}),
      ...(e?.startTimeoutMs ? { startTimeoutMs: e.startTimeoutMs } : {}),
      ...(e?.timings ? { timings: e.timings } : {}),
    });
  }

  #attachEngine(engine: EngineClient): void {
    this.#engineOff?.();
    const onPad = (d: { sid: string; ssrc: number; media: 'audio' | 'video'; owner?: string | undefined; name?: string | undefined; sink: string }) => {
      if (d.sid !== this.#sid || !d.owner || d.owner === 'jvb') return;
      const r = this.#remoteSources.get(d.ssrc);
      const nick = this.#nickOf(d.owner);
      const src: ReceivedSource = {
        participantId: d.owner,
        sourceName: d.name ?? r?.name ?? `${d.owner}-${d.media[0]}?`,
        media: d.media,
        ssrc: d.ssrc,
        sink: d.sink,
        ...(nick ? { nick } : {}),
        ...(r?.videoType ? { videoType: r.videoType } : {}),
      };
      this.#received.set(d.ssrc, src);
      this.safeEmit('sourceAdded', src);
    };
    const onRemoved = (d: { sid: string; ssrc: number; reason: string }) => {
      if (d.sid !== this.#sid) return;
      const src = this.#received.get(d.ssrc);
      if (!src) return;
      this.#received.delete(d.ssrc);
      this.safeEmit('sourceRemoved', src, d.reason);
    };
    const onFirst = (d: { sid: string; ssrc: number; msSincePad: number }) => {
      const src = d.sid === this.#sid ? this.#received.get(d.ssrc) : undefined;
      if (src) this.safeEmit('firstFrameDecoded', src, d.msSincePad);
    };
    const onStats = (d: { sid: string; at: number; sources: SourceStats[] }) => {
      if (d.sid !== this.#sid) return;
      const rss = engine.lastHeartbeat?.rssBytes;
      this.safeEmit('stats', {
        at: d.at,
        sources: d.sources.map((s) => {
          const nick = s.owner ? this.#nickOf(s.owner) : undefined;
          return nick ? { ...s, nick } : s;
        }),
        ...(rss !== undefined ? { engineRssBytes: rss } : {}),
      });
    };
    const onBusError = (d: { sid?: string | undefined; element: string; message: string }) => {
      if (d.sid === VALIDATE_SID) return;
      this.safeEmit('mediaErrorOccurred', { element: d.element, message: d.message });
    };
    const onDied = (err: EngineDiedError) => void this.#onEngineDied(engine, err);
    engine.on('remotePadAdded', onPad).on('remoteBranchRemoved', onRemoved).on('firstFrameDecoded', onFirst);
    engine.on('stats', onStats).on('busError', onBusError).on('died', onDied);
    this.#engineOff = () => {
      engine.off('remotePadAdded', onPad).off('remoteBranchRemoved', onRemoved).off('firstFrameDecoded', onFirst);
      engine.off('stats', onStats).off('busError', onBusError).off('died', onDied);
    };
    this.#port.setEngine(engine);
  }

  /** Start-up: engine, pipeline check, join. */
  async start(): Promise<void> {
    const signal = this.#o.signal;
    const aborted = () => new ParticipantError('aborted', 'start aborted (interrupted before the participant joined)');
    if (signal?.aborted) throw aborted();
    let engine: EngineClient;
    try {
      engine = await this.#newEngine();
    } catch (err) {
      throw pipelineError(err);
    }
    this.#attachEngine(engine);
    try {
      // Parse the user's pipelines in the engine now: mistakes surface before we join (and name the element).
      await engine.request('session.open', {
        sid: VALIDATE_SID,
        localSources: [],
        ...(this.#o.media.send ? { send: this.#o.media.send } : {}),
        ...(this.#o.media.receive ? { receive: this.#o.media.receive } : {}),
      });
      await engine.request('session.close', { sid: VALIDATE_SID });
    } catch (err) {
      await this.#teardown();
      throw pipelineError(err);
    }
    if (signal?.aborted) {
      await this.#teardown();
      throw aborted();
    }
    const send = sendsWhat(this.#o.media.send);
    const onAbort = () => void this.close();
    try {
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#jitsi = await createParticipant({
        ...this.#o.meeting,
        media: this.#port,
        send,
        receiveVideo: receiverConstraints(this.#o.receiveVideo),
        h264: this.#o.media.send?.videoCodec === 'h264',
        logger: this.#log,
      });
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      await this.#teardown();
      throw signal?.aborted ? aborted() : joinError(err);
    }
    if (this.#closing) {
      await this.#jitsi.close();
      throw aborted();
    }
    this.#wireJitsi(this.#jitsi);
    this.safeEmit('joined', { endpointId: this.#jitsi.endpointId, roomJid: this.#jitsi.roomJid });
    for (const p of this.participants) this.safeEmit('participantJoined', p);
  }

  #wireJitsi(j: JitsiParticipant): void {
    j.on('occupantJoined', (o) => {
      if (!o.isFocus) this.safeEmit('participantJoined', this.#remote(o));
    });
    j.on('occupantLeft', (o) => {
      if (!o.isFocus) this.safeEmit('participantLeft', this.#remote(o));
    });
    j.on('sessionStarted', (sid) => {
      this.#sid = sid;
      this.safeEmit('sessionStarted', sid);
    });
    j.on('sessionEnded', (sid, reason) => {
      if (this.#sid === sid) this.#sid = undefined;
      for (const src of [...this.#received.values()]) this.safeEmit('sourceRemoved', src, 'session-ended');
      this.#received.clear();
      this.safeEmit('sessionEnded', sid, `${reason.condition}${reason.text ? `: ${reason.text}` : ''}`);
    });
    j.on('remoteSourcesChanged', (sources) => {
      this.#remoteSources.clear();
      for (const s of sources) this.#remoteSources.set(s.ssrc, s);
    });
    j.on('errorOccurred', (err: JitsiError) => {
      const reason = (err as { reason?: string }).reason;
      if (err instanceof ConnectionError) {
        void this.#fail(new ParticipantError('connection-lost', `lost the connection to the meeting: ${err.message}`, { cause: err }));
      } else if (err instanceof ConferenceError && (reason === 'kicked' || reason === 'room-destroyed')) {
        void this.#fail(new ParticipantError('removed-from-room', err.message, { cause: err }));
      } else {
        this.safeEmit('warningOccurred', err);
      }
    });
    j.on('closed', () => {
      if (!this.#closing) void this.#fail(new ParticipantError('connection-lost', 'the signaling connection closed unexpectedly; run the participant again'));
    });
  }

  async #onEngineDied(engine: EngineClient, err: EngineDiedError): Promise<void> {
    if (this.#closing || this.#port.engine !== engine || this.#restarting) return;
    this.#restarting = true;
    this.#engineOff?.();
    this.#engineOff = undefined;
    this.#port.clearEngine();
    const why = `engine ${err.reason}${err.signal ? ` (${err.signal})` : ''}`;
    this.#log.error({ reason: err.reason, code: err.exitCode, signal: err.signal }, 'media engine died: restarting it');
    for (const src of [...this.#received.values()]) this.safeEmit('sourceRemoved', src, 'engine-died');
    this.#received.clear();
    try {
      for (let attempt = 0; ; attempt++) {
        const now = Date.now();
        while (this.#restartTimes.length && now - this.#restartTimes[0]! > this.#policy.windowMs) this.#restartTimes.shift();
        const delay = this.#policy.nextDelayMs({ recent: this.#restartTimes.length, attempt });
        if (delay === null) {
          await this.#fail(
            new ParticipantError(
              'engine-restarts-exhausted',
              `the media engine died ${this.#restartTimes.length + 1} times within ${Math.round(this.#policy.windowMs / 1000)} s (last: ${why}); ` +
                `check the pipelines and GStreamer installation. ${err.stderrTail ? `Last engine stderr: ${err.stderrTail.slice(-400)}` : ''}`,
              { cause: err },
            ),
          );
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
        if (this.#closing) return;
        this.#restartTimes.push(Date.now());
        try {
          const next = await this.#newEngine();
          if (this.#closing) {
            await next.close();
            return;
          }
          this.#attachEngine(next);
          this.safeEmit('engineRestarted', { pid: next.pid, reason: why, restarts: this.#restartTimes.length });
          break;
        } catch (startErr) {
          this.#log.error({ err: startErr instanceof Error ? startErr.message : String(startErr) }, 'engine restart failed');
        }
      }
    } finally {
      this.#restarting = false;
    }
    void this.#requestNewSession(why);
  }

  /** §14: session-terminate + bridge-session restart="true"; jicofo rate-limits (≥ 5 s apart), so retry. */
  async #requestNewSession(why: string): Promise<void> {
    for (let i = 0; i < 20 && !this.#closing; i++) {
      const jingle = this.#jitsi?.jingle;
      if (!jingle?.sid) return; // alone in the room: the next session-initiate lands on the new engine anyway
      if (jingle.requestRestart(`media ${why}`)) return;
      await new Promise((r) => setTimeout(r, 1500));
    }
  }

  /** Asks the bridge for a different video quality / last-N / selection (ReceiverVideoConstraints). */
  setReceiveVideo(o: ReceiveVideoOptions): void {
    this.#jitsi?.setReceiverConstraints(receiverConstraints(o));
  }

  async #fail(error: ParticipantError): Promise<void> {
    if (this.#closing) return;
    this.#log.error({ reason: error.reason }, error.message);
    await this.#leave({ kind: 'failed', error });
  }

  async #teardown(): Promise<void> {
    this.#engineOff?.();
    this.#engineOff = undefined;
    const engine = this.#port.engine;
    this.#port.close();
    // Engine first: EOS lets muxers write their indexes and playlists close (§16 step 1).
    await engine?.close().catch((err: unknown) => this.#log.warn({ err }, 'engine close failed'));
    // Then bridge channel, unavailable presence, stream close (§16 steps 2–5).
    await this.#jitsi?.close().catch((err: unknown) => this.#log.warn({ err }, 'leaving the room failed'));
  }

  #leave(reason: LeftReason): Promise<void> {
    this.#closing ??= (async () => {
      await this.#teardown();
      if (!this.#leftEmitted) {
        this.#leftEmitted = true;
        this.safeEmit('left', reason);
      }
      this.removeAllListeners();
    })();
    return this.#closing;
  }

  /** Leaves cleanly (engine EOS → bridge channel → unavailable presence). Idempotent. */
  close(): Promise<void> {
    return this.#leave({ kind: 'requested' });
  }
}

/** Starts the engine, checks the pipelines, joins the room; resolves once joined (media follows with the session). */
export async function startParticipant(options: StartParticipantOptions): Promise<ParticipantHandle> {
  const log = (options.logger ?? silentLogger).child({ module: 'participant' });
  const h = new ParticipantHandle(options, log);
  await h.start();
  return h;
}

