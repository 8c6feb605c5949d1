/**
 * The MediaPort handed to @stagecast/jitsi once, for the whole stay in the room, while the engine behind it may be
 * replaced (media-engine.md §6: a crashed or hung engine is restarted without leaving the MUC). Calls made while no
 * engine is running wait for the next one (bounded by a timeout); the old engine's events are never forwarded, so the
 * Jingle layer is told to restart only by the supervisor, once the new engine is ready (docs/jitsi-protocol.md §14).
 * Remote sources are enriched with the owner's display name for templates ({nick}).
 *
 * After a restart our sources get fresh SSRCs (names stay): receivers and the bridge dropped the old SSRCs with the
 * source-remove of the terminated session, and a re-signalled old SSRC would hit their stale demuxer state.
 */
import type { AnswerResult, MediaPort, MediaPortEvent, OpenSessionParams, RemoteCandidateParams, RemoteDescriptionParams, RemoteSource } from '@stagecast/jitsi';
import { randomInt } from 'node:crypto';
import type { EngineClient } from '@stagecast/media';

export class SupervisedMediaPort implements MediaPort {
  #engine: EngineClient | undefined;
  #unsubscribe: (() => void) | undefined;
  readonly #listeners = new Set<(e: MediaPortEvent) => void>();
  /** Sessions opened on the current engine (a session of a dead engine needs no close). */
  readonly #sids = new Set<string>();
  #waiters: { resolve: (e: EngineClient) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  #closed = false;
  #generation = 0;
  /** Our signalled SSRC → the SSRC used with the current engine (identity for the first engine). */
  readonly #ssrcs = new Map<number, number>();

  constructor(
    private readonly nickOf: (endpointId: string) => string | undefined,
    private readonly waitTimeoutMs = 60_000,
  ) {}

  get engine(): EngineClient | undefined {
    return this.#engine;
  }

  /** Installs a running engine (first start or a restart). */
  setEngine(engine: EngineClient): void {
    this.#unsubscribe?.();
    this.#sids.clear();
    if (this.#engine || this.#generation > 0) this.#ssrcs.clear();
    this.#generation++;
    this.#engine = engine;
    this.#unsubscribe = engine.subscribe((e) => {
      if (e.type === 'sessionLost') return; // the supervisor requests the restart once a new engine runs
      for (const l of [...this.#listeners]) l(e as MediaPortEvent);
    });
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(engine);
    }
  }

  /** The engine died: calls wait for setEngine(). */
  clearEngine(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#engine = undefined;
    this.#sids.clear();
  }

  close(): void {
    this.#closed = true;
    this.clearEngine();
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('participant closed'));
    }
  }

  #running(): Promise<EngineClient> {
    if (this.#closed) return Promise.reject(new Error('participant closed'));
    const e = this.#engine;
    if (e && e.state === 'running') return Promise.resolve(e);
    return new Promise((resolve, reject) => {
      const w = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          reject(new Error(`no media engine running within ${this.waitTimeoutMs} ms`));
        }, this.waitTimeoutMs),
      };
      this.#waiters.push(w);
    });
  }

  enrich(sources: RemoteSource[]): RemoteSource[] {
    return sources.map((s) => {
      if (s.nick || s.owner === 'jvb') return s;
      const nick = this.nickOf(s.owner);
      return nick ? { ...s, nick } : s;
    });
  }

  #localSsrc(ssrc: number): number {
    if (this.#generation <= 1) return ssrc;
    let mapped = this.#ssrcs.get(ssrc);
    if (mapped === undefined) {
      const used = new Set(this.#ssrcs.values());
      do mapped = randomInt(1, 0xffffffff);
      while (used.has(mapped) || mapped === ssrc);
      this.#ssrcs.set(ssrc, mapped);
    }
    return mapped;
  }

  async openSession(params: OpenSessionParams): Promise<void> {
    const e = await this.#running();
    await e.openSession({ ...params, localSources: params.localSources.map((s) => ({ ...s, ssrc: this.#localSsrc(s.ssrc) })) });
    if (this.#engine === e) this.#sids.add(params.sid);
  }

  async applyRemoteOffer(params: RemoteDescriptionParams): Promise<AnswerResult> {
    const e = await this.#running();
    return e.applyRemoteOffer({ ...params, remoteSources: this.enrich(params.remoteSources) });
  }

  async addRemoteCandidate(params: RemoteCandidateParams): Promise<void> {
    const e = this.#engine;
    // Candidates of a session on a dead engine are meaningless; the restarted session brings its own.
    if (!e || e.state !== 'running' || !this.#sids.has(params.sid)) return;
    await e.addRemoteCandidate(params);
  }

  async closeSession(sid: string): Promise<void> {
    const e = this.#engine;
    if (!e || !this.#sids.delete(sid)) return;
    await e.closeSession(sid);
  }

  subscribe(listener: (event: MediaPortEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
