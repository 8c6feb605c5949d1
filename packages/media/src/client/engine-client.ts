/**
 * Supervises one engine child process (docs/media-engine.md §6, modelled on mediasoup's Worker/Channel): typed requests
 * with per-request timeouts, validated events, a heartbeat watchdog, `died` versus `closed`, idempotent close().
 *
 * It also satisfies packages/jitsi's `MediaPort` structurally (openSession, applyRemoteOffer, addRemoteCandidate,
 * closeSession, subscribe) so a composition root can hand it to the Jingle layer directly.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EngineDiedError, EngineRequestError, InvalidStateError, type EngineRequestErrorReason } from '../errors.js';
import { TypedEmitter, type Logger } from '../events.js';
import {
  eventSchemas,
  parseEngineLine,
  requestSchemas,
  resultSchemas,
  type AnswerResult,
  type EngineEventData,
  type EngineEventName,
  type LocalSourceRequest,
  type MediaConnectionState,
  type Method,
  type ReceiveSpec,
  type RemoteSource,
  type RequestParams,
  type RequestResult,
  type SendSpec,
} from '../protocol/messages.js';

export type EngineClientState = 'running' | 'closing' | 'closed' | 'died';

export type EngineClientEvents = {
  [E in EngineEventName]: [EngineEventData<E>];
} & {
  died: [EngineDiedError];
  closed: [];
};

/** Mirror of packages/jitsi MediaPortEvent (structural). */
export type MediaPortEvent =
  | { type: 'localCandidate'; sid: string; mid: string; mlineIndex: number; candidate: string }
  | { type: 'iceGatheringCompleted'; sid: string }
  | { type: 'connectionStateChanged'; sid: string; state: MediaConnectionState }
  | { type: 'sessionLost'; sid: string; reason: string };

export interface EngineClientTimings {
  /** Default per-request timeout (a timeout kills the engine: a stuck request means a stuck engine). */
  requestTimeoutMs: number;
  heartbeatTimeoutMs: number;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** EOS budget asked of the engine at close(). */
  shutdownEosTimeoutMs: number;
}

export interface MediaDefaults {
  send?: SendSpec;
  receive?: ReceiveSpec;
  firstCapsTimeoutMs?: number;
  /** Pipeline clock of every session (`realtime`: wall ns = base time + running time, see `pipelineClock`). */
  clock?: 'system' | 'realtime';
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const STDERR_TAIL = 8192;

export class EngineClient extends TypedEmitter<EngineClientEvents> {
  #state: EngineClientState = 'running';
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #child: ChildProcess;
  readonly #out: Writable;
  readonly #log: Logger;
  readonly #timings: EngineClientTimings;
  #stderrTail = '';
  #lastHeartbeat = Date.now();
  #ready = false;
  #watchdog: NodeJS.Timeout;
  #dieReason: EngineDiedError['reason'] | null = null;
  #closing: Promise<void> | null = null;
  #killTimer: NodeJS.Timeout | null = null;
  readonly #exited: Promise<void>;
  readonly #openSids = new Set<string>();
  #mediaDefaults: MediaDefaults = {};
  /** Last heartbeat payload (rss, cpu) for status lines. */
  lastHeartbeat: EngineEventData<'heartbeat'> | null = null;

  /** @internal use createEngine() */
  constructor(child: ChildProcess, logger: Logger, timings: EngineClientTimings) {
    super((event, err) => logger.error({ err, event }, 'engine client listener threw'));
    this.#child = child;
    this.#log = logger;
    this.#timings = timings;
    const out = child.stdio[3] as Writable | null;
    const input = child.stdio[4] as Readable | null;
    if (!out || !input) throw new Error('engine child must be spawned with stdio pipes on fd 3 and fd 4');
    this.#out = out;
    this.#out.on('error', (err) => this.#log.debug({ err }, 'engine request pipe error'));
    this.#readLines(input, (line) => this.#onLine(line));
    this.#readLines(child.stdout, (line) => this.#log.info({ engine: 'stdout' }, line));
    this.#readLines(child.stderr, (line) => {
      this.#stderrTail = (this.#stderrTail + line + '\n').slice(-STDERR_TAIL);
      this.#log.warn({ engine: 'stderr' }, line);
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#onExit(code, signal);
        resolve();
      });
    });
    this.#watchdog = setInterval(() => {
      // Before `ready` the start timeout of createEngine() applies (node-gtk start-up takes seconds on a busy host).
      if (this.#state !== 'running' || !this.#ready) return;
      const silent = Date.now() - this.#lastHeartbeat;
      if (silent > this.#timings.heartbeatTimeoutMs) {
        this.#log.error({ silentMs: silent }, 'engine heartbeat lost: killing the engine');
        this.#kill('watchdog-heartbeat');
      }
    }, 250);
  }

  get state(): EngineClientState {
    return this.#state;
  }
  get pid(): number | undefined {
    return this.#child.pid;
  }
  get stderrTail(): string {
    return this.#stderrTail;
  }

  /** Send/receive specs merged into every openSession() (the MediaPort carries no pipeline options). */
  setMediaDefaults(defaults: MediaDefaults): void {
    this.#mediaDefaults = { ...defaults };
  }

  /** Typed request; params are validated here and again in the engine. */
  async request<M extends Method>(
    method: M,
    params: RequestParams<M>,
    opts: { timeoutMs?: number } = {},
  ): Promise<RequestResult<M>> {
    if (this.#state !== 'running')
      throw new InvalidStateError(`engine client is ${this.#state}: cannot call ${method}`);
    return this.#send(method, params, opts.timeoutMs ?? this.#timings.requestTimeoutMs);
  }

  #send<M extends Method>(method: M, params: RequestParams<M>, timeoutMs: number): Promise<RequestResult<M>> {
    const parsed = requestSchemas[method].safeParse(params);
    if (!parsed.success) {
      return Promise.reject(new EngineRequestError('bad-request', method, parsed.error.message));
    }
    // Ids wrap at 2^32 (media-engine.md §6).
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) % 2 ** 32;
    return new Promise<RequestResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new EngineRequestError('timeout', method, `no response within ${timeoutMs} ms; the engine is killed`));
        this.#log.error({ method, timeoutMs }, 'engine request timed out: killing the engine');
        this.#kill('watchdog-request-timeout');
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        timer,
        reject,
        resolve: (v) => {
          const r = resultSchemas[method].safeParse(v);
          if (r.success) resolve(r.data as RequestResult<M>);
          else
            reject(
              new EngineRequestError('internal', method, `engine returned a malformed result: ${r.error.message}`),
            );
        },
      });
      this.#out.write(JSON.stringify({ id, method, params: parsed.data }) + '\n');
    });
  }

  // ---- MediaPort (structural) ----

  async openSession(params: {
    sid: string;
    localSources: LocalSourceRequest[];
    iceServers: { urls: string; username?: string; credential?: string }[];
  }): Promise<void> {
    await this.request('session.open', {
      ...params,
      ...(this.#mediaDefaults.send ? { send: this.#mediaDefaults.send } : {}),
      ...(this.#mediaDefaults.receive ? { receive: this.#mediaDefaults.receive } : {}),
      ...(this.#mediaDefaults.firstCapsTimeoutMs ? { firstCapsTimeoutMs: this.#mediaDefaults.firstCapsTimeoutMs } : {}),
      ...(this.#mediaDefaults.clock ? { clock: this.#mediaDefaults.clock } : {}),
    });
    this.#openSids.add(params.sid);
  }

  applyRemoteOffer(params: { sid: string; sdp: string; remoteSources: RemoteSource[] }): Promise<AnswerResult> {
    return this.request('session.applyRemoteOffer', params);
  }

  async addRemoteCandidate(params: { sid: string; mid: string; mlineIndex: number; candidate: string }): Promise<void> {
    await this.request('session.addRemoteCandidate', params);
  }

  async closeSession(sid: string): Promise<void> {
    this.#openSids.delete(sid);
    if (this.#state !== 'running') return; // the engine (and with it the session) is already gone
    await this.request('session.close', { sid });
  }

  subscribe(listener: (event: MediaPortEvent) => void): () => void {
    const onCand = (d: EngineEventData<'localCandidate'>) => listener({ type: 'localCandidate', ...d });
    const onGather = (d: EngineEventData<'iceGatheringCompleted'>) => listener({ type: 'iceGatheringCompleted', ...d });
    const onConn = (d: EngineEventData<'connectionStateChanged'>) => listener({ type: 'connectionStateChanged', ...d });
    const onDied = (err: EngineDiedError) => {
      for (const sid of this.#lostSids) listener({ type: 'sessionLost', sid, reason: err.reason });
    };
    this.on('localCandidate', onCand).on('iceGatheringCompleted', onGather).on('connectionStateChanged', onConn);
    this.on('died', onDied);
    return () => {
      this.off('localCandidate', onCand).off('iceGatheringCompleted', onGather).off('connectionStateChanged', onConn);
      this.off('died', onDied);
    };
  }
  #lostSids: string[] = [];

  // ---- lifecycle ----

  /** Ask for an EOS shutdown, then make sure the process is gone. Idempotent; resolves once the process exited. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      if (this.#state !== 'running') return;
      const eosTimeoutMs = this.#timings.shutdownEosTimeoutMs;
      const req = this.#send('engine.shutdown', { eosTimeoutMs }, eosTimeoutMs + 3000);
      this.#state = 'closing';
      await req.catch((err: unknown) => this.#log.warn({ err }, 'engine did not confirm shutdown'));
      const exited = await Promise.race([
        this.#exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
      ]);
      if (!exited) this.#terminate();
      await this.#exited;
    })();
    return this.#closing;
  }

  #kill(reason: EngineDiedError['reason']): void {
    if (this.#dieReason || this.#state !== 'running') return;
    this.#dieReason = reason;
    this.#terminate();
  }

  /** SIGTERM, then SIGKILL after the grace period: a blocked JS thread cannot run handlers (§6). */
  #terminate(): void {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill('SIGTERM');
    this.#killTimer = setTimeout(() => {
      if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    }, this.#timings.killGraceMs);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(this.#watchdog);
    if (this.#killTimer) clearTimeout(this.#killTimer);
    const requested = this.#state === 'closing' && !this.#dieReason;
    const reason: EngineRequestErrorReason = 'engine-gone';
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new EngineRequestError(reason, p.method, `engine exited (code=${code}, signal=${signal})`));
      this.#pending.delete(id);
    }
    if (requested) {
      this.#state = 'closed';
      this.#log.info({ code, signal }, 'engine closed');
      this.safeEmit('closed');
      return;
    }
    this.#state = 'died';
    const err = new EngineDiedError(
      this.#dieReason ?? (signal || (code !== 0 && code !== null) ? 'crashed' : 'exited'),
      code,
      signal,
      this.#stderrTail,
    );
    this.#log.error({ code, signal, reason: err.reason }, 'engine died');
    this.#lostSids = [...this.#openSids];
    this.#openSids.clear();
    this.safeEmit('died', err);
  }

  #onLine(line: string): void {
    if (!line.trim()) return;
    let msg: ReturnType<typeof parseEngineLine>;
    try {
      msg = parseEngineLine(line);
    } catch (err) {
      this.#log.error({ err, line: line.slice(0, 300) }, 'engine sent an invalid message (ignored)');
      return;
    }
    if (msg.kind === 'response') {
      const p = this.#pending.get(msg.response.id);
      if (!p) return; // late answer after a timeout
      this.#pending.delete(msg.response.id);
      clearTimeout(p.timer);
      if (msg.response.ok) p.resolve(msg.response.result);
      else {
        const e = msg.response.error;
        p.reject(new EngineRequestError(e.code, p.method, e.message, e.details ?? {}));
      }
      return;
    }
    if (msg.event === 'ready') {
      this.#ready = true;
      this.#lastHeartbeat = Date.now();
    }
    if (msg.event === 'heartbeat') {
      this.#lastHeartbeat = Date.now();
      this.lastHeartbeat = msg.data as EngineEventData<'heartbeat'>;
    }
    if (msg.event === 'busError') this.#log.error(msg.data, 'engine bus error');
    this.#emitEngineEvent(msg.event, msg.data);
  }

  #emitEngineEvent<E extends EngineEventName>(event: E, data: unknown): void {
    // Already validated by parseEngineLine against eventSchemas[event].
    void eventSchemas;
    (this.safeEmit as (e: string, d: unknown) => void)(event, data);
  }

  #readLines(stream: Readable | null, onLine: (line: string) => void): void {
    if (!stream) return;
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine(line);
      }
    });
    stream.on('error', () => {});
  }
}
